// Reads what the kernel knows about processes and the host, from /proc and /sys only, so the
// same code samples a server on this machine or on a Raspberry Pi.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { allowedCpus } from '../run/cpus.ts';

/** Clock ticks per second of /proc/<pid>/stat's CPU times (USER_HZ, 100 on Linux). */
export const CLOCK_TICKS = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(out.stdout?.trim());
  return Number.isFinite(n) && n > 0 ? n : 100;
})();

export interface ProcReading {
  pid: number;
  cpuSeconds: { user: number; system: number };
  rssBytes: number;
  /** Proportional set size: undefined where the kernel has no smaps_rollup (before 4.14). */
  pssBytes: number | undefined;
  /** RssAnon: undefined before Linux 4.5. */
  anonBytes: number | undefined;
}

/** One process's CPU times and RSS, or undefined when it is gone. */
export function readProcess(pid: number): ProcReading | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    const anonKb = /^RssAnon:\s+(\d+) kB/m.exec(status)?.[1];
    return { pid, cpuSeconds: { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS }, rssBytes: rssKb * 1024, pssBytes: readPss(pid), anonBytes: anonKb === undefined ? undefined : Number(anonKb) * 1024 };
  } catch {
    return undefined;
  }
}

/**
 * PSS from /proc/PID/smaps_rollup: each page shared by n processes counts 1/n to each, so the
 * sum over a server's processes counts the Node binary and libraries once (RSS counts them once
 * per process).
 */
export function readPss(pid: number): number | undefined {
  const m = /^Pss:\s+(\d+) kB/m.exec(safeRead(`/proc/${pid}/smaps_rollup`) ?? '');
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * How long each of the process's threads has waited runnable for a CPU, in ms since it started:
 * the second field of /proc/PID/task/TID/schedstat (ns; the kernel keeps it with
 * CONFIG_SCHED_INFO, as Debian's and Raspberry Pi OS's kernels do). Undefined where unreadable.
 */
export function readThreadWaitsMs(pid: number | 'self'): Map<string, number> | undefined {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const waits = new Map<string, number>();
  for (const tid of tasks) {
    const wait = Number(safeRead(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ')[1]);
    if (Number.isFinite(wait)) waits.set(tid, wait / 1e6);
  }
  return waits.size > 0 ? waits : undefined;
}

/**
 * A process's CPU wait in ms per second between two readings, thread by thread: only threads
 * read both times count, so a thread missed once (it was starting, or exiting) cannot bring its
 * whole history into one second.
 */
export class CpuWaitMeter {
  private before: { waits: Map<string, number>; atMs: number } | undefined;

  sample(pid: number | 'self', nowMs: number): number | undefined {
    const waits = readThreadWaitsMs(pid);
    const before = this.before;
    this.before = waits ? { waits, atMs: nowMs } : undefined;
    if (!waits || !before || nowMs <= before.atMs) return undefined;
    let ms = 0;
    for (const [tid, wait] of waits) {
      const was = before.waits.get(tid);
      if (was !== undefined && wait >= was) ms += wait - was;
    }
    return Math.round((ms / (nowMs - before.atMs)) * 10_000) / 10;
  }
}

/**
 * Busy and total CPU time since boot (/proc/stat, in clock ticks) of the given CPUs, or of the
 * whole host, and how many CPUs that is. With a cpuset (--server-cpus) the server's CPUs are the
 * ones that count: what else ran there held it back; the load generator on the other CPUs did not.
 */
export function readHostCpu(cpus?: readonly number[]): { busy: number; total: number; cpus: number } | undefined {
  const stat = safeRead('/proc/stat');
  if (!stat) return undefined;
  const lines = stat.split('\n');
  const perCpu = lines.filter((l) => /^cpu\d+ /.test(l));
  const wanted = cpus && cpus.length > 0 && cpus.length < perCpu.length ? perCpu.filter((l) => cpus.includes(Number(/^cpu(\d+)/.exec(l)![1]))) : [lines[0]!];
  let busy = 0;
  let total = 0;
  for (const line of wanted) {
    const fields = line.split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 5 || fields.some((v) => !Number.isFinite(v))) return undefined;
    const all = fields.reduce((a, b) => a + b, 0);
    busy += all - fields[3]! - fields[4]!; // less idle and iowait
    total += all;
  }
  return { busy, total, cpus: wanted[0] === lines[0] ? perCpu.length : wanted.length };
}

/** The CPUs a process may run on (its cpuset or affinity: runners/run/cpus.ts), or undefined when it cannot be read. */
export function allowedCpusOf(pid: number): number[] | undefined {
  try {
    const cpus = allowedCpus(pid);
    return cpus.length ? cpus : undefined;
  } catch {
    return undefined; // the process is gone, or /proc says something unexpected
  }
}

export interface HostReading {
  memAvailableBytes: number | undefined;
  memTotalBytes: number | undefined;
  load1: number | undefined;
  tempC: number | undefined;
}

export function readHost(): HostReading {
  const meminfo = safeRead('/proc/meminfo') ?? '';
  const kb = (key: string) => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo);
    return m ? Number(m[1]) * 1024 : undefined;
  };
  const load = Number((safeRead('/proc/loadavg') ?? '').split(' ')[0]);
  return { memAvailableBytes: kb('MemAvailable'), memTotalBytes: kb('MemTotal'), load1: Number.isFinite(load) ? load : undefined, tempC: readTemperature() };
}

/** The hottest thermal zone, where the host exposes any (a Pi does; most VMs do not). */
function readTemperature(): number | undefined {
  let dirs: string[];
  try {
    dirs = fs.readdirSync('/sys/class/thermal').filter((d) => d.startsWith('thermal_zone'));
  } catch {
    return undefined;
  }
  let hottest: number | undefined;
  for (const dir of dirs) {
    const milli = Number(safeRead(`/sys/class/thermal/${dir}/temp`));
    if (Number.isFinite(milli) && milli > 0) hottest = Math.max(hottest ?? -Infinity, milli / 1000);
  }
  return hottest;
}

export function safeRead(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The kernel's count of OOM kills since boot (/proc/vmstat, Linux ≥ 4.13). */
export function systemOomKills(): number | undefined {
  const m = /^oom_kill (\d+)$/m.exec(safeRead('/proc/vmstat') ?? '');
  return m ? Number(m[1]) : undefined;
}

/**
 * The OOM-kill counter of the memory cgroup a process is in: cgroup v2 memory.events, or v1
 * memory.oom_control. Read at start, because a dead process's cgroup can no longer be looked up.
 */
export function cgroupOomCounterFile(pid: number): string | undefined {
  const lines = (safeRead(`/proc/${pid}/cgroup`) ?? '').split('\n');
  for (const line of lines) {
    const [, controllers, cgPath] = line.split(':');
    if (controllers === '' && cgPath !== undefined) {
      const file = `/sys/fs/cgroup${cgPath}/memory.events`;
      if (fs.existsSync(file)) return file;
    }
    if (controllers?.split(',').includes('memory') && cgPath !== undefined) {
      const file = `/sys/fs/cgroup/memory${cgPath}/memory.oom_control`;
      if (fs.existsSync(file)) return file;
    }
  }
  return undefined;
}

export function readOomCounter(file: string | undefined): number | undefined {
  if (!file) return undefined;
  const m = /^oom_kill (\d+)$/m.exec(safeRead(file) ?? '');
  return m ? Number(m[1]) : undefined;
}

/** What the kernel holds in the send buffers of a port's established TCP sockets. */
export interface SocketQueues {
  /** Bytes written by the server and not yet acknowledged by the client, summed. */
  sendQueueBytes: number;
  /** Sockets with any such bytes. */
  sockets: number;
}

/**
 * /proc/net/tcp and tcp6 (this network namespace's): each established socket on `port` and its
 * tx_queue. A reader that stops reading first fills its own receive window and then the server's
 * send buffer, which the server never sees as backpressure of its own: without this, a stall
 * looks free until the kernel's buffer is full. Undefined where /proc/net/tcp cannot be read.
 */
export function readSocketQueues(port: number): SocketQueues | undefined {
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let found = false;
  const out: SocketQueues = { sendQueueBytes: 0, sockets: 0 };
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = safeRead(file);
    if (text === undefined) continue;
    found = true;
    // "  sl  local_address rem_address   st tx_queue:rx_queue ...": fields 1, 3 and 4.
    for (let start = text.indexOf('\n') + 1; start > 0 && start < text.length; ) {
      const end = text.indexOf('\n', start);
      const line = text.slice(start, end < 0 ? text.length : end);
      start = end < 0 ? text.length : end + 1;
      const f = line.trim().split(/\s+/);
      if (f.length < 5 || f[3] !== '01' || !f[1]!.endsWith(local)) continue;
      const tx = parseInt(f[4]!.slice(0, f[4]!.indexOf(':')), 16);
      if (tx > 0) {
        out.sendQueueBytes += tx;
        out.sockets++;
      }
    }
  }
  return found ? out : undefined;
}
