// The ingestion service: runners POST NDJSON batches to /v1/batches while a run is live.
// Bound to 127.0.0.1 unless told otherwise; off loopback a bearer token is mandatory. Every
// refusal is a 4xx JSON body naming the problem, and nothing of a refused batch is written.
import http from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { IngestError } from './errors.ts';
import { ConfigError } from '../common/errors.ts';
import { Ingestor, digestOf } from './ingest.ts';
import { lingeringClose } from './lingering-close.ts';
import { parseBatch } from './ndjson.ts';
import type { Db } from './schema.ts';

export interface ServiceOptions {
  host?: string;
  port?: number;
  token?: string;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** Sustained batches per second per client address, with a burst of twice that. */
  maxBatchesPerSec?: number;
}

export const SERVICE_DEFAULTS = {
  host: '127.0.0.1',
  port: 7070,
  maxBodyBytes: 16 * 1024 * 1024,
  maxBatchesPerSec: 200,
} as const;

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Rejects an unsafe configuration before anything listens. */
export function validateServiceOptions(options: ServiceOptions): void {
  const host = options.host ?? SERVICE_DEFAULTS.host;
  if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
    throw new ConfigError(`--port must be an integer from 0 to 65535, got ${options.port}`);
  }
  if (options.maxBodyBytes !== undefined && !(options.maxBodyBytes >= 1024)) {
    throw new ConfigError(`--max-body must be at least 1024 bytes, got ${options.maxBodyBytes}`);
  }
  if (options.maxBatchesPerSec !== undefined && !(options.maxBatchesPerSec > 0)) {
    throw new ConfigError(`--max-rate must be a positive number of batches per second, got ${options.maxBatchesPerSec}`);
  }
  if (!isLoopback(host) && !options.token) {
    throw new ConfigError(`--host ${host} is reachable from other machines: give --token (or set WSBENCH_TOKEN)`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, refused (400, naming the line) if any byte sequence is not UTF-8: a lenient
 * decode would store U+FFFD in place of what the sender meant.
 */
export function decodeStrictly(body: Buffer): string {
  try {
    return utf8.decode(body);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= body.length; i++) {
      if (i < body.length && body[i] !== 0x0a) continue;
      try {
        utf8.decode(body.subarray(start, i));
      } catch {
        throw new IngestError('bad-encoding', 'not valid UTF-8', line);
      }
      line++;
      start = i + 1;
    }
    throw new IngestError('bad-encoding', 'not valid UTF-8');
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

export class CollectorService {
  readonly ingestor: Ingestor;
  private readonly server: http.Server;
  private readonly options: Required<Omit<ServiceOptions, 'token'>> & { token?: string };
  private readonly buckets = new Map<string, Bucket>();
  private state: 'idle' | 'listening' | 'closing' | 'closed' = 'idle';
  /** Counters for the status line and the benchmark. */
  readonly stats = { batches: 0, records: 0, duplicates: 0, rejected: 0 };
  /** Pages served beside ingestion (the live pages, site/live/): each answers its own paths. */
  private readonly mounted: ((req: http.IncomingMessage, res: http.ServerResponse) => boolean)[] = [];

  constructor(db: Db, options: ServiceOptions = {}) {
    validateServiceOptions(options);
    // An option given as undefined (an absent CLI flag) keeps its default: spread alone would
    // erase it, and leave the service with no body or rate limit at all.
    const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as ServiceOptions;
    this.options = { ...SERVICE_DEFAULTS, ...given };
    this.ingestor = new Ingestor(db);
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.state = 'listening';
    return this.url;
  }

  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Safe to call twice. */
  async close(): Promise<void> {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'idle') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.state = 'closed';
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.route(req, res).catch((err: unknown) => this.fail(res, err));
  }

  /** Serves more paths on this service's address (the live pages under /live/); `handle` says whether it answered. */
  mount(handle: (req: http.IncomingMessage, res: http.ServerResponse) => boolean): void {
    this.mounted.push(handle);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    for (const handle of this.mounted) if (handle(req, res)) return;
    const url = new URL(req.url ?? '/', 'http://collector');
    if (url.pathname === '/v1/health') {
      if (req.method !== 'GET') throw new IngestError('method-not-allowed', `${req.method} ${url.pathname}: use GET`);
      return this.reply(res, 200, { ok: true, ...this.stats });
    }
    if (url.pathname !== '/v1/batches') throw new IngestError('not-found', `no such endpoint ${url.pathname} (POST /v1/batches, GET /v1/health)`);
    if (req.method !== 'POST') throw new IngestError('method-not-allowed', `${req.method} ${url.pathname}: use POST`);
    this.authorize(req);
    this.limitRate(req);
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/(x-)?ndjson\b/.test(type)) {
      throw new IngestError('bad-content-type', `content-type must be application/x-ndjson, got "${type}"`);
    }
    const body = decodeStrictly(await this.readBody(req));
    const batch = parseBatch(body);
    const result = this.ingestor.ingest(batch.header, batch.records, digestOf(body));
    this.stats.batches++;
    this.stats.records += result.records;
    if (result.duplicate) this.stats.duplicates++;
    this.reply(res, 200, result);
  }

  private authorize(req: http.IncomingMessage): void {
    const token = this.options.token;
    if (!token) return;
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new IngestError('unauthorized', given ? 'wrong bearer token' : 'missing "Authorization: Bearer TOKEN" header');
    }
  }

  private limitRate(req: http.IncomingMessage): void {
    const key = req.socket.remoteAddress ?? '?';
    const rate = this.options.maxBatchesPerSec;
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: rate * 2, at: now };
    bucket.tokens = Math.min(rate * 2, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) throw new IngestError('rate-limited', `more than ${rate} batches/s from ${key}: slow down and retry`);
    bucket.tokens -= 1;
  }

  private readBody(req: http.IncomingMessage): Promise<Buffer> {
    const limit = this.options.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      return Promise.reject(new IngestError('body-too-large', `body of ${declared} bytes exceeds the limit of ${limit} bytes`));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > limit) {
          req.off('data', onData);
          chunks.length = 0;
          reject(new IngestError('body-too-large', `body exceeds the limit of ${limit} bytes`));
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
  }

  private fail(res: http.ServerResponse, err: unknown): void {
    this.stats.rejected++;
    if (err instanceof IngestError) {
      if (err.code === 'rate-limited') res.setHeader('retry-after', '1');
      this.reply(res, err.status, { error: { code: err.code, message: err.message, line: err.line } });
      // A refused body may still be streaming in: we will not read it all, so close the
      // connection once the reply is out, in a way that cannot lose the reply. (Not with a
      // "connection: close" header: Node then destroys the socket with the body unread.)
      if (err.code === 'body-too-large') res.once('finish', () => lingeringClose(res.req));
      return;
    }
    // A bug or a database failure: the transaction rolled back, the sender will retry.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`collector: internal error: ${message}\n`);
    this.reply(res, 500, { error: { code: 'internal', message } });
  }

  private reply(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }
}
