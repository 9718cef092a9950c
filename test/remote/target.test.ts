// --target over SSH, against a real sshd in a network namespace reached over a veth link.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { getBackend } from '../../runners/backends/registry.ts';
import { parseProbe, checkTarget } from '../../runners/remote/probe.ts';
import { parseSshTarget } from '../../runners/remote/ssh.ts';
import { chooseUwsBuild } from '../../runners/remote/uws-build.ts';
import { BIN, runCli, runCliEach } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { spawnOwned } from '../helpers/owned.ts';
import { sshTargetUnavailable, startSshTarget, type SshTestTarget } from '../helpers/ssh-target.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers(480); // about 140 s quiet, up to 250 s on a busy machine

const GOOD = 2222;
/** Sessions with 1024 open files and no node on the PATH. */
const POOR = 2223;
const skip = sshTargetUnavailable();
let target: SshTestTarget | undefined;

// The "target" shares this machine's home: remove the bundles the tests copied there.
const bundleCache = path.join(os.homedir(), '.cache', 'wsbench');
const cachedBefore = new Set(fs.existsSync(bundleCache) ? fs.readdirSync(bundleCache) : []);
before(async () => {
  if (!skip) target = await startSshTarget([{ port: GOOD }, { port: POOR, nofile: 1024, withoutNode: true }]);
});
after(async () => {
  await target?.close();
  for (const dir of fs.existsSync(bundleCache) ? fs.readdirSync(bundleCache) : []) {
    // Only bundles (named by their hash): the emulated Pi and the registry's Node live there too.
    if (!cachedBefore.has(dir) && /^[0-9a-f]{16}$/.test(dir)) fs.rmSync(path.join(bundleCache, dir), { recursive: true, force: true });
  }
});

/** A 60 s run against the target, returned once its hold has begun. */
async function runUntilHold(db: string, workers: number) {
  const child = spawnOwned(process.execPath, [BIN, 'run', '--target', target!.url(GOOD), '--ssh-config', target!.sshConfig, '--backend', 'uws', '--connections', '100', '--rate', '200', '--hold', '60', '--interval-ms', '500', '--workers', String(workers), '--idle', '0', '--db', db], { stdio: ['ignore', 'ignore', 'pipe'] });
  const run = { child, stderr: '', exited: new Promise<number | null>((resolve) => child.on('close', resolve)) };
  child.stderr!.on('data', (b: Buffer) => (run.stderr += b.toString()));
  for (let i = 0; i < 600 && !/hold \d+\/60s/.test(run.stderr); i++) await new Promise((r) => setTimeout(r, 100));
  assert.match(run.stderr, /hold \d+\/60s/, run.stderr);
  assert.notEqual(agentsOnTarget(), '', 'the agent and the server run on the target');
  return run;
}

/** wsbench's agents, servers and shards on the target (its namespace), as pgrep lists them. */
const agentsOnTarget = () => {
  let found: string[];
  try {
    found = execFileSync('pgrep', ['-f', 'runners__(remote__agent|remote__client-agent|client__shard|backends__uws-worker|backends__socketio-server|backends__ws-server)\\.mjs|\\.cache/wsbench/[0-9a-f]+/wsclient$']).toString().trim().split('\n');
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
  // Other test files run servers of their own beside this one: only the target's count.
  const onTarget = target!.pids();
  return found.filter((pid) => onTarget.has(Number(pid))).join('\n');
};

test('target URLs: ssh:// with user, host and port; anything else is refused by name', () => {
  assert.deepEqual(parseSshTarget('ssh://ubuntu@pi.local'), { url: 'ssh://ubuntu@pi.local', user: 'ubuntu', host: 'pi.local', port: null });
  assert.deepEqual(parseSshTarget('ssh://root@[::1]:2222'), { url: 'ssh://root@[::1]:2222', user: 'root', host: '::1', port: 2222 });
  assert.throws(() => parseSshTarget('pi.local'), /--target must look like ssh:\/\/user@host/);
  assert.throws(() => parseSshTarget('http://pi.local'), /must start with ssh:\/\//);
  assert.throws(() => parseSshTarget('ssh://u:secret@pi.local'), /must not carry a password/);
});

test('a Pi on Ubuntu 24.04 gets the official arm64 build; Raspberry Pi OS with Node 22 is refused with what fits', () => {
  const pi = parseProbe('pi.local', 'node=v20.18.0\nabi=115\narch=aarch64\nglibc=2.39\nnofile_soft=1024\nnofile_hard=1048576\nmodel=Raspberry Pi 4 Model B Rev 1.5\ncores=4\ncgroup=v2\n');
  assert.equal(pi.arch, 'arm64');
  assert.equal(pi.machine, 'aarch64', "the kernel's own name is kept beside Node's");
  assert.equal(pi.model, 'Raspberry Pi 4 Model B Rev 1.5');
  const build = chooseUwsBuild(pi);
  assert.equal(build.packageName, '@btc-vision/uwebsockets.js');
  assert.match(build.file, /uws_linux_arm64_115\.node$/);
  assert.deepEqual(checkTarget(pi, { connections: 100_000, workers: 4 }), [], 'the hard limit counts: the agent raises the soft one');
  const bookworm = parseProbe('pi.local', 'node=v22.11.0\nabi=127\narch=aarch64\nglibc=2.36\n');
  assert.throws(() => chooseUwsBuild(bookworm), (err: Error) => /no installed build fits pi\.local/.test(err.message) && /needs glibc >= 2\.38, the target has 2\.36/.test(err.message) && /no uws_linux_arm64_127\.node/.test(err.message));
});

test('a full run of both backends against the target on the port given: samples from its sampler, its clock offset and environment stored', { skip: skip ?? false, timeout: 240_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(GOOD), '--ssh-config', target!.sshConfig, '--backend', 'uws,socketio', '--connections', '200', '--rate', '200', '--hold', '4', '--interval-ms', '500', '--workers', '1', '--client-addresses', target!.runnerAddress, '--port', '18443', '--idle', '0', '--message-bytes', '1k', '--db', db, '--json'], { timeoutMs: 200_000 });
  assert.equal(res.code, 0, res.stderr);
  assert.deepEqual((JSON.parse(res.stdout) as { port: number }[]).map((o) => o.port), [18443, 18443], 'both servers listened on --port');
  assert.match(res.stderr, /clock offset -?\d+\.\d ms ± \d+\.\d ms/);
  const d = openDatabase(db, { readonly: true });
  for (const run of listRuns(d)) {
    assert.equal(run.verdict, 'stable', `${run.backend}: ${run.verdictReason}`);
    assert.equal(run.tlsCipher, 'TLS_AES_128_GCM_SHA256');
    const envTarget = run.env.target as Record<string, any>;
    assert.equal(envTarget.host, target!.address);
    assert.equal(run.host, target!.address, 'the run is shown as measured on the target');
    assert.equal(envTarget.role, 'server');
    assert.ok(Math.abs(envTarget.clock.offsetMs) < 50 && envTarget.clock.uncertaintyMs >= 0, 'same kernel clock: offset near zero');
    assert.equal((run.validity as any).clockOffsetBoundMs, envTarget.clock.uncertaintyMs);
    assert.equal(run.scenarioParams.target, target!.url(GOOD));
    assert.equal(run.scenarioParams.port, 18443);
    assert.equal(run.scenarioParams.messageBytes, 1024, 'a load shape works with --target');
    assert.deepEqual(run.scenarioParams.clientAddresses, [target!.runnerAddress]);
    if (getBackend(run.backend).needsUws) assert.match(run.backendBuild ?? '', /^@(btc-vision\/uwebsockets\.js|trufflesuite\/uws-js-unofficial)@[^ ]+ uws_linux_x64_\d+\.node sha256:[0-9a-f]{12} via WSBENCH_UWS=/, 'the build string names the package the shipped binary came from');
    const t = getTimeline(d, run.id);
    assert.ok(t.server.length >= 4 && t.server.every((s) => s.source === 'sampler' && s.rssBytes > 0), 'the target streamed its own samples');
    assert.ok(t.server.some((s) => (s.connections ?? 0) === 200), "the backend's counters came through");
    assert.equal(getSummary(d, run.id).deliveredPct, 100);
  }
  const shown = await runCli(['show', listRuns(d)[0]!.id, '--db', db]);
  d.close();
  assert.match(shown.stdout, new RegExp(`server host +${target!.address.replace(/\./g, '\\.')} · .*\\(a remote target over SSH; clock offset -?\\d+\\.\\d ms ± \\d+\\.\\d ms`), shown.stdout);
  assert.match(shown.stdout, /server node +Node v\d+\.\d+\.\d+ on the target/);
  assert.match(shown.stdout, new RegExp(`load generator +${os.hostname()} · `));
  assert.equal(agentsOnTarget(), '', 'nothing left running on the target');
});

test('--clients: bulk shards on another host, in the native client built there, stream their own samples; probes stay here; nothing is left there', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(GOOD), '--clients', target!.url(GOOD), '--ssh-config', target!.sshConfig, '--backend', 'uws', '--connections', '300', '--rate', '300', '--hold', '4', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db, '--json'], { timeoutMs: 100_000 });
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, /client host [\d.]+: clock offset/);
  assert.match(res.stderr, /client host [\d.]+: native client built/);
  const d = openDatabase(db, { readonly: true });
  const run = listRuns(d)[0]!;
  assert.equal(run.verdict, 'stable', run.verdictReason ?? '');
  const clients = run.env.clients as Record<string, any>[];
  assert.equal(clients.length, 1);
  assert.equal(clients[0]!.host, target!.address);
  assert.ok(Math.abs(clients[0]!.clock.offsetMs) < 50);
  assert.deepEqual(clients[0]!.bulkClient, { kind: 'native' }, 'the choice of client is recorded per host');
  const t = getTimeline(d, run.id);
  assert.deepEqual(t.clientSources, ['probe', 'shard-0'], 'the remote shard streamed its samples under its own source');
  assert.equal(getSummary(d, run.id).deliveredPct, 100);
  assert.equal(getSummary(d, run.id).peakConnections, 300);
  // The remote shard's latency histograms and arrivals came too: every delivery, and its host's spread with its clock's uncertainty.
  const s = getSummary(d, run.id);
  assert.equal(s.latencyBasis, 'all');
  assert.ok(s.latency.count > s.probeLatency.count, `${s.latency.count} deliveries measured, ${s.probeLatency.count} by the probes`);
  assert.equal(s.spreadByHost?.length, 1);
  assert.equal(s.spreadByHost![0]!.host, target!.address);
  assert.ok(s.spreadByHost![0]!.worstSpreadMs !== null && s.spreadByHost![0]!.clockUncertaintyMs !== null, JSON.stringify(s.spreadByHost));
  d.close();
  const shown = await runCli(['show', run.id, '--db', db]);
  assert.match(shown.stdout, new RegExp(`load generator +.*, with the bulk clients on ${target!.address.replace(/\./g, '\\.')} \\(native client\\)`), shown.stdout);
  for (let i = 0; i < 50 && agentsOnTarget() !== ''; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(agentsOnTarget(), '', 'no agent or shard left on the client host');
});

test('--clients with --client node: the TypeScript shard runs there, and the choice is recorded with why', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(GOOD), '--clients', target!.url(GOOD), '--ssh-config', target!.sshConfig, '--backend', 'uws', '--client', 'node', '--connections', '100', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db], { timeoutMs: 100_000 });
  assert.equal(res.code, 0, res.stderr);
  const d = openDatabase(db, { readonly: true });
  const run = listRuns(d)[0]!;
  assert.equal(run.verdict, 'stable', run.verdictReason ?? '');
  assert.deepEqual((run.env.clients as Record<string, any>[])[0]!.bulkClient, { kind: 'node', why: 'asked for (--client node)' });
  assert.equal(getSummary(d, run.id).deliveredPct, 100);
  d.close();
  for (let i = 0; i < 50 && agentsOnTarget() !== ''; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(agentsOnTarget(), '', 'no agent or shard left on the client host');
});

test('a clock offset known less well than the latency is measured says so in the run', { skip: skip ?? false, timeout: 120_000 }, async () => {
  // 40 ms more each way on the SSH channel: round trips (and so the offset's uncertainty) grow
  // by 80 ms, the offset stays near zero, and the ticks, on their own connections, stay fast.
  const delayed = target!.delayedSshConfig(40);
  {
    const db = path.join(tempDir(), 'runs.db');
    const res = await runCli(['run', '--target', target!.url(GOOD), '--ssh-config', delayed, '--backend', 'uws', '--connections', '50', '--rate', '100', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db], { timeoutMs: 100_000 });
    assert.equal(res.code, 0, res.stderr);
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d)[0]!;
    const clock = (run.env.target as any).clock;
    assert.ok(clock.uncertaintyMs >= 40, `uncertainty ${clock.uncertaintyMs} ms`);
    assert.match((run.validity as any).clockWarning, /clock offset is known to ±\d+\.\d ms, more than the median latency/);
    assert.ok(getTimeline(d, run.id).events.some((e) => e.kind === 'warning' && /clock offset/.test(e.message)));
    d.close();
  }
});

test('Ctrl-C on the runner stops the target cleanly: the run is aborted, nothing is left there', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const running = await runUntilHold(db, 1);
  running.child.kill('SIGINT');
  assert.equal(await running.exited, 130, running.stderr);
  const d = openDatabase(db, { readonly: true });
  const run = listRuns(d)[0]!;
  assert.equal(run.status, 'aborted');
  assert.ok(getTimeline(d, run.id).server.length > 0, "the target's samples up to the stop are kept");
  d.close();
  assert.equal(agentsOnTarget(), '', 'stopped in order before the runner exited');
});

test('a target without Node and with 1024 open files is refused before anything starts, each problem with its fix', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(POOR), '--ssh-config', target!.sshConfig, '--backend', 'uws', '--connections', '5000', '--workers', '1', '--db', db], { timeoutMs: 50_000 });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /no `node` on the PATH/);
  assert.match(res.stderr, /may open at most 1024 files/);
  assert.match(res.stderr, /fix: .*limits\.conf/);
  assert.equal(fs.existsSync(db), false, 'no database, no run recorded');
});

test('--client-addresses and --clients are refused where they cannot work, by name', async () => {
  const cases: [string[], RegExp][] = [
    [['--target', 'ssh://root@10.213.0.2', '--client-addresses', '10.9.9.9'], /--client-addresses: 10\.9\.9\.9 is not an address of this machine \(ip addr add 10\.9\.9\.9\/24 dev IFACE first\)/],
    [['--client-addresses', '127.0.0.1'], /--client-addresses needs --target/],
    [['--clients', 'root@10.213.0.3'], /--clients needs --target/],
    [['--target', 'ssh://root@10.213.0.2', '--clients', 'root@10.213.0.3,ssh://root@10.213.0.3'], /--clients lists a host twice/],
    [['--target', 'ssh://root@10.213.0.2', '--profile', 'pi4'], /with --target the server runs on real hardware: drop them/],
  ];
  const results = await runCliEach(cases.map(([args]) => ['run', ...args]));
  for (const [i, [args, message]] of cases.entries()) {
    assert.equal(results[i]!.code, 2, `${args.join(' ')}: ${results[i]!.stderr}`);
    assert.match(results[i]!.stderr, message);
  }
});

test('an unreachable target is named, with how to check the login', { skip: skip ?? false, timeout: 60_000 }, async () => {
  const res = await runCli(['run', '--target', `ssh://root@${target!.address}:2299`, '--ssh-config', target!.sshConfig, '--db', path.join(tempDir(), 'x.db')], { timeoutMs: 50_000 });
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /cannot reach ssh:\/\/root@[\d.]+:2299 over ssh: .*(refused|timed out)/);
});

test('killing the SSH connection mid-run stores the run as aborted and leaves nothing running on the target', { skip: skip ?? false, timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  // Once the hold has begun, cut the agent's SSH connection.
  const running = await runUntilHold(db, 2);
  execFileSync('pkill', ['-KILL', '-f', '^ssh .*runners__remote__agent\\.mjs']);
  assert.equal(await running.exited, 130, running.stderr);
  const d = openDatabase(db, { readonly: true });
  const run = listRuns(d)[0]!;
  assert.equal(run.status, 'aborted');
  assert.match(run.verdictReason ?? '', /SSH connection to [\d.]+ ended/);
  assert.ok(getTimeline(d, run.id).server.length > 0, 'what the target sampled before the cut is kept');
  d.close();
  for (let i = 0; i < 100 && agentsOnTarget() !== ''; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(agentsOnTarget(), '', 'the agent saw its stdin close and stopped the server');
});
