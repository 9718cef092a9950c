// What a target host is and allows, read over SSH before anything is copied or started, and
// the checks that refuse a run there with the fix named.
import type { Problem } from '../run/environment.ts';
import type { SshHost } from './ssh.ts';

export interface TargetFacts {
  host: string;
  node: string | null;
  /** Node's native-module ABI (process.versions.modules). */
  nodeAbi: string | null;
  /** Node's name for the CPU architecture (arm64, x64), as the uWS binaries are named. */
  arch: string;
  /** The kernel's own name for it, as `uname -m` says (aarch64, x86_64, armv7l). */
  machine: string;
  glibc: string | null;
  openFilesSoft: number | null;
  openFilesHard: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  cores: number | null;
  cpuModel: string | null;
  /** /proc/device-tree/model on a Raspberry Pi and other boards. */
  model: string | null;
  os: string | null;
  kernel: string | null;
  /** `vcgencmd get_throttled` on a Pi (0x0 = never throttled). */
  throttled: string | null;
  cgroup: 'v1' | 'v2' | 'none';
  /** The runner's address as the target sees it (SSH_CLIENT), for the collector to listen on. */
  runnerAddress: string | null;
  /** Ephemeral ports (net.ipv4.ip_local_port_range), for a client host. */
  ephemeralPorts: number | null;
}

// POSIX sh only: the target may have nothing else. One "key=value" per line.
export const PROBE_SCRIPT = `
echo "node=$(node -v 2>/dev/null)"
echo "abi=$(node -p process.versions.modules 2>/dev/null)"
echo "arch=$(uname -m)"
echo "glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')"
echo "nofile_soft=$(ulimit -Sn)"
echo "nofile_hard=$(ulimit -Hn)"
echo "mem_total_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
echo "mem_available_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)"
echo "cores=$(getconf _NPROCESSORS_ONLN)"
echo "cpu_model=$(awk -F': ' '/^(model name|Model|Hardware)/ {print $2; exit}' /proc/cpuinfo)"
echo "model=$(tr -d '\\0' < /proc/device-tree/model 2>/dev/null)"
echo "os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
echo "kernel=$(uname -r)"
echo "throttled=$(vcgencmd get_throttled 2>/dev/null | cut -d= -f2)"
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo cgroup=v2; elif [ -d /sys/fs/cgroup/memory ]; then echo cgroup=v1; else echo cgroup=none; fi
echo "runner=$(echo "$SSH_CLIENT" | awk '{print $1}')"
echo "ports=$(awk '{print $2 - $1 + 1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)"
`;

export function parseProbe(host: string, text: string): TargetFacts {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const str = (k: string) => (kv.get(k) ? kv.get(k)! : null);
  const int = (k: string) => {
    const v = kv.get(k);
    if (v === 'unlimited') return Number.MAX_SAFE_INTEGER;
    return v && /^\d+$/.test(v) ? Number(v) : null;
  };
  const kb = (k: string) => (int(k) === null ? null : int(k)! * 1024);
  const arch = str('arch') ?? 'unknown';
  const cgroup = str('cgroup');
  return {
    host,
    node: str('node'),
    nodeAbi: str('abi'),
    // uname says aarch64/x86_64; Node and the uWS binaries say arm64/x64.
    arch: arch === 'aarch64' ? 'arm64' : arch === 'x86_64' ? 'x64' : arch,
    machine: arch,
    glibc: str('glibc'),
    openFilesSoft: int('nofile_soft'),
    openFilesHard: int('nofile_hard'),
    memTotalBytes: kb('mem_total_kb'),
    memAvailableBytes: kb('mem_available_kb'),
    cores: int('cores'),
    cpuModel: str('cpu_model'),
    model: str('model'),
    os: str('os'),
    kernel: str('kernel'),
    throttled: str('throttled'),
    cgroup: cgroup === 'v1' || cgroup === 'v2' ? cgroup : 'none',
    runnerAddress: str('runner'),
    ephemeralPorts: int('ports'),
  };
}

export async function probeTarget(ssh: SshHost): Promise<TargetFacts> {
  return parseProbe(ssh.target.host, await ssh.exec('sh -s', { input: PROBE_SCRIPT, timeoutMs: 30_000 }));
}

const MIN_NODE_MAJOR = 20;

/** Refusals for a target that cannot hold the plan; each with the command that fixes it. */
export function checkTarget(facts: TargetFacts, plan: { connections: number; workers: number }): Problem[] {
  return [...checkNode(facts), ...checkServerLimits(facts, plan, `on ${facts.host}`)];
}

function checkNode(facts: TargetFacts): Problem[] {
  const problems: Problem[] = [];
  const where = `on ${facts.host}`;
  const major = facts.node ? Number(/^v(\d+)/.exec(facts.node)?.[1]) : NaN;
  if (!facts.node) {
    problems.push({ severity: 'error', message: `${where}: no \`node\` on the PATH of a non-interactive SSH session`, fix: `install Node.js ${MIN_NODE_MAJOR} or newer there (e.g. from nodesource or nvm, and make it reachable from /usr/local/bin)` });
  } else if (!(major >= MIN_NODE_MAJOR)) {
    problems.push({ severity: 'error', message: `${where}: Node ${facts.node} is older than ${MIN_NODE_MAJOR}`, fix: `install Node.js ${MIN_NODE_MAJOR} or newer there` });
  }
  return problems;
}

function checkServerLimits(facts: TargetFacts, plan: { connections: number; workers: number }, where: string): Problem[] {
  const problems: Problem[] = [];
  // The agent raises its soft limit to the hard one (ulimit -n) before starting the server, so
  // the hard limit is what counts.
  const headroom = 200;
  const perWorker = Math.ceil(plan.connections / plan.workers);
  const limit = facts.openFilesHard ?? facts.openFilesSoft;
  if (limit !== null && perWorker + headroom > limit) {
    problems.push({
      severity: 'error',
      message: `${where}: each of ${plan.workers} server workers would hold ~${perWorker} sockets but a process may open at most ${limit} files (hard ulimit -n)`,
      fix: `raise it there: add "* - nofile 1048576" to /etc/security/limits.conf (and LimitNOFILE=1048576 for the ssh service if it sets one), then log in again; or use --workers ${Math.ceil(plan.connections / Math.max(1, limit - headroom))} or more`,
    });
  }
  if (facts.memAvailableBytes !== null && facts.memAvailableBytes < 256 * 1024 * 1024) {
    problems.push({ severity: 'error', message: `${where}: only ${(facts.memAvailableBytes / 1e6).toFixed(0)} MB of memory available`, fix: 'stop what else runs there' });
  }
  return problems;
}

/** Refusals for a client host that is to hold `connections` in shards of at most `perShard`. */
export function checkClientHost(facts: TargetFacts, plan: { connections: number; perShard: number }): Problem[] {
  const problems = checkNode(facts);
  const where = `on client host ${facts.host}`;
  const limit = facts.openFilesHard ?? facts.openFilesSoft;
  const perShard = Math.min(plan.perShard, plan.connections);
  if (limit !== null && perShard + 200 > limit) {
    problems.push({ severity: 'error', message: `${where}: a shard would hold ${perShard} sockets but a process may open at most ${limit} files`, fix: `raise the hard limit there (limits.conf) or lower --per-shard to ${Math.max(1, limit - 200)}` });
  }
  if (facts.ephemeralPorts !== null && plan.connections > facts.ephemeralPorts) {
    problems.push({ severity: 'error', message: `${where}: ${plan.connections} connections to one server port need more than its ${facts.ephemeralPorts} ephemeral ports`, fix: `add client hosts, or widen the range there: sysctl -w net.ipv4.ip_local_port_range="1024 65000"` });
  }
  return problems;
}
