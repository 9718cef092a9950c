// One uWebSockets.js server process: TLS, built-in pub/sub, its own ticker on the shared
// schedule (uWS has no cross-process pub/sub, so each worker publishes to its own clients).
// Several of these share one port through SO_REUSEPORT, which uSockets sets by default.
import { QueueWatch } from './queue-watch.ts';
import { tickPayload, Ticker } from './ticker.ts';
import { tls12BlockingCiphers } from './tls.ts';
import { expand, patternFromQuery, patternProblem, topicOf } from './topics.ts';
import type { FromServer, ToServer, WorkerStatus } from './types.ts';
import { loadBinary } from './uws-loader.ts';

type StartMessage = Extract<ToServer, { type: 'start' }>;

/** Bytes uWS may hold for one socket before a publish skips it. */
const MAX_BACKPRESSURE = 1024 * 1024;

const send = (message: FromServer) => process.send?.(message);
// The controller went away (even by kill -9): nothing is left to serve for.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group; the controller decides when to stop.
process.on('SIGINT', () => {});

process.once('message', (message: StartMessage) => {
  try {
    start(message);
  } catch (err) {
    send({ type: 'fatal', message: (err as Error).message });
    process.exit(1);
  }
});
send({ type: 'hello' });

function start({ options, worker, native }: StartMessage): void {
  if (!native) throw new Error('uws worker: no native binary given');
  const uws = loadBinary(native);
  const topics = options.symbols.map(topicOf);
  const sockets = new Set<any>();
  let published = 0;
  // uWS copies a publish into each socket's own buffer, and a publish skips a socket whose buffer
  // is at maxBackpressure: it never queues much more than 1 MB for one reader. The skip is silent
  // (the dropped handler is not called for pub/sub: a run with 200 capped readers counted none),
  // so the skips are counted here by uWS's own rule, before each publish.
  const queue = new QueueWatch<any>(() => sockets, (ws) => ({ bytes: ws.getBufferedAmount(), messages: null }), true);

  const app = uws.SSLApp({
    key_file_name: options.keyFile,
    cert_file_name: options.certFile,
    ssl_ciphers: tls12BlockingCiphers(options.certFile), // TLS 1.3 only, as in the seed
  });
  app.ws('/*', {
    compression: options.compression ? uws.SHARED_COMPRESSOR : uws.DISABLED,
    maxPayloadLength: 16 * 1024,
    maxBackpressure: MAX_BACKPRESSURE,
    upgrade: (res: any, req: any, context: any) => {
      const pattern = patternFromQuery(req.getQuery());
      const problem = patternProblem(pattern);
      if (problem) {
        res.writeStatus('400 Bad Request').end(`topic ${pattern}: ${problem}`);
        return;
      }
      res.upgrade(
        { pattern },
        req.getHeader('sec-websocket-key'),
        req.getHeader('sec-websocket-protocol'),
        req.getHeader('sec-websocket-extensions'),
        context,
      );
    },
    open: (ws: any) => {
      sockets.add(ws);
      const mine = expand(ws.getUserData().pattern, topics);
      ws.getUserData().topics = mine.length;
      for (const topic of mine) ws.subscribe(topic);
    },
    close: (ws: any) => {
      queue.closing(ws);
      sockets.delete(ws);
    },
  });

  const ticker = new Ticker({ t0Ms: options.t0Ms, intervalMs: options.intervalMs, clockOffsetMs: options.clockOffsetMs }, (n, scheduledMs) => {
    for (const ws of queue.backloggedSockets()) if (ws.getBufferedAmount() >= MAX_BACKPRESSURE) queue.droppedFor(ws, ws.getUserData().topics);
    for (const symbol of options.symbols) {
      const topic = topicOf(symbol);
      published += app.numSubscribers(topic);
      app.publish(topic, tickPayload(symbol, n, scheduledMs, options.messageBytes), false, options.compression);
    }
    queue.afterPublish();
  });

  let listenSocket: unknown;
  app.listen(options.host, options.port, (token: unknown) => {
    if (!token) {
      send({ type: 'fatal', message: `uws worker ${worker}: cannot listen on ${options.host}:${options.port} (in use, or not an address of this machine)` });
      process.exit(1);
    }
    listenSocket = token;
    ticker.start();
    send({ type: 'ready', pids: [{ pid: process.pid, role: 'worker' }] });
  });

  process.on('message', (message: ToServer) => {
    if (message.type === 'status') {
      let backpressureBytes = 0;
      for (const ws of sockets) backpressureBytes += ws.getBufferedAmount();
      const status: WorkerStatus = {
        worker,
        pid: process.pid,
        connections: sockets.size,
        published,
        backpressureBytes,
        ...queue.take(),
        lastTick: ticker.last?.n ?? null,
        lastPublishLagMs: ticker.last?.publishLagMs ?? null,
      };
      send({ type: 'status', id: message.id, workers: [status] });
    } else if (message.type === 'stop') {
      ticker.stop();
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      for (const ws of sockets) ws.end(1001, 'server stopping');
      setTimeout(() => process.exit(0), 100);
    }
  });
}
