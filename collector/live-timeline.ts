// A run's figures while it runs, computed by the collector's own code. The runner hands every
// record it sees (its own, the shards', the sampler's) to a private database of the collector's
// schema, through the same Ingestor, and reads a window back through the same query and
// summarizeWindow that `show` and the site read. So the verdict the runner prints at the end of a
// hold and the table `show` prints later are one computation, not two that can drift apart.
import { Ingestor } from './ingest.ts';
import type { IngestRecord } from './records.ts';
import { getSummary, getTimeline, histogramsOf, type Timeline } from './query.ts';
import { openDatabase, type Db } from './schema.ts';
import { serverPerSecond, type ServerSecond } from './series.ts';
import { summarizeWindow, type RunSummary, type SummaryWindow, type WindowSummary } from './summary.ts';
import { secondOf } from './stats.ts';

/** Records per stored batch: about a second of a 100k run's samples and ticks. */
const STORE_EVERY = 200;

export class LiveTimeline {
  // An anonymous database ('') lives in a temporary file SQLite deletes on close: hours of
  // per-shard histograms spill to disk instead of filling the runner's memory.
  private readonly db: Db = openDatabase('');
  private readonly ingestor = new Ingestor(this.db);
  private batches = 0;
  private queued: IngestRecord[] = [];
  /** Records the collector's rules refused here; the real collector refuses and reports them too. */
  refused = 0;
  /** Holders besides the run (a live page's server): the database closes when the last lets go. */
  private holders = 0;

  constructor(private readonly runId: string) {}

  /**
   * Queues a record; they are stored a batch at a time (one transaction each), and before any
   * read. Stored as they come, not all at the first read: a read at the end of a long hold must
   * not stop the runner's loop while it stores the whole run.
   */
  add(record: IngestRecord): void {
    this.queued.push(record);
    if (this.queued.length >= STORE_EVERY) this.store();
  }

  /** The run so far, as `show` would read it from the collector's database. */
  timeline(): Timeline {
    this.store();
    return getTimeline(this.db, this.runId);
  }

  /**
   * One window's summary, judged by no one yet (its verdict fields null): the runner judges it
   * with collector/summary.ts judgeSummary. Also returns the window's per-second server totals
   * that judgement reads.
   */
  window(window: SummaryWindow): { timeline: Timeline; summary: WindowSummary; server: ServerSecond[] } {
    this.store();
    // The window's client samples and ticks only, without each second's merged percentiles (the
    // summary merges the window's histograms at once): a 100k hold judged in well under a second.
    const timeline = getTimeline(this.db, this.runId, { fromMs: secondOf(window.fromMs), perSecondLatency: false });
    const perSecond = serverPerSecond(timeline.server);
    const histograms = histogramsOf(this.db, this.runId, secondOf(window.fromMs), window.toMs);
    const summary = summarizeWindow(timeline, histograms, window, undefined, perSecond);
    return { timeline, summary, server: perSecond.filter((s) => s.tMs >= window.fromMs && s.tMs <= window.toMs) };
  }

  /** The whole run's summary, exactly as `wsbench show` computes it. */
  summary(): RunSummary {
    this.store();
    return getSummary(this.db, this.runId);
  }

  /**
   * The database as it stands, every queued record stored, for a reader that runs its own queries
   * (the live page, site/live/feed.ts); null once closed.
   */
  reader(): Db | null {
    this.store();
    return this.db.open ? this.db : null;
  }

  /** Keeps the database open after the run closes it, until `release`: a finished run's live page still reads it. */
  retain(): void {
    this.holders++;
  }

  release(): void {
    this.holders = Math.max(0, this.holders - 1);
    if (this.holders === 0 && this.closed) this.close();
  }

  private closed = false;

  close(): void {
    this.closed = true;
    if (this.holders > 0) return;
    this.queued = [];
    if (this.db.open) this.db.close();
  }

  private store(): void {
    if (this.queued.length === 0 || !this.db.open) return;
    const records = this.queued;
    this.queued = [];
    try {
      this.ingestor.ingest({ batch: `live-${this.batches++}`, run: this.runId }, records, String(this.batches));
    } catch {
      // One refused record refuses its batch: store the rest one by one, as the collector would
      // have kept every other batch.
      for (const record of records) {
        try {
          this.ingestor.ingest({ batch: `live-${this.batches++}`, run: this.runId }, [record], String(this.batches));
        } catch {
          this.refused++;
        }
      }
    }
  }
}
