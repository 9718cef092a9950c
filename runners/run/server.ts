// Starting the server under test, here or on a target, through one door: either way the run gets
// a RunningBackend, its samples flowing to the collector, and the words for any process that dies.
import type { ServeOptions } from '../backends/types.ts';
import type { Backend, ProcessExit, RunningBackend } from '../backends/types.ts';
import type { RemoteHosts } from '../remote/hosts.ts';
import { Sampler } from '../sampler/sampler.ts';
import type { CgroupJail } from './cgroup.ts';
import type { RunRecorder } from './recorder.ts';

export interface StartedServer {
  backend: RunningBackend;
  /** The local sampler; a target's runs beside its server and streams to the collector itself. */
  sampler: Sampler | undefined;
  /** How a dead server process is described in the run's events and verdict. */
  describeExit(exit: ProcessExit): string;
}

export interface ServerRequest {
  runId: string;
  backend: Backend;
  serve: ServeOptions;
  remote: RemoteHosts;
  jail: CgroupJail | undefined;
  recorder: RunRecorder;
  /** A remote host lost: the run cannot go on. */
  onHarnessFailure(why: string): void;
  progress(line: string): void;
}

export function startServer(r: ServerRequest): Promise<StartedServer> {
  return r.remote.server ? startOnTarget(r) : startHere(r);
}

async function startHere(r: ServerRequest): Promise<StartedServer> {
  const backend = await r.backend.start(r.serve, { place: r.jail ? (pid) => r.jail!.place(pid) : undefined });
  const dead = new Set<number>();
  const sampler = new Sampler({ source: 'sampler', processes: () => backend.pids().filter((p) => !dead.has(p.pid)), status: () => backend.status(900), push: (record) => r.recorder.push(record), port: backend.port });
  sampler.start();
  return {
    backend,
    sampler,
    describeExit(exit) {
      dead.add(exit.pid);
      return sampler.recordExit(exit).message;
    },
  };
}

async function startOnTarget(r: ServerRequest): Promise<StartedServer> {
  const { link, clock, prepared } = r.remote.server!;
  // The target's sampler streams to the collector itself: the run must be known there first.
  await r.recorder.sender.flush(30_000);
  r.remote.begin(r.runId, r.onHarnessFailure);
  link.onWarning((message) => r.progress(`! ${prepared.facts.host}: ${message}`));
  link.onRecord((record) => r.recorder.watch(record));
  const exitMessages = new Map<number, string>();
  link.onExit((exit, message) => exitMessages.set(exit.pid, message));
  const { serve } = r;
  const backend = await link.start(r.backend.name, { host: '0.0.0.0', port: serve.port, workers: serve.workers, intervalMs: serve.intervalMs, t0Ms: serve.t0Ms, clockOffsetMs: clock.offsetMs, symbols: serve.symbols, compression: serve.compression, messageBytes: serve.messageBytes }, r.runId, prepared.collector);
  r.recorder.push({ kind: 'run-update', backendVersion: backend.info.version, backendBuild: backend.info.build });
  return {
    backend,
    sampler: undefined,
    // The target's sampler recorded the crash, and sent the words.
    describeExit: (exit) => exitMessages.get(exit.pid) ?? `${exit.role} ${exit.pid} ${exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`}`,
  };
}
