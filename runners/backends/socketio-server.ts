// The Socket.IO backends' processes: a cluster primary that forks one worker per CPU and relays
// the cluster adapter's messages; workers serve Socket.IO 4 with long-polling disabled, as in
// the seed. Worker 0 runs the ticker and emits to per-topic rooms; the cluster adapter carries
// each emit to the other workers' clients, the way a Socket.IO deployment broadcasts.
// Two transports under the same Socket.IO: Node's https with `ws` (backend "socketio": Node 20's
// net has no reusePort, so the cluster module shares the port), or a uWebSockets.js SSLApp
// (backend "socketio-uws", io.attachApp: each worker listens itself, uSockets sets SO_REUSEPORT),
// chosen by whether the controller sent the uWS binary it proved loads.
import fs from 'node:fs';
import https from 'node:https';
import { createAdapter, setupPrimary } from '@socket.io/cluster-adapter';
import { Server } from 'socket.io';
import { runCluster, type ClusterServer, type StartMessage } from './cluster.ts';
import { QueueWatch } from './queue-watch.ts';
import { Ticker, tickMessage } from './ticker.ts';
import { tls12BlockingCiphers } from './tls.ts';
import { expand, DEFAULT_PATTERN, patternProblem, topicOf } from './topics.ts';
import { loadBinary } from './uws-loader.ts';

runCluster('socketio', serve, setupPrimary);

/** A Socket.IO server on its transport, not yet listening. */
interface Attached {
  io: Server;
  listen(ready: () => void, fail: (message: string) => void): void;
  close(): void;
  /** Bytes the transport holds for one client's socket (engine.io's write buffer not included). */
  buffered(socket: { conn: unknown }): number;
}

function ioOptions(options: StartMessage['options']) {
  return { transports: ['websocket' as const], serveClient: false, perMessageDeflate: options.compression ? { threshold: 0 } : false, adapter: createAdapter() };
}

function attachHttps(options: StartMessage['options']): Attached {
  const server = https.createServer({
    key: fs.readFileSync(options.keyFile),
    cert: fs.readFileSync(options.certFile),
    minVersion: 'TLSv1.3', // TLS 1.3 only, as in the seed
  });
  const io = new Server(server, ioOptions(options));
  return {
    io,
    listen(ready, fail) {
      server.once('error', (err: NodeJS.ErrnoException) => fail(err.message));
      server.listen(options.port, options.host, ready);
    },
    close: () => io.close(),
    buffered: (socket) => (socket.conn as any).transport?.socket?.bufferedAmount ?? 0,
  };
}

function attachUws(options: StartMessage['options'], native: string): Attached {
  const uws = loadBinary(native);
  const app = uws.SSLApp({ key_file_name: options.keyFile, cert_file_name: options.certFile, ssl_ciphers: tls12BlockingCiphers(options.certFile) });
  const io = new Server(ioOptions(options));
  io.attachApp(app, { compression: options.compression ? uws.SHARED_COMPRESSOR : uws.DISABLED } as any);
  let token: unknown;
  return {
    io,
    listen(ready, fail) {
      app.listen(options.host, options.port, (t: unknown) => {
        if (!t) return fail(`cannot listen on ${options.host}:${options.port} (in use, or not an address of this machine)`);
        token = t;
        ready();
      });
    },
    close() {
      if (token) uws.us_listen_socket_close(token);
      io.close();
    },
    buffered: (socket) => (socket.conn as any).transport?.socket?.getBufferedAmount?.() ?? 0,
  };
}

/** One client's queue: the packets engine.io holds, and the bytes of those and of the transport's socket. */
function engineQueue(socket: { conn: unknown }, attached: Attached): { bytes: number; messages: number } {
  const waiting: { data?: unknown }[] = (socket.conn as any).writeBuffer ?? [];
  let bytes = attached.buffered(socket);
  for (const packet of waiting) bytes += typeof packet.data === 'string' ? packet.data.length : ((packet.data as { byteLength?: number } | undefined)?.byteLength ?? 0);
  return { bytes, messages: waiting.length };
}

function serve({ options, worker, native }: StartMessage): ClusterServer {
  const topics = options.symbols.map(topicOf);
  const attached = native ? attachUws(options, native) : attachHttps(options);
  const { io } = attached;

  // Count every message written to a socket, whether this worker emitted it or the adapter
  // brought it from worker 0: the adapter delivers both through apply().
  let published = 0;
  // Socket.IO queues without a limit: packets wait in engine.io's write buffer while the
  // transport is still writing the previous ones, then in the transport's socket.
  const queue = new QueueWatch<any>(() => io.sockets.sockets.values(), (socket) => engineQueue(socket, attached), false);
  let watchPending = false;
  const adapter = io.of('/').adapter as any;
  const apply = adapter.apply.bind(adapter);
  adapter.apply = (opts: unknown, callback: (socket: unknown) => void) => {
    apply(opts, (socket: unknown) => {
      published++;
      callback(socket);
    });
    // Read once the broadcast has been written, on this worker or brought by the cluster adapter.
    if (!watchPending) {
      watchPending = true;
      setImmediate(() => {
        watchPending = false;
        queue.afterPublish();
      });
    }
  };

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
    socket.on('disconnect', () => queue.closing(socket));
  });

  const ticker =
    worker === 0
      ? new Ticker({ t0Ms: options.t0Ms, intervalMs: options.intervalMs, clockOffsetMs: options.clockOffsetMs }, (n, scheduledMs) => {
          for (const symbol of options.symbols) io.to(topicOf(symbol)).emit('tick', tickMessage(symbol, n, scheduledMs, options.messageBytes));
        })
      : undefined;

  return {
    listen(ready, fail) {
      attached.listen(() => {
        ticker?.start();
        ready();
      }, fail);
    },
    status() {
      let backpressureBytes = 0;
      for (const socket of io.sockets.sockets.values()) backpressureBytes += attached.buffered(socket);
      return { connections: io.sockets.sockets.size, published, backpressureBytes, ...queue.take(), lastTick: ticker?.last?.n ?? null, lastPublishLagMs: ticker?.last?.publishLagMs ?? null };
    },
    stop() {
      ticker?.stop();
      attached.close();
    },
  };
}
