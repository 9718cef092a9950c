// The Socket.IO backend's processes: a cluster primary that forks one worker per CPU (Node 20's
// net has no reusePort, so the cluster module shares the port) and relays the cluster adapter's
// messages; workers serve Socket.IO 4 over https with long-polling disabled, as in the seed.
// Worker 0 runs the ticker and emits to per-topic rooms; the cluster adapter carries each emit
// to the other workers' clients, the way a Socket.IO deployment broadcasts.
import cluster, { type Worker } from 'node:cluster';
import fs from 'node:fs';
import https from 'node:https';
import { createAdapter, setupPrimary } from '@socket.io/cluster-adapter';
import { Server } from 'socket.io';
import { Ticker, tickMessage } from './ticker.ts';
import { expand, DEFAULT_PATTERN, patternProblem, topicOf } from './topics.ts';
import type { FromServer, ProcessExit, ToServer, WorkerStatus } from './types.ts';

type StartMessage = Extract<ToServer, { type: 'start' }>;
/** Messages between primary and workers carry this tag; the cluster adapter has its own. */
type Internal =
  | { wsbench: 'hello' }
  | { wsbench: 'start'; start: StartMessage }
  | { wsbench: 'ready' }
  | { wsbench: 'fatal'; message: string }
  | { wsbench: 'status'; id: number }
  | { wsbench: 'status-reply'; id: number; status: WorkerStatus }
  | { wsbench: 'stop' };

const send = (message: FromServer) => process.send?.(message);
// Ctrl-C in a terminal reaches the whole process group; the controller decides when to stop.
process.on('SIGINT', () => {});

if (cluster.isPrimary) runPrimary();
else runWorker();

function runPrimary(): void {
  process.on('disconnect', () => process.exit(0));
  process.once('message', (start: StartMessage) => {
    setupPrimary();
    const workers: Worker[] = [];
    const index = new Map<number, number>(); // cluster worker id → our worker number
    let stopping = false;
    let ready = 0;
    for (let i = 0; i < start.options.workers; i++) {
      const worker = cluster.fork();
      index.set(worker.id, i);
      workers.push(worker);
    }
    const pending = new Map<number, WorkerStatus[]>();
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
    const live = () => workers.filter((w) => !w.isDead());
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

function runWorker(): void {
  const tell = (message: Internal) => process.send?.(message);
  process.on('message', (message: Internal) => {
    if (message?.wsbench !== 'start') return;
    try {
      serve(message.start, tell);
    } catch (err) {
      tell({ wsbench: 'fatal', message: `socketio worker: ${(err as Error).message}` });
    }
  });
  tell({ wsbench: 'hello' });
}

function serve({ options, worker }: StartMessage, tell: (message: Internal) => void): void {
  const topics = options.symbols.map(topicOf);
  const server = https.createServer({
    key: fs.readFileSync(options.keyFile),
    cert: fs.readFileSync(options.certFile),
    minVersion: 'TLSv1.3', // TLS 1.3 only, as in the seed
  });
  const io = new Server(server, {
    transports: ['websocket'],
    serveClient: false,
    perMessageDeflate: options.compression ? { threshold: 0 } : false,
    adapter: createAdapter(),
  });

  // Count every message written to a socket, whether this worker emitted it or the adapter
  // brought it from worker 0: the adapter delivers both through apply().
  let published = 0;
  const adapter = io.of('/').adapter as any;
  const apply = adapter.apply.bind(adapter);
  adapter.apply = (opts: unknown, callback: (socket: unknown) => void) =>
    apply(opts, (socket: unknown) => {
      published++;
      callback(socket);
    });

  io.use((socket, next) => {
    const given = socket.handshake.auth?.topic ?? socket.handshake.query?.topic;
    const pattern = typeof given === 'string' && given !== '' ? given : DEFAULT_PATTERN;
    const problem = patternProblem(pattern);
    if (problem) return next(new Error(`topic ${pattern}: ${problem}`));
    socket.data.pattern = pattern;
    next();
  });
  io.on('connection', (socket) => {
    socket.join(expand(socket.data.pattern, topics));
  });

  const ticker =
    worker === 0
      ? new Ticker({ t0Ms: options.t0Ms, intervalMs: options.intervalMs, clockOffsetMs: options.clockOffsetMs }, (n, scheduledMs) => {
          for (const symbol of options.symbols) io.to(topicOf(symbol)).emit('tick', tickMessage(symbol, n, scheduledMs));
        })
      : undefined;

  server.once('error', (err: NodeJS.ErrnoException) => tell({ wsbench: 'fatal', message: `socketio worker ${worker}: ${err.message}` }));
  server.listen(options.port, options.host, () => {
    ticker?.start();
    tell({ wsbench: 'ready' });
  });

  process.on('message', (message: Internal) => {
    if (message?.wsbench === 'status') {
      let backpressureBytes = 0;
      for (const socket of io.sockets.sockets.values()) {
        backpressureBytes += (socket.conn as any).transport?.socket?.bufferedAmount ?? 0;
      }
      tell({
        wsbench: 'status-reply',
        id: message.id,
        status: {
          worker,
          pid: process.pid,
          connections: io.sockets.sockets.size,
          published,
          backpressureBytes,
          lastTick: ticker?.last?.n ?? null,
          lastPublishLagMs: ticker?.last?.publishLagMs ?? null,
        },
      });
    } else if (message?.wsbench === 'stop') {
      ticker?.stop();
      io.close();
      setTimeout(() => process.exit(0), 100);
    }
  });
}
