// The one way a test starts a process: in a process group of its own, killed as a group by the
// harness (test/helpers/harness.ts) when the test ends, pass or fail, and again when the file's
// process exits, whatever happened in between. Servers and shards a test forks in-process are
// reaped too: what a test's process started is read from /proc.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';

const groups = new Set<number>();

/**
 * Spawns `command` in a new process group that this file owns: the harness kills the group when
 * the test that started it ends, and when this process exits. Output is piped unless said.
 */
export function spawnOwned(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  // The group outlives its leader on purpose: whether a killed run's servers and shards end on
  // their own is what some tests check. The harness kills the group when the test ends.
  if (child.pid !== undefined) groups.add(child.pid);
  return child;
}

/** Kills the child's whole group and waits for the child itself to be gone. */
export async function killOwned(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const gone = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child.pid);
  await gone;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** Each live process's children, read from /proc. */
function childrenByParent(): Map<number, number[]> {
  const childrenOf = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // The command name, in parentheses, may hold spaces: the fields we want follow its last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = childrenOf.get(ppid) ?? [];
    list.push(Number(entry));
    childrenOf.set(ppid, list);
  }
  return childrenOf;
}

function subtree(root: number, childrenOf: Map<number, number[]>): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...(childrenOf.get(pid) ?? []));
  }
  return found;
}

/** Every live descendant of `root` (children before their own children). */
export function descendants(root = process.pid): number[] {
  return subtree(root, childrenByParent()).slice(1);
}

/** This process's children now. */
export function children(): Set<number> {
  return new Set(childrenByParent().get(process.pid) ?? []);
}

/**
 * Kills what a test started: each child of this process not in `existing`, with everything under
 * it, and each group started through `spawnOwned` since. What an older process starts meanwhile
 * (a browser's new renderer, a target's sshd session) belongs to that process's owner. esbuild's
 * service is the toolchain's, shared by the whole file.
 */
export function reapNewSince(existing: Set<number>): void {
  // Groups first: a leader already gone has left its members to init, out of our descendants.
  for (const pgid of groups) {
    if (existing.has(pgid)) continue;
    killGroup(pgid);
    groups.delete(pgid);
  }
  const childrenOf = childrenByParent();
  for (const child of childrenOf.get(process.pid) ?? []) {
    if (existing.has(child) || commandOf(child) === 'esbuild') continue;
    for (const pid of subtree(child, childrenOf)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Kills every owned group and every descendant of this process. Synchronous: safe in 'exit'. */
export function reapOwned(): void {
  for (const pid of groups) killGroup(pid);
  groups.clear();
  for (const pid of descendants()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
