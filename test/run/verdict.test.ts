// Verdicts from fixed figures (docs/METRICS.md, "Verdicts").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deliveredPct, judge, runVerdict, slope, type RunFacts, type StepOutcome, type WindowFigures } from '../../collector/verdict.ts';

const steady: WindowFigures = {
  targetConnections: 1000, heldConnections: 1000, expected: 150_000, missing: 0, latencyP99Ms: 12, intervalMs: 2000,
  crashes: [], clientBound: [], aborted: false, rss: [[0, 100e6], [60_000, 100e6], [120_000, 100e6]], judgeMemorySlope: true,
};

test('a clean window is stable and says why', () => {
  assert.deepEqual(judge(steady), { verdict: 'stable', reason: 'held 1,000, delivered 100.000%, p99 12 ms' });
});

test('each failed condition makes it unstable, with the reason named', () => {
  assert.match(judge({ ...steady, missing: 16 }).reason, /delivered 99\.989% \(< 99\.99%\): 16 of 150,000 missing/);
  assert.equal(judge({ ...steady, missing: 15 }).verdict, 'stable'); // 99.990% is enough
  assert.match(judge({ ...steady, latencyP99Ms: 2000 }).reason, /latency p99 2\.00 s ≥ the 2\.00 s interval/);
  assert.match(judge({ ...steady, heldConnections: 999 }).reason, /held 999 of 1,000 connections/);
  const growing: [number, number][] = [[0, 100e6], [60_000, 110e6], [120_000, 120e6]];
  assert.match(judge({ ...steady, rss: growing }).reason, /memory growing: \+20\.0 MB over 120 s/);
  assert.equal(judge({ ...steady, rss: growing, judgeMemorySlope: false }).verdict, 'stable');
  assert.equal(judge({ ...steady, rss: [[0, 100e6], [60_000, 120e6]] }).verdict, 'stable', 'under 120 s the slope is not judged');
});

test('crash, client-bound and abort take precedence, in that order', () => {
  assert.equal(judge({ ...steady, crashes: ['worker 1 killed by SIGKILL'], clientBound: ['x'], aborted: false }).verdict, 'crashed');
  assert.equal(judge({ ...steady, clientBound: ['shard-0 at ≥ 85% CPU for 10 s'] }).verdict, 'client-bound');
  assert.equal(judge({ ...steady, aborted: true, crashes: ['x'] }).verdict, 'aborted');
});

test('helpers: delivered% and least-squares slope', () => {
  assert.equal(deliveredPct(0, 0), null);
  assert.equal(deliveredPct(200, 1), 99.5);
  assert.equal(slope([[0, 0], [1, 2], [2, 4]]), 2);
  assert.equal(slope([[5, 1]]), 0);
});

// The whole run's verdict (collector/verdict.ts, runVerdict), every reason, from fixed facts.
const clean: RunFacts = { interrupted: false, failed: false, harnessFailures: [], crashes: [], steps: [{ connections: 1000, verdict: 'stable', reason: 'held 1000, delivered 100.000%, p99 12.0 ms' }], capacity: false };
const capacitySteps: StepOutcome[] = [
  { connections: 10_000, verdict: 'stable', reason: 'held 10000' },
  { connections: 20_000, verdict: 'stable', reason: 'held 20000' },
  { connections: 30_000, verdict: 'unstable', reason: 'latency p99 2780 ms ≥ the 2000 ms interval' },
];

test('a run takes its single window\'s verdict and reason', () => {
  assert.deepEqual(runVerdict(clean), { status: 'completed', verdict: 'stable', reason: 'held 1000, delivered 100.000%, p99 12.0 ms' });
  const unstable = { ...clean, steps: [{ connections: 1000, verdict: 'unstable' as const, reason: 'held 990 of 1000 connections' }] };
  assert.deepEqual(runVerdict(unstable), { status: 'completed', verdict: 'unstable', reason: 'held 990 of 1000 connections' });
});

test('a capacity search names its highest stable step and why the next failed', () => {
  assert.deepEqual(runVerdict({ ...clean, capacity: true, steps: capacitySteps }), {
    status: 'completed', verdict: 'unstable', reason: 'highest stable step: 20,000 connections; at 30,000: unstable, latency p99 2780 ms ≥ the 2000 ms interval',
  });
  assert.equal(runVerdict({ ...clean, capacity: true, steps: capacitySteps.slice(0, 2) }).reason, 'highest stable step: 20,000 connections (the ceiling)');
  assert.equal(runVerdict({ ...clean, capacity: true, steps: capacitySteps.slice(2) }).reason, 'no stable step; at 30,000: unstable, latency p99 2780 ms ≥ the 2000 ms interval');
});

test('interruption, then harness failure, then a crash outrank every window; no window is aborted', () => {
  const everything = { ...clean, interrupted: true, harnessFailures: ['client shard-1 exited (code 1)'], crashes: ['worker 1 (pid 7) killed by SIGKILL: out of memory'] };
  assert.deepEqual(runVerdict(everything), { status: 'aborted', verdict: 'aborted', reason: 'interrupted (Ctrl-C)' });
  assert.deepEqual(runVerdict({ ...everything, interrupted: false }), { status: 'aborted', verdict: 'aborted', reason: 'client shard-1 exited (code 1)' });
  assert.deepEqual(runVerdict({ ...everything, interrupted: false, failed: true, harnessFailures: ['socketio primary exited while starting (code 1)'] }), { status: 'failed', verdict: 'aborted', reason: 'socketio primary exited while starting (code 1)' });
  assert.deepEqual(runVerdict({ ...everything, interrupted: false, harnessFailures: [] }), { status: 'crashed', verdict: 'crashed', reason: 'worker 1 (pid 7) killed by SIGKILL: out of memory' });
  assert.deepEqual(runVerdict({ ...clean, steps: [] }), { status: 'completed', verdict: 'aborted', reason: 'no window was held' });
});

test('host-bound: a failed window is this machine\'s limit, said first; a stable one keeps its verdict with the note', async () => {
  const { contentionOf } = await import('../../collector/contention.ts');
  const busy = { waitMs: 120, busyPct: 98, cpus: 2, serverCpuPct: 60 };
  const quiet = { waitMs: 2, busyPct: 40, cpus: 2, serverCpuPct: 60 };
  // Waiting alone is not enough: the host must be busy with others (here the server itself fills it).
  assert.equal(contentionOf([{ ...busy, serverCpuPct: 190 }, { ...busy, serverCpuPct: 190 }]).hostBound, null);
  assert.equal(contentionOf([busy, quiet, quiet, quiet, quiet, quiet, quiet, quiet, quiet, quiet]).hostBound, null, 'one second in ten');
  const c = contentionOf([busy, busy, quiet, quiet]);
  assert.match(c.hostBound!, /^in 2 of 4 s the server waited for a CPU, 120 ms\/s in the median of those seconds, while the host's 2 CPUs were 98\.0% busy, 136% of a core of it not the server's$/);
  const failed = judge({ ...steady, latencyP99Ms: 2500, hostBound: c.hostBound });
  assert.equal(failed.verdict, 'unstable');
  assert.match(failed.reason, /^host-bound, the limit of this machine, not of the server: in \d+ of \d+ s the server waited .*; latency p99 2\.50 s ≥ the 2\.00 s interval$/);
  const held = judge({ ...steady, hostBound: c.hostBound });
  assert.equal(held.verdict, 'stable');
  assert.match(held.reason, /^held 1,000, delivered 100\.000%, p99 12 ms; host-bound: /);
});

test('a failed window that the CPU quota throttled is the budget\'s limit; the capacity headline names which limit ended the search', async () => {
  const { limitOf } = await import('../../collector/contention.ts');
  const throttled = judge({ ...steady, latencyP99Ms: 2500, throttling: { periods: 1000, throttled: 230 } });
  assert.match(throttled.reason, /^the limit of the CPU budget, not of the server: the CPU quota throttled the server in 230 of 1,000 periods \(23\.0%\); latency p99 2\.50 s/);
  // The limit is read from the figures (the quota's counters, the host's contention), never from the reason's words.
  assert.equal(limitOf({ cpuThrottling: { periods: 1000, throttled: 230 }, hostBound: null }), 'budget');
  assert.equal(limitOf({ cpuThrottling: { periods: 1000, throttled: 230 }, hostBound: 'waited' }), 'budget', 'the budget imposed on purpose is named first');
  // A few throttled periods do not make it the budget's.
  const server = judge({ ...steady, latencyP99Ms: 2500, throttling: { periods: 1000, throttled: 12 } });
  assert.doesNotMatch(server.reason, /CPU budget/);
  assert.equal(limitOf({ cpuThrottling: { periods: 1000, throttled: 12 }, hostBound: null }), 'server');
  assert.equal(limitOf({ cpuThrottling: { periods: 0, throttled: 0 }, hostBound: null }), 'server');
  assert.equal(limitOf({ cpuThrottling: null, hostBound: 'the server waited 120 ms/s for a CPU in 8 of 8 s' }), 'machine');
  // One limit per window: a throttled server waited because of its quota, so the machine is not also blamed.
  const both = judge({ ...steady, latencyP99Ms: 2500, throttling: { periods: 1000, throttled: 230 }, hostBound: 'in 8 of 8 s the server waited for a CPU' });
  assert.match(both.reason, /^the limit of the CPU budget, not of the server: /);
  assert.doesNotMatch(both.reason, /host-bound|this machine/);
  assert.doesNotMatch(judge({ ...steady, throttling: { periods: 1000, throttled: 230 }, hostBound: 'in 8 of 8 s the server waited for a CPU' }).reason, /host-bound/, 'nor a stable one');
});
