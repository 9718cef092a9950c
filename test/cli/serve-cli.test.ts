// `wsbench serve` from the real CLI: it serves, and bad options are one clear line.
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import WebSocket from 'ws';
import { BACKENDS } from '../../runners/backends/registry.ts';
import { BIN, runCli, runCliEach } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { spawnOwned } from '../helpers/owned.ts';

test('serve prints its URL, delivers ticks, and stops on SIGTERM', async () => {
  const child = spawnOwned(process.execPath, [BIN, 'serve', '--backend', 'uws', '--port', '0', '--workers', '1', '--interval-ms', '100'], {
    env: { ...process.env, WSBENCH_CERT_DIR: tempDir() },
  });
  const url = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d).trim())));
  assert.match(url, /^wss:\/\/127\.0\.0\.1:\d+$/);
  const ws = new WebSocket(url, { rejectUnauthorized: false });
  const seqs: number[] = [];
  // Three ticks, however long a busy machine takes to deliver them (the file's limit bounds it).
  await new Promise<void>((resolve) =>
    ws.on('message', (d) => {
      seqs.push(JSON.parse(String(d)).seq);
      if (seqs.length === 3) resolve();
    }),
  );
  ws.terminate();
  assert.deepEqual(seqs.slice(1).map((n, i) => n - seqs[i]!), [1, 1], `consecutive ticks, got ${seqs.join(', ')}`);
  child.kill('SIGTERM');
  const code = await new Promise((r) => child.once('exit', r));
  assert.equal(code, 0);
});

test('bad serve options give one clear line and a non-zero exit', async (t) => {
  const holder = net.createServer().listen(0, '127.0.0.1');
  // Closed even when an assertion fails: an open listener would keep this file's process alive.
  t.after(() => holder.close());
  await new Promise((r) => holder.once('listening', r));
  const busy = String((holder.address() as net.AddressInfo).port);
  const cases: [string[], RegExp][] = [
    [['serve', '--backend', 'nginx'], /^wsbench serve: --backend: unknown backend "nginx" \(choose from uws, socketio, ws, socketio-uws\)$/],
    [['serve'], /^wsbench serve: --backend is required/],
    [['serve', '--backend', 'uws', '--workers', '0'], /^wsbench serve: --workers must be between 1 and 1024, got 0$/],
    [['serve', '--backend', 'uws', '--cert', '/no/cert.pem', '--key', '/no/key.pem'], /^wsbench serve: --cert \/no\/cert\.pem: no such file$/],
    [['serve', '--backend', 'uws', '--cert', path.resolve('package.json')], /^wsbench serve: --cert and --key go together/],
    [['serve', '--backend', 'socketio', '--symbols', 'AAPL,a b'], /^wsbench serve: --symbols: "a b" is not a symbol/],
  ];
  for (const backend of BACKENDS.keys()) {
    cases.push([['serve', '--backend', backend, '--port', busy], new RegExp(`^wsbench serve: port ${busy} is already in use on 127\\.0\\.0\\.1$`)]);
  }
  const results = await runCliEach(cases.map(([args]) => args));
  for (const [i, [args, message]] of cases.entries()) {
    const res = results[i]!;
    assert.notEqual(res.code, 0, args.join(' '));
    assert.match(res.stderr.trim(), message, args.join(' '));
    assert.equal(res.stderr.trim().split('\n').length, 1, res.stderr);
  }
});
