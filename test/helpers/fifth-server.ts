// The fifth backend's one server process (test/helpers/fifth-backend.ts): the IPC a server
// process speaks (hello, start, ready, status, stop) and the shared tick schedule, on plain `ws`.
import { NO_QUEUE } from '../../runners/backends/queue-watch.ts';
import fs from 'node:fs';
import https from 'node:https';
import { WebSocketServer, type WebSocket } from 'ws';
import { tickPayload, Ticker } from '../../runners/backends/ticker.ts';
import type { FromServer, ToServer } from '../../runners/backends/types.ts';

const send = (message: FromServer) => process.send?.(message);
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});

process.once('message', ({ options, worker }: Extract<ToServer, { type: 'start' }>) => {
  const sockets = new Set<WebSocket>();
  let published = 0;
  const server = https.createServer({ key: fs.readFileSync(options.keyFile), cert: fs.readFileSync(options.certFile), minVersion: 'TLSv1.3' });
  new WebSocketServer({ server }).on('connection', (ws) => {
    sockets.add(ws);
    ws.on('error', () => undefined);
    ws.on('close', () => sockets.delete(ws));
  });
  const ticker = new Ticker(options, (n, scheduledMs) => {
    const bytes = Buffer.from(tickPayload(options.symbols[0]!, n, scheduledMs));
    for (const ws of sockets) ws.send(bytes, { binary: false });
    published += sockets.size;
  });
  server.once('error', (err) => send({ type: 'fatal', message: err.message }));
  server.listen(options.port, options.host, () => {
    ticker.start();
    send({ type: 'ready', pids: [{ pid: process.pid, role: 'worker' }] });
  });
  process.on('message', (message: ToServer) => {
    if (message.type === 'status') {
      send({ type: 'status', id: message.id, workers: [{ worker, pid: process.pid, connections: sockets.size, published, backpressureBytes: 0, ...NO_QUEUE, lastTick: ticker.last?.n ?? null, lastPublishLagMs: ticker.last?.publishLagMs ?? null }] });
    } else if (message.type === 'stop') {
      ticker.stop();
      server.close();
      for (const ws of sockets) ws.terminate();
      setTimeout(() => process.exit(0), 100);
    }
  });
});
send({ type: 'hello' });
