// Carrying out a planned `wsbench run`: a target and client hosts made ready, the place samples
// go (this machine's database, with a collector for remote hosts, or a remote collector), Ctrl-C
// turned into a clean stop, each backend run in turn, and the table of outcomes.
import { randomBytes } from 'node:crypto';
import { CollectorService } from '../../collector/service.ts';
import { Ingestor } from '../../collector/ingest.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { BatchSender, HttpTransport, LocalTransport } from '../../collector/sender.ts';
import { prepareClientHosts, prepareTarget, type PreparedHost, type PreparedTarget } from '../../runners/remote/target.ts';
import { newRunId, runBackend, type RunOutcome, type RunRequest } from '../../runners/run/run.ts';
import { format, HEADLINE, type HeadlineKey } from '../../collector/metrics.ts';
import { table } from '../format.ts';
import type { LiveSession } from './live.ts';
import type { RunPlan } from './plan.ts';

type Progress = (line: string, transient: boolean) => void;
type Collector = { url: string; token: string | undefined };

/** The target and client hosts, checked and with what they need copied, before anything is recorded. */
export async function prepareRemote(plan: RunPlan, progress: Progress): Promise<{ target?: PreparedTarget; clientHosts?: PreparedHost[] }> {
  if (!plan.target) return {};
  const say = (line: string) => progress(line, false);
  const { url, sshConfig } = plan.target;
  const { scenario, perShard, bulkClient } = plan.request;
  const target = await prepareTarget({ url, sshConfig, backends: plan.backends, connections: plan.maxConnections, workers: scenario.workers || undefined, progress: say });
  // The target's cores decide its workers: the one setting a plan learns after it is made.
  scenario.workers = target.workers;
  const clientHosts = plan.clientUrls ? await prepareClientHosts({ urls: plan.clientUrls, bundle: target.bundle, sshConfig, connections: plan.maxConnections, perShard, bulkClient, progress: say }) : undefined;
  return { target, clientHosts };
}

/** Where samples go, and the collector URL a remote host's agent streams to. */
export interface RunSink {
  sender(runId: string): BatchSender;
  collectorFor(address: string | null): Collector;
  close(): Promise<void>;
}

export async function openSink(plan: RunPlan, remote: { target?: PreparedTarget; clientHosts?: PreparedHost[] }, progress: Progress): Promise<RunSink> {
  const senderOf = (transport: HttpTransport | LocalTransport) => (runId: string) =>
    new BatchSender({
      transport,
      run: runId,
      onRejected: (id, reply) => process.stderr.write(`wsbench run: the collector refused batch ${id}: ${JSON.stringify(reply.body)}\n`),
      onConnectivity: (up, detail) => progress(up ? `collector reachable again (${detail})` : `! collector unreachable (${detail}); buffering samples`, false),
    });
  if ('collector' in plan.sink) {
    const { collector: url, token } = plan.sink;
    return { sender: (runId) => senderOf(new HttpTransport(url, { token }))(runId), collectorFor: () => ({ url, token }), close: async () => undefined };
  }
  const db = openDatabase(plan.sink.db);
  if (!remote.target) {
    const ingestor = new Ingestor(db);
    return { sender: senderOf(new LocalTransport(ingestor)), collectorFor: () => ({ url: '', token: undefined }), close: async () => void db.close() };
  }
  return listenForRemoteHosts(db, remote.target, remote.clientHosts ?? [], senderOf, progress);
}

/**
 * The remote hosts' samplers stream here: a collector on the address the hosts reached us from
 * (all addresses if they differ), with a token of this run's own.
 */
async function listenForRemoteHosts(db: Db, target: PreparedTarget, clientHosts: PreparedHost[], senderOf: (t: LocalTransport) => (runId: string) => BatchSender, progress: Progress): Promise<RunSink> {
  const runToken = randomBytes(24).toString('base64url');
  const seenFrom = new Set([target.facts.runnerAddress, ...clientHosts.map((h) => h.facts.runnerAddress)]);
  const listenOn = seenFrom.size === 1 && !seenFrom.has(null) ? [...seenFrom][0]! : '0.0.0.0';
  const service = new CollectorService(db, { host: listenOn, port: 0, token: runToken });
  const port = new URL(await service.listen()).port;
  const collectorFor = (address: string | null): Collector => {
    const a = address ?? listenOn;
    return { url: `http://${a.includes(':') ? `[${a}]` : a}:${port}`, token: runToken };
  };
  progress(`collector for ${target.facts.host} at ${collectorFor(target.facts.runnerAddress).url} (token of this run)`, false);
  return {
    sender: senderOf(new LocalTransport(service.ingestor)),
    collectorFor,
    async close() {
      await service.close();
      db.close();
    },
  };
}

/** The first Ctrl-C stops the runs cleanly (each stored as aborted); a second quits at once. */
export function interruptOnSigint(exitCode: number): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(exitCode);
    process.stderr.write('\nwsbench run: stopping (Ctrl-C again to quit at once)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: controller.signal, release: () => process.off('SIGINT', onSigint) };
}

/**
 * Each backend in turn under the same settings, `plan.repeat` rounds of them interleaved (A B A
 * B …) so the machine's drift falls on every backend alike; repeated runs form a series, each
 * run recording its place in the order. Stops early on Ctrl-C.
 */
export async function runEach(plan: RunPlan, remote: { target?: PreparedTarget; clientHosts?: PreparedHost[] }, sink: RunSink, signal: AbortSignal, progress: Progress, live: LiveSession | null = null): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  const of = plan.repeat * plan.backends.length;
  const seriesId = plan.repeat > 1 ? newRunId(`x${plan.repeat}`, plan.request.scenario.name) : null;
  if (seriesId) progress(`series ${seriesId}: ${plan.repeat} rounds of ${plan.backends.map((b) => b.name).join(', ')}, ${of} runs`, false);
  for (let round = 0; round < plan.repeat; round++) {
    for (const [i, backend] of plan.backends.entries()) {
      if (signal.aborted) return outcomes;
      const seq = round * plan.backends.length + i;
      const place = seriesId ? ` (run ${seq + 1} of ${of})` : '';
      progress(`[${backend.name}] starting ${plan.request.scenario.name}: ${plan.maxConnections.toLocaleString('en-US')} connections${place}`, false);
      const request: RunRequest = {
        ...plan.request,
        backend: backend.name,
        ...(seriesId ? { series: { id: seriesId, seq, of } } : {}),
        ...(remote.target ? { target: { ...remote.target, collector: sink.collectorFor(remote.target.facts.runnerAddress) } } : {}),
        ...(remote.clientHosts ? { clientHosts: remote.clientHosts.map((h) => ({ ...h, collector: sink.collectorFor(h.facts.runnerAddress) })) } : {}),
      };
      const outcome = await runBackend(request, { sender: (runId) => sink.sender(runId), signal, progress, ...(live ? { live: (runId, timeline) => live.add(runId, timeline) } : {}) });
      outcomes.push({ ...outcome, ...(seriesId ? { seriesId } : {}) });
      progress(`[${backend.name}] ${outcome.verdict}: ${outcome.reason} (run ${outcome.runId})`, false);
    }
  }
  if (seriesId) progress(`series ${seriesId}: wsbench show ${seriesId} gives each figure with its spread`, false);
  return outcomes;
}

/** The outcome of each backend, every figure in the catalogue's format (as `show` and the site print it). */
export function summaryTable(outcomes: RunOutcome[]): string {
  if (outcomes.length === 0) return 'no run finished\n';
  const f = (key: HeadlineKey, v: number | null) => format(HEADLINE[key], v);
  return table(
    ['BACKEND', 'VERDICT', 'CONNS', 'DELIVERED', 'MISSING', 'P50', 'P99', 'SERVER RSS', 'IDLE RSS', 'PER ADDED CONN', 'SERVER CPU', 'CLIENT CPU MAX', 'RUN'],
    outcomes.map((o) => [
      o.backend,
      o.verdict,
      f('connections', o.figures.connections),
      f('deliveredPct', o.figures.deliveredPct),
      f('missing', o.figures.missing),
      f('latencyP50Ms', o.figures.latencyP50Ms),
      f('latencyP99Ms', o.figures.latencyP99Ms),
      f('steadyRssBytes', o.figures.serverRssBytes),
      f('idleRssBytes', o.figures.idleRssBytes),
      f('addedBytesPerConn', o.figures.addedBytesPerConn),
      f('cpuPctAvg', o.figures.serverCpuPct),
      f('clientCpuPctMax', o.figures.maxShardCpuPct),
      o.runId,
    ]),
  );
}
