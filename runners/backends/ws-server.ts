// The `ws` backend's processes: what most Node servers run. A node:cluster primary shares the
// port (Node 20's net has no reusePort) among one worker per CPU; each worker serves `ws` over
// Node's https with TLS 1.3 only and, like the uWS workers, runs its own ticker on the shared
// schedule and broadcasts to its own subscribers: `ws` has no pub/sub, so a topic is a Set of
// sockets and a broadcast iterates it, sending one buffer made once per tick (the usual way).
import fs from 'node:fs';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { runCluster, type ClusterServer, type StartMessage } from './cluster.ts';
import { QueueWatch } from './queue-watch.ts';
import { tickPayload, Ticker } from './ticker.ts';
import { expand, patternFromQuery, patternProblem, topicOf } from './topics.ts';

runCluster('ws', serve);

function refuse(socket: Duplex, why: string): void {
  socket.end(`HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(why)}\r\nConnection: close\r\n\r\n${why}`);
}

function serve({ options }: StartMessage): ClusterServer {
  const topics = options.symbols.map(topicOf);
  const subscribers = new Map<string, Set<WebSocket>>(topics.map((t) => [t, new Set()]));
  const sockets = new Set<WebSocket>();
  let published = 0;
  // ws queues without a limit: what the kernel will not take waits in the socket's stream.
  const queue = new QueueWatch<WebSocket>(() => sockets, (ws) => ({ bytes: ws.bufferedAmount, messages: null }), false);

  const server = https.createServer({
    key: fs.readFileSync(options.keyFile),
    cert: fs.readFileSync(options.certFile),
    minVersion: 'TLSv1.3', // TLS 1.3 only, as in the seed
  });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: options.compression, maxPayload: 16 * 1024, clientTracking: false });
  server.on('upgrade', (req, socket, head) => {
    const pattern = patternFromQuery(new URL(req.url ?? '/', 'https://x').search.slice(1));
    const problem = patternProblem(pattern);
    if (problem) return refuse(socket, `topic ${pattern}: ${problem}`);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const mine = expand(pattern, topics);
      sockets.add(ws);
      for (const topic of mine) subscribers.get(topic)!.add(ws);
      ws.on('error', () => undefined); // a reset client is counted by the client, not fatal here
      ws.on('close', () => {
        queue.closing(ws);
        sockets.delete(ws);
        for (const topic of mine) subscribers.get(topic)!.delete(ws);
      });
    });
  });

  const ticker = new Ticker({ t0Ms: options.t0Ms, intervalMs: options.intervalMs, clockOffsetMs: options.clockOffsetMs }, (n, scheduledMs) => {
    for (const symbol of options.symbols) {
      const topic = topicOf(symbol);
      const bytes = Buffer.from(tickPayload(symbol, n, scheduledMs, options.messageBytes));
      for (const ws of subscribers.get(topic)!) {
        ws.send(bytes, { binary: false, compress: options.compression });
        published++;
      }
    }
    queue.afterPublish();
  });

  return {
    listen(ready, fail) {
      server.once('error', (err) => fail(err.message));
      server.listen(options.port, options.host, () => {
        ticker.start();
        ready();
      });
    },
    status() {
      let backpressureBytes = 0;
      for (const ws of sockets) backpressureBytes += ws.bufferedAmount;
      return { connections: sockets.size, published, backpressureBytes, ...queue.take(), lastTick: ticker.last?.n ?? null, lastPublishLagMs: ticker.last?.publishLagMs ?? null };
    },
    stop() {
      ticker.stop();
      server.close();
      for (const ws of sockets) ws.close(1001, 'server stopping');
    },
  };
}
