// What `wsbench site build` and `wsbench start` do to the database before the site reads it (the
// site itself only reads): merge the shipped reference runs, and fill in how each backend is shown
// for runs recorded before runs carried it (schema < 4), from the backend's registry entry.
import { importReferenceRuns } from '../collector/reference.ts';
import { openDatabase, type Db } from '../collector/schema.ts';
import { BACKENDS } from '../runners/backends/registry.ts';

export function prepareSiteDatabase(file: string, options: { referenceDir?: string; quiet?: boolean } = {}): void {
  const db = openDatabase(file);
  try {
    if (options.referenceDir) {
      const results = importReferenceRuns(db, options.referenceDir);
      const added = results.filter((r) => r.action !== 'unchanged').length;
      if (!options.quiet || added > 0) process.stderr.write(`wsbench site: ${results.length} reference runs from ${options.referenceDir}${added ? ` (${added} added to ${file})` : ''}\n`);
    }
    fillBackendLooks(db);
  } finally {
    db.close();
  }
}

/** Runs without a label get their registered backend's; a backend no longer registered keeps its name. */
export function fillBackendLooks(db: Db): number {
  const update = db.prepare(`UPDATE runs SET backend_label = ?, backend_title = ?, backend_color = ?, backend_protocol = coalesce(backend_protocol, ?)
    WHERE backend = ? AND backend_label IS NULL`);
  let changed = 0;
  db.transaction(() => {
    for (const b of BACKENDS.values()) changed += update.run(b.label, b.title, b.color, b.protocol, b.name).changes;
  })();
  return changed;
}
