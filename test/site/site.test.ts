// The report site in a real browser (Debian chromium through playwright-core), built from a
// database made by real short runs: figures equal the database's, a comparison's link reopens
// the same view, and a hostile run name stays text. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { buildSite, serveSite } from '../../site/build.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

const ARTIFACTS = path.resolve('test-artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('report site', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let db: string;

  before(async () => {
    const dir = tempDir('wsbench-site-');
    db = path.join(dir, 'site.db');
    const short = ['--connections', '40', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--db', db];
    const a = await runCli(['run', '--backend', 'uws,socketio', ...short], { timeoutMs: 120_000 });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['run', '--backend', 'uws', '--name', HOSTILE, '--notes', `notes ${HOSTILE}`, ...short], { timeoutMs: 60_000 });
    assert.equal(b.code, 0, b.stderr);
    const out = await buildSite({ db, outDir: path.join(dir, 'dist'), quiet: true });
    server = await serveSite(out, 0);
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'] });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    server?.close();
  });

  test('a run report shows the figures the database holds', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'socketio' })[0]!;
    const summary = getSummary(d, run.id);
    d.close();
    const page = await browser.newPage();
    await page.goto(`${url}/runs/${run.id}/`);
    await page.waitForSelector('wsb-chart[data-ready]');
    const figure = (key: string) => page.locator(`[data-figure="${key}"]`).textContent();
    assert.equal(await figure('peak-connections'), summary.peakConnections!.toLocaleString('en-US'));
    assert.equal(await figure('delivered'), `${summary.deliveredPct!.toFixed(3)}%`);
    assert.equal(await figure('missing'), String(summary.missing));
    const p99 = summary.latency.p99Ms!;
    assert.equal(await figure('p99'), p99 >= 1000 ? `${(p99 / 1000).toFixed(2)} s` : `${p99.toFixed(p99 < 10 ? 2 : 0)} ms`);
    assert.equal(await page.getByTestId('verdict').textContent(), run.verdict);
    assert.equal(await page.getByTestId('validity').textContent(), 'valid measurement');
    assert.equal(await page.locator('wsb-chart canvas').count(), 6);
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report.png'), fullPage: true });
    await page.close();
  });

  test('replay: at ?t= the counters show that second of the database, and the cursor moves by keyboard and by play', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'uws' }).find((r) => !r.name.includes('<'))!;
    const t = getTimeline(d, run.id);
    d.close();
    const second = (ms: number) => Math.floor((ms - run.startedMs) / 1000);
    const last = Math.max(...t.server.map((s) => second(s.tMs)));
    const mid = Math.floor(last / 2);
    const connections = t.clients.filter((c) => second(c.tMs) === mid).reduce((n, c) => n + c.open, 0);
    const rss = t.server.filter((s) => second(s.tMs) === mid).reduce((n, s) => n + s.rssBytes, 0);
    const page = await browser.newPage();
    await page.goto(`${url}/runs/${run.id}/replay/?t=${mid}`);
    await page.waitForSelector('wsb-replay[data-ready]');
    assert.equal(await page.locator('[data-role=time]').textContent(), `${mid} s`);
    assert.equal(await page.locator('[data-counter=connections]').textContent(), connections.toLocaleString('en-US'));
    assert.equal(await page.locator('[data-counter=rssBytes]').textContent(), `${(rss / 1e6).toFixed(1)} MB`);
    await page.screenshot({ path: path.join(ARTIFACTS, 'replay.png'), fullPage: true });
    await page.locator('[data-role=scrub]').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('[data-role=time]').textContent(), `${mid + 1} s`);
    assert.match(page.url(), new RegExp(`[?&]t=${mid + 1}$`));
    await page.selectOption('[data-role=speed]', '10');
    await page.locator('[data-role=play]').click();
    assert.equal(await page.locator('[data-role=play]').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction((start) => Number(new URL(location.href).searchParams.get('t')) > start + 2, mid + 1, { timeout: 5000 });
    await page.close();
  });

  test('a comparison copied as a link reopens the same view in a fresh page', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/compare/`);
    const boxes = page.locator('[data-role=choices] input');
    assert.equal(await boxes.count(), 3);
    await boxes.nth(1).check();
    await boxes.nth(2).check();
    await page.selectOption('[data-role=metric]', 'cpuPct');
    await page.selectOption('[data-role=norm]', 'perConn');
    await page.waitForSelector('wsb-compare[data-ready*=","]');
    const link = await page.inputValue('[data-role=link]');
    const view = async (p: typeof page) => ({
      checked: await p.locator('[data-role=choices] input:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      metric: await p.inputValue('[data-role=metric]'),
      norm: await p.inputValue('[data-role=norm]'),
      figures: await p.locator('[data-role=figures]').textContent(),
      differs: await p.locator('[data-role=diff] tr[data-differs]').count(),
    });
    const original = await view(page);
    await page.screenshot({ path: path.join(ARTIFACTS, 'compare.png'), fullPage: true });
    const fresh = await browser.newPage();
    await fresh.goto(link);
    await fresh.waitForSelector('wsb-compare[data-ready*=","]');
    assert.deepEqual(await view(fresh), original);
    assert.equal(original.metric, 'cpuPct');
    assert.equal(original.checked.length, 2);
    await page.close();
    await fresh.close();
  });

  test('a run named with HTML shows as text everywhere', async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await page.goto(`${url}/`);
    assert.ok((await page.locator('[data-testid=runs]').textContent())!.includes(HOSTILE));
    assert.equal(await page.locator('img').count(), 0);
    await page.getByText(HOSTILE).click();
    await page.waitForSelector('wsb-chart[data-ready]');
    assert.equal(await page.getByTestId('run-name').textContent(), HOSTILE);
    assert.equal(await page.getByTestId('notes').textContent(), `notes ${HOSTILE}`);
    await page.goto(`${url}/compare/`);
    await page.locator('[data-role=choices] input').first().check();
    await page.waitForSelector('wsb-compare[data-ready]');
    assert.ok((await page.locator('[data-role=figures]').textContent())!.includes(HOSTILE));
    assert.equal(await page.locator('img').count(), 0);
    assert.equal(dialogs, 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'home-and-hostile-name.png'), fullPage: true });
    await page.close();
  });
});
