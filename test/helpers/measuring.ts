// Test files that measure (real runs, CPU waits, tick timing) take turns: one at a time across
// the suite, while unit files run beside them. A file calls `await measuringAlone()` at its top;
// the turn is a lock directory that names its holder, taken over when the holder is gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_FILE_LIMIT_S, fileLimit } from './harness.ts';

const LOCK = path.join(os.tmpdir(), 'wsbench-tests-measuring.lock');
const POLL_MS = 100;
/** Longest a file waits for its turn: the whole suite's measuring files, with room. */
const WAIT_LIMIT_S = 1800;

function holder(): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(LOCK, 'pid'), 'utf8'));
  } catch {
    return undefined; // being created or removed: look again
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function tryTake(): boolean {
  try {
    fs.mkdirSync(LOCK);
  } catch {
    const pid = holder();
    // A holder killed before it could let go leaves its directory: take it over.
    if (pid !== undefined && pid > 0 && !alive(pid)) fs.rmSync(LOCK, { recursive: true, force: true });
    return false;
  }
  fs.writeFileSync(path.join(LOCK, 'pid'), String(process.pid));
  process.on('exit', () => {
    if (holder() === process.pid) fs.rmSync(LOCK, { recursive: true, force: true });
  });
  return true;
}

/**
 * Waits for this file's turn to measure, then starts its time limit afresh: the wait is not the
 * file's own time. `limitS` raises the limit for a file that needs longer.
 */
export async function measuringAlone(limitS = DEFAULT_FILE_LIMIT_S): Promise<void> {
  fileLimit(WAIT_LIMIT_S, `waiting for its turn to measure (${LOCK} held by pid ${holder() ?? '?'})`);
  while (!tryTake()) await new Promise((r) => setTimeout(r, POLL_MS));
  fileLimit(limitS);
}
