// Timing slack measured, not assumed: how late this process's own timers ran while a test
// watched something happen on time. On a quiet machine it is a few ms; on a busy one it is the
// delay the machine added, which an "arrived within X ms" assertion must allow and no more.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readThreadWaitsMs } from '../../runners/sampler/proc.ts';

export function measureLoopDelay(): { maxMs(): number; stop(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  return {
    maxMs: () => histogram.max / 1e6,
    stop: () => histogram.disable(),
  };
}

/**
 * How long other processes (a server under test) were ready to run but waited for a CPU while
 * a test watched them, summed over their threads (schedstat): on a busy machine a tick can be
 * that much late without the server being at fault.
 */
export function measureCpuWait(pids: number[]): { stopMs(): number } {
  const total = () => pids.reduce((sum, pid) => sum + [...(readThreadWaitsMs(pid)?.values() ?? [])].reduce((a, b) => a + b, 0), 0);
  const before = total();
  return { stopMs: () => Math.max(0, total() - before) };
}
