// The tick schedule and payload every backend publishes (METRICS.md, "The schedule"): tick n is due
// at t0 + n·interval, with t0 shared by every worker, so all workers publish the same sequence
// number at the same moment and a late tick is late against its schedule, not its predecessor.

export interface TickPlan {
  t0Ms: number;
  intervalMs: number;
  /**
   * This host's clock minus the runner's (a remote target's, measured over SSH). The schedule
   * and every scheduledMs sent are in the runner's clock, so clients on the runner's host measure
   * latency against the true schedule; 0 on the runner's own host.
   */
  clockOffsetMs?: number;
}

/** The first tick due at or after `nowMs`. Tick 0 is never published: t0 is the epoch itself. */
export function nextTick(plan: TickPlan, nowMs: number): number {
  return Math.max(1, Math.ceil((nowMs - plan.t0Ms) / plan.intervalMs));
}

export const scheduledAt = (plan: TickPlan, n: number) => plan.t0Ms + n * plan.intervalMs;

/** A deterministic price, so every worker sends identical bytes for tick n of a symbol. */
function priceOf(symbol: string, n: number): number {
  let h = 2166136261;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 16777619);
  const base = 50 + ((h >>> 0) % 450);
  const wave = Math.sin(n / 7 + (h & 0xff)) * 0.02 + Math.sin(n / 31) * 0.05;
  return Math.round(base * (1 + wave) * 100) / 100;
}

export interface TickMessage {
  symbol: string;
  price: number;
  seq: number;
  scheduledMs: number;
  /** Filler that brings the message to the scenario's messageBytes (absent at the seed's size). */
  pad?: string;
}

/** A message of `messageBytes` (0: the seed's ~70 bytes); the filler goes last, after the fields clients read. */
export function tickMessage(symbol: string, n: number, scheduledMs: number, messageBytes = 0): TickMessage {
  const message: TickMessage = { symbol, price: priceOf(symbol, n), seq: n, scheduledMs };
  // `,"pad":""` is 9 bytes; the fields are ASCII, so string length is byte length.
  const short = messageBytes - JSON.stringify(message).length - 9;
  if (short > 0) message.pad = padding(short);
  return message;
}

let pad = '';
/** Filler of a given length, made once per size (JSON-safe letters). */
function padding(length: number): string {
  if (pad.length !== length) pad = 'x'.repeat(length);
  return pad;
}

/**
 * The update sent for tick n: ~70 bytes of JSON, `{"symbol","price","seq","scheduledMs"}`, or
 * messageBytes with a filler. Every backend puts exactly these bytes on the wire: uWS and ws as
 * the frame, Socket.IO as the argument of its event frame (it serialises the same object with
 * the same JSON.stringify).
 */
export function tickPayload(symbol: string, n: number, scheduledMs: number, messageBytes = 0): string {
  return JSON.stringify(tickMessage(symbol, n, scheduledMs, messageBytes));
}

export interface TickInfo {
  n: number;
  scheduledMs: number;
  /** When publishing started, minus the schedule: how late the server itself was. */
  publishLagMs: number;
  /** How long the publish call took (uWS: the writes to every socket; Socket.IO: the emit). */
  publishDurationMs: number;
}

/**
 * Calls `publish(n, scheduledMs)` for each tick on schedule. Each timer is set against the
 * absolute schedule, so timer jitter never accumulates; a tick whose time passed while the
 * process was busy is still published (late, and reported so), never skipped silently.
 */
export class Ticker {
  private timer: NodeJS.Timeout | undefined;
  private n = 0;
  private stopped = false;
  last: TickInfo | undefined;

  private readonly offsetMs: number;

  constructor(
    private readonly plan: TickPlan,
    private readonly publish: (n: number, scheduledMs: number) => void,
  ) {
    this.offsetMs = plan.clockOffsetMs ?? 0;
  }

  /** Now, in the runner's clock. */
  private now(): number {
    return Date.now() - this.offsetMs;
  }

  start(): void {
    this.n = nextTick(this.plan, this.now());
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private arm(): void {
    if (this.stopped) return;
    const due = scheduledAt(this.plan, this.n);
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - this.now()));
  }

  private fire(): void {
    const scheduledMs = scheduledAt(this.plan, this.n);
    // setTimeout may fire a millisecond early: wait for the schedule, never publish before it.
    if (this.now() < scheduledMs) return this.arm();
    const startedMs = this.now();
    this.publish(this.n, scheduledMs);
    this.last = { n: this.n, scheduledMs, publishLagMs: startedMs - scheduledMs, publishDurationMs: this.now() - startedMs };
    this.n++;
    this.arm();
  }
}
