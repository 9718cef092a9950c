// Faults injected into a live run, each with what must hold afterwards: the server stopped for
// three intervals is the server's failure; a load-generator shard stopped is the load
// generator's (client-bound), never blamed on the server; a runner killed with SIGKILL leaves
// nothing running, and the next command marks its run aborted; a server that accepts TLS and
// never answers the upgrade is named in the run's errors, and the run ends by itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { ABANDONED_REASON } from '../../collector/abandoned.ts';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { peek, startRun, until } from '../helpers/run-process.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const holdStarted = (db: string) => peek(db, (d) => (d.prepare(`SELECT started_ms FROM phases WHERE name = 'hold'`).get() as { started_ms: number } | undefined)?.started_ms);
const children = (pid: number, pattern: string) => {
  try {
    return execFileSync('pgrep', ['-P', String(pid), '-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

test('the server stopped (SIGSTOP) for three intervals: late and missing deliveries counted, unstable, exit 3', async () => {
  const db = path.join(tempDir(), 'server-stop.db');
  const run = startRun(['--backend', 'uws', '--connections', '60', '--rate', '200', '--hold', '10', '--interval-ms', '1000', '--workers', '1', '--idle', '0', '--db', db]);
  await until(() => holdStarted(db), 60_000, 'the hold', run);
  const pids = await until(() => peek(db, (d) => { const rows = d.prepare(`SELECT DISTINCT pid FROM process_samples`).all() as { pid: number }[]; return rows.length ? rows.map((r) => r.pid) : undefined; }), 10_000, 'server pids');
  await sleep(1500);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  await sleep(3000);
  for (const pid of pids) process.kill(pid, 'SIGCONT');
  const code = await run.exit;
  assert.equal(code, 3, run.output().stderr);
  const d = openDatabase(db, { readonly: true });
  const [r] = listRuns(d);
  const s = getSummary(d, r!.id);
  d.close();
  assert.equal(r!.verdict, 'unstable');
  assert.equal((r!.validity as any).generatorSaturated, false, 'the load generator is not blamed');
  assert.ok(s.late > 0 || s.missing > 0, `late ${s.late}, missing ${s.missing}`);
  assert.ok(s.latency.maxMs! >= 2000, `the stopped ticks arrive seconds late (max ${s.latency.maxMs} ms)`);
});

test('a bulk client shard stopped for 6 s mid-hold: client-bound, exit 5, the server not blamed', async () => {
  const db = path.join(tempDir(), 'shard-stop.db');
  const run = startRun(['--backend', 'uws', '--connections', '200', '--rate', '400', '--hold', '14', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db]);
  await until(() => holdStarted(db), 60_000, 'the hold', run);
  const [shard] = await until(() => { const p = children(run.child.pid!, 'wsclient'); return p.length ? p : undefined; }, 10_000, 'the native bulk shard');
  await sleep(1000);
  process.kill(shard!, 'SIGSTOP');
  await sleep(6000);
  process.kill(shard!, 'SIGCONT');
  const code = await run.exit;
  assert.equal(code, 5, run.output().stderr);
  const d = openDatabase(db, { readonly: true });
  const [r] = listRuns(d);
  d.close();
  assert.equal(r!.verdict, 'client-bound');
  assert.match(r!.verdictReason!, /shard-0 sent no sample for \d+ s/);
  assert.equal((r!.validity as any).generatorSaturated, true);
  assert.equal((r!.validity as any).valid, false);
});

test('the runner killed with SIGKILL: its server and clients exit, and the next command marks the run aborted', async () => {
  const db = path.join(tempDir(), 'runner-kill.db');
  const run = startRun(['--backend', 'uws', '--connections', '60', '--rate', '200', '--hold', '30', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db]);
  await until(() => holdStarted(db), 60_000, 'the hold', run);
  const before = peek(db, (d) => listRuns(d)[0]);
  assert.equal(before?.status, 'running');
  const descendants = execFileSync('sh', ['-c', `pgrep -P ${run.child.pid} || true`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  assert.ok(descendants.length >= 2, 'server and client processes under the runner');
  run.child.kill('SIGKILL');
  await run.exit;
  // Its children notice the runner is gone (IPC closed) and exit.
  await until(() => (descendants.every((pid) => { try { process.kill(pid, 0); return false; } catch { return true; } }) ? true : undefined), 15_000, 'the server and clients to exit');
  const list = await runCli(['list', '--db', db, '--json']);
  assert.equal(list.code, 0, list.stderr);
  const [r] = JSON.parse(list.stdout);
  assert.equal(r.status, 'aborted');
  assert.equal(r.verdict, 'aborted');
  assert.equal(r.verdictReason, ABANDONED_REASON);
  assert.ok(r.endedMs >= r.startedMs);
});

test('a backend that accepts TLS and never answers the upgrade: named in the run\'s errors, and the run ends by itself', async () => {
  const db = path.join(tempDir(), 'stall.db');
  const started = Date.now();
  const res = await runCli(['run', '--backend', 'stall', '--connections', '20', '--rate', '100', '--hold', '2', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db], {
    timeoutMs: 120_000,
    env: { WSBENCH_EXTRA_BACKENDS: path.resolve('test/helpers/stall-backend.ts') },
  });
  assert.equal(res.code, 3, res.stderr);
  assert.ok(Date.now() - started < 90_000, 'the run ended by itself');
  const d = openDatabase(db, { readonly: true });
  const [r] = listRuns(d);
  const events = getTimeline(d, r!.id).events;
  d.close();
  assert.equal(r!.tlsVersion, 'TLSv1.3', 'the TLS handshake itself succeeded');
  assert.equal(r!.verdict, 'unstable');
  assert.match(r!.verdictReason!, /held 0 of 20 connections/);
  const errors = events.filter((e) => e.kind === 'connect-error').map((e) => e.message);
  assert.ok(errors.some((m) => /no answer to the WebSocket upgrade within 30 s/.test(m)), `bulk shard errors: ${errors.join(' | ')}`);
  assert.ok(events.some((e) => e.kind === 'warning' && /ramp stopped at 0 of 20/.test(e.message)));
});
