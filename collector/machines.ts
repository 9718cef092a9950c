// Which machines a run's figures come from. The server's memory and CPU were measured where the
// server ran: this machine, or a `--target` over SSH (a Raspberry Pi); the load generator ran on
// the runner (and on `--clients` hosts). A run's `env` holds all of them; this reads it once, for
// the run's own record (query.ts), its report page and `wsbench show`, so a Pi run is never
// published as a run on the laptop that drove it.
import { formatValue } from './metrics.ts';

/** One machine as a run recorded it. */
export interface Machine {
  host: string | null;
  /** /proc/device-tree/model on a board ("Raspberry Pi 4 Model B Rev 1.5"). */
  model: string | null;
  cpuModel: string | null;
  cores: number | null;
  memTotalBytes: number | null;
  os: string | null;
  kernel: string | null;
  /** The kernel's name for the CPU (aarch64, x86_64) on a target; Node's (arm64, x64) here. */
  arch: string | null;
}

/** The Node the servers ran on, and why it was that one. */
export interface ServerNodeInfo {
  version: string | null;
  /** this: the runner's own Node; flag: --server-node; registry: the npm registry's Node 20, because no uWS build loads in the runner's; target: the target's Node. */
  source: 'this' | 'flag' | 'registry' | 'target';
  /** The runner's Node, when the servers ran on another. */
  runnerNode: string | null;
}

export interface RunMachines {
  /** Where the server under test ran; its figures describe this machine. */
  server: Machine & { remote: boolean; clock: { offsetMs: number; uncertaintyMs: number } | null; throttled: string | null };
  serverNode: ServerNodeInfo;
  /** The machine that ran wsbench and, unless `--clients` moved them, the client shards. */
  runner: Machine;
  /** `--clients` hosts, with the client each one ran. */
  clientHosts: { host: string | null; bulkClient: string | null }[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null);
const text = (o: Obj | null, key: string): string | null => (typeof o?.[key] === 'string' && o[key] !== '' ? (o[key] as string) : null);
const count = (o: Obj | null, key: string): number | null => (typeof o?.[key] === 'number' && Number.isFinite(o[key]) ? (o[key] as number) : null);

function machineOf(o: Obj | null, archKey: string): Machine {
  return {
    host: text(o, 'host'),
    model: text(o, 'model'),
    cpuModel: text(o, 'cpuModel'),
    cores: count(o, 'cores'),
    memTotalBytes: count(o, 'memTotalBytes'),
    os: text(o, 'os'),
    kernel: text(o, 'kernel'),
    arch: text(o, archKey),
  };
}

/** Reads the machines out of a run's recorded environment; anything malformed is left out. */
export function machinesOf(env: Obj): RunMachines {
  const runner = machineOf(env, 'arch');
  const target = obj(env.target);
  const clients = Array.isArray(env.clients) ? env.clients.map(obj) : [];
  const clientHosts = clients.map((c) => ({ host: text(c, 'host'), bulkClient: text(obj(c?.bulkClient ?? null), 'kind') ?? text(c, 'bulkClient') }));
  if (target) {
    const clock = obj(target.clock);
    const offsetMs = count(clock, 'offsetMs');
    const uncertaintyMs = count(clock, 'uncertaintyMs');
    return {
      server: { ...machineOf(target, 'machine'), remote: true, clock: offsetMs !== null && uncertaintyMs !== null ? { offsetMs, uncertaintyMs } : null, throttled: text(target, 'throttled') },
      serverNode: { version: text(target, 'node'), source: 'target', runnerNode: text(env, 'node') },
      runner,
      clientHosts,
    };
  }
  const recorded = obj(env.serverNode);
  const source = text(recorded, 'source');
  const other = source === 'flag' || source === 'registry';
  return {
    server: { ...runner, remote: false, clock: null, throttled: null },
    serverNode: other ? { version: text(recorded, 'version'), source, runnerNode: text(env, 'node') } : { version: text(env, 'node'), source: 'this', runnerNode: null },
    runner,
    clientHosts,
  };
}

// Memory in the catalogue's unit (decimal GB), as the compare page and every figure print it:
// one machine, one number, never 23.5 "GB" here (GiB) and 25.3 GB there.
const gb = (bytes: number) => formatValue('bytes', bytes);

/** A machine on one line: name, board, CPU, cores, memory, OS, kernel, architecture. */
export function machineInWords(m: Machine): string {
  return [m.host, m.model, m.cpuModel, m.cores !== null && `${m.cores} cores`, m.memTotalBytes !== null && `${gb(m.memTotalBytes)} memory`, m.os, m.kernel && `kernel ${m.kernel}`, m.arch]
    .filter(Boolean)
    .join(' · ');
}

/** Which Node ran the servers, and why, in words. */
export function serverNodeInWords(n: ServerNodeInfo): string {
  const v = n.version ?? 'unknown version';
  switch (n.source) {
    case 'this':
      return `Node ${v}`;
    case 'target':
      return `Node ${v} on the target`;
    case 'flag':
      return `Node ${v} (--server-node); wsbench itself on Node ${n.runnerNode ?? '?'}`;
    case 'registry':
      return `Node ${v} from the npm registry, because no uWebSockets.js build loads in Node ${n.runnerNode ?? '?'} on this machine; wsbench itself on Node ${n.runnerNode ?? '?'}`;
  }
}

/** Where the server ran, in words: the machine, and for a target how its clock relates to the runner's. */
export function serverMachineInWords(m: RunMachines['server']): string {
  const machine = machineInWords(m) || 'not recorded';
  if (!m.remote) return `${machine} (this machine also ran the load generator)`;
  const clock = m.clock ? `; clock offset ${m.clock.offsetMs.toFixed(1)} ms ± ${m.clock.uncertaintyMs.toFixed(1)} ms` : '';
  const throttled = m.throttled ? `; vcgencmd get_throttled ${m.throttled} at start` : '';
  return `${machine} (a remote target over SSH${clock}${throttled})`;
}

/** The load generator's machines in words, for a run whose server ran elsewhere. */
export function loadGeneratorInWords(machines: RunMachines): string {
  const runner = machineInWords(machines.runner) || 'not recorded';
  if (machines.clientHosts.length === 0) return runner;
  const hosts = machines.clientHosts.map((c) => `${c.host ?? '?'}${c.bulkClient ? ` (${c.bulkClient} client)` : ''}`).join(', ');
  return `${runner}, with the bulk clients on ${hosts}`;
}
