// The process plumbing of a backend that runs as a node:cluster primary with one worker per
// server process (socketio, socketio-uws, ws): the primary forks, hands each worker its start
// message, reports ready once all listen, relays status requests, reports every worker that dies
// (never respawned) and stops them. A worker only says how to serve and how to report itself.
import cluster, { type Worker } from 'node:cluster';
import type { FromServer, ProcessExit, ToServer, WorkerStatus } from './types.ts';

export type StartMessage = Extract<ToServer, { type: 'start' }>;

/** Messages between primary and workers carry this tag; the cluster adapter has its own. */
type Internal =
  | { wsbench: 'hello' }
  | { wsbench: 'start'; start: StartMessage }
  | { wsbench: 'ready' }
  | { wsbench: 'fatal'; message: string }
  | { wsbench: 'status'; id: number }
  | { wsbench: 'status-reply'; id: number; status: WorkerStatus }
  | { wsbench: 'stop' };

/** One worker's server, once started: listens, then answers for itself until stopped. */
export interface ClusterServer {
  listen(ready: () => void, fail: (message: string) => void): void;
  status(): Omit<WorkerStatus, 'worker' | 'pid'>;
  stop(): void;
}

const send = (message: FromServer) => process.send?.(message);

/**
 * The entry point of such a backend: the primary side in the primary (setup runs before the
 * first fork, e.g. the cluster adapter's), `serve` in each worker.
 */
export function runCluster(name: string, serve: (start: StartMessage) => ClusterServer, setup?: () => void): void {
  // Ctrl-C in a terminal reaches the whole process group; the controller decides when to stop.
  process.on('SIGINT', () => {});
  if (cluster.isPrimary) runPrimary(setup);
  else runWorker(name, serve);
}

function runPrimary(setup?: () => void): void {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (start: StartMessage) => {
    setup?.();
    const workers: Worker[] = [];
    const index = new Map<number, number>(); // cluster worker id → our worker number
    for (let i = 0; i < start.options.workers; i++) {
      const worker = cluster.fork();
      index.set(worker.id, i);
      workers.push(worker);
    }
    const live = () => workers.filter((w) => !w.isDead());
    // The server group sends SIGTERM when a polite stop took over 3 s (workers busy closing tens
    // of thousands of sockets): the workers go with the primary. Left alone they would run on,
    // orphaned, beside the next backend's measurement, and print a crash when they next told
    // the primary anything.
    process.on('SIGTERM', () => {
      for (const w of live()) w.process.kill('SIGKILL');
      process.exit(0);
    });
    const pending = new Map<number, WorkerStatus[]>();
    let stopping = false;
    let ready = 0;
    cluster.on('message', (worker, message: Internal) => {
      if (message?.wsbench === 'hello') {
        worker.send({ wsbench: 'start', start: { ...start, worker: index.get(worker.id)! } } satisfies Internal);
      } else if (message?.wsbench === 'ready' && ++ready === workers.length) {
        send({ type: 'ready', pids: [{ pid: process.pid, role: 'primary' }, ...workers.map((w) => ({ pid: w.process.pid!, role: 'worker' as const }))] });
      } else if (message?.wsbench === 'fatal') {
        send({ type: 'fatal', message: message.message });
        for (const w of workers) w.kill();
        process.exit(1);
      } else if (message?.wsbench === 'status-reply') {
        const got = pending.get(message.id);
        if (!got) return;
        got.push(message.status);
        if (got.length === live().length) {
          pending.delete(message.id);
          send({ type: 'status', id: message.id, workers: got });
        }
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (live().length === 0) process.exit(0);
        return;
      }
      const exit: ProcessExit = { pid: worker.process.pid!, role: 'worker', worker: index.get(worker.id) ?? null, code, signal, atMs: Date.now() };
      send({ type: 'exit', exit });
    });
    process.on('message', (message: ToServer) => {
      if (message.type === 'status') {
        const targets = live();
        if (targets.length === 0) return send({ type: 'status', id: message.id, workers: [] });
        pending.set(message.id, []);
        for (const w of targets) w.send({ wsbench: 'status', id: message.id } satisfies Internal);
      } else if (message.type === 'stop') {
        stopping = true;
        if (live().length === 0) process.exit(0);
        for (const w of live()) w.send({ wsbench: 'stop' } satisfies Internal);
      }
    });
  });
  send({ type: 'hello' });
}

function runWorker(name: string, serve: (start: StartMessage) => ClusterServer): void {
  const tell = (message: Internal) => process.send?.(message);
  // A primary that is gone cannot hear this worker (a listener's close, for one, tells it through
  // the cluster channel): nothing is left to do but end, without a stack trace.
  cluster.worker?.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_IPC_CHANNEL_CLOSED') process.exit(0);
    throw err;
  });
  process.on('message', (message: Internal) => {
    if (message?.wsbench !== 'start') return;
    const { worker } = message.start;
    let server: ClusterServer;
    try {
      server = serve(message.start);
    } catch (err) {
      return tell({ wsbench: 'fatal', message: `${name} worker ${worker}: ${(err as Error).message}` });
    }
    server.listen(
      () => tell({ wsbench: 'ready' }),
      (why) => tell({ wsbench: 'fatal', message: `${name} worker ${worker}: ${why}` }),
    );
    process.on('message', (m: Internal) => {
      if (m?.wsbench === 'status') {
        tell({ wsbench: 'status-reply', id: m.id, status: { worker, pid: process.pid, ...server.status() } });
      } else if (m?.wsbench === 'stop') {
        server.stop();
        setTimeout(() => process.exit(0), 100);
      }
    });
  });
  tell({ wsbench: 'hello' });
}
