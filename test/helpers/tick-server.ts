// A wss:// server fixture on the shared tick schedule that misbehaves as a test says: the test's
// `send` decides, per client and per tick, what that client gets and when.
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { tickPayload } from '../../runners/backends/ticker.ts';
import { resolveTls } from '../../runners/backends/tls.ts';
import { CERT_DIR } from './backends.ts';

/** A wss:// server that calls `send(ws, index, n, payload)` for each client on each tick's schedule. */
export async function tickServer(intervalMs: number, t0Ms: number, send: (ws: WebSocket, index: number, n: number, payload: string) => void) {
  const tls = resolveTls({ dir: CERT_DIR });
  const server = https.createServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile), minVersion: 'TLSv1.3' });
  const wss = new WebSocketServer({ server });
  const clients: WebSocket[] = [];
  wss.on('connection', (ws) => clients.push(ws));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let n = 1;
  const timer = setInterval(() => {
    const due = t0Ms + n * intervalMs;
    if (Date.now() < due) return;
    const payload = tickPayload('AAPL', n, due);
    clients.forEach((ws, i) => send(ws, i, n, payload));
    n++;
  }, 2);
  return {
    port: (server.address() as AddressInfo).port,
    close() {
      clearInterval(timer);
      for (const ws of clients) ws.terminate();
      wss.close();
      server.close();
    },
  };
}

