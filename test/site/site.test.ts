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
import { compare, formatValue, HEADLINE } from '../../collector/metrics.ts';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { elapsedSecond } from '../../collector/stats.ts';
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
  let writeups: string;
  let out: string;

  before(async () => {
    const dir = tempDir('wsbench-site-');
    db = path.join(dir, 'site.db');
    const short = ['--connections', '40', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--db', db];
    const a = await runCli(['run', '--backend', 'uws,socketio', ...short], { timeoutMs: 120_000 });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['run', '--backend', 'uws', '--name', HOSTILE, '--notes', `notes ${HOSTILE}`, ...short], { timeoutMs: 60_000 });
    assert.equal(b.code, 0, b.stderr);
    const d = openDatabase(db, { readonly: true });
    const [uws, socketio] = ['uws', 'socketio'].map((backend) => listRuns(d, { backend }).find((r) => !r.name.includes('<'))!.id);
    d.close();
    writeups = path.join(dir, 'writeups');
    fs.mkdirSync(writeups);
    fs.writeFileSync(path.join(writeups, 'first-look.md'), `---\ntitle: A first look\ndescription: Two short runs side by side.\npubDate: 2026-11-28\nruns: [${uws}, ${socketio}]\n---\n\nMemory per connection:\n\n\`\`\`wsbench\nchart: rssBytes\nruns: ${uws}, ${socketio}\nnorm: perConn\n\`\`\`\n\nThat is all.\n`);
    // Tiny display series, so that the tests see downsampling and zooming at work on short runs.
    process.env.WSBENCH_SITE_MAX_POINTS = '4';
    out = await buildSite({ db, outDir: path.join(dir, 'dist'), writeupsDir: writeups, quiet: true });
    delete process.env.WSBENCH_SITE_MAX_POINTS;
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
    assert.equal(await figure('deliveredPct'), `${summary.deliveredPct!.toFixed(3)}%`);
    assert.equal(await figure('missing'), String(summary.missing));
    const p99 = summary.latency.p99Ms!;
    assert.equal(await figure('latencyP99Ms'), p99 >= 1000 ? `${(p99 / 1000).toFixed(2)} s` : `${p99.toFixed(p99 < 10 ? 2 : 0)} ms`);
    // Memory per added connection: the run sampled its idle server, so the figure is there.
    assert.ok(summary.idle && summary.addedBytesPerConn !== null, 'the run recorded idle memory');
    assert.equal(await figure('addedBytesPerConn'), formatValue('bytes', summary.addedBytesPerConn));
    assert.equal(await page.getByTestId('memory-note').count(), 0);
    assert.equal(await page.getByTestId('verdict').textContent(), run.verdict);
    assert.equal(await page.getByTestId('validity').textContent(), 'valid measurement');
    assert.equal(await page.locator('wsb-chart canvas').count(), 6);
    // Displayed downsampled (4 points); zooming into seconds 1-6 shows each second.
    await page.fill('[data-role=from]', '1');
    await page.fill('[data-role=to]', '6');
    await page.click('[data-role=zoom]');
    await page.waitForSelector('wsb-chart[data-points]');
    assert.equal(await page.locator('wsb-chart').first().getAttribute('data-points'), '6');
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report.png'), fullPage: true });
    await page.close();
  });

  test('replay: at ?t= the counters show that second of the database, and the cursor moves by keyboard and by play', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'uws' }).find((r) => !r.name.includes('<'))!;
    const t = getTimeline(d, run.id);
    d.close();
    const second = (ms: number) => elapsedSecond(ms, run.startedMs);
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
    await page.selectOption('[data-role=align]', 'connections');
    await page.fill('[data-role=from]', '10');
    await page.fill('[data-role=to]', '40');
    await page.locator('[data-role=to]').dispatchEvent('change');
    await page.waitForSelector('wsb-compare[data-ready*=","]');
    const link = await page.inputValue('[data-role=link]');
    const view = async (p: typeof page) => ({
      checked: await p.locator('[data-role=choices] input:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      metric: await p.inputValue('[data-role=metric]'),
      norm: await p.inputValue('[data-role=norm]'),
      align: await p.inputValue('[data-role=align]'),
      window: [await p.inputValue('[data-role=from]'), await p.inputValue('[data-role=to]')],
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
    assert.deepEqual(original.window, ['10', '40']);
    assert.match(link, /[?&]align=connections&from=10&to=40$/);
    assert.equal(original.checked.length, 2);
    await page.close();
    await fresh.close();
  });

  test('write-ups: listed, rendered with their embedded chart, in the feed; an unknown run id fails the build by name', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/`);
    await page.getByTestId('writeups').getByText('A first look').click();
    await page.waitForSelector('wsb-writeup[data-ready="1"]');
    assert.equal(await page.locator('wsb-writeup canvas').count(), 1);
    assert.equal(await page.locator('pre code.language-wsbench').count(), 0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'writeup.png'), fullPage: true });
    await page.close();
    const feed = fs.readFileSync(path.join(out, 'feed.xml'), 'utf8');
    assert.match(feed, /<item><title>A first look<\/title>/);
    const bad = tempDir('wsbench-bad-writeups-');
    fs.writeFileSync(path.join(bad, 'oops.md'), '---\ntitle: Oops\ndescription: x\npubDate: 2026-11-28\nruns: [no-such-run]\n---\nText.\n');
    await assert.rejects(buildSite({ db, outDir: path.join(bad, 'dist'), writeupsDir: bad, quiet: true }), /oops\.md: unknown run "no-such-run"/);
    // A typo in a chart block fails the build too, naming the file and the valid names.
    fs.writeFileSync(path.join(bad, 'oops.md'), '---\ntitle: Oops\ndescription: x\npubDate: 2026-11-28\nruns: []\n---\n```wsbench\nchart: rssByte\nruns: x\n```\n');
    await assert.rejects(buildSite({ db, outDir: path.join(bad, 'dist'), writeupsDir: bad, quiet: true }), /oops\.md: chart block 1: unknown chart "rssByte" \(one of connections, serverConnections, rssBytes,/);
  });

  test('capacity, the pre-rendered comparison with Open Graph tags, and page weight', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/capacity/`);
    await page.waitForSelector('wsb-capacity[data-ready]');
    assert.deepEqual(await page.locator('[data-testid=capacity] tbody tr td:first-child').allTextContents(), ['socketio', 'uws']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'capacity.png'), fullPage: true });
    await page.goto(`${url}/compare/quick-uws-vs-socketio/`);
    await page.waitForSelector('wsb-pair[data-ready]');
    assert.equal(await page.locator('meta[property="og:title"]').getAttribute('content'), 'uWebSockets.js vs Socket.IO: quick');
    // The comparison says who used less memory per added connection, by the factor the database gives.
    const d = openDatabase(db, { readonly: true });
    // The pair page sets the latest run of each backend side by side.
    const [u, s] = ['uws', 'socketio'].map((backend) => getSummary(d, listRuns(d, { backend, scenario: 'quick' })[0]!.id));
    d.close();
    const expected = compare(HEADLINE.addedBytesPerConn, { name: 'uWS', value: u!.addedBytesPerConn }, { name: 'Socket.IO', value: s!.addedBytesPerConn });
    const cell = page.locator('[data-testid=pair] tr[data-figure=addedBytesPerConn] td[data-ratio]');
    assert.equal(await cell.textContent(), expected.phrase);
    assert.equal(await cell.getAttribute('data-ratio'), expected.factor === null ? '' : String(expected.factor));
    assert.ok((await page.getByTestId('verdicts').textContent())!.includes(expected.phrase));
    await page.close();
    // Every page's JavaScript, its imports followed, is at most 100 KB gzipped.
    const { gzipSync } = await import('node:zlib');
    const pages = fs.readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.html'));
    for (const html of pages) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file) || !fs.existsSync(file)) return;
        seen.add(file);
        for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) visit(path.resolve(path.dirname(file), m[1]!));
      };
      for (const m of fs.readFileSync(path.join(out, html), 'utf8').matchAll(/<script[^>]*src="\/([^"]+)"/g)) visit(path.join(out, m[1]!));
      const bytes = [...seen].reduce((n, f) => n + gzipSync(fs.readFileSync(f)).length, 0);
      assert.ok(bytes <= 100 * 1024, `${html}: ${bytes} bytes of gzipped JavaScript`);
      if (/^runs\/[^/]+\/index\.html$/.test(html)) assert.ok(bytes > 10_000, `${html}: its chart.js was not found (${bytes} bytes)`);
    }
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
