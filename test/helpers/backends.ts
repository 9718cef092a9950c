// Starts a backend under test and connects plain clients to it (the `ws` package and
// socket.io-client, with no wsbench code), collecting what they receive.
import { once } from 'node:events';
import type { TLSSocket } from 'node:tls';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { resolveServeOptions, type ServeInput } from '../../runners/backends/options.ts';
import { getBackend } from '../../runners/backends/registry.ts';
import type { RunningBackend } from '../../runners/backends/types.ts';
import { tempDir } from './fixtures.ts';

export const CERT_DIR = tempDir('wsbench-certs-');

export async function startBackend(name: string, input: ServeInput = {}): Promise<{ backend: RunningBackend; t0Ms: number; intervalMs: number }> {
  const options = resolveServeOptions({ port: 0, workers: 1, intervalMs: 200, certDir: CERT_DIR, ...input });
  const backend = await getBackend(name).start(options);
  return { backend, t0Ms: options.t0Ms, intervalMs: options.intervalMs };
}

export interface Received {
  text: string;
  message: { symbol: string; price: number; seq: number; scheduledMs: number };
  atMs: number;
}

export interface TestClient {
  received: Received[];
  protocol: string | null;
  cipher: string | null;
  close(): void;
}

const TLS_CLIENT = { rejectUnauthorized: false, ciphers: 'TLS_AES_128_GCM_SHA256', minVersion: 'TLSv1.2' as const };

/** Connects the right plain client for the backend; resolves once connected. */
export async function connectClient(name: string, backend: RunningBackend, topic?: string): Promise<TestClient> {
  return getBackend(name).protocol === 'raw' ? connectWs(backend.url, topic) : connectSocketIo(backend.url, topic);
}

async function connectWs(url: string, topic?: string): Promise<TestClient> {
  const ws = new WebSocket(topic === undefined ? url : `${url}/?topic=${encodeURIComponent(topic)}`, TLS_CLIENT);
  const client: TestClient = { received: [], protocol: null, cipher: null, close: () => ws.terminate() };
  ws.on('upgrade', (res) => {
    const socket = res.socket as TLSSocket;
    client.protocol = socket.getProtocol();
    client.cipher = socket.getCipher().standardName;
  });
  ws.on('message', (data) => {
    const text = String(data);
    client.received.push({ text, message: JSON.parse(text), atMs: Date.now() });
  });
  await once(ws, 'open');
  return client;
}

async function connectSocketIo(url: string, topic?: string): Promise<TestClient> {
  const socket: Socket = io(url.replace(/^wss:/, 'https:'), {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(topic === undefined ? {} : { auth: { topic } }),
    ...TLS_CLIENT,
  } as any);
  const client: TestClient = { received: [], protocol: null, cipher: null, close: () => socket.close() };
  socket.on('tick', (message) => client.received.push({ text: JSON.stringify(message), message, atMs: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  const raw = (socket.io.engine.transport as any).ws?._socket as TLSSocket | undefined;
  client.protocol = raw?.getProtocol() ?? null;
  client.cipher = raw?.getCipher().standardName ?? null;
  return client;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` passes or the time is up (then returns its last result). */
export async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(20);
  }
  return check();
}
