// `wsbench run --live`: the session's live pages on 127.0.0.1, each run added as it starts.
import type { LiveTimeline } from '../../collector/live-timeline.ts';
import type { RunInfo } from '../../collector/query.ts';
import { SessionRuns } from '../../site/live/catalogs.ts';
import { startLiveServer } from '../../site/live/server.ts';
import { ConfigError } from '../../common/errors.ts';
import type { RunPlan } from './plan.ts';

export interface LiveSession {
  url: string;
  /** Hands a run's records to its live page (RunHooks.live). */
  add(runId: string, timeline: LiveTimeline): void;
  /** Sends every page what it lacks (a run that just finished says so), then stops serving. */
  close(): Promise<void>;
}

export async function openLive(plan: RunPlan, progress: (line: string, transient: boolean) => void): Promise<LiveSession | null> {
  if (!plan.live) return null;
  const { port, reportUrl } = plan.live;
  const catalog = new SessionRuns();
  const title = `wsbench run of ${plan.backends.map((b) => b.name).join(', ')} (${plan.request.scenario.name})`;
  let served;
  try {
    served = await startLiveServer(catalog, { port, title, reportUrl: reportUrl ? (run: RunInfo) => `${reportUrl}runs/${encodeURIComponent(run.id)}/` : undefined });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new ConfigError(`--live-port ${port} is already in use on 127.0.0.1: pick another, or 0 for a free one`);
    throw err;
  }
  progress(`live: ${served.url} follows the runs as they go (read-only, this machine only)`, false);
  return {
    url: served.url,
    add(runId, timeline) {
      catalog.add(runId, timeline);
      progress(`live: ${served.url}runs/${encodeURIComponent(runId)}/`, false);
    },
    async close() {
      await served.pages.hub.flush();
      await served.close();
      catalog.releaseAll();
    },
  };
}
