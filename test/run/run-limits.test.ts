// `wsbench run` end to end through the real CLI, under limits and plans: a cgroup memory limit
// ends in an OOM kill said as such, a CPU quota's throttling is recorded per window, a capacity
// search holds each step, and --port serves every backend on the port given. (Split from
// run-cli.test.ts so the two run side by side.)
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

const SHORT = ['--connections', '60', '--rate', '200', '--hold', '4', '--interval-ms', '500', '--workers', '1'];

test('under a memory limit (cgroup) the server is OOM-killed, and the crash says out of memory', async (t) => {
  const canLimit = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') || fs.existsSync('/sys/fs/cgroup/memory/cgroup.procs');
  if (!canLimit || process.getuid?.() !== 0) return t.skip('needs root and a cgroup memory controller');
  const db = path.join(tempDir(), 'oom.db');
  const res = await runCli(['run', '--backend', 'socketio', '--connections', '1000', '--rate', '500', '--hold', '8', '--interval-ms', '500', '--workers', '2', '--memory-limit', '45m', '--idle', '0', '--db', db], { timeoutMs: 90_000 });
  assert.equal(res.code, 4, res.stderr);
  assert.match(res.stderr, /killed by SIGKILL: out of memory/);
  const d = openDatabase(db, { readonly: true });
  const [run] = listRuns(d);
  assert.equal(run!.verdict, 'crashed');
  assert.equal(run!.scenarioParams.limits?.memoryBytes, 45 * 1024 * 1024);
  const crash = getTimeline(d, run!.id).events.find((e) => e.kind === 'crash')!;
  assert.equal(crash.data!.oom, true);
  // The cgroup holds the primary and its workers: the kernel may kill more than one of them.
  assert.match(String(crash.data!.oomEvidence), /cgroup oom_kill \+[1-9]\d* /);
  d.close();
  const left = fs.readdirSync(fs.existsSync('/sys/fs/cgroup/memory') ? '/sys/fs/cgroup/memory' : '/sys/fs/cgroup').filter((n) => n.includes(run!.id));
  assert.deepEqual(left, [], 'the cgroup is removed after the run');
});

test('under a CPU limit (cgroup) each window records how often the quota throttled the server', async (t) => {
  const canLimit = fs.existsSync('/sys/fs/cgroup/cgroup.controllers') || fs.existsSync('/sys/fs/cgroup/cpu/cgroup.procs');
  if (!canLimit || process.getuid?.() !== 0) return t.skip('needs root and a cgroup cpu controller');
  const db = path.join(tempDir(), 'cpu.db');
  // A quota of 1% of a core: the ramp's TLS handshakes alone overrun it.
  const res = await runCli(['run', '--backend', 'uws', '--connections', '200', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--cpu-limit', '0.01', '--idle', '0', '--db', db], { timeoutMs: 90_000 });
  assert.ok(res.code === 0 || res.code === 3, res.stderr);
  const d = openDatabase(db, { readonly: true });
  const [run] = listRuns(d);
  const throttling = getTimeline(d, run!.id).events.filter((e) => e.kind === 'cpu-throttling');
  d.close();
  assert.equal(throttling.length, 1, 'one record for the one hold window');
  const data = throttling[0]!.data as { periods: number; throttled: number; throttledMs: number; connections: number };
  assert.equal(data.connections, 200);
  assert.ok(data.periods > 0 && data.throttled > 0 && data.throttled <= data.periods, JSON.stringify(data));
  assert.match(throttling[0]!.message, /hold at 200 connections: the CPU quota throttled the server in [\d,]+ of [\d,]+ periods/);
});

test('a capacity search holds each step and names the highest stable one', async () => {
  const db = path.join(tempDir(), 'capacity.db');
  const res = await runCli(['run', '--backend', 'uws', '--scenario', 'capacity', '--steps', '30,60', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--db', db, '--json'], { timeoutMs: 90_000 });
  assert.equal(res.code, 0, res.stderr);
  const [outcome] = JSON.parse(res.stdout);
  assert.deepEqual(outcome.steps.map((s: any) => [s.connections, s.verdict]), [[30, 'stable'], [60, 'stable']]);
  assert.match(outcome.reason, /highest stable step: 60 connections \(the ceiling\)/);
  const d = openDatabase(db, { readonly: true });
  const phases = getTimeline(d, outcome.runId).phases;
  assert.deepEqual(phases.map((p) => [p.name, p.step, p.targetConnections, p.verdict]), [['idle', null, null, null], ['ramp', 0, 30, null], ['step', 0, 30, 'stable'], ['ramp', 1, 60, null], ['step', 1, 60, 'stable']]);
  // Its headline is its capacity: every step held, so at least the last one.
  const summary = getSummary(d, outcome.runId);
  // Stragglers on a busy machine are named after it, and do not unmake a stable step.
  assert.match(summary.headline, /^capacity ≥ 60 \(every step stable(; [\d,]+ late, the slowest [\d.,]+ m?s)?\)$/);
  assert.equal(summary.capacityConnections, 60);
  assert.equal(summary.window.targetConnections, 60);
  d.close();
});

test('--port: every backend serves on the port given, one after another; a port in use fails the run by name', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'port.db');
  const free = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
  const res = await runCli(['run', '--backend', 'uws,ws', ...SHORT, '--port', String(free), '--idle', '0', '--db', db, '--json'], { timeoutMs: 120_000 });
  assert.equal(res.code, 0, res.stderr);
  const outcomes = JSON.parse(res.stdout) as { port: number | null; verdict: string }[];
  assert.deepEqual(outcomes.map((o) => [o.port, o.verdict]), [[free, 'stable'], [free, 'stable']]);

  const holder = net.createServer().listen(free, '127.0.0.1');
  await once(holder, 'listening');
  try {
    const busy = await runCli(['run', '--backend', 'ws', ...SHORT, '--port', String(free), '--idle', '0', '--db', db, '--json'], { timeoutMs: 60_000 });
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, new RegExp(`port ${free} is already in use on 127\\.0\\.0\\.1`));
  } finally {
    holder.close();
  }
});
