// Timing slack measured, not assumed: how late this process's own timers ran while a test
// watched something happen on time. On a quiet machine it is a few ms; on a busy one it is the
// delay the machine added, which an "arrived within X ms" assertion must allow and no more.
import { monitorEventLoopDelay } from 'node:perf_hooks';

export function measureLoopDelay(): { maxMs(): number; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return {
    maxMs: () => histogram.max / 1e6,
    stop: () => histogram.disable(),
  };
}
