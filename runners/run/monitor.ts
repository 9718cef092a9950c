// Watches every record a run produces on its way to the collector: the live figures for the
// status line, and the load generator's health (saturated or silent shards). A window's figures
// and verdict are not summed here: the run reads them from collector/live-timeline.ts, the
// collector's own summary.
import { isSlowSource } from '../../collector/cohort.ts';
import { percentilesOfEncoded } from '../../collector/histogram.ts';
import type { ClientSample, EventRecord, IngestRecord, ServerSample } from '../../collector/records.ts';

export interface Window {
  fromMs: number;
  toMs: number;
}

export class RunMonitor {
  readonly latestClient = new Map<string, ClientSample>();
  latestServer: ServerSample | undefined;
  private readonly overSince = new Map<string, number>();
  /** Shards that saturated, when (the first second over the threshold) and how. */
  readonly saturated = new Map<string, { sinceMs: number; untilMs: number; message: string }>();
  private readonly lastSampleAt = new Map<string, number>();
  /** Recent seconds summed over every shard, for a status line that does not mix seconds. */
  private readonly recent = new Map<number, { sources: number; received: number; expected: number; missing: number; latency: string[] }>();
  maxShardCpuPct = 0;
  maxLoopDelayP99Ms = 0;
  connectFailures = 0;
  silentTicks = 0;
  constructor(private readonly saturation: { cpuPct: number; seconds: number }) {}

  /** A new window is held: its silent shards are found afresh. */
  startWindow(): void {
    this.silentInWindow.clear();
  }

  observe(record: IngestRecord): EventRecord | undefined {
    if (record.kind === 'client') return this.observeClient(record);
    if (record.kind === 'server') {
      this.latestServer = record;
    } else if (record.kind === 'tick' && record.source === 'probe' && (record.expectedReceivers ?? 0) > 0 && record.receivers === 0) {
      this.silentTicks++;
    }
    return undefined;
  }

  private observeClient(c: ClientSample): EventRecord | undefined {
    this.latestClient.set(c.source, c);
    this.lastSampleAt.set(c.source, Date.now());
    const second = this.recent.get(c.t) ?? { sources: 0, received: 0, expected: 0, missing: 0, latency: [] };
    second.sources++;
    // The status line speaks for the healthy readers, as the verdict does: slow ones are judged apart.
    if (!isSlowSource(c.source)) {
      second.received += c.received;
      second.expected += c.expected;
      second.missing += c.missing;
      if (c.latHistUs) second.latency.push(c.latHistUs);
    }
    this.recent.set(c.t, second);
    for (const t of this.recent.keys()) if (t < c.t - 10_000) this.recent.delete(t);
    this.connectFailures += c.failed;
    const cpu = c.cpuPct ?? 0;
    this.maxShardCpuPct = Math.max(this.maxShardCpuPct, cpu);
    this.maxLoopDelayP99Ms = Math.max(this.maxLoopDelayP99Ms, c.loopDelayP99Ms ?? 0);
    // The harness must not be the bottleneck: a shard over the threshold for long enough makes
    // the run client-bound, and its figures are never presented as the server's limit.
    if (cpu >= this.saturation.cpuPct) {
      const since = this.overSince.get(c.source) ?? c.t;
      this.overSince.set(c.source, since);
      const known = this.saturated.get(c.source);
      // Saturated until a sample says otherwise: a saturated shard may not report for a while.
      if (known) known.untilMs = Infinity;
      if (c.t - since >= (this.saturation.seconds - 1) * 1000 && !known) {
        const message = `${c.source} at ≥ ${this.saturation.cpuPct}% CPU for ${this.saturation.seconds} s`;
        this.saturated.set(c.source, { sinceMs: since, untilMs: Infinity, message });
        return { kind: 'event', t: c.t, source: 'runner', type: 'client-saturated', message, data: { shard: c.source, cpuPct: cpu } };
      }
    } else {
      this.overSince.delete(c.source);
      const known = this.saturated.get(c.source);
      if (known && known.untilMs === Infinity) known.untilMs = c.t;
    }
    return undefined;
  }

  /** Watches `source` for silence from `sinceMs`, as if it had reported then (unless it has since). */
  expect(source: string, sinceMs: number): void {
    if (!this.lastSampleAt.has(source)) this.lastSampleAt.set(source, sinceMs);
  }

  /** Shards found silent while a window was held, each once: they make the window client-bound. */
  readonly silentInWindow = new Map<string, string>();

  /**
   * Called every second while a window is held: a shard that stops reporting (stopped, starved,
   * swapped out) for `silentMs` is caught while it is silent, not only if it still is when the
   * window ends. Returns the shards newly found silent.
   */
  watchSilence(nowMs: number, silentMs = 3000): string[] {
    const found: string[] = [];
    for (const [source, at] of this.lastSampleAt) {
      if (nowMs - at <= silentMs || this.silentInWindow.has(source)) continue;
      const message = `${source} sent no sample for ${Math.round((nowMs - at) / 1000)} s`;
      this.silentInWindow.set(source, message);
      found.push(message);
    }
    return found;
  }

  /**
   * Saturation that overlaps a window: the client's figures there are its own limit. (A shard
   * busy with TLS handshakes during a ramp only slows the ramp; it is reported as an event.)
   */
  saturatedWithin(window: Window): string[] {
    return [...this.saturated.values()].filter((s) => s.untilMs >= window.fromMs && s.sinceMs <= window.toMs).map((s) => s.message);
  }

  /**
   * The latest `seconds` seconds every shard has reported, summed: over one tick interval this
   * reads the same whichever second it ends on (a single second holds a tick's messages or none).
   */
  lastCompleteSeconds(seconds = 1): { received: number; expected: number; missing: number; seconds: number; latencyP99Ms: number | null } | undefined {
    const complete = this.completeSeconds(seconds);
    if (complete.length === 0) return undefined;
    const sum = (k: 'received' | 'expected' | 'missing') => complete.reduce((n, s) => n + s[k], 0);
    // Over every shard's deliveries in those seconds, merged: one shard's second is a sample of a sample.
    const latencyP99Ms = percentilesOfEncoded(complete.flatMap((s) => s.latency)).p99Ms;
    return { received: sum('received'), expected: sum('expected'), missing: sum('missing'), seconds: complete.length, latencyP99Ms };
  }

  /** The newest seconds every shard has reported, newest first. */
  private completeSeconds(seconds: number) {
    const shards = this.latestClient.size;
    return [...this.recent].filter(([, s]) => s.sources >= shards).sort((a, b) => b[0] - a[0]).slice(0, Math.max(1, seconds)).map(([, s]) => s);
  }

  openNow(): number {
    let n = 0;
    for (const c of this.latestClient.values()) n += c.open;
    return n;
  }
}
