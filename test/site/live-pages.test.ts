// The live pages over HTTP: the collector serves one for every run streaming into it, read-only
// and behind its token; a stream resumed with Last-Event-ID carries on where it stopped. And in a
// browser, during a real quick run (`wsbench run --live`): the charts and counters grow while the
// run holds, nothing errs, and the page says when the run has finished.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { CollectorService } from '../../collector/service.ts';
import { openDatabase } from '../../collector/schema.ts';
import { CollectorRuns } from '../../site/live/catalogs.ts';
import { LivePages } from '../../site/live/server.ts';
import { clientSample, ndjson, runRecord, serverSample, T0, tempDir } from '../helpers/fixtures.ts';
import { runCli } from '../helpers/cli.ts';
import { startRun, until } from '../helpers/run-process.ts';
import { runsServers } from '../helpers/measuring.ts';

const TOKEN = 'live-token-1234';

/** GET with a timeout: the status, the headers and the body (an event stream is cut after `cutMs`). */
function get(url: string, headers: Record<string, string> = {}, cutMs = 0): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      const done = () => resolve({ status: res.statusCode!, body, type: String(res.headers['content-type']) });
      res.on('end', done);
      if (cutMs) setTimeout(() => (req.destroy(), done()), cutMs);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

const events = (body: string) => body.split('\n\n').filter((m) => m.startsWith('id: ')).map((m) => ({ id: /^id: (.*)$/m.exec(m)![1]!, data: JSON.parse(/^data: (.*)$/m.exec(m)![1]!) }));

test('the collector serves a live page per run under /live/, read-only and behind its token; a resumed stream has no gap and no repeat', { timeout: 30_000 }, async (t) => {
  const db = openDatabase(path.join(tempDir(), 'c.db'));
  const service = new CollectorService(db, { port: 0, token: TOKEN });
  const live = new LivePages(new CollectorRuns(db), { prefix: '/live/', token: TOKEN, title: 'test collector', periodMs: 100 });
  service.mount((req, res) => live.handle(req, res));
  const url = await service.listen();
  t.after(async () => {
    live.close();
    await service.close();
    db.close();
  });
  // A runner elsewhere streams a run that is still going: 20 s of samples so far.
  const records: unknown[] = [{ ...runRecord({ name: 'remote run' }), status: 'running' }, { kind: 'phase', seq: 0, name: 'hold', startedMs: T0 }];
  for (let s = 1; s <= 20; s++) records.push(serverSample(T0 + s * 1000), clientSample(T0 + s * 1000, 'shard-0', [1, 2]));
  const posted = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` }, body: ndjson({ batch: 'b1', run: 'remote' }, records) });
  assert.equal(posted.status, 200, await posted.text());

  assert.equal((await get(`${url}/live/`)).status, 401, 'no token, no page');
  assert.equal((await get(`${url}/live/?token=wrong-token-9999`)).status, 401);
  const page = await get(`${url}/live/?token=${TOKEN}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /live\.js\?token=live-token-1234/, 'the page passes its token on');
  const list = JSON.parse((await get(`${url}/live/runs.json`, { authorization: `Bearer ${TOKEN}` })).body);
  assert.deepEqual(list.runs.map((r: { id: string; status: string }) => [r.id, r.status]), [['remote', 'running']]);
  const post = await fetch(`${url}/live/runs.json?token=${TOKEN}`, { method: 'POST' });
  assert.equal(post.status, 405, 'read-only');
  assert.equal((await get(`${url}/live/runs/nope/?token=${TOKEN}`)).status, 404);
  assert.equal((await get(`${url}/v1/health`)).status, 200, 'ingestion still answers beside the pages');

  const stream = `${url}/live/runs/remote/stream?token=${TOKEN}`;
  const first = events((await get(stream, {}, 600)).body);
  assert.equal(first.length, 1);
  const seconds = first[0]!.data.series.t as number[];
  assert.deepEqual(seconds, Array.from({ length: 19 }, (_, i) => i + 1), 'every second every sender has reported');
  // More arrives while the page is away; it comes back with the last id it got.
  const more: unknown[] = [];
  for (let s = 21; s <= 25; s++) more.push(serverSample(T0 + s * 1000), clientSample(T0 + s * 1000, 'shard-0', [1]));
  more.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 26_000 });
  await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` }, body: ndjson({ batch: 'b2', run: 'remote' }, more) });
  const resumed = await get(stream, { 'last-event-id': first[0]!.id }, 3000);
  const rest = events(resumed.body);
  assert.deepEqual(rest.flatMap((e) => e.data.series.t), [20, 21, 22, 23, 24, 25], 'exactly what the page lacked');
  assert.equal(rest[rest.length - 1]!.data.final, true, 'the run has ended: its last event says so');
  assert.equal(rest[rest.length - 1]!.data.figures.badge.text, 'stable');
});

test('a --live-port in use is refused by name before any run starts', { timeout: 30_000 }, async (t) => {
  const taken = http.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  const res = await runCli(['run', '--backend', 'uws', '--connections', '10', '--live-port', String(port), '--db', path.join(tempDir(), 'x.db')], { timeoutMs: 25_000 });
  assert.equal(res.code, 2, res.stderr);
  assert.match(res.stderr, new RegExp(`--live-port ${port} is already in use on 127\\.0\\.0\\.1: pick another, or 0 for a free one`));
  assert.doesNotMatch(res.stderr, /starting/);
});

// A real run, servers and clients: never beside the file that loads the machine on purpose.
await runsServers();

test('in a browser during a quick run: charts and counters grow while it holds, no console error, and "finished" at the end', { timeout: 150_000 }, async (t) => {
  const db = path.join(tempDir(), 'live.db');
  const run = startRun(['--backend', 'uws', '--connections', '60', '--rate', '200', '--hold', '15', '--idle', '2', '--interval-ms', '500', '--workers', '1', '--live', '--live-port', '0', '--db', db]);
  const base = await until(() => /live: (http:\/\/127\.0\.0\.1:\d+\/runs\/[^/\s]+\/)/.exec(run.output().stderr)?.[1], 60_000, 'the live URL', run);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(base);
  const connections = page.locator('figure[data-chart="Connections"] canvas');
  await connections.waitFor({ timeout: 60_000 });
  const read = () => page.evaluate(() => ({
    points: Number(document.querySelector('wsb-live-run')!.getAttribute('data-points')),
    second: Number(document.querySelector('wsb-live-run')!.getAttribute('data-second')),
    connections: document.querySelector('[data-counter=connections]')!.textContent,
    received: Number(document.querySelector('[data-counter=received]')!.textContent!.replace(/,/g, '')),
    phase: document.querySelector('[data-counter=phase]')!.textContent,
    finished: document.querySelector('wsb-live-run')!.getAttribute('data-finished'),
  }));
  // While it holds: the page's points, its second and the messages counted all grow.
  await page.waitForFunction(() => document.querySelector('[data-counter=phase]')!.textContent === 'hold', null, { timeout: 60_000 });
  const before = await read();
  await page.waitForTimeout(3000);
  const after = await read();
  // 3 s into a 15 s hold: the run is still going.
  assert.equal(after.finished, null);
  assert.ok(after.points > before.points, `points grew: ${before.points} → ${after.points}`);
  assert.ok(after.second > before.second);
  assert.ok(after.received > before.received, `messages received grew: ${before.received} → ${after.received}`);
  assert.match(after.connections!, /^\d+$/);
  await page.waitForFunction(() => document.querySelector('wsb-live-run')!.getAttribute('data-finished') === 'true', null, { timeout: 90_000 });
  assert.equal(await page.getByTestId('live-finished').isVisible(), true);
  assert.equal(await page.getByTestId('live-state').getAttribute('data-state'), 'finished');
  const verdict = await page.getByTestId('verdict').textContent();
  assert.notEqual(verdict, 'running', 'the badge says how the run ended');
  const final = await read();
  assert.equal(final.connections, '60');
  assert.ok((await page.locator('[data-testid=figures] td[data-figure=connections]').textContent())!.length > 0, 'the report\'s figures are on the page');
  assert.deepEqual(errors, []);
  const code = await run.exit;
  assert.ok(code === 0 || code === 3, run.output().stderr);
});
