// Streams records to a collector in batches. A batch gets its id when it is sealed and keeps it
// through every retry, so a reply lost on the way back never stores a batch twice; batches the
// collector has not acknowledged stay buffered, in order, until it comes back.
import { randomBytes } from 'node:crypto';
import { IngestError } from './errors.ts';
import { digestOf, type Ingestor } from './ingest.ts';
import { encodeBatch, parseBatch } from './ndjson.ts';
import type { IngestRecord } from './records.ts';

/** What a collector answered: 2xx accepted, 4xx refused for good (except 408/429), else retry. */
export interface SendReply {
  status: number;
  body: unknown;
}

export interface Transport {
  send(body: string): Promise<SendReply>;
  readonly describe: string;
}

export class HttpTransport implements Transport {
  readonly describe: string;
  private readonly endpoint: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(url: string, options: { token?: string; timeoutMs?: number } = {}) {
    this.endpoint = new URL('/v1/batches', url).toString();
    this.describe = url;
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async send(body: string): Promise<SendReply> {
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(this.endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the raw text: a proxy or a crashed collector may answer with anything
    }
    return { status: res.status, body: parsed };
  }
}

/** The embedded collector: same parsing, validation and transaction as the HTTP service. */
export class LocalTransport implements Transport {
  readonly describe = 'embedded collector';
  constructor(private readonly ingestor: Ingestor) {}

  async send(body: string): Promise<SendReply> {
    try {
      const batch = parseBatch(body);
      return { status: 200, body: this.ingestor.ingest(batch.header, batch.records, digestOf(body)) };
    } catch (err) {
      if (err instanceof IngestError) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
      return { status: 500, body: { error: { code: 'internal', message: (err as Error).message } } };
    }
  }
}

interface SealedBatch {
  id: string;
  body: string;
  records: number;
}

export interface SenderOptions {
  transport: Transport;
  run: string;
  /** Prefix of batch ids; unique per sender process. */
  senderId?: string;
  flushIntervalMs?: number;
  maxBatchRecords?: number;
  /** Every acknowledged batch, in order. */
  onAcked?: (batchId: string, records: number, duplicate: boolean) => void;
  /** A batch the collector refused for good (a bug in the sender, never a network problem). */
  onRejected?: (batchId: string, reply: SendReply) => void;
  /** Called once when the collector becomes unreachable and once when it is back. */
  onConnectivity?: (reachable: boolean, detail: string) => void;
}

export interface SenderStats {
  ackedBatches: number;
  ackedRecords: number;
  retries: number;
  rejectedBatches: number;
  pendingBatches: number;
  pendingRecords: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class BatchSender {
  private readonly transport: Transport;
  private readonly run: string;
  private readonly senderId: string;
  private readonly maxBatchRecords: number;
  private readonly options: SenderOptions;
  private current: IngestRecord[] = [];
  private readonly queue: SealedBatch[] = [];
  private seq = 0;
  private pumping: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reachable = true;
  private closed = false;
  private readonly stats = { ackedBatches: 0, ackedRecords: 0, retries: 0, rejectedBatches: 0 };

  constructor(options: SenderOptions) {
    this.options = options;
    this.transport = options.transport;
    this.run = options.run;
    this.senderId = options.senderId ?? `${options.run}.${randomBytes(4).toString('hex')}`;
    this.maxBatchRecords = options.maxBatchRecords ?? 5000;
    const interval = options.flushIntervalMs ?? 1000;
    this.timer = setInterval(() => this.flushSoon(), interval);
    this.timer.unref();
  }

  push(record: IngestRecord): void {
    if (this.closed) throw new Error('BatchSender.push after close()');
    this.current.push(record);
    if (this.current.length >= this.maxBatchRecords) this.flushSoon();
  }

  getStats(): SenderStats {
    return {
      ...this.stats,
      pendingBatches: this.queue.length + (this.current.length > 0 ? 1 : 0),
      pendingRecords: this.queue.reduce((n, b) => n + b.records, 0) + this.current.length,
    };
  }

  /** Seals what was pushed and waits until every batch is acknowledged or the deadline passes. */
  async flush(timeoutMs = 30_000): Promise<SenderStats> {
    this.seal();
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline) {
      this.kick();
      await Promise.race([this.pumping, sleep(Math.max(0, Math.min(100, deadline - Date.now())))]);
    }
    return this.getStats();
  }

  /** Flushes, then stops the timer. Returns what could not be delivered (see unsentBodies()). */
  async close(timeoutMs = 30_000): Promise<SenderStats> {
    const stats = await this.flush(timeoutMs);
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return stats;
  }

  /** The NDJSON of every batch not yet acknowledged, for saving to disk when giving up. */
  unsentBodies(): string[] {
    this.seal();
    return this.queue.map((b) => b.body);
  }

  private flushSoon(): void {
    this.seal();
    this.kick();
  }

  private seal(): void {
    if (this.current.length === 0) return;
    const records = this.current;
    this.current = [];
    const id = `${this.senderId}.${this.seq++}`;
    this.queue.push({ id, body: encodeBatch({ batch: id, run: this.run }, records), records: records.length });
  }

  private kick(): void {
    if (!this.pumping && this.queue.length > 0) {
      this.pumping = this.pump().finally(() => {
        this.pumping = undefined;
      });
    }
  }

  /** Sends queued batches one at a time, in order; never gives up on a retryable failure. */
  private async pump(): Promise<void> {
    let backoffMs = 100;
    while (this.queue.length > 0) {
      const batch = this.queue[0]!;
      let reply: SendReply | undefined;
      let failure = '';
      try {
        reply = await this.transport.send(batch.body);
      } catch (err) {
        failure = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
      }
      if (reply && reply.status >= 200 && reply.status < 300) {
        this.queue.shift();
        this.stats.ackedBatches++;
        this.stats.ackedRecords += batch.records;
        this.options.onAcked?.(batch.id, batch.records, (reply.body as { duplicate?: boolean } | null)?.duplicate === true);
        backoffMs = 100;
        this.setReachable(true, this.transport.describe);
        continue;
      }
      if (reply && reply.status >= 400 && reply.status < 500 && reply.status !== 408 && reply.status !== 429) {
        this.queue.shift();
        this.stats.rejectedBatches++;
        this.options.onRejected?.(batch.id, reply);
        continue;
      }
      this.stats.retries++;
      this.setReachable(false, reply ? `HTTP ${reply.status}` : failure);
      if (this.closed) return;
      await sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 2000);
    }
  }

  private setReachable(reachable: boolean, detail: string): void {
    if (this.reachable === reachable) return;
    this.reachable = reachable;
    this.options.onConnectivity?.(reachable, detail);
  }
}
