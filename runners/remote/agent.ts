// Runs on the target host, started over SSH: starts the backend under test there, samples it
// once a second and streams the samples to the collector itself (HTTP, with the run's token),
// and answers the runner's clock, status and stop requests as JSON lines on stdin/stdout.
// When stdin ends (the runner stopped, or the SSH connection died) it stops the backend and
// exits, so nothing of a run is left on the target.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventRecord, ServerSample } from '../../collector/records.ts';
import type { BatchSender } from '../../collector/sender.ts';
import { resolveServeOptions, type ServeInput } from '../backends/options.ts';
import { getBackend } from '../backends/registry.ts';
import type { BackendId, RunningBackend } from '../backends/types.ts';
import { Sampler } from '../sampler/sampler.ts';
import { collectorSender, sendLine, serveRequests } from './agent-io.ts';

export type ToAgent =
  | { type: 'clock'; id: number }
  | { type: 'start'; backend: BackendId; serve: ServeInput; runId: string; collector: { url: string; token: string | undefined } }
  | { type: 'status'; id: number }
  | { type: 'stop' };

export type FromAgent =
  | { type: 'hello'; pid: number }
  | { type: 'clock'; id: number; nowMs: number }
  | { type: 'ready'; port: number; info: RunningBackend['info']; pids: ReturnType<RunningBackend['pids']> }
  | { type: 'status'; id: number; status: Awaited<ReturnType<RunningBackend['status']>> | null; error?: string }
  | { type: 'exit'; exit: Parameters<Parameters<RunningBackend['onExit']>[0]>[0]; message: string }
  | { type: 'warning'; message: string }
  /** A copy of each sample sent to the collector, for the runner's live verdict and status line. */
  | { type: 'record'; record: ServerSample | EventRecord }
  | { type: 'fatal'; message: string }
  | { type: 'stopped'; sent: number; pending: number };

const send = (message: FromAgent) => sendLine(message);
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wsbench-run-'));
let backend: RunningBackend | undefined;
let sampler: Sampler | undefined;
let sender: BatchSender | undefined;
let stopping: Promise<void> | undefined;

async function start(message: Extract<ToAgent, { type: 'start' }>): Promise<void> {
  const serve = resolveServeOptions({ ...message.serve, certDir: path.join(runDir, 'certs') });
  sender = collectorSender(message.runId, message.collector, 'the target');
  const running = await getBackend(message.backend).start(serve);
  backend = running;
  const dead = new Set<number>();
  const out = sender;
  sampler = new Sampler({ source: 'sampler', processes: () => running.pids().filter((p) => !dead.has(p.pid)), status: () => running.status(900), port: running.port,
    push: (record) => {
      out.push(record);
      send({ type: 'record', record });
    },
  });
  running.onExit((exit) => {
    dead.add(exit.pid);
    const event = sampler!.recordExit(exit);
    send({ type: 'exit', exit, message: event.message });
  });
  sampler.start();
  send({ type: 'ready', port: running.port, info: running.info, pids: running.pids() });
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    await sampler?.stop();
    if (sampler && backend) await sampler.sample().catch(() => undefined);
    await backend?.stop().catch(() => undefined);
    const stats = sender ? await sender.close(10_000).catch(() => undefined) : undefined;
    fs.rmSync(runDir, { recursive: true, force: true });
    send({ type: 'stopped', sent: stats?.ackedRecords ?? 0, pending: stats?.pendingRecords ?? 0 });
  })();
  return stopping;
}

serveRequests<ToAgent>((message) => {
  if (message.type === 'start') start(message).catch((err) => send({ type: 'fatal', message: (err as Error).message }));
  else if (message.type === 'status') {
    if (!backend) send({ type: 'status', id: message.id, status: null, error: 'not started' });
    else backend.status(900).then((status) => send({ type: 'status', id: message.id, status }), (err) => send({ type: 'status', id: message.id, status: null, error: (err as Error).message }));
  }
}, stop);
