// The machine a run happens on, recorded with it (every result carries its setup), and the
// limits checked before anything starts, each problem named with the command that fixes it.
import fs from 'node:fs';
import os from 'node:os';
import { safeRead } from '../sampler/proc.ts';

export interface Limits {
  openFilesSoft: number | null;
  openFilesHard: number | null;
  ephemeralPorts: { low: number; high: number } | null;
  somaxconn: number | null;
  tcpMaxSynBacklog: number | null;
  memAvailableBytes: number | null;
  cgroup: 'v1' | 'v2' | 'none';
}

export function readLimits(): Limits {
  const limits = safeRead('/proc/self/limits') ?? '';
  const files = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  const num = (v: string | undefined) => (v === undefined ? null : v === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(v));
  const range = (safeRead('/proc/sys/net/ipv4/ip_local_port_range') ?? '').split(/\s+/).map(Number);
  const avail = /^MemAvailable:\s+(\d+) kB/m.exec(safeRead('/proc/meminfo') ?? '');
  return {
    openFilesSoft: num(files?.[1]),
    openFilesHard: num(files?.[2]),
    ephemeralPorts: range.length === 2 && range.every(Number.isFinite) ? { low: range[0]!, high: range[1]! } : null,
    somaxconn: num(safeRead('/proc/sys/net/core/somaxconn')),
    tcpMaxSynBacklog: num(safeRead('/proc/sys/net/ipv4/tcp_max_syn_backlog')),
    memAvailableBytes: avail ? Number(avail[1]) * 1024 : null,
    cgroup: fs.existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'v2' : fs.existsSync('/sys/fs/cgroup/memory') ? 'v1' : 'none',
  };
}

export function describeHost(limits: Limits) {
  const osRelease = safeRead('/etc/os-release') ?? '';
  const model = safeRead('/proc/device-tree/model')?.replace(/\0/g, '');
  return {
    host: os.hostname(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memTotalBytes: os.totalmem(),
    os: /^PRETTY_NAME="?([^"\n]+)"?/m.exec(osRelease)?.[1] ?? os.type(),
    kernel: os.release(),
    node: process.version,
    arch: process.arch,
    ...(model ? { model } : {}),
    limits: { ...limits },
  };
}

export interface Problem {
  severity: 'error' | 'warning';
  message: string;
  fix: string;
}

export interface Plan {
  connections: number;
  serverWorkers: number;
  /** false when the server runs on a target host: its limits are checked there. */
  serverHere?: boolean;
  perShard: number;
  perAddress: number;
  spreadAddresses: boolean;
  maxInFlight: number;
  /** Rough memory the run needs, server and clients together. */
  estimatedBytes: number;
}

/** Files a process needs besides its sockets (libraries, pipes, the listening socket). */
const FILE_HEADROOM = 200;

/**
 * Server processes when the user did not say: one per CPU (or the profile's count), and more if
 * that many could not hold the sockets under the per-process open-files limit. The limit is per
 * process and often cannot be raised (a hard limit), so sharding is the only way past it.
 */
export function autoWorkers(limits: Limits, connections: number, floor: number): { workers: number; raisedFor: number | null } {
  if (limits.openFilesSoft === null || limits.openFilesSoft <= FILE_HEADROOM * 2) return { workers: floor, raisedFor: null };
  const needed = Math.ceil(connections / (limits.openFilesSoft - FILE_HEADROOM));
  return needed > floor ? { workers: needed, raisedFor: limits.openFilesSoft } : { workers: floor, raisedFor: null };
}

/** Checks the machine against the run's plan. Errors stop the run before it starts. */
export function preflight(limits: Limits, plan: Plan): Problem[] {
  const problems: Problem[] = [];
  const headroom = FILE_HEADROOM;
  if (limits.openFilesSoft !== null) {
    const perWorker = Math.ceil(plan.connections / plan.serverWorkers);
    if (plan.serverHere !== false && perWorker + headroom > limits.openFilesSoft) {
      problems.push({
        severity: 'error',
        message: `each server worker would hold ~${perWorker} sockets but a process may open ${limits.openFilesSoft} files`,
        fix: `raise the limit (ulimit -n ${Math.max(perWorker + headroom, 200_000)}${limits.openFilesHard !== null && limits.openFilesHard < perWorker + headroom ? `; the hard limit ${limits.openFilesHard} needs /etc/security/limits.conf or LimitNOFILE=` : ''}) or use more --workers (≥ ${Math.ceil(plan.connections / (limits.openFilesSoft - headroom))})`,
      });
    }
    if (plan.perShard + headroom > limits.openFilesSoft) {
      problems.push({ severity: 'error', message: `a client shard would hold ${plan.perShard} sockets but a process may open ${limits.openFilesSoft} files`, fix: `ulimit -n ${plan.perShard + headroom}` });
    }
  }
  if (limits.ephemeralPorts) {
    const ports = limits.ephemeralPorts.high - limits.ephemeralPorts.low + 1;
    // A server on another host is reached from this machine's real addresses, not 127.x.
    const spreadFix = plan.serverHere === false
      ? `give this machine more addresses on the target's network (ip addr add 192.168.1.201/24 dev eth0, …) and list them in --client-addresses (${Math.ceil(plan.connections / ports)} or more), and/or widen the range: sysctl -w net.ipv4.ip_local_port_range="1024 65000"`
      : 'spread client addresses (the default; drop --no-spread) or widen net.ipv4.ip_local_port_range';
    if (!plan.spreadAddresses && plan.connections > ports) {
      problems.push({ severity: 'error', message: `${plan.connections} connections from one address to one server port need more than the ${ports} ephemeral ports`, fix: spreadFix });
    } else if (plan.perAddress > ports) {
      problems.push({ severity: 'error', message: `${plan.perAddress} sockets per local address exceed the ${ports} ephemeral ports`, fix: plan.serverHere === false ? spreadFix : `sysctl -w net.ipv4.ip_local_port_range="1024 65000"` });
    }
  }
  if (limits.somaxconn !== null && limits.somaxconn < plan.maxInFlight) {
    problems.push({ severity: 'warning', message: `somaxconn is ${limits.somaxconn}, below the ${plan.maxInFlight} handshakes in flight per shard: listen drops may slow the ramp`, fix: `sysctl -w net.core.somaxconn=4096` });
  }
  if (limits.memAvailableBytes !== null && plan.estimatedBytes > limits.memAvailableBytes * 0.9) {
    problems.push({
      severity: 'warning',
      message: `the run may need ~${(plan.estimatedBytes / 1e9).toFixed(1)} GB and ${(limits.memAvailableBytes / 1e9).toFixed(1)} GB is available: expect swapping or an OOM kill`,
      fix: 'lower --connections, or free memory first',
    });
  }
  return problems;
}
