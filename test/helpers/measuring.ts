// Test files that run real servers take turns with the one file that loads the machine on
// purpose and measures what that does (contention.test.ts: CPU hogs, then a server's CPU wait).
// A file calls `await measuringAlone()` (the machine to itself: it waits for every other file of
// the run, and test/suite.sh starts it last) or `await runsServers()` (beside other such files,
// never beside one measuring alone) at its top. Unit files take no turn.
//
// The turns are a readers-writer lock in a directory: `shared/<pid>` for each file running
// servers, `exclusive` naming the one that measures alone. Entries of processes that are gone
// (killed before they could let go) are taken over.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive as alive } from '../../common/process-alive.ts';
import { DEFAULT_FILE_LIMIT_S, fileLimit } from './harness.ts';

const LOCK = path.join(os.tmpdir(), 'wsbench-tests-turns');
const SHARED = path.join(LOCK, 'shared');
const EXCLUSIVE = path.join(LOCK, 'exclusive');
const QUEUE = path.join(LOCK, 'queue');
const POLL_MS = 100;
/** Longest a file waits for its turn: the whole suite's server files (about 5 minutes here), with room. */
const WAIT_LIMIT_S = 900;

/** The pid written in an entry, or undefined while it is being written. */
function holderOf(entry: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(entry, 'utf8'));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Removes the entry if the process that made it is gone; true if the entry is (now) absent. */
function clearIfGone(entry: string): boolean {
  if (!fs.existsSync(entry)) return true;
  const pid = holderOf(entry);
  if (pid === undefined || alive(pid)) return false;
  fs.rmSync(entry, { force: true });
  return true;
}

function liveShared(): number {
  return fs.readdirSync(SHARED).filter((name) => !clearIfGone(path.join(SHARED, name))).length;
}

/** Creates `entry` holding our pid, atomically: false if someone else holds it. */
function create(entry: string): boolean {
  const temp = `${entry}.${process.pid}.tmp`;
  fs.writeFileSync(temp, String(process.pid));
  try {
    fs.linkSync(temp, entry); // fails if it exists
    return true;
  } catch {
    return false;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

function releaseOnExit(entry: string): void {
  process.on('exit', () => {
    if (holderOf(entry) === process.pid) fs.rmSync(entry, { force: true });
  });
}

async function waitFor(ready: () => boolean, what: string): Promise<void> {
  fileLimit(WAIT_LIMIT_S, `waiting for ${what} (${LOCK})`);
  while (!ready()) await new Promise((r) => setTimeout(r, POLL_MS));
}

/** The other test files of this run still going: this file's siblings under the runner. */
function otherTestFiles(queued: Set<number>): number[] {
  let siblings: string[];
  try {
    siblings = fs.readFileSync(`/proc/${process.ppid}/task/${process.ppid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return []; // no /proc: only the lock orders the files
  }
  return siblings.map(Number).filter((pid) => {
    if (pid === process.pid || queued.has(pid)) return false;
    try {
      return /\.test\.[cm]?[jt]s\b/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

/**
 * Waits until no other test file runs at all (unit files included: their CPU would fall on the
 * server's), and keeps it so for new server files until this file ends; then starts the file's
 * time limit afresh (the wait is not its own time). `limitS` raises that limit.
 */
export async function measuringAlone(limitS = DEFAULT_FILE_LIMIT_S): Promise<void> {
  fs.mkdirSync(QUEUE, { recursive: true });
  fs.mkdirSync(SHARED, { recursive: true });
  // Files queued here wait for this one, not the other way round.
  const mine = path.join(QUEUE, String(process.pid));
  fs.writeFileSync(mine, String(process.pid));
  releaseOnExit(mine);
  const queued = () => new Set(fs.readdirSync(QUEUE).filter((n) => !clearIfGone(path.join(QUEUE, n))).map(Number));
  // Every other file of the run finishes first (the runner starts the rest meanwhile; this file
  // holds nothing, so none of them waits for it). Then new server files wait for this one.
  await waitFor(() => otherTestFiles(queued()).length === 0 && clearIfGone(EXCLUSIVE) && create(EXCLUSIVE), 'every other test file to finish');
  releaseOnExit(EXCLUSIVE);
  fs.rmSync(mine, { force: true });
  await waitFor(() => liveShared() === 0, 'the test files running servers to finish');
  fileLimit(limitS);
}

/** Waits while a file measures alone, then runs beside other server files until this file ends. */
export async function runsServers(limitS = DEFAULT_FILE_LIMIT_S): Promise<void> {
  fs.mkdirSync(SHARED, { recursive: true });
  const entry = path.join(SHARED, String(process.pid));
  await waitFor(() => {
    if (!clearIfGone(EXCLUSIVE)) return false;
    fs.writeFileSync(entry, String(process.pid));
    // A file that began measuring alone meanwhile goes first.
    if (fs.existsSync(EXCLUSIVE)) {
      fs.rmSync(entry, { force: true });
      return false;
    }
    return true;
  }, 'the file measuring alone to finish');
  releaseOnExit(entry);
  fileLimit(limitS);
}
