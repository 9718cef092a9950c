// A lock between processes of one machine: a directory made atomically, holding its owner's pid.
// A lock whose owner is gone (killed mid-work) is taken over, never waited on for ever.
import fs from 'node:fs';
import path from 'node:path';
import { processAlive } from './process-alive.ts';

/** How long a lock may stand without its owner's pid before it counts as abandoned. */
const UNOWNED_STALE_MS = 10_000;

/**
 * Runs `work` holding the lock at `lockDir`; while another process holds it, waits (calling
 * `onWait` once with that process's pid).
 */
export async function withFileLock<T>(lockDir: string, onWait: (ownerPid: number) => void, work: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let told = false;
  while (!tryTake(lockDir)) {
    const owner = ownerOf(lockDir);
    if (owner !== undefined && !told) {
      onWait(owner);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function tryTake(lockDir: string): boolean {
  try {
    fs.mkdirSync(lockDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    if (abandoned(lockDir)) fs.rmSync(lockDir, { recursive: true, force: true });
    return false;
  }
  fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
  return true;
}

function ownerOf(lockDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function abandoned(lockDir: string): boolean {
  const owner = ownerOf(lockDir);
  if (owner !== undefined) return !processAlive(owner);
  // Made but no pid yet: its owner is between two lines, or died there.
  try {
    return Date.now() - fs.statSync(lockDir).mtimeMs > UNOWNED_STALE_MS;
  } catch {
    return false; // gone already: the next try takes it
  }
}
