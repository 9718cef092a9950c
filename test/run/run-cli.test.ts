// `wsbench run` end to end through the real CLI: short real runs of both backends land in the
// database with everything a report needs; a saturated client, a killed server and Ctrl-C each
// end as they should; bad flags and scenario files are refused by name.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { tickSeries } from '../../collector/series.ts';
import { runCli, runCliEach } from '../helpers/cli.ts';
import { peek, startRun, until } from '../helpers/run-process.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

const SHORT = ['--connections', '60', '--rate', '200', '--hold', '4', '--interval-ms', '500', '--workers', '1'];

test('a short real run of each backend lands with server, client and probe samples, verdict and cipher', async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--backend', 'uws,socketio', ...SHORT, '--db', db, '--json'], { timeoutMs: 120_000 });
  assert.ok(res.code === 0 || res.code === 3, res.stderr);
  const outcomes = JSON.parse(res.stdout);
  assert.deepEqual(outcomes.map((o: any) => o.backend), ['uws', 'socketio']);
  assert.match(res.stderr, /BACKEND +VERDICT +CONNS/);
  const d = openDatabase(db, { readonly: true });
  for (const run of listRuns(d)) {
    const t = getTimeline(d, run.id);
    const s = getSummary(d, run.id);
    assert.equal(run.status, 'completed');
    // 60 connections are nothing to either server: the run is stable, unless the machine held
    // the server back, as measured by the run itself. Under busy loops uWS once waited 628 ms
    // for a CPU in one second, and its p99 was 594 ms, over the 500 ms interval.
    const heldBack = s.hostBusyPctAvg !== null && s.hostBusyPctAvg >= 90 && s.latency.p99Ms! < 150 + (s.serverCpuWaitMsMax ?? 0);
    const verdict = run.verdict !== 'stable' && heldBack ? 'unstable' : 'stable';
    if (verdict === 'unstable') assert.match(run.verdictReason!, /^latency p99 [\d.]+ m?s ≥ the 500 ms interval$/, 'the latency, and nothing else, failed');
    assert.equal(run.verdict, verdict, `${run.verdictReason}; the host ${s.hostBusyPctAvg}% busy, the server waited up to ${s.serverCpuWaitMsMax} ms/s for a CPU`);
    assert.equal(outcomes.find((o: any) => o.runId === run.id).verdict, verdict);
    assert.equal(run.tlsVersion, 'TLSv1.3');
    assert.equal(run.tlsCipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal((run.validity as any).valid, true);
    assert.ok(run.backendBuild && run.env.cores, 'backend build and environment recorded');
    assert.ok(t.server.length >= 4 && t.server.every((s) => s.rssBytes > 0));
    assert.ok(t.processes.some((p) => p.role === 'worker'));
    assert.deepEqual(t.clientSources, ['probe', 'shard-0']);
    assert.ok(t.ticks.length >= 6);
    // Half the connections held first (--hold 4 shortens quick's base hold to 1 s), then all of them.
    assert.deepEqual(t.phases.map((p) => [p.name, p.verdict, p.targetConnections]), [['idle', null, null], ['ramp', null, 30], ['base', null, 30], ['ramp', null, 60], ['hold', verdict, 60]]);
    assert.equal(s.addedBasis, 'base', 'memory per added connection is the slope from the base hold');
    assert.equal(s.base?.connections, 30);
    assert.equal(s.deliveredPct, 100);
    // The idle server was sampled before the first connection, in RSS, PSS and anonymous memory.
    const idle = t.phases[0]!;
    assert.ok(idle.endedMs! <= t.phases[1]!.startedMs, 'idle before the ramp');
    assert.ok(s.idle && s.idle.samples >= 3 && s.idle.pssBytes! > 0 && s.idle.anonBytes! > 0, JSON.stringify(s.idle));
    assert.ok(t.server.every((p) => p.pssBytes! > 0 && p.anonBytes! > 0 && p.anonBytes! < p.rssBytes));
    assert.equal(s.addedBytesPerConn, (s.steadyAnonBytes! - s.base!.anonBytes!) / (s.connections! - s.base!.connections));
    assert.equal(s.aboveIdleBytesPerConn, (s.steadyAnonBytes! - s.idle.anonBytes!) / s.connections!);
    // Every shard judged every tick of the hold: per tick, expected and delivered are all connections.
    const holdTicks = tickSeries(t).ticks.filter((k) => k.scheduledMs + 2 * 500 >= t.phases[4]!.startedMs && k.scheduledMs + 2 * 500 <= t.phases[4]!.endedMs!);
    assert.ok(holdTicks.length >= 4);
    for (const k of holdTicks) assert.deepEqual([k.expected, k.delivered, k.missing], [60, 60, 0], `tick ${k.n}`);
    assert.equal(s.peakConnections, 60);
    assert.ok(s.latency.count > 0 && (verdict === 'unstable' || s.latency.p99Ms! < 500));
    const outcome = outcomes.find((o: any) => o.runId === run.id);
    assert.equal(outcome.figures.expected, s.expected, 'the CLI and the database agree');
  }
  d.close();
});

test('--repeat runs the backends in interleaved rounds that form one series, and show gives its spread', async () => {
  const db = path.join(tempDir(), 'series.db');
  const res = await runCli(['run', '--backend', 'uws,ws', '--repeat', '2', ...SHORT, '--idle', '0', '--db', db, '--json'], { timeoutMs: 150_000 });
  assert.equal(res.code, 0, res.stderr);
  const outcomes = JSON.parse(res.stdout) as { backend: string; seriesId: string }[];
  assert.deepEqual(outcomes.map((o) => o.backend), ['uws', 'ws', 'uws', 'ws'], 'A B A B');
  const seriesId = outcomes[0]!.seriesId;
  assert.match(seriesId, /^\d{8}-\d{6}-x2-quick-[0-9a-f]{4}$/);
  assert.ok(outcomes.every((o) => o.seriesId === seriesId));
  const d = openDatabase(db, { readonly: true });
  try {
    assert.deepEqual(listRuns(d, { series: seriesId }).map((r) => [r.backend, r.seriesSeq]), [['uws', 0], ['ws', 1], ['uws', 2], ['ws', 3]]);
  } finally {
    d.close();
  }
  const shown = await runCli(['show', seriesId, '--db', db]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /4 runs of uws, ws in this order/);
  assert.match(shown.stdout, /Connections held +60 \(60–60; 95% 60–60\)/);
});

test('--connect-first connects everyone, waits for the clock, then holds; every record is accepted', async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--backend', 'uws', '--connections', '40', '--rate', '40', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--connect-first', '--db', db], { timeoutMs: 60_000 });
  assert.equal(res.code, 0, res.stderr);
  assert.doesNotMatch(res.stderr, /refused/);
  const d = openDatabase(db, { readonly: true });
  const t = getTimeline(d, listRuns(d)[0]!.id);
  // The clock was set to start after the planned ramp; a busy machine's ramp can run past it,
  // and then there is nothing to wait for (and a warning says ticks began before all connected).
  // The clock waits for the last ramp, after the base hold: connect-first connects everyone first.
  const ramp = t.phases[3]!;
  const t0Ms = t.run.scenarioParams.t0Ms!;
  const waited = ramp.endedMs! < t0Ms;
  assert.deepEqual(t.phases.map((p) => p.name), ['idle', 'ramp', 'base', 'ramp', ...(waited ? ['wait-for-clock'] : []), 'hold']);
  assert.ok(typeof t0Ms === 'number' && t.ticks.length > 0 && t.ticks.every((k) => k.scheduledMs > t0Ms), 'no tick before the clock started');
  if (waited) assert.ok(t.ticks.every((k) => k.scheduledMs >= ramp.endedMs!), 'no tick before everyone is connected');
  else if (ramp.endedMs! > t0Ms + 500) assert.ok(t.events.some((e) => /longer than planned: ticks started before everyone was connected/.test(e.message)), 'a ramp that ran past the clock is said');
  assert.equal(getSummary(d, t.run.id).deliveredPct, 100);
  d.close();
});

test('a client shard slowed on purpose makes the run client-bound (exit 5), not a server result', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'slow.json');
  // The slowed shard wants half a core (48 connections, 10 frames/s each, 1 ms a frame); on a
  // busy machine it may get less, so the threshold is 25%, not 85%: what is tested is that a
  // shard held at the threshold makes the run client-bound, not where the default sits. Given
  // less than that, it falls behind until it cannot report, and silence makes it client-bound.
  fs.writeFileSync(file, JSON.stringify({ extends: 'quick', name: 'slow-client', connections: 50, probes: 2, connectRatePerSec: 200, holdSec: 5, intervalMs: 100, lateMs: 100, workers: 1, saturationCpuPct: 25, saturationSec: 2, publishDuringRamp: false }));
  const db = path.join(dir, 'slow.db');
  const res = await runCli(['run', '--backend', 'uws', '--scenario-file', file, '--idle', '0', '--db', db, '--slow-shard-ms', '1'], { timeoutMs: 60_000 });
  assert.equal(res.code, 5, res.stderr);
  const d = openDatabase(db, { readonly: true });
  const [run] = listRuns(d);
  assert.equal(run!.verdict, 'client-bound');
  assert.match(run!.verdictReason!, /shard-0 (at ≥ 25% CPU for 2 s|sent no sample for \d+ s)/);
  assert.equal((run!.validity as any).generatorSaturated, true);
  assert.ok(getTimeline(d, run!.id).events.some((e) => e.kind === 'client-saturated'));
  d.close();
});

test('a backend killed with SIGKILL mid-run is a crash with its signal, and earlier samples stay', async () => {
  const db = path.join(tempDir(), 'crash.db');
  const run = startRun(['--backend', 'uws', ...SHORT.slice(0, 6), '--hold', '30', '--workers', '1', '--idle', '0', '--db', db]);
  const worker = await until(() => peek(db, (d) => d.prepare(`SELECT pid, t_ms FROM process_samples WHERE role = 'worker' ORDER BY t_ms DESC LIMIT 1`).get() as { pid: number } | undefined), 60_000, 'a worker sample', run);
  await until(() => peek(db, (d) => (d.prepare(`SELECT count(*) AS n FROM server_samples`).get() as { n: number }).n >= 3 || undefined), 30_000, 'three server samples', run);
  const killedAt = Date.now();
  process.kill(worker.pid, 'SIGKILL');
  const code = await run.exit;
  assert.equal(code, 4, run.output().stderr);
  const d = openDatabase(db, { readonly: true });
  const [info] = listRuns(d);
  const t = getTimeline(d, info!.id);
  assert.equal(info!.status, 'crashed');
  assert.equal(info!.verdict, 'crashed');
  const crash = t.events.find((e) => e.kind === 'crash');
  assert.ok(crash, 'no crash event');
  assert.equal(crash.data!.signal, 'SIGKILL');
  assert.equal(crash.data!.pid, worker.pid);
  assert.ok(Math.abs(crash.tMs - killedAt) < 2000, 'the crash is recorded at the second it happened');
  assert.ok(t.server.filter((s) => s.tMs < killedAt).length >= 3, 'samples from before the kill are kept');
  d.close();
});

test('Ctrl-C stops the run cleanly and stores it as aborted with what was sampled', async () => {
  const db = path.join(tempDir(), 'abort.db');
  const run = startRun(['--backend', 'socketio', ...SHORT.slice(0, 6), '--hold', '60', '--workers', '1', '--idle', '0', '--db', db]);
  await until(() => peek(db, (d) => d.prepare(`SELECT 1 AS y FROM phases WHERE name = 'hold'`).get() as { y: number } | undefined), 40_000, 'the hold phase', run);
  await new Promise((r) => setTimeout(r, 1500));
  run.child.kill('SIGINT');
  const code = await run.exit;
  assert.equal(code, 130, run.output().stderr);
  assert.match(run.output().stderr, /stopping \(Ctrl-C again to quit at once\)/);
  const d = openDatabase(db, { readonly: true });
  const [info] = listRuns(d);
  assert.equal(info!.status, 'aborted');
  assert.equal(info!.verdict, 'aborted');
  assert.ok(info!.endedMs);
  const t = getTimeline(d, info!.id);
  assert.ok(t.server.length >= 2 && t.clients.length >= 2, 'what was sampled is stored');
  d.close();
  // The run had a process group of its own (spawnOwned): anything of it still running is left behind.
  const leftovers = spawn('pgrep', ['-g', String(run.child.pid), '-f', 'socketio-server.mjs']);
  const out = await new Promise<string>((r) => { let s = ''; leftovers.stdout.on('data', (x) => (s += x)); leftovers.on('close', () => r(s)); });
  assert.equal(out.trim(), '', 'server processes left behind');
});

test('bad flags and bad scenario files are refused with the problem named', async () => {
  const dir = tempDir();
  const write = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  const cases: [string[], RegExp][] = [
    [['--scenario', 'marathon'], /--scenario: unknown scenario "marathon" \(choose from quick, seed-100k, capacity, slow-consumers, soak/],
    [['--backend', 'uws,nginx'], /--backend: unknown backend "nginx"/],
    [['--connections', '0'], /--connections must be between 1 and/],
    [['--steps', '300,200'], /flags: "steps" must increase, got 300, 200/],
    [['--scenario-file', path.join(dir, 'none.json')], /--scenario-file .*none\.json: no such file/],
    [['--scenario-file', write('bad.json', '{ nope')], /bad\.json: not valid JSON/],
    [['--scenario-file', write('unknown.json', '{"extends":"quick","conections":10}')], /unknown\.json: unknown key "conections"/],
    [['--scenario-file', write('type.json', '{"connections":"many"}')], /type\.json: "connections" must be a whole number ≥ 1, got "many"/],
    [['--scenario-file', write('parent.json', '{"extends":"marathon"}')], /parent\.json: "extends" must be one of quick/],
    [['--scenario', 'quick', '--scenario-file', write('ok.json', '{}')], /--scenario and --scenario-file exclude each other/],
    [['--db', path.join(dir, 'x.db'), '--collector', 'http://127.0.0.1:1'], /--db and --collector exclude each other/],
    [['--port', '70000'], /--port must be between 1 and 65535, got 70000/],
    [['--repeat', '0'], /--repeat must be between 1 and 100, got 0/],
    [['--live-port', 'x'], /--live-port must be an integer, got "x"/],
    [['--report-url', 'http://127.0.0.1:4321/'], /--report-url is for the live pages: give --live too/],
    [['--live', '--report-url', 'site'], /--report-url must be an http\(s\) URL/],
  ];
  const results = await runCliEach(cases.map(([args]) => ['run', ...args]));
  for (const [i, [args, message]] of cases.entries()) {
    const res = results[i]!;
    assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message, args.join(' '));
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  }
});
