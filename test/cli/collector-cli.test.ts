// The real CLI for the collector's commands: help, list, show, export/import, and bad usage.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, runCliEach } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { seedDatabase } from '../helpers/seed-db.ts';

test('wsbench --help lists every command with an example, and each command has help', async () => {
  const { code, stdout } = await runCli(['--help']);
  assert.equal(code, 0);
  const names = ['start', 'collector', 'list', 'show', 'export', 'import'];
  const helps = await runCliEach(names.map((name) => [name, '--help']));
  for (const [i, name] of names.entries()) {
    assert.match(stdout, new RegExp(`^  ${name} +\\S`, 'm'));
    const help = helps[i]!;
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`^Usage: wsbench ${name}`));
    assert.match(help.stdout, /\nExamples:\n/);
  }
});

test('list and show read a database, as a table and as JSON', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'runs.db');
  seedDatabase(db, 'run-a', 'first <b>run</b>').close();
  const list = await runCli(['list', '--db', db]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID +STARTED/);
  assert.match(list.stdout, /run-a +2026-11-28 09:00:00Z +uws +quick +completed +stable +11s +first <b>run<\/b>/);
  const json = JSON.parse((await runCli(['list', '--db', db, '--json', '--backend', 'uws'])).stdout);
  assert.equal(json.length, 1);
  assert.equal(json[0].tlsCipher, 'TLS_AES_128_GCM_SHA256');
  assert.deepEqual(JSON.parse((await runCli(['list', '--db', db, '--json', '--backend', 'socketio'])).stdout), []);

  const show = await runCli(['show', 'run-a', '--db', db]);
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /tls +TLSv1\.3 TLS_AES_128_GCM_SHA256/);
  assert.match(show.stdout, /delivered 100\.000%/);
  const shown = JSON.parse((await runCli(['show', 'run', '--db', db, '--json', '--timeline'])).stdout);
  assert.equal(shown.run.id, 'run-a');
  assert.equal(shown.server.length, 10);
  assert.equal(shown.summary.expected, 2500);
  // Every catalogue figure, with its unit and the words every page prints.
  assert.deepEqual(shown.figures.deliveredPct, { value: 100, unit: 'percent', label: 'Delivered', text: '100.000%', atLeast: false });
  assert.equal(shown.figures.latencyP99Ms.value, shown.summary.latency.p99Ms);
  assert.equal(shown.figures.backpressureBytes.unit, 'bytes');
});

test('export to a file and to stdout, import into another database', async () => {
  const dir = tempDir();
  const a = path.join(dir, 'a.db');
  const b = path.join(dir, 'b.db');
  seedDatabase(a, 'run-x').close();
  const gz = path.join(dir, 'run.json.gz');
  assert.equal((await runCli(['export', 'run-x', '--db', a, '-o', gz])).code, 0);
  assert.deepEqual([...fs.readFileSync(gz).subarray(0, 2)], [0x1f, 0x8b]);
  const plain = await runCli(['export', 'run-x', '--db', a]);
  assert.equal(JSON.parse(plain.stdout).run.id, 'run-x');
  const imported = await runCli(['import', gz, '--db', b]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.match(imported.stdout, /^run-x: imported \(\d+ rows\) from /);
  assert.match((await runCli(['import', gz, '--db', b])).stdout, /^run-x: unchanged/);
  assert.equal((await runCli(['export', 'run-x', '--db', b])).stdout, plain.stdout);
});

test('bad usage gets one clear line on stderr and a non-zero exit', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'x.db');
  seedDatabase(db).close();
  const cases: [string[], number, RegExp][] = [
    [['frobnicate'], 2, /^wsbench: unknown command "frobnicate" \(commands: start, /],
    [['list', '--db', db, '--bogus'], 2, /^wsbench list: Unknown option '--bogus'/],
    [['list', '--db', db, '--limit', 'ten'], 2, /^wsbench list: --limit must be an integer, got "ten"/],
    [['show', '--db', db], 2, /^wsbench show: which run\?/],
    [['show', 'nope', '--db', db], 1, /^wsbench show: no run "nope" in this database/],
    [['show', 'fixture', 'extra', '--db', db], 2, /^wsbench show: unexpected argument "extra"/],
    [['list', '--db', path.join(dir, 'missing.db')], 1, /no such database/],
    [['import', path.join(dir, 'nope.json'), '--db', db], 2, /no such file/],
    [['collector', '--db', db, '--host', '0.0.0.0'], 2, /--host 0\.0\.0\.0 is reachable from other machines: give --token/],
    [['collector', '--db', db, '--port', '99999'], 2, /--port must be between 0 and 65535, got 99999/],
    [['collector', '--db', db, '--max-body', 'lots'], 2, /--max-body must be a size/],
  ];
  fs.writeFileSync(path.join(dir, 'not.db'), 'hello, I am text'.repeat(100));
  cases.push([['list', '--db', path.join(dir, 'not.db')], 1, /not\.db: not a SQLite database/]);
  const results = await runCliEach(cases.map(([args]) => args));
  for (const [i, [args, code, message]] of cases.entries()) {
    const res = results[i]!;
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message, args.join(' '));
    assert.equal(res.stderr.trim().split('\n').length, 1, `more than one line: ${res.stderr}`);
  }
});
