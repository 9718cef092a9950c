// Adding a backend is one entry: a fixture backend that lives in test/helpers, registered only
// through WSBENCH_EXTRA_BACKENDS, runs a short real run beside a built-in one, and the site built
// from that database (by a process that has never heard of it) shows the pair with its label
// and colour, from the run records alone.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

const EXTRA = { WSBENCH_EXTRA_BACKENDS: 'test/helpers/fifth-backend.ts' };

test('a fixture fifth backend runs for real and gets its own pair page, label and colour; built with --url, the feed links are absolute', async () => {
  const dir = tempDir('wsbench-fifth-');
  const db = path.join(dir, 'fifth.db');
  const listed = await runCli(['run', '--help'], { env: EXTRA });
  assert.match(listed.stdout + listed.stderr, /\n {27}ws-single +ws in a single process\n/, 'the help lists the registered backend');

  const short = ['--connections', '40', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--idle', '0', '--db', db];
  const run = await runCli(['run', '--backend', 'ws,ws-single,socketio', ...short], { env: EXTRA, timeoutMs: 180_000 });
  assert.equal(run.code, 0, run.stderr);
  const d = openDatabase(db, { readonly: true });
  const fifth = listRuns(d, { backend: 'ws-single' })[0]!;
  d.close();
  assert.equal(fifth.verdict, 'stable');
  assert.deepEqual([fifth.backendLabel, fifth.backendTitle, fifth.backendColor], ['ws, one process', 'ws in a single process', '#E69F00']);

  // Without the variable: the site build knows the backend only from its runs.
  const out = path.join(dir, 'dist');
  const writeups = path.join(dir, 'writeups');
  fs.mkdirSync(writeups);
  fs.writeFileSync(path.join(writeups, 'one-process.md'), `---\ntitle: One process\ndescription: ws without its cluster.\npubDate: 2026-11-28\nruns: [${fifth.id}]\n---\n\nText.\n`);
  const built = await runCli(['site', 'build', '--db', db, '--out', out, '--no-reference', '--writeups', writeups, '--url', 'http://127.0.0.1/'], { timeoutMs: 180_000 });
  assert.equal(built.code, 0, built.stderr);
  const pair = fs.readFileSync(path.join(out, 'compare', 'quick-ws-vs-ws-single', 'index.html'), 'utf8');
  assert.match(pair, /<title>[^<]*ws \(Node\.js\) vs ws in a single process/);
  assert.match(pair, /ws, one process/);
  assert.match(pair, /#E69F00/i, 'the fixture backend keeps its own colour');
  const report = fs.readFileSync(path.join(out, 'runs', fifth.id, 'index.html'), 'utf8');
  assert.match(report, /ws, one process|ws in a single process/);
  // Three backends under one scenario: every pair has a page, and the home page sets all three
  // side by side in one card that links to each pair.
  for (const slug of ['quick-ws-vs-ws-single', 'quick-ws-vs-socketio', 'quick-ws-single-vs-socketio']) assert.ok(fs.existsSync(path.join(out, 'compare', slug, 'index.html')), `no page ${slug}`);
  const home = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  // Built with --url: the feed and its announcement use absolute links.
  assert.match(fs.readFileSync(path.join(out, 'feed.xml'), 'utf8'), /<link>http:\/\/127\.0\.0\.1\/writeups\/one-process\/<\/link>/);
  assert.match(home, /<link rel="alternate" type="application\/rss\+xml" title="[^"]*" href="http:\/\/127\.0\.0\.1\/feed\.xml"/);
  const card = home.slice(home.indexOf('data-testid="lineup-card"'));
  assert.ok(card.length < home.length, 'no lineup card on the home page');
  assert.match(card, /ws, ws, one process, Socket\.IO: quick/);
  for (const slug of ['quick-ws-vs-ws-single', 'quick-ws-vs-socketio', 'quick-ws-single-vs-socketio']) assert.match(card, new RegExp(`compare/${slug}/`));
});
