// `wsbench run`'s flags turned into a plan, refusing early: which backends, the scenario, limits
// imposed on the server, where it runs, and the preflight of this machine against all of that.
import net from 'node:net';
import os from 'node:os';
import { ConfigError } from '../../common/errors.ts';
import { parseBackendList } from '../../runners/backends/registry.ts';
import type { Backend } from '../../runners/backends/types.ts';
import { nativeClientBinary } from '../../runners/client/native.ts';
import { setServerNode } from '../../runners/process/server-node.ts';
import { parseSshTarget } from '../../runners/remote/ssh.ts';
import { parseClientHosts } from '../../runners/remote/target.ts';
import { allowedCpus, formatCpuList, splitCpus } from '../../runners/run/cpus.ts';
import { autoWorkers, describeHost, preflight, readLimits, type Limits } from '../../runners/run/environment.ts';
import type { RunRequest } from '../../runners/run/run.ts';
import { getProfile, type Profile } from '../../runners/scenarios/profiles.ts';
import { validateScenario, type Scenario } from '../../collector/scenario.ts';
import { loadScenarioFile, presetScenario } from '../../runners/scenarios/scenario.ts';
import { bytesFlag, dbOption, jsonOption, numberFlag, type Options, type parse } from '../args.ts';
import { dbPath } from '../command.ts';

/** `wsbench run`'s flags (its help text is in cli/commands/run.ts). */
export const RUN_OPTIONS = {
  ...dbOption,
  ...jsonOption,
  backend: { type: 'string' },
  scenario: { type: 'string' },
  'scenario-file': { type: 'string' },
  connections: { type: 'string' },
  steps: { type: 'string' },
  rate: { type: 'string' },
  hold: { type: 'string' },
  idle: { type: 'string' },
  'base-hold': { type: 'string' },
  'interval-ms': { type: 'string' },
  'late-ms': { type: 'string' },
  workers: { type: 'string' },
  symbols: { type: 'string' },
  probes: { type: 'string' },
  compression: { type: 'boolean' },
  'message-bytes': { type: 'string' },
  'slow-share': { type: 'string' },
  'slow-read': { type: 'string' },
  'slow-stall': { type: 'string' },
  'slow-stall-every': { type: 'string' },
  calm: { type: 'string' },
  churn: { type: 'string' },
  'connect-first': { type: 'boolean' },
  name: { type: 'string' },
  notes: { type: 'string' },
  collector: { type: 'string' },
  token: { type: 'string' },
  'no-spread': { type: 'boolean' },
  'per-shard': { type: 'string' },
  'slow-shard-ms': { type: 'string' },
  profile: { type: 'string' },
  client: { type: 'string' },
  'memory-limit': { type: 'string' },
  'cpu-limit': { type: 'string' },
  'server-cpus': { type: 'string' },
  target: { type: 'string' },
  'ssh-config': { type: 'string' },
  'client-addresses': { type: 'string' },
  port: { type: 'string' },
  clients: { type: 'string' },
  'server-node': { type: 'string' },
  repeat: { type: 'string' },
  live: { type: 'boolean' },
  'live-port': { type: 'string' },
  'report-url': { type: 'string' },
} as const satisfies Options;

/** The flags as parsed: each typed by its option (string or boolean), absent when not given. */
export type RunValues = ReturnType<typeof parse<typeof RUN_OPTIONS>>['values'];

/**
 * A run's settings, built once from the flags and checked: nothing after planRun reads a raw
 * flag. `request` is what every backend's run shares (runners/run/run.ts RunRequest, less the
 * backend and the remote hosts, which are prepared later).
 */
export interface RunPlan {
  backends: Backend[];
  /** --repeat: rounds of every backend, interleaved; more than 1 makes a series. */
  repeat: number;
  request: Omit<RunRequest, 'backend' | 'target' | 'clientHosts' | 'series'>;
  maxConnections: number;
  /** --target: the server's host, and the SSH config to reach it (and --clients' hosts) with. */
  target?: { url: string; sshConfig?: string };
  /** --clients: hosts for the bulk client shards (needs --target). */
  clientUrls?: string[];
  /** Where samples go: a remote collector (with its token), or this machine's database. */
  sink: { collector: string; token?: string } | { db: string };
  /** --live: the runs' live pages on 127.0.0.1 (port 0: a free one), linking to reports under reportUrl. */
  live: { port: number; reportUrl: string | null } | null;
}

export function planRun(values: RunValues): RunPlan {
  const repeat = numberFlag('repeat', values.repeat, { min: 1, max: 100, integer: true }) ?? 1;
  const live = liveOf(values);
  const backends = parseBackendList(values.backend);
  const profile = values.profile ? getProfile(values.profile) : undefined;
  const resources = resourcesOf(values, profile);
  const scenario = buildScenario(values);
  const { sourceAddresses, clientUrls } = placement(values, resources);
  const limits = readLimits();
  const maxConnections = scenario.steps?.[scenario.steps.length - 1] ?? scenario.connections;
  const perShard = numberFlag('per-shard', values['per-shard'], { min: 1, integer: true }) ?? Math.min(15_000, Math.max(1000, (limits.openFilesSoft ?? 20_000) - 500));
  if (values.workers === undefined && scenario.workers === 0 && !values.target) scenario.workers = serverWorkers(backends, limits, maxConnections, profile, resources !== undefined);
  checkMachine(values, { backends, limits, maxConnections, perShard, sourceAddresses, workers: scenario.workers || describeHost(limits).cores });
  const bulkClient = chooseBulkClient(values.client, values['slow-shard-ms'] !== undefined);
  if (scenario.churnPerMin > 0 && bulkClient !== 'native') throw new ConfigError(`churn (scenario "${scenario.name}", churnPerMin ${scenario.churnPerMin}) needs the native client: drop --client node${values['slow-shard-ms'] !== undefined ? ' and --slow-shard-ms' : ''}, or install gcc and libssl-dev`);
  if (scenario.slowShare > 0 && bulkClient !== 'native') throw new ConfigError(`slow readers (scenario "${scenario.name}", slowShare ${scenario.slowShare}) need the native client: drop --client node${values['slow-shard-ms'] !== undefined ? ' and --slow-shard-ms' : ''}, or install gcc and libssl-dev`);
  const port = numberFlag('port', values.port, { min: 1, max: 65535, integer: true });
  const slowShardMsPerFrame = numberFlag('slow-shard-ms', values['slow-shard-ms'], { min: 0 });
  chooseServerNode(values, backends);
  const request: RunPlan['request'] = {
    scenario, limits, perShard, bulkClient, resources, perAddress: 5000, maxInFlightPerShard: 100,
    spreadAddresses: !values['no-spread'] && !values.target,
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(values.notes !== undefined ? { notes: values.notes } : {}),
    ...(slowShardMsPerFrame !== undefined ? { slowShardMsPerFrame } : {}),
    ...(sourceAddresses ? { sourceAddresses } : {}),
    ...(port ? { port } : {}),
  };
  return {
    backends, request, maxConnections,
    repeat,
    live,
    ...(values.target ? { target: { url: values.target, ...(values['ssh-config'] ? { sshConfig: values['ssh-config'] } : {}) } } : {}),
    ...(clientUrls ? { clientUrls } : {}),
    sink: sinkOf(values),
  };
}

/** --collector (with --token, or $WSBENCH_TOKEN), or the database (--db, $WSBENCH_DB, data/wsbench.db). */
function sinkOf(values: RunValues): RunPlan['sink'] {
  if (!values.collector) return { db: dbPath(values.db) };
  const token = values.token ?? process.env.WSBENCH_TOKEN;
  return { collector: values.collector, ...(token ? { token } : {}) };
}

/**
 * The Node every server of the run goes on (so a comparison stays on one Node), and an unusable
 * backend refused before any run starts; a target's build is checked there instead.
 */
function chooseServerNode(values: RunValues, backends: readonly Backend[]): void {
  if (values['server-node'] !== undefined) {
    if (values.target) throw new ConfigError('--server-node picks the Node for servers on this machine; a --target runs its own node: drop it');
    setServerNode(values['server-node'], 'flag');
  }
  if (!values.target) for (const b of backends) b.describe();
}

function resourcesOf(values: RunValues, profile: Profile | undefined): RunRequest['resources'] {
  const memoryLimit = bytesFlag('memory-limit', values['memory-limit'], 16 * 1024 * 1024);
  const cpuLimit = numberFlag('cpu-limit', values['cpu-limit'], { min: 0.01 });
  const serverCpus = values['server-cpus'];
  if (serverCpus !== undefined) splitCpus(serverCpus); // refused here, before anything starts
  if (!profile && memoryLimit === undefined && cpuLimit === undefined && serverCpus === undefined) return undefined;
  const cpuCores = cpuLimit ?? profile?.cpuCores;
  const placement = serverCpus !== undefined ? { cpus: formatCpuList(splitCpus(serverCpus).server) } : profile ? profileCpus(cpuCores) : {};
  return { profile: profile?.name ?? null, memoryBytes: memoryLimit ?? profile?.memoryBytes, cpuCores, ...placement };
}

/**
 * A profile gives the server cores of its own when the machine has them to spare: enough for its
 * CPU limit, and at least one more for the load generator and runner. Otherwise it says why not
 * (recorded with the run): the server then shares every CPU with the harness.
 */
function profileCpus(cpuCores: number | undefined): { cpus?: string; cpusNote?: string } {
  const allowed = allowedCpus();
  const need = Math.max(1, Math.ceil(cpuCores ?? 1));
  if (allowed.length >= need + 1) return { cpus: formatCpuList(allowed.slice(-need)) };
  const note = `no CPUs of its own: its ${cpuCores ?? 'unlimited'} cores need ${need} and the load generator 1 more, and this machine has ${allowed.length} (${formatCpuList(allowed)}); server, load generator and runner share them`;
  process.stderr.write(`wsbench run: the profile's server gets ${note}\n`);
  return { cpusNote: note };
}

/** Which flags go together: where the server runs, where clients connect from, where samples go. */
function placement(values: RunValues, resources: RunRequest['resources']): { sourceAddresses?: string[]; clientUrls?: string[] } {
  if (values.target && resources) throw new ConfigError('--profile, --memory-limit, --cpu-limit and --server-cpus limit a server on this machine; with --target the server runs on real hardware: drop them');
  if (values['ssh-config'] && !values.target) throw new ConfigError('--ssh-config needs --target');
  if (values['client-addresses'] && !values.target) throw new ConfigError('--client-addresses needs --target (a local server is reached from 127.x addresses, spread by default)');
  if (values.clients && !values.target) throw new ConfigError('--clients needs --target: clients on other hosts reach a server on a host, not on 127.0.0.1 here');
  if (values.clients && values['client-addresses']) throw new ConfigError('--clients and --client-addresses exclude each other: client hosts connect from their own addresses');
  if (values.collector && values.db) throw new ConfigError('--db and --collector exclude each other: a run goes to one place');
  const sourceAddresses = values['client-addresses'] ? localAddressList(values['client-addresses']) : undefined;
  const clientUrls = values.clients ? parseClientHosts(values.clients) : undefined;
  if (values.target) parseSshTarget(values.target); // a malformed URL is refused before anything else
  return { sourceAddresses, clientUrls };
}

/** "All CPUs" (or the profile's cores, or a backend's own default), sharded further when the open-files limit needs it. */
function serverWorkers(backends: Backend[], limits: Limits, connections: number, profile: Profile | undefined, limited: boolean): number {
  const cores = profile?.workers ?? describeHost(limits).cores;
  const floor = Math.max(...backends.map((b) => b.defaultWorkers(cores)));
  const auto = autoWorkers(limits, connections, floor);
  if (auto.raisedFor !== null) {
    process.stderr.write(`wsbench run: ${auto.workers} server processes instead of ${floor}: a process may open ${auto.raisedFor} files here (ulimit -n), and ${connections.toLocaleString('en-US')} sockets need ${auto.workers}. They share the same CPUs${limited ? ' and limits' : ''}.\n`);
  }
  return auto.workers;
}

/** The preflight: this machine's limits against the plan. Warnings are said; errors refuse the run. */
function checkMachine(values: RunValues, p: { backends: Backend[]; limits: Limits; maxConnections: number; perShard: number; sourceAddresses?: string[]; workers: number }): void {
  // Clients cost ~60 KB a connection here; the server its backend's estimate, when it runs here too.
  const serverBytes = values.target ? 0 : Math.max(...p.backends.map((b) => b.estimatedBytesPerConn));
  const problems = preflight(p.limits, {
    connections: p.maxConnections,
    serverWorkers: p.workers,
    serverHere: !values.target,
    perShard: Math.min(p.perShard, p.maxConnections),
    perAddress: p.sourceAddresses ? Math.ceil(p.maxConnections / p.sourceAddresses.length) : 5000,
    // 127.x source addresses reach this machine only.
    spreadAddresses: values.target ? p.sourceAddresses !== undefined : !values['no-spread'],
    maxInFlight: 100,
    estimatedBytes: p.maxConnections * (60_000 + serverBytes),
  });
  for (const w of problems.filter((q) => q.severity === 'warning')) process.stderr.write(`wsbench run: warning: ${w.message}\n  fix: ${w.fix}\n`);
  const errors = problems.filter((q) => q.severity === 'error');
  if (errors.length > 0) throw new ConfigError(`preflight failed:\n${errors.map((e) => `  - ${e.message}\n    fix: ${e.fix}`).join('\n')}`);
}

/** --client-addresses: IP addresses this machine has; any other could never be bound. */
function localAddressList(text: string): string[] {
  const own = new Set(Object.values(os.networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
  const list = text.split(',').map((a) => a.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError('--client-addresses needs at least one address');
  for (const a of list) {
    if (net.isIP(a) === 0) throw new ConfigError(`--client-addresses: "${a}" is not an IP address`);
    if (!own.has(a)) throw new ConfigError(`--client-addresses: ${a} is not an address of this machine (ip addr add ${a}/24 dev IFACE first)`);
  }
  if (new Set(list).size !== list.length) throw new ConfigError('--client-addresses lists an address twice');
  return list;
}

/**
 * The native client unless told otherwise; if it cannot be built, the TypeScript one, said
 * aloud. (The slowed-shard test hook exists in the TypeScript shard only.)
 */
function chooseBulkClient(flag: string | undefined, slowShard: boolean): 'node' | 'native' {
  if (flag !== undefined && flag !== 'node' && flag !== 'native') throw new ConfigError(`--client must be native or node, got "${flag}"`);
  if (flag === 'node' || slowShard) return 'node';
  try {
    nativeClientBinary();
    return 'native';
  } catch (err) {
    if (flag === 'native') throw err;
    process.stderr.write(`wsbench run: warning: ${(err as Error).message}; using the TypeScript client, which costs more than the server it loads\n`);
    return 'node';
  }
}

function buildScenario(values: RunValues): Scenario {
  if (values.scenario && values['scenario-file']) throw new ConfigError('--scenario and --scenario-file exclude each other');
  const base = values['scenario-file'] ? loadScenarioFile(values['scenario-file']) : presetScenario(values.scenario ?? 'quick');
  type NumberFlag = 'connections' | 'rate' | 'hold' | 'idle' | 'base-hold' | 'interval-ms' | 'late-ms' | 'workers' | 'symbols' | 'probes';
  const n = (flag: NumberFlag, min = 1) => numberFlag(flag, values[flag], { min, integer: true });
  const s: Scenario = { ...base };
  const set = <K extends keyof Scenario>(key: K, value: Scenario[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('connections', n('connections'));
  set('connectRatePerSec', n('rate'));
  set('holdSec', n('hold'));
  set('idleSec', n('idle', 0));
  set('baseHoldSec', n('base-hold', 0));
  // A shorter hold asked for shortens the base hold with it: the lower level need not be held longer than the window it is set against.
  if (values.hold !== undefined && values['base-hold'] === undefined) s.baseHoldSec = Math.min(s.baseHoldSec, Math.floor(s.holdSec / 3));
  set('intervalMs', n('interval-ms', 50));
  set('lateMs', n('late-ms') ?? (values['interval-ms'] ? s.intervalMs : undefined));
  set('workers', n('workers'));
  set('symbols', n('symbols'));
  set('probes', n('probes'));
  if (values.compression) s.compression = true;
  set('messageBytes', bytesFlag('message-bytes', values['message-bytes']));
  set('slowShare', numberFlag('slow-share', values['slow-share'], { min: 0, max: 0.99 }));
  set('slowReadBytesPerSec', bytesFlag('slow-read', values['slow-read']));
  set('slowStallSec', numberFlag('slow-stall', values['slow-stall'], { min: 0, integer: true }));
  set('slowStallEverySec', numberFlag('slow-stall-every', values['slow-stall-every'], { min: 0, integer: true }));
  set('calmSec', numberFlag('calm', values.calm, { min: 0, integer: true }));
  set('churnPerMin', numberFlag('churn', values.churn, { min: 0, max: 60 }));
  if (values['connect-first']) s.publishDuringRamp = false;
  applySteps(s, values);
  return validateScenario(s, 'flags');
}

function applySteps(s: Scenario, values: RunValues): void {
  if (typeof values.steps === 'string') {
    const steps = values.steps.split(',').map((v) => Number(v.trim()));
    if (steps.some((v) => !Number.isInteger(v) || v < 1)) throw new ConfigError(`--steps must be whole numbers separated by commas, got "${values.steps}"`);
    s.steps = steps;
    if (values.connections === undefined) s.connections = Math.max(...steps);
    // The steps are the levels memory per added connection is read between (unless asked otherwise: then validation says why not).
    if (values['base-hold'] === undefined) s.baseHoldSec = 0;
  } else if (s.steps && values.connections !== undefined) {
    s.steps = s.steps.filter((v) => v <= s.connections);
    if (s.steps.length === 0) s.steps = [s.connections];
  }
}

/** --live, --live-port (which implies it) and --report-url. */
function liveOf(values: RunValues): RunPlan['live'] {
  const port = numberFlag('live-port', values['live-port'], { min: 0, max: 65535, integer: true });
  const reportUrl = values['report-url'] ?? null;
  if (reportUrl !== null && !/^https?:\/\/[^\s]+$/.test(reportUrl)) throw new ConfigError(`--report-url must be an http(s) URL (where the site will be served, e.g. http://127.0.0.1:4321/), got "${reportUrl}"`);
  if (!values.live && port === undefined) {
    if (reportUrl !== null) throw new ConfigError('--report-url is for the live pages: give --live too');
    return null;
  }
  return { port: port ?? 0, reportUrl: reportUrl === null ? null : reportUrl.endsWith('/') ? reportUrl : `${reportUrl}/` };
}
