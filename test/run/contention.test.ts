// The machine's own contention, measured: CPU hogs competing with the server make the run
// host-bound (the server waited for a CPU while others used it), and --server-cpus, which gives
// the server a core of its own and keeps the harness (and here the hogs) on the other, keeps its
// wait near zero. Asserts on the measured wait, generously: these cores are shared.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

/** Two busy loops per CPU, bounded by `timeout` whatever happens to this test. */
function hogs(seconds: number, cpus?: string): ChildProcess[] {
  return Array.from({ length: 2 * os.availableParallelism() }, () =>
    cpus === undefined
      ? spawn('timeout', [String(seconds), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' })
      : spawn('taskset', ['-c', cpus, 'timeout', String(seconds), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }),
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

const ARGS = ['run', '--backend', 'uws', '--connections', '2000', '--rate', '1000', '--hold', '8', '--interval-ms', '100', '--workers', '1', '--json'];

test('CPU hogs competing with the server make the run host-bound; --server-cpus keeps its CPU wait near zero', async (t) => {
  if (!(() => { try { return canPlace(); } catch { return false; } })()) return t.skip('needs root, 2 CPUs and a cgroup cpuset controller');
  const dir = tempDir();
  const last = os.availableParallelism() - 1;
  let running = hogs(60);
  try {
    const shared = path.join(dir, 'shared.db');
    const res = await runCli([...ARGS, '--db', shared], { timeoutMs: 90_000 });
    assert.ok(res.code === 0 || res.code === 3, res.stderr);
    const [outcome] = JSON.parse(res.stdout);
    assert.equal(outcome.validity.hostBound, true, JSON.stringify(outcome.validity.warnings));
    assert.ok(outcome.validity.warnings.some((w: string) => w.startsWith('host-bound: ')), JSON.stringify(outcome.validity.warnings));
    const a = runFacts(shared);
    assert.ok(a.summary.serverCpuWaitMs! >= 100, `server waited ${a.summary.serverCpuWaitMs} ms/s`);
    assert.ok(a.summary.hostBound, 'the summary derives host-bound from the stored samples too');
    assert.ok(a.events.some((e) => e.kind === 'host-bound'), 'a host-bound event');
    for (const h of running) h.kill();

    // The same run, the server on the last CPU; the hogs where the harness runs (the others).
    running = hogs(60, `0-${last - 1}`);
    const own = path.join(dir, 'own.db');
    const res2 = await runCli([...ARGS, '--server-cpus', String(last), '--db', own], { timeoutMs: 90_000 });
    assert.ok(res2.code === 0 || res2.code === 3, res2.stderr);
    const [outcome2] = JSON.parse(res2.stdout);
    assert.equal(outcome2.validity.hostBound, false, JSON.stringify(outcome2.validity.warnings));
    const b = runFacts(own);
    assert.ok(b.summary.serverCpuWaitMs! <= 15, `server on its own CPU waited ${b.summary.serverCpuWaitMs} ms/s`);
    assert.ok(b.events.some((e) => e.kind === 'info' && e.message.includes(`on CPUs ${last} of its own`)), 'the placement is recorded');
    assert.equal((b.run.scenarioParams as { profile?: { cpus?: string } }).profile?.cpus, String(last));
    assert.deepEqual(fs.readdirSync('/sys/fs/cgroup/cpuset').filter((f) => f.startsWith('wsbench-')), [], 'the cpuset is removed');
  } finally {
    for (const h of running) h.kill();
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
