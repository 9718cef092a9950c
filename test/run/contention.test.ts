// The machine's own contention, measured: CPU hogs competing with the server make the run
// host-bound (the server waited for a CPU while others used it), and --server-cpus, which gives
// the server a core of its own and keeps the harness (and here the hogs) on the other, keeps its
// wait near zero. That last claim is judged when the server's CPU was its own, as measured from
// /proc/stat; on a busy machine that shares it anyway, the run must call itself host-bound.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { HOST_BOUND } from '../../collector/contention.ts';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { spawnOwned } from '../helpers/owned.ts';
import { measuringAlone } from '../helpers/measuring.ts';
import { peek } from '../helpers/run-process.ts';

// Loads the machine on purpose and measures the server's CPU wait: the machine to itself.
await measuringAlone();

/** Two busy loops per CPU, bounded by `timeout` whatever happens to this test. */
function hogs(seconds: number, cpus?: string): ChildProcess[] {
  return Array.from({ length: 2 * os.availableParallelism() }, () =>
    cpus === undefined
      ? spawnOwned('timeout', [String(seconds), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' })
      : spawnOwned('taskset', ['-c', cpus, 'timeout', String(seconds), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }),
  );
}

const canPlace = () =>
  process.getuid?.() === 0 && os.availableParallelism() >= 2 &&
  (fs.existsSync('/sys/fs/cgroup/cpuset/cgroup.procs') || fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', { encoding: 'utf8', flag: 'r' }).includes('cpuset'));

function runFacts(db: string) {
  const d = openDatabase(db, { readonly: true });
  const [run] = listRuns(d);
  const summary = getSummary(d, run!.id);
  const events = getTimeline(d, run!.id).events;
  d.close();
  return { run: run!, summary, events };
}

/**
 * CPU `cpu`'s busy time so far in processes, in ms, from /proc/stat (user, nice, system, steal).
 * Interrupt time is left out: on the server's CPU it is mostly the kernel's network work for the
 * server's own sockets, which the server's process CPU does not count.
 */
function cpuBusyMs(cpu: number): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith(`cpu${cpu} `))!;
  const [user, nice, system, , , , , steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return ((user! + nice! + system! + steal!) * 1000) / 100; // USER_HZ is 100 on Linux
}

/** The server's own CPU over the run, in ms: its per-second samples, summed. */
function serverCpuMs(db: string): number {
  const d = openDatabase(db, { readonly: true });
  const row = d.prepare('SELECT sum(cpu_user_pct + cpu_sys_pct) AS pct FROM server_samples').get() as { pct: number | null };
  d.close();
  return ((row.pct ?? 0) / 100) * 1000;
}

/**
 * The hold's seconds as the server's samples stored them, and how many of them show the machine
 * holding the server back by METRICS.md's rule: a wait of at least 100 ms while the server's CPUs
 * were busy, a good part of it with something else. Stated here apart from the judge, to check it.
 */
function heldBackSeconds(db: string): { sampled: number; contended: number } {
  const d = openDatabase(db, { readonly: true });
  const seconds = d.prepare(`
    SELECT sum(s.cpu_wait_ms) AS wait, max(s.host_busy_pct) AS busy, max(s.host_cpus) AS cpus, sum(s.cpu_user_pct + s.cpu_sys_pct) AS server
    FROM server_samples s JOIN phases p ON p.run_id = s.run_id AND p.name = 'hold'
    WHERE s.t_ms >= p.started_ms AND s.t_ms <= p.ended_ms AND s.cpu_wait_ms IS NOT NULL AND s.host_busy_pct IS NOT NULL
    GROUP BY s.t_ms`).all() as { wait: number; busy: number; cpus: number; server: number }[];
  d.close();
  const contended = seconds.filter((s) => s.wait >= HOST_BOUND.waitMsPerSec && s.busy >= HOST_BOUND.hostBusyPct && s.busy * s.cpus - s.server >= HOST_BOUND.othersPctOfCore);
  return { sampled: seconds.length, contended: contended.length };
}

/**
 * Above this share of the server's own CPU used by something else (a busy machine: another test
 * file, the suite's busy loops), the server on "its own" CPU still shares it, and how long it
 * waits says more about the machine than about --server-cpus. On a quiet machine "others" is a
 * few %: the server's start, before its first sample.
 */
const FOREIGN_ON_SERVER_CPU_PCT = 10;

/**
 * `wsbench run` with the hogs running from its ramp to the end of its hold: they compete with
 * the server over the measured window, not with the run's start-up and shutdown (which they
 * slowed by half a minute).
 */
async function runWithHogs(args: string[], db: string, cpus?: string): Promise<Awaited<ReturnType<typeof runCli>>> {
  const run = runCli([...args, '--db', db], { timeoutMs: 90_000 });
  let ended = false;
  void run.then(() => (ended = true), () => (ended = true));
  const phase = (sql: string) => peek(db, (d) => d.prepare(sql).get());
  const waitFor = async (sql: string) => {
    while (!ended && !phase(sql)) await new Promise((r) => setTimeout(r, 100));
  };
  // The ramp, or the hold if the ramp came and went between two looks.
  await waitFor(`SELECT 1 AS yes FROM phases WHERE name IN ('ramp', 'hold')`);
  const running = ended ? [] : hogs(60, cpus);
  try {
    await waitFor(`SELECT 1 AS yes FROM phases WHERE name = 'hold' AND ended_ms IS NOT NULL`);
  } finally {
    for (const h of running) h.kill();
  }
  return run;
}

// No idle phase: nothing here reads idle memory, and each run is shorter by it.
const ARGS = ['run', '--backend', 'uws', '--connections', '1500', '--rate', '1000', '--hold', '5', '--idle', '0', '--interval-ms', '100', '--workers', '1', '--json'];

test('CPU hogs competing with the server make the run host-bound; --server-cpus keeps its CPU wait near zero', async (t) => {
  if (!(() => { try { return canPlace(); } catch { return false; } })()) return t.skip('needs root, 2 CPUs and a cgroup cpuset controller');
  const dir = tempDir();
  const last = os.availableParallelism() - 1;
  const shared = path.join(dir, 'shared.db');
  const res = await runWithHogs(ARGS, shared);
  const a = runFacts(shared);
  {
    assert.ok(res.code === 0 || res.code === 3, res.stderr);
    const [outcome] = JSON.parse(res.stdout);
    const held = heldBackSeconds(shared);
    t.diagnostic(`beside the hogs: the server waited ${a.summary.serverCpuWaitMs} ms/s; ${held.contended} of ${held.sampled} sampled seconds of the hold held it back`);
    if (held.contended >= 2) {
      // Its worst second, not its median: two held-back seconds of five leave the median below.
      assert.ok(a.summary.serverCpuWaitMsMax! >= HOST_BOUND.waitMsPerSec, `server waited ${a.summary.serverCpuWaitMsMax} ms/s in its worst second beside the hogs (${held.sampled} seconds sampled)`);
      assert.equal(outcome.validity.hostBound, true, `${JSON.stringify(outcome.validity.warnings)}; stored: ${held.contended} of ${held.sampled} s held back`);
      assert.ok(outcome.validity.warnings.some((w: string) => w.startsWith('host-bound: ')), JSON.stringify(outcome.validity.warnings));
      assert.ok(a.summary.hostBound, 'the summary derives host-bound from the stored samples too');
      assert.ok(a.events.some((e) => e.kind === 'host-bound'), 'a host-bound event');
    } else {
      // Seen once in CI, beside its background build: the seconds stored did not show the hogs
      // holding the server back (its sampler starved too, or the hogs landed elsewhere). Nothing
      // to call host-bound then; what must hold is that the runner and the stored run agree.
      t.diagnostic(`the hogs held the server back in ${held.contended} of ${held.sampled} sampled seconds: too few to judge host-bound`);
      assert.equal(outcome.validity.hostBound, a.summary.hostBound !== null, JSON.stringify(outcome.validity.warnings));
    }
  }
  {
    // The same run, the server on the last CPU; the hogs where the harness runs (the others).
    const own = path.join(dir, 'own.db');
    const busyBefore = cpuBusyMs(last);
    const startedAt = Date.now();
    const res2 = await runWithHogs([...ARGS, '--server-cpus', String(last)], own, `0-${last - 1}`);
    const busyMs = cpuBusyMs(last) - busyBefore;
    const elapsedMs = Date.now() - startedAt;
    assert.ok(res2.code === 0 || res2.code === 3, res2.stderr);
    const [outcome2] = JSON.parse(res2.stdout);
    const b = runFacts(own);
    // What else ran on the server's CPU: its busy time over the run, less the server's own.
    const foreignPct = (Math.max(0, busyMs - serverCpuMs(own)) / elapsedMs) * 100;
    const waitMs = b.summary.serverCpuWaitMs!;
    t.diagnostic(`server on CPU ${last}: waited ${waitMs} ms/s (${a.summary.serverCpuWaitMs} ms/s beside the hogs); others used ${foreignPct.toFixed(1)}% of that CPU`);
    if (foreignPct <= FOREIGN_ON_SERVER_CPU_PCT) {
      // The CPU was the server's alone: it should hardly wait, and the run is not host-bound.
      assert.equal(outcome2.validity.hostBound, false, JSON.stringify(outcome2.validity.warnings));
      // Near zero: a quarter of the host-bound threshold at most. Not zero: the server's own
      // threads (its event loop, the GC's, libuv's) still queue for its one CPU (up to 15.5 ms/s
      // seen). Not judged against the wait beside the hogs: that was as low as 22.9 ms/s in CI,
      // when the scheduler let the waking server preempt them.
      const near = HOST_BOUND.waitMsPerSec / 4;
      assert.ok(waitMs <= near, `server on its own CPU waited ${waitMs} ms/s (at most ${near} ms/s; ${a.summary.serverCpuWaitMs} ms/s beside the hogs), with others using ${foreignPct.toFixed(1)}% of it`);
    } else {
      // A busy machine moved other work onto the server's CPU (the hogs fill the others), so
      // "its own" CPU was shared and a near-zero wait is not what to expect. What must hold: a
      // server held back that long is reported as host-bound, never as its own limit.
      const held = heldBackSeconds(own);
      t.diagnostic(`others used ${foreignPct.toFixed(1)}% of the server's CPU: its wait is the machine's, judged as such (${held.contended} of ${held.sampled} sampled seconds of the hold held it back)`);
      if (held.contended >= 2) assert.equal(outcome2.validity.hostBound, true, `in ${held.contended} of ${held.sampled} s the server waited beside others on its CPU (${waitMs} ms/s median), not called host-bound`);
    }
    // The runner's verdict waits for the window's last samples: it reads the seconds the stored run holds.
    assert.equal(outcome2.validity.hostBound, b.summary.hostBound !== null, `the runner (${outcome2.validity.hostBound}) and the stored run (${b.summary.hostBound}) agree on host-bound`);
    assert.ok(b.events.some((e) => e.kind === 'info' && e.message.includes(`on CPUs ${last} of its own`)), 'the placement is recorded');
    assert.equal(b.run.scenarioParams.limits?.cpus, String(last));
    assert.deepEqual(fs.readdirSync('/sys/fs/cgroup/cpuset').filter((f) => f.startsWith('wsbench-')), [], 'the cpuset is removed');
  }
});

test('--server-cpus is refused when it names a CPU not here or leaves none for the load generator', async () => {
  const all = `0-${os.availableParallelism() - 1}`;
  const none = await runCli(['run', '--server-cpus', all, '--db', path.join(tempDir(), 'x.db')], { timeoutMs: 30_000 });
  assert.equal(none.code, 2);
  assert.match(none.stderr, /leaves no CPU for the load generator and runner/);
  const missing = await runCli(['run', '--server-cpus', '999', '--db', path.join(tempDir(), 'x.db')], { timeoutMs: 30_000 });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--server-cpus: CPU 999 is not available here/);
  const bad = await runCli(['run', '--server-cpus', 'two', '--db', path.join(tempDir(), 'x.db')], { timeoutMs: 30_000 });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"two" is not a CPU list/);
});
