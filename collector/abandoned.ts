// Runs whose runner is gone: a runner killed with SIGKILL (or a machine that lost power) cannot
// say that its run ended, which would then read "running" on every later day. Each run records
// its runner's host and pid and a heartbeat; the next command that opens the database marks such
// a run aborted, with the reason, when its runner's process is gone (same host) or its heartbeat
// has been silent too long (any host).
import os from 'node:os';
import { processAlive as alive } from '../common/process-alive.ts';
import type { Db } from './schema.ts';

export const ABANDONED_REASON = 'runner stopped without finishing';
/** A heartbeat this old means the runner is gone even where its pid cannot be checked. */
export const HEARTBEAT_STALE_MS = 10 * 60_000;

interface RunningRow {
  id: string;
  runner_host: string;
  runner_pid: number;
  heartbeat_ms: number | null;
  started_ms: number;
}

/** Runs still marked running whose runner is gone. */
export function abandonedRuns(db: Db, nowMs = Date.now(), host = os.hostname()): RunningRow[] {
  const rows = db.prepare(`SELECT id, runner_host, runner_pid, heartbeat_ms, started_ms FROM runs WHERE status = 'running' AND runner_pid IS NOT NULL`).all() as RunningRow[];
  return rows.filter((r) => (r.runner_host === host && r.runner_pid !== process.pid && !alive(r.runner_pid)) || nowMs - (r.heartbeat_ms ?? r.started_ms) > HEARTBEAT_STALE_MS);
}

/** Marks abandoned runs aborted (ended at their last heartbeat); returns their ids. */
export function markAbandonedRuns(db: Db, nowMs = Date.now(), host = os.hostname()): string[] {
  const gone = abandonedRuns(db, nowMs, host);
  const mark = db.prepare(`UPDATE runs SET status = 'aborted', verdict = 'aborted', verdict_reason = ?, ended_ms = coalesce(ended_ms, heartbeat_ms, started_ms) WHERE id = ? AND status = 'running'`);
  db.transaction(() => {
    for (const r of gone) mark.run(ABANDONED_REASON, r.id);
  })();
  return gone.map((r) => r.id);
}
