// A run's report as it grows: what the live page streams. Everything is read from a database of
// the collector's schema (the runner's own LiveTimeline, or the collector's file) through the
// same code the built report uses (getTimeline, buildSeries, run-report.ts), a few seconds at a
// time: a slice between two cursors. A cursor names the last second and the last tick sent, so a
// page that reconnects with its Last-Event-ID gets exactly what it lacks, no gap, no repeat.
import { getRun, getSummary, getTimeline, type RunInfo, type RunSummary } from '../../collector/query.ts';
import type { Db } from '../../collector/schema.ts';
import { elapsedSecond, secondOf } from '../../collector/stats.ts';
import { buildSeries } from '../src/lib/chart-series.ts';
import { badgeOf } from '../src/lib/figures.ts';
import type { BackendLook } from '../src/lib/looks.ts';
import { eventLines, figuresNote, reportFigureRows, runBody, setupRows, type EventLine } from '../src/lib/run-report.ts';

/** The last second (on the per-second grid) and the last tick (its scheduled second) a page has; -1: none yet. */
export interface Cursor {
  second: number;
  tick: number;
}

export const NOTHING_YET: Cursor = { second: -1, tick: -1 };

export const cursorId = (c: Cursor): string => `${c.second}:${c.tick}`;

/** A Last-Event-ID as a cursor; null when it is not one this feed wrote. */
export function parseCursor(text: string | null | undefined): Cursor | null {
  const m = /^(-?\d+):(-?\d+)$/.exec(text?.trim() ?? '');
  if (!m) return null;
  const c = { second: Number(m[1]), tick: Number(m[2]) };
  return c.second >= -1 && c.tick >= -1 ? c : null;
}

const behind = (a: Cursor, b: Cursor) => a.second < b.second || a.tick < b.tick;

/**
 * Seconds a sender may lag the freshest sample before the page stops waiting for it: a shard
 * that died must not hold the page back, one that is a second late must not leave a hole.
 */
const WAIT_FOR_SENDERS_MS = 15_000;

/** The figures block of the page: what the report's tables say, as of the last time they were worked out. */
export interface LiveFigures {
  /** Counts up each time they change: a page is sent figures it has not had. */
  version: number;
  badge: { text: string; cls: string };
  reason: string | null;
  rows: { key: string; label: string; value: string; source?: string }[];
  note: string;
  setup: [string, string][];
  /** The second of the run they were worked out at. */
  atSecond: number;
  /** Worked out after the run ended: they will not change. */
  final: boolean;
}

export interface LiveStatus {
  state: 'running' | 'finished';
  status: string;
  verdict: string | null;
  /** The phase under way (or the last), as the report's phase boxes name it. */
  phase: string | null;
  /** The last second the page has. */
  second: number;
}

/** One event of the stream: the body's new points, its phases and events whole (they are few), the status. */
export interface LiveDelta {
  id: string;
  /** The id as a cursor: where the page is once it has this event. */
  cursor: Cursor;
  series: Record<string, unknown> & { t: number[]; tickT: number[] };
  phases: ReturnType<typeof runBody>['phases'];
  events: ReturnType<typeof runBody>['events'];
  eventLines: EventLine[];
  status: LiveStatus;
  figures?: LiveFigures;
  /** The run has ended and this is all of it: the page stops listening. */
  final: boolean;
}

export class LiveRun {
  private figures: LiveFigures | null = null;
  private figuresDueMs = 0;
  private lastSettled: Cursor = NOTHING_YET;
  /** What working out the figures cost last time: they are worked out again after 50 times that, 5 s at least. */
  figuresCostMs = 0;

  constructor(
    readonly id: string,
    private readonly db: () => Db | null,
    private readonly look: (run: RunInfo) => BackendLook,
    private readonly now: () => number = Date.now,
  ) {}

  private open(): Db {
    const db = this.db();
    if (!db) throw new Error(`run ${this.id}: its records are no longer open`);
    return db;
  }

  run(): RunInfo {
    return getRun(this.open(), this.id);
  }

  /**
   * How far the page can go: every sender has reported up to here (or has fallen more than
   * WAIT_FOR_SENDERS_MS behind the freshest one); ticks an interval and a second later, once their
   * deliveries are judged. Read from the data, not the clock: a collector's clock and a remote
   * runner's need not agree. A run that ended is settled to its last sample.
   */
  settled(run = this.run()): Cursor {
    const db = this.open();
    const start = run.startedMs;
    const max = (sql: string) => (db.prepare(sql).get(run.id) as { m: number | null }).m;
    const freshest = Math.max(max('SELECT MAX(t_ms) m FROM client_samples WHERE run_id = ?') ?? 0, max('SELECT MAX(t_ms) m FROM server_samples WHERE run_id = ?') ?? 0);
    const lastTick = max('SELECT MAX(scheduled_ms) m FROM ticks WHERE run_id = ?');
    if (freshest === 0) return this.keep(NOTHING_YET);
    if (run.status !== 'running') return this.keep({ second: elapsedSecond(freshest, start), tick: lastTick === null ? -1 : elapsedSecond(lastTick, start) });
    const latest = db
      .prepare(`SELECT source, MAX(t_ms) m FROM client_samples WHERE run_id = ? AND t_ms >= ? GROUP BY source UNION ALL SELECT source, MAX(t_ms) m FROM server_samples WHERE run_id = ? AND t_ms >= ? GROUP BY source`)
      .all(run.id, freshest - WAIT_FOR_SENDERS_MS, run.id, freshest - WAIT_FOR_SENDERS_MS) as { m: number }[];
    const everyone = Math.min(...latest.map((r) => r.m));
    // The freshest second itself may still be filling from the other processes of its sender.
    const second = Math.min(elapsedSecond(everyone, start), elapsedSecond(freshest, start) - 1);
    const judged = second - Math.ceil(run.scenarioParams.intervalMs / 1000) - 1;
    const tick = lastTick === null ? -1 : Math.min(elapsedSecond(lastTick, start), judged);
    return this.keep({ second, tick });
  }

  /** Settled never goes back (a sender that reappears after the wait does not unsay a second). */
  private keep(c: Cursor): Cursor {
    this.lastSettled = { second: Math.max(this.lastSettled.second, c.second), tick: Math.max(this.lastSettled.tick, c.tick) };
    return this.lastSettled;
  }

  /**
   * The points after `from` up to `to` (at most `chunkSeconds` of them per grid, so a page opened
   * on a long run catches up in pieces), with the run's phases, events and status.
   */
  slice(from: Cursor, to: Cursor, chunkSeconds: number, run = this.run()): LiveDelta {
    const db = this.open();
    // Never back: a page that resumes ahead of what this feed has settled (a new feed after a restart) waits.
    const upTo = { second: Math.max(from.second, Math.min(to.second, from.second + chunkSeconds)), tick: Math.max(from.tick, Math.min(to.tick, from.tick + chunkSeconds)) };
    const zero = secondOf(run.startedMs);
    // Each grid from its own next second: reading samples from the ticks' cursor would read a
    // whole run that has no tick yet, every second.
    const timeline = getTimeline(db, run.id, { samplesFromMs: zero + (from.second + 1) * 1000, ticksFromMs: zero + (from.tick + 1) * 1000 });
    const series = buildSeries(timeline, Infinity) as unknown as Record<string, unknown> & { t: number[]; tickT: number[] };
    const seconds = indicesWithin(series.t, from.second, upTo.second);
    const ticks = indicesWithin(series.tickT, from.tick, upTo.tick);
    // The basis of ticks this slice holds: one with no tick would say "seconds" and unsay the page's.
    const out: LiveDelta['series'] = { t: seconds.map((i) => series.t[i]!), tickT: ticks.map((i) => series.tickT[i]!), ...(ticks.length ? { tickBasis: series.tickBasis } : {}) };
    for (const [key, column] of Object.entries(series)) {
      if (!Array.isArray(column) || key === 't' || key === 'tickT') continue;
      out[key] = (key.startsWith('tick') ? ticks : seconds).map((i) => column[i] ?? null);
    }
    const body = runBody(timeline, this.look(run), out);
    const finished = run.status !== 'running';
    const last = timeline.phases[timeline.phases.length - 1];
    const settled = this.lastSettled;
    return {
      id: cursorId(upTo),
      cursor: upTo,
      series: out,
      phases: body.phases,
      events: body.events,
      eventLines: eventLines(timeline),
      status: { state: finished ? 'finished' : 'running', status: run.status, verdict: run.verdict, phase: last ? (last.name === 'step' ? `step ${(last.step ?? 0) + 1}` : last.name) : null, second: upTo.second },
      final: finished && !behind(upTo, settled),
    };
  }

  /**
   * The report's figures, worked out again when due (every 5 s, or 50 times what it took last, so
   * at most 2% of a core: the whole run's summary grows with the run) or when the run has ended;
   * null until the first.
   */
  figuresNow(run = this.run(), force = false): LiveFigures | null {
    const t = this.now();
    const ended = run.status !== 'running';
    if (this.figures && !force && (ended ? this.figures.final : t < this.figuresDueMs)) return this.figures;
    const summary: RunSummary = getSummary(this.open(), this.id);
    const cost = this.now() - t;
    this.figuresCostMs = cost;
    this.figuresDueMs = t + Math.max(5000, cost * 50);
    const badge = ended ? badgeOf(run, summary) : { text: 'running', cls: 'running' };
    this.figures = {
      version: (this.figures?.version ?? 0) + 1,
      badge,
      reason: ended ? summary.runReason : null,
      rows: reportFigureRows(summary),
      note: figuresNote(summary),
      setup: setupRows(run, this.look(run)),
      atSecond: this.lastSettled.second,
      final: ended,
    };
    return this.figures;
  }
}


/** Indices of the sorted xs with after < x <= upTo. */
function indicesWithin(xs: number[], after: number, upTo: number): number[] {
  const out: number[] = [];
  xs.forEach((x, i) => {
    if (x > after && x <= upTo) out.push(i);
  });
  return out;
}
