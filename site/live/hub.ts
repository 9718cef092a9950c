// The live pages' viewers: each open page is a server-sent-event stream at its own cursor. Once a
// second, for each run being watched, pages at the same cursor share one slice, worked out and
// serialized once: ten pages cost what one does. A page that opens mid-run is at the start and
// catches up in chunks; one that reconnects says where it was (Last-Event-ID). A page whose
// connection stops draining is dropped, never waited for: the run must not slow for a viewer.
import type { ServerResponse } from 'node:http';
import type { RunInfo } from '../../collector/query.ts';
import type { Db } from '../../collector/schema.ts';
import type { BackendLook } from '../src/lib/looks.ts';
import { cursorId, LiveRun, NOTHING_YET, type Cursor, type LiveDelta } from './feed.ts';

/** Where live pages read runs: the runner's own runs, or every run a collector's database holds. */
export interface LiveCatalog {
  /** The runs a session page lists, in the order they started. */
  runs(): RunInfo[];
  /** The database holding a run's records; null when the catalog does not know it (or no longer holds it open). */
  dbOf(runId: string): Db | null;
  /** How a backend is shown (its label and colour). */
  look(run: RunInfo): BackendLook;
}

export interface HubOptions {
  /** How often the pages are brought up to date. */
  periodMs?: number;
  /** A page's connection holding more than this unsent is dropped. */
  maxBufferedBytes?: number;
  /** Seconds of a run per event while a page catches up. */
  chunkSeconds?: number;
}

interface Viewer {
  res: ServerResponse;
  cursor: Cursor;
  figuresVersion: number;
}

interface Watched {
  feed: LiveRun;
  viewers: Set<Viewer>;
  /** An update soon, for pages that just opened: those opened together share it. */
  soon: NodeJS.Timeout | null;
}

export interface HubStats {
  viewers: number;
  /** Pages dropped because their connection stopped draining. */
  dropped: number;
  /** Events written (one per page per update). */
  sent: number;
  /** Time spent working out slices and figures, ms. */
  busyMs: number;
}

export class LiveHub {
  private readonly watched = new Map<string, Watched>();
  private readonly timer: NodeJS.Timeout;
  private readonly options: Required<HubOptions>;
  readonly stats: HubStats = { viewers: 0, dropped: 0, sent: 0, busyMs: 0 };

  constructor(private readonly catalog: LiveCatalog, options: HubOptions = {}) {
    this.options = { periodMs: 1000, maxBufferedBytes: 4 * 1024 * 1024, chunkSeconds: 900, ...options };
    this.timer = setInterval(() => this.update(), this.options.periodMs);
    this.timer.unref();
  }

  /** Whether the catalog knows the run (a page for an unknown id is a 404). */
  knows(runId: string): boolean {
    return this.catalog.dbOf(runId) !== null;
  }

  /** Streams a run to a page from `from` (its Last-Event-ID), or from the start. */
  watch(runId: string, res: ServerResponse, from: Cursor | null): void {
    let w = this.watched.get(runId);
    if (!w) this.watched.set(runId, (w = { feed: new LiveRun(runId, () => this.catalog.dbOf(runId), (run) => this.catalog.look(run)), viewers: new Set(), soon: null }));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // A dropped connection is retried after a second, with the last id it got.
    res.write('retry: 1000\n\n');
    const viewer: Viewer = { res, cursor: from ?? NOTHING_YET, figuresVersion: 0 };
    w.viewers.add(viewer);
    this.stats.viewers++;
    res.on('close', () => {
      if (w!.viewers.delete(viewer)) this.stats.viewers--;
    });
    // The page shows what there is now, not a second from now; pages opened within 50 ms of
    // each other (ten tabs restored at once) load the run once between them.
    w.soon ??= setTimeout(() => {
      w!.soon = null;
      this.updateRun(w!);
    }, 50);
  }

  /**
   * Brings every page up to date now and waits (2 s at most) for it to be written: a run that just
   * ended tells its pages so before its process moves on or exits.
   */
  async flush(): Promise<void> {
    this.update();
    const writing = [...this.watched.values()].flatMap((w) => [...w.viewers]).filter((v) => v.res.writableLength > 0);
    await Promise.race([Promise.all(writing.map((v) => new Promise((resolve) => v.res.once('drain', resolve)))), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }

  /** Ends every stream (the run's process is exiting). */
  close(): void {
    clearInterval(this.timer);
    for (const w of this.watched.values()) {
      if (w.soon) clearTimeout(w.soon);
      for (const v of w.viewers) v.res.end();
    }
    this.watched.clear();
    this.stats.viewers = 0;
  }

  private update(): void {
    for (const [id, w] of this.watched) {
      if (w.viewers.size === 0) this.watched.delete(id);
      else this.updateRun(w);
    }
  }

  private updateRun(w: Watched): void {
    if (w.viewers.size === 0) return;
    const started = performance.now();
    try {
      const run = w.feed.run();
      const settled = w.feed.settled(run);
      const figures = w.feed.figuresNow(run);
      // Pages at one cursor get one slice, serialized once.
      const groups = new Map<string, Viewer[]>();
      for (const v of w.viewers) {
        const key = `${cursorId(v.cursor)}|${v.figuresVersion}`;
        groups.set(key, [...(groups.get(key) ?? []), v]);
      }
      for (const group of groups.values()) {
        const from = group[0]!.cursor;
        const fresh = figures && figures.version !== group[0]!.figuresVersion ? figures : undefined;
        const nothingNew = from.second >= settled.second && from.tick >= settled.tick;
        if (nothingNew && !fresh && run.status === 'running') continue;
        const delta: LiveDelta = { ...w.feed.slice(from, settled, this.options.chunkSeconds, run), ...(fresh ? { figures: fresh } : {}) };
        const message = `id: ${delta.id}\nevent: delta\ndata: ${JSON.stringify(delta)}\n\n`;
        for (const v of group) this.send(w, v, message, delta.cursor, fresh?.version, delta.final);
      }
    } catch (err) {
      // A run whose records closed under us (its runner finished and let go): its pages end.
      for (const v of w.viewers) {
        v.res.write(`event: gone\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`);
        v.res.end();
      }
    } finally {
      this.stats.busyMs += performance.now() - started;
    }
  }

  private send(w: Watched, v: Viewer, message: string, to: Cursor, figuresVersion: number | undefined, final: boolean): void {
    if (v.res.writableLength > this.options.maxBufferedBytes) {
      // Behind by more than it can take in: dropped, and its page reconnects from its last id
      // once it can read again.
      this.stats.dropped++;
      w.viewers.delete(v);
      this.stats.viewers--;
      v.res.destroy();
      return;
    }
    v.res.write(message);
    this.stats.sent++;
    v.cursor = to;
    if (figuresVersion !== undefined) v.figuresVersion = figuresVersion;
    if (final) v.res.end();
  }
}
