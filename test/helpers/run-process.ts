// A `wsbench run` in a child process, and reading its database while it runs: what tests that
// interfere with a live run (signals, kills) need.
import fs from 'node:fs';
import { openDatabase } from '../../collector/schema.ts';
import { BIN } from './cli.ts';
import { spawnOwned } from './owned.ts';

export interface StartedRun {
  child: ReturnType<typeof spawnOwned>;
  exit: Promise<number | null>;
  /** The exit code once the run has ended, undefined while it runs. */
  exited: () => number | null | undefined;
  output: () => { stdout: string; stderr: string };
}

export function startRun(args: string[]): StartedRun {
  const child = spawnOwned(process.execPath, [BIN, 'run', ...args]);
  let stderr = '';
  let stdout = '';
  let exitCode: number | null | undefined;
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (d) => (stdout += d));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  return { child, exit, exited: () => exitCode, output: () => ({ stdout, stderr }) };
}

/**
 * Polls `probe` until it gives a value. With `run`, a run that ends first fails at once with its
 * own words, instead of a bare timeout long after the cause.
 */
export async function until<T>(probe: () => T | undefined, timeoutMs: number, what: string, run?: StartedRun): Promise<T> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = probe();
    if (value !== undefined) return value;
    const code = run?.exited();
    if (code !== undefined) throw new Error(`the run exited (code ${code}) before ${what}:\n${run!.output().stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${run ? `; the run said:\n${run.output().stderr.slice(-2000)}` : ''}`);
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
