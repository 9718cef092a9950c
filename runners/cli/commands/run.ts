// `wsbench run`: one scenario against one or more backends, one after another under the same
// settings, each run streamed into the database (or a remote collector) as it happens.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import { ConfigError } from '../../../common/errors.ts';
import { CollectorService } from '../../../collector/service.ts';
import { Ingestor } from '../../../collector/ingest.ts';
import type { Verdict } from '../../../collector/records.ts';
import { openDatabase, type Db } from '../../../collector/schema.ts';
import { BatchSender, HttpTransport, LocalTransport } from '../../../collector/sender.ts';
import { BACKENDS, getBackend } from '../../backends/registry.ts';
import type { BackendName } from '../../backends/types.ts';
import { autoWorkers, describeHost, preflight, readLimits } from '../../run/environment.ts';
import { runBackend, type RunOutcome } from '../../run/run.ts';
import { parseSshTarget } from '../../remote/ssh.ts';
import { parseClientHosts, prepareClientHosts, prepareTarget } from '../../remote/target.ts';
import { loadScenarioFile, presetScenario, PRESETS, validateScenario, type Scenario } from '../../scenarios/scenario.ts';
import { nativeClientBinary } from '../../client/native.ts';
import { getProfile, PROFILES } from '../../scenarios/profiles.ts';
import { bytesFlag, dbOption, jsonOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { formatBytes, formatMs, formatNumber, table } from '../format.ts';

/** Exit codes of `wsbench run`: the worst outcome over its backends. */
export const RUN_EXIT: Record<Verdict, number> = { stable: 0, unstable: 3, crashed: 4, 'client-bound': 5, aborted: 130 };
const SEVERITY: Verdict[] = ['stable', 'unstable', 'crashed', 'client-bound', 'aborted'];

export const runCommand: Command = {
  name: 'run',
  summary: 'run a load scenario against one or more backends and record it',
  help: `Usage: wsbench run [options]

Starts each backend with its sampler, ramps the clients over TLS 1.3 (TLS_AES_128_GCM_SHA256
offered alone), holds, judges the window (docs/METRICS.md) and stops; every second of it goes to
the database. Several backends run one after another under the same settings. Ctrl-C stops
cleanly and stores the run as aborted with all it sampled.

Options:
  --backend A,B          backends to run, in order (default: uws,socketio)
  --scenario NAME        ${Object.keys(PRESETS).join(', ')} (default: quick)
  --scenario-file FILE   a JSON scenario: {"extends": "quick", "connections": 5000, ...}
  --connections N        connections to hold (capacity: the ceiling)
  --steps A,B,...        capacity steps (connections held one after another)
  --rate N               connections opened per second
  --hold SEC             hold (capacity: each step's window)
  --interval-ms N        tick interval (default 2000)
  --late-ms N            a delivery later than this is late (default: one interval)
  --workers N            server processes (default: all CPUs, more when the open-files
                         limit needs it; a profile sets its own)
  --symbols N            spread clients over N symbols (default 1, as in the seed)
  --probes N             latency probe connections (default ~1%, at most 100)
  --compression          permessage-deflate on, for both backends
  --profile NAME         limit the server like: ${Object.keys(PROFILES).join(', ')} (cgroup v1 or v2; recorded
                         with the run, never presented as that hardware)
  --memory-limit SIZE    server memory limit, e.g. 3400m (overrides the profile's)
  --cpu-limit CORES      server CPU limit in cores, e.g. 1.5 (overrides the profile's)
  --connect-first        connect everyone, then start the clock
  --target ssh://USER@HOST[:PORT]
                         run the server (and its sampler) on that host over ssh, with your
                         keys and ~/.ssh/config (no password prompts: BatchMode); the
                         clients stay here. Needs Node >= 20 there; wsbench copies the rest
  --ssh-config FILE      ssh_config to use instead of ~/.ssh/config (ssh -F)
  --clients H1,H2        run the bulk client shards on these hosts (ssh://user@host or
                         user@host), a share each, each streaming its own samples; the
                         latency probes stay here. Needs --target and Node >= 20 there
  --client-addresses A,B this machine's addresses to connect to the target from, sockets
                         spread evenly (each carries at most one ephemeral port range:
                         ~28k by default, ~64k widened)
  --name TEXT            run name (default: "<scenario> <backend>")
  --notes TEXT           free text stored with the run
${DB_HELP}
  --collector URL        stream to a running \`wsbench collector\` instead of --db
  --token TOKEN          bearer token for --collector (default: $WSBENCH_TOKEN)
  --client KIND          bulk connections in the native C client (default; built with the
                         system's cc and OpenSSL) or in TypeScript on ws ("node"); probes are
                         always TypeScript
  --no-spread            let the kernel pick client addresses instead of 127.x.y.z
  --per-shard N          most sockets per client process (default 15000)
  --json                 print the outcomes as JSON on stdout

Exit codes: 0 stable, 3 unstable, 4 crashed, 5 client-bound (invalid), 130 aborted,
2 bad usage or a failed preflight check.

Examples:
  wsbench run
  wsbench run --backend uws --scenario seed-100k
  wsbench run --backend uws,socketio --scenario capacity --steps 5000,10000,20000 --hold 60
  wsbench run --backend uws,socketio --scenario capacity --profile pi4
  wsbench run --target ssh://ubuntu@pi.local --backend uws,socketio --scenario seed-100k`,

  async run(argv) {
    const { values } = parse('run', argv, {
      ...dbOption,
      ...jsonOption,
      backend: { type: 'string' },
      scenario: { type: 'string' },
      'scenario-file': { type: 'string' },
      connections: { type: 'string' },
      steps: { type: 'string' },
      rate: { type: 'string' },
      hold: { type: 'string' },
      'interval-ms': { type: 'string' },
      'late-ms': { type: 'string' },
      workers: { type: 'string' },
      symbols: { type: 'string' },
      probes: { type: 'string' },
      compression: { type: 'boolean' },
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
      target: { type: 'string' },
      'ssh-config': { type: 'string' },
      'client-addresses': { type: 'string' },
      clients: { type: 'string' },
    });
    const backends = (values.backend ?? 'uws,socketio').split(',').map((b) => b.trim()) as BackendName[];
    for (const b of backends) getBackend(b);
    if (new Set(backends).size !== backends.length) throw new ConfigError('--backend lists a backend twice');
    const profile = values.profile ? getProfile(values.profile) : undefined;
    const memoryLimit = bytesFlag('memory-limit', values['memory-limit'], 16 * 1024 * 1024);
    const cpuLimit = numberFlag('cpu-limit', values['cpu-limit'], { min: 0.01 });
    const resources =
      profile || memoryLimit !== undefined || cpuLimit !== undefined
        ? { profile: profile?.name ?? null, memoryBytes: memoryLimit ?? profile?.memoryBytes, cpuCores: cpuLimit ?? profile?.cpuCores }
        : undefined;
    const scenario = buildScenario(values);
    if (values.target && resources) throw new ConfigError('--profile, --memory-limit and --cpu-limit limit a server on this machine; with --target the server runs on real hardware: drop them');
    if (values['ssh-config'] && !values.target) throw new ConfigError('--ssh-config needs --target');
    if (values['client-addresses'] && !values.target) throw new ConfigError('--client-addresses needs --target (a local server is reached from 127.x addresses, spread by default)');
    const sourceAddresses = values['client-addresses'] ? localAddressList(values['client-addresses']) : undefined;
    if (values.clients && !values.target) throw new ConfigError('--clients needs --target: clients on other hosts reach a server on a host, not on 127.0.0.1 here');
    if (values.clients && values['client-addresses']) throw new ConfigError('--clients and --client-addresses exclude each other: client hosts connect from their own addresses');
    const clientUrls = values.clients ? parseClientHosts(values.clients) : undefined;
    if (values.target) parseSshTarget(values.target); // a malformed URL is refused before anything else
    if (values.collector && values.db) throw new ConfigError('--db and --collector exclude each other: a run goes to one place');

    // Preflight: limits and what this plan needs of them.
    const limits = readLimits();
    const maxConnections = scenario.steps?.[scenario.steps.length - 1] ?? scenario.connections;
    const perShard = numberFlag('per-shard', values['per-shard'], { min: 1, integer: true }) ?? Math.min(15_000, Math.max(1000, (limits.openFilesSoft ?? 20_000) - 500));
    if (values.workers === undefined && scenario.workers === 0 && !values.target) {
      // "All CPUs" (or the profile's cores), sharded further when the open-files limit needs it.
      const floor = profile?.workers ?? describeHost(limits).cores;
      const auto = autoWorkers(limits, maxConnections, floor);
      scenario.workers = auto.workers;
      if (auto.raisedFor !== null) {
        process.stderr.write(`wsbench run: ${auto.workers} server processes instead of ${floor}: a process may open ${auto.raisedFor} files here (ulimit -n), and ${maxConnections.toLocaleString('en-US')} sockets need ${auto.workers}. They share the same CPUs${resources ? ' and limits' : ''}.\n`);
      }
    }
    const workers = scenario.workers || describeHost(limits).cores;
    const problems = preflight(limits, {
      connections: maxConnections,
      serverWorkers: workers,
      serverHere: !values.target,
      perShard: Math.min(perShard, maxConnections),
      perAddress: sourceAddresses ? Math.ceil(maxConnections / sourceAddresses.length) : 5000,
      // 127.x source addresses reach this machine only.
      spreadAddresses: values.target ? sourceAddresses !== undefined : !values['no-spread'],
      maxInFlight: 100,
      estimatedBytes: maxConnections * (60_000 + (values.target ? 0 : backends.includes('socketio') ? 60_000 : 10_000)),
    });
    for (const p of problems.filter((p) => p.severity === 'warning')) process.stderr.write(`wsbench run: warning: ${p.message}\n  fix: ${p.fix}\n`);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length > 0) {
      throw new ConfigError(`preflight failed:\n${errors.map((p) => `  - ${p.message}\n    fix: ${p.fix}`).join('\n')}`);
    }
    if (!values.target) for (const b of backends) BACKENDS.get(b)!.describe(); // an unusable backend refuses before any run starts
    const bulkClient = chooseBulkClient(values.client as string | undefined, values['slow-shard-ms'] !== undefined);

    const progress = progressWriter();
    // A target is checked, and what it needs copied, before anything is recorded.
    const prepared = values.target
      ? await prepareTarget({ url: values.target, sshConfig: values['ssh-config'], backends, connections: maxConnections, workers: scenario.workers || undefined, progress: (line) => progress(line, false) })
      : undefined;
    if (prepared) scenario.workers = prepared.workers;
    const clientHosts = clientUrls && prepared
      ? await prepareClientHosts({ urls: clientUrls, bundle: prepared.bundle, sshConfig: values['ssh-config'], connections: maxConnections, perShard, progress: (line) => progress(line, false) })
      : undefined;

    let db: Db | undefined;
    let ingestor: Ingestor | undefined;
    let service: CollectorService | undefined;
    const token = values.token ?? process.env.WSBENCH_TOKEN;
    // Where a remote host's agent streams: --collector, or the collector started here for the run.
    let collectorUrl = (_address: string | null) => ({ url: values.collector as string, token });
    if (!values.collector) {
      db = openDatabase(dbPath(values.db));
      if (prepared) {
        // The target's sampler streams here: listen on the address the target reached us from,
        // with a token of this run's own.
        const runToken = randomBytes(24).toString('base64url');
        // One address if every remote host reached us from the same one; otherwise all of them.
        const seenFrom = new Set([prepared.facts.runnerAddress, ...(clientHosts ?? []).map((h) => h.facts.runnerAddress)]);
        const listenOn = seenFrom.size === 1 && !seenFrom.has(null) ? [...seenFrom][0]! : '0.0.0.0';
        service = new CollectorService(db, { host: listenOn, port: 0, token: runToken });
        const port = new URL(await service.listen()).port;
        collectorUrl = (address) => {
          const a = address ?? listenOn;
          return { url: `http://${a.includes(':') ? `[${a}]` : a}:${port}`, token: runToken };
        };
        ingestor = service.ingestor;
        progress(`collector for ${prepared.facts.host} at ${collectorUrl(prepared.facts.runnerAddress).url} (token of this run)`, false);
      } else {
        ingestor = new Ingestor(db);
      }
    }
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = () => {
      interrupts++;
      if (interrupts === 1) {
        process.stderr.write('\nwsbench run: stopping (Ctrl-C again to quit at once)\n');
        controller.abort();
      } else {
        process.exit(RUN_EXIT.aborted);
      }
    };
    process.on('SIGINT', onSigint);
    const outcomes: RunOutcome[] = [];
    try {
      for (const backend of backends) {
        if (controller.signal.aborted) break;
        progress(`[${backend}] starting ${scenario.name}: ${maxConnections.toLocaleString('en-US')} connections`, false);
        const outcome = await runBackend(
          {
            backend,
            scenario,
            name: values.name,
            notes: values.notes,
            spreadAddresses: !values['no-spread'] && !values.target,
            perShard,
            perAddress: 5000,
            maxInFlightPerShard: 100,
            limits,
            slowShardMsPerFrame: numberFlag('slow-shard-ms', values['slow-shard-ms'], { min: 0 }),
            resources,
            bulkClient,
            ...(sourceAddresses ? { sourceAddresses } : {}),
            ...(prepared ? { target: { ...prepared, collector: collectorUrl(prepared.facts.runnerAddress) } } : {}),
            ...(clientHosts ? { clientHosts: clientHosts.map((h) => ({ ...h, collector: collectorUrl(h.facts.runnerAddress) })) } : {}),
          },
          {
            sender: (runId) =>
              new BatchSender({
                transport: values.collector ? new HttpTransport(values.collector, { token }) : new LocalTransport(ingestor!),
                run: runId,
                onRejected: (id, reply) => process.stderr.write(`wsbench run: the collector refused batch ${id}: ${JSON.stringify(reply.body)}\n`),
                onConnectivity: (up, detail) => progress(up ? `collector reachable again (${detail})` : `! collector unreachable (${detail}); buffering samples`, false),
              }),
            signal: controller.signal,
            progress,
          },
        );
        outcomes.push(outcome);
        progress(`[${backend}] ${outcome.verdict}: ${outcome.reason} (run ${outcome.runId})`, false);
      }
    } finally {
      process.off('SIGINT', onSigint);
      await service?.close();
      db?.close();
    }
    process.stderr.write('\n' + summaryTable(outcomes));
    if (values.json) process.stdout.write(JSON.stringify(outcomes, null, 2) + '\n');
    const worst = outcomes.reduce<Verdict>((w, o) => (SEVERITY.indexOf(o.verdict) > SEVERITY.indexOf(w) ? o.verdict : w), controller.signal.aborted ? 'aborted' : 'stable');
    return RUN_EXIT[worst];
  },
};

type RunValues = Record<string, string | boolean | undefined>;

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
  const base = values['scenario-file'] ? loadScenarioFile(values['scenario-file'] as string) : presetScenario((values.scenario as string | undefined) ?? 'quick');
  const n = (flag: string, min = 1) => numberFlag(flag, values[flag] as string | undefined, { min, integer: true });
  const s: Scenario = { ...base };
  const set = <K extends keyof Scenario>(key: K, value: Scenario[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('connections', n('connections'));
  set('connectRatePerSec', n('rate'));
  set('holdSec', n('hold'));
  set('intervalMs', n('interval-ms', 50));
  set('lateMs', n('late-ms') ?? (values['interval-ms'] ? s.intervalMs : undefined));
  set('workers', n('workers'));
  set('symbols', n('symbols'));
  set('probes', n('probes'));
  if (values.compression) s.compression = true;
  if (values['connect-first']) s.publishDuringRamp = false;
  if (typeof values.steps === 'string') {
    const steps = values.steps.split(',').map((v) => Number(v.trim()));
    if (steps.some((v) => !Number.isInteger(v) || v < 1)) throw new ConfigError(`--steps must be whole numbers separated by commas, got "${values.steps}"`);
    s.steps = steps;
    if (values.connections === undefined) s.connections = Math.max(...steps);
  } else if (s.steps && values.connections !== undefined) {
    s.steps = s.steps.filter((v) => v <= s.connections);
    if (s.steps.length === 0) s.steps = [s.connections];
  }
  return validateScenario(s, 'flags');
}

/** Transient lines redraw one status line on a terminal; elsewhere one line each 10 s. */
function progressWriter(): (line: string, transient: boolean) => void {
  const tty = process.stderr.isTTY;
  let lastPlain = 0;
  return (line, transient) => {
    if (tty) {
      process.stderr.write(`\r\x1b[2K${line}${transient ? '' : '\n'}`);
    } else if (!transient || Date.now() - lastPlain >= 10_000) {
      process.stderr.write(`${line}\n`);
      if (transient) lastPlain = Date.now();
    }
  };
}

function summaryTable(outcomes: RunOutcome[]): string {
  if (outcomes.length === 0) return 'no run finished\n';
  const pct = (v: number | null) => (v === null ? '–' : `${v.toFixed(3)}%`);
  return table(
    ['BACKEND', 'VERDICT', 'CONNS', 'DELIVERED', 'MISSING', 'P50', 'P99', 'SERVER RSS', 'IDLE RSS', 'PER ADDED CONN', 'SERVER CPU', 'CLIENT CPU MAX', 'RUN'],
    outcomes.map((o) => [
      o.backend,
      o.verdict,
      formatNumber(o.figures.connections),
      pct(o.figures.deliveredPct),
      formatNumber(o.figures.missing),
      formatMs(o.figures.latencyP50Ms),
      formatMs(o.figures.latencyP99Ms),
      formatBytes(o.figures.serverRssBytes),
      formatBytes(o.figures.idleRssBytes),
      formatBytes(o.figures.addedBytesPerConn === null ? null : Math.round(o.figures.addedBytesPerConn)),
      o.figures.serverCpuPct === null ? '–' : `${o.figures.serverCpuPct.toFixed(0)}%`,
      `${o.figures.maxShardCpuPct.toFixed(0)}%`,
      o.runId,
    ]),
  );
}
