// Where the live pages find runs. A runner's session: the runs it started, each read from its own
// LiveTimeline (collector/live-timeline.ts), held open until the session lets go. A collector:
// every run its database holds, the running ones and the latest few finished.
import type { LiveTimeline } from '../../collector/live-timeline.ts';
import { getRun, listRuns, type RunInfo } from '../../collector/query.ts';
import type { Db } from '../../collector/schema.ts';
import type { BackendLook } from '../src/lib/looks.ts';
import type { LiveCatalog } from './hub.ts';

/** How a run shows its backend: as its runner recorded it (schema 4), else its name in grey. */
export const recordedLook = (run: RunInfo): BackendLook => ({ label: run.backendLabel ?? run.backend, title: run.backendTitle ?? run.backendLabel ?? run.backend, color: run.backendColor ?? '#444444' });

export class SessionRuns implements LiveCatalog {
  private readonly timelines = new Map<string, LiveTimeline>();

  /** A run of this session, as it starts; its records stay readable until `releaseAll`. */
  add(runId: string, timeline: LiveTimeline): void {
    timeline.retain();
    this.timelines.set(runId, timeline);
  }

  runs(): RunInfo[] {
    return [...this.timelines].flatMap(([id, t]) => {
      const db = t.reader();
      if (!db) return [];
      try {
        return [getRun(db, id)];
      } catch {
        // Not recorded yet: the run record is its first.
        return [];
      }
    });
  }

  dbOf(runId: string): Db | null {
    return this.timelines.get(runId)?.reader() ?? null;
  }

  look(run: RunInfo): BackendLook {
    return recordedLook(run);
  }

  releaseAll(): void {
    for (const t of this.timelines.values()) t.release();
    this.timelines.clear();
  }
}

/** Finished runs a collector's session page lists besides the running ones. */
const RECENT = 12;

export class CollectorRuns implements LiveCatalog {
  constructor(private readonly db: Db) {}

  runs(): RunInfo[] {
    const running = listRuns(this.db, { status: 'running' });
    const recent = listRuns(this.db, { limit: RECENT }).filter((r) => r.status !== 'running');
    return [...running, ...recent].sort((a, b) => a.startedMs - b.startedMs);
  }

  dbOf(runId: string): Db | null {
    return this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) ? this.db : null;
  }

  look(run: RunInfo): BackendLook {
    return recordedLook(run);
  }
}
