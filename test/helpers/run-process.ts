// A `wsbench run` in a child process, and reading its database while it runs: what tests that
// interfere with a live run (signals, kills) need.
import fs from 'node:fs';
import { openDatabase } from '../../collector/schema.ts';
import { BIN } from './cli.ts';
import { spawnOwned } from './owned.ts';

export function startRun(args: string[]) {
  const child = spawnOwned(process.execPath, [BIN, 'run', ...args]);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, output: () => ({ stdout, stderr }) };
}

export async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Reads the run's database while the run writes it (WAL lets a reader in). */
export function peek<T>(db: string, read: (d: ReturnType<typeof openDatabase>) => T | undefined): T | undefined {
  if (!fs.existsSync(db)) return undefined;
  let d: ReturnType<typeof openDatabase>;
  try {
    // The run may have created the file but not yet its schema: not readable yet, ask again.
    d = openDatabase(db, { readonly: true });
  } catch {
    return undefined;
  }
  try {
    return read(d);
  } catch {
    return undefined;
  } finally {
    d.close();
  }
}
