// Resource limits for the server under test through a cgroup of its own: cgroup v2 (most
// machines now) or v1 (memory and cpu hierarchies, as on this project's CI). Processes are
// placed before they start serving, so a cluster's workers inherit the cgroup from their primary.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../common/errors.ts';

export interface ResourceLimits {
  memoryBytes?: number;
  cpuCores?: number;
  /** The server's own CPUs (a cpuset), as a list: "1" or "2-3". */
  cpus?: string;
}

/** Where the cgroup file system is mounted; WSBENCH_CGROUP_ROOT points elsewhere (a mount of
 *  its own, or a test's stand-in tree for the version this machine does not run). */
const ROOT = process.env.WSBENCH_CGROUP_ROOT || '/sys/fs/cgroup';
const PERIOD_US = 100_000;

export class CgroupJail {
  private constructor(
    readonly version: 'v1' | 'v2',
    private readonly dirs: string[],
    readonly limits: ResourceLimits,
  ) {}

  /** Creates the cgroup and sets its limits, or explains what is missing. */
  static create(name: string, limits: ResourceLimits): CgroupJail {
    const v2 = fs.existsSync(path.join(ROOT, 'cgroup.controllers'));
    try {
      return v2 ? CgroupJail.createV2(name, limits) : CgroupJail.createV1(name, limits);
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      throw new ConfigError(
        `resource limits need a cgroup of their own and creating it failed (${(err as Error).message}): run as root, or on cgroup v2 delegate the memory and cpu controllers to your user (systemd-run --user --scope -p Delegate=yes …)`,
      );
    }
  }

  private static createV2(name: string, limits: ResourceLimits): CgroupJail {
    const controllers = fs.readFileSync(path.join(ROOT, 'cgroup.controllers'), 'utf8');
    const wanted = ['memory', 'cpu', ...(limits.cpus ? ['cpuset'] : [])];
    for (const c of wanted) {
      if (!controllers.split(/\s+/).includes(c)) throw new ConfigError(`cgroup v2 here has no ${c} controller (${ROOT}/cgroup.controllers: ${controllers.trim()})`);
    }
    fs.writeFileSync(path.join(ROOT, 'cgroup.subtree_control'), wanted.map((c) => `+${c}`).join(' '));
    const dir = path.join(ROOT, name);
    fs.mkdirSync(dir);
    if (limits.cpus) fs.writeFileSync(path.join(dir, 'cpuset.cpus'), limits.cpus);
    if (limits.memoryBytes) {
      fs.writeFileSync(path.join(dir, 'memory.max'), String(limits.memoryBytes));
      if (fs.existsSync(path.join(dir, 'memory.swap.max'))) fs.writeFileSync(path.join(dir, 'memory.swap.max'), '0');
    }
    if (limits.cpuCores) fs.writeFileSync(path.join(dir, 'cpu.max'), `${Math.round(limits.cpuCores * PERIOD_US)} ${PERIOD_US}`);
    return new CgroupJail('v2', [dir], limits);
  }

  private static createV1(name: string, limits: ResourceLimits): CgroupJail {
    const dirs: string[] = [];
    const memory = path.join(ROOT, 'memory', name);
    const cpu = path.join(ROOT, 'cpu', name);
    if (limits.memoryBytes) {
      fs.mkdirSync(memory);
      dirs.push(memory);
      fs.writeFileSync(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
      // Without swap accounting the limit is on RAM alone; with it, forbid swapping past it too.
      const memsw = path.join(memory, 'memory.memsw.limit_in_bytes');
      if (fs.existsSync(memsw)) fs.writeFileSync(memsw, String(limits.memoryBytes));
    }
    if (limits.cpuCores) {
      fs.mkdirSync(cpu);
      dirs.push(cpu);
      fs.writeFileSync(path.join(cpu, 'cpu.cfs_period_us'), String(PERIOD_US));
      fs.writeFileSync(path.join(cpu, 'cpu.cfs_quota_us'), String(Math.round(limits.cpuCores * PERIOD_US)));
    }
    if (limits.cpus) {
      // A v1 cpuset takes no task before it has CPUs and memory nodes: the parent's nodes.
      const cpuset = path.join(ROOT, 'cpuset', name);
      if (!fs.existsSync(path.join(ROOT, 'cpuset'))) throw new ConfigError(`--server-cpus needs the cpuset controller: mount it (mount -t cgroup -o cpuset cpuset ${ROOT}/cpuset) or use cgroup v2`);
      fs.mkdirSync(cpuset);
      dirs.push(cpuset);
      fs.writeFileSync(path.join(cpuset, 'cpuset.mems'), fs.readFileSync(path.join(ROOT, 'cpuset', 'cpuset.mems'), 'utf8').trim());
      fs.writeFileSync(path.join(cpuset, 'cpuset.cpus'), limits.cpus);
    }
    return new CgroupJail('v1', dirs, limits);
  }

  /**
   * The CPU controller's throttling counters (cpu.stat: periods, periods throttled, time
   * throttled), or null without a CPU limit. v1 counts nanoseconds, v2 microseconds.
   */
  cpuThrottling(): { periods: number; throttled: number; throttledMs: number } | null {
    if (!this.limits.cpuCores) return null;
    const dir = this.version === 'v2' ? this.dirs[0]! : this.dirs.find((d) => d.includes(`${path.sep}cpu${path.sep}`));
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir ?? '', 'cpu.stat'), 'utf8');
    } catch {
      return null;
    }
    const field = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
    const throttledMs = this.version === 'v2' ? field('throttled_usec') / 1000 : field('throttled_time') / 1e6;
    const stat = { periods: field('nr_periods'), throttled: field('nr_throttled'), throttledMs };
    return Object.values(stat).every(Number.isFinite) ? stat : null;
  }

  /** Moves a process (and the children it forks from now on) into the cgroup. */
  place(pid: number): void {
    for (const dir of this.dirs) fs.writeFileSync(path.join(dir, 'cgroup.procs'), String(pid));
  }

  /** Removes the cgroup once its processes are gone; safe to call twice. */
  destroy(): void {
    for (const dir of this.dirs) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // still busy or already gone: nothing to do
      }
    }
  }
}
