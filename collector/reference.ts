// The reference runs shipped in data/reference (exports of real runs, with the machine they ran
// on inside them), merged into a database so the site shows them beside the user's own runs.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './schema.ts';
import { importRun, parseExport, type ImportResult } from './transfer.ts';

export const REFERENCE_DIR = 'data/reference';

/** Export files in `dir`, in name order; none when the folder is missing. */
export function referenceFiles(dir: string = REFERENCE_DIR): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json') || f.endsWith('.json.gz'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * Imports every reference export; one already present is left alone. A shipped file that changed
 * (a re-measured reference) replaces the older copy: the ids are ours, never a user's run.
 */
export function importReferenceRuns(db: Db, dir: string = REFERENCE_DIR): ImportResult[] {
  return referenceFiles(dir).map((file) => importRun(db, parseExport(fs.readFileSync(file), file), { replace: true }));
}
