// The report site in a real browser (Debian chromium through playwright-core), built from a
// database made by real short runs: figures equal the database's, a comparison's link reopens
// the same view, and a hostile run name stays text. Screenshots go to test-artifacts/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { compare, format, formatValue, HEADLINE, SERIES_KEYS } from '../../collector/metrics.ts';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { elapsedSecond } from '../../collector/stats.ts';
import { openDatabase } from '../../collector/schema.ts';
import { buildSite, pageJavaScriptBytes } from '../../site/build.ts';
import { Ingestor, digestOf } from '../../collector/ingest.ts';
import { encodeBatch } from '../../collector/ndjson.ts';
import type { RunRecord } from '../../collector/records.ts';
import { healthyCostInWords, slowOutcomeInWords } from '../../collector/slow-readers.ts';
import { runCli } from '../helpers/cli.ts';
import { fixtureRecords } from '../helpers/seed-db.ts';
import { PI_TARGET, tempDir } from '../helpers/fixtures.ts';
import { openSite, type SiteInBrowser } from '../helpers/site-browser.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers(480); // about 140 s quiet, up to 250 s on a busy machine

const ARTIFACTS = path.resolve('test-artifacts');
const HOSTILE = '<img src=x onerror=alert(1)>';

describe('report site', () => {
  let browser: Browser;
  let site: SiteInBrowser | undefined;
  let url: string;
  let db: string;
  let writeups: string;
  let out: string;
  let uws: string;
  let socketio: string;

  before(async () => {
    const dir = tempDir('wsbench-site-');
    db = path.join(dir, 'site.db');
    const short = ['--connections', '40', '--rate', '200', '--hold', '3', '--interval-ms', '500', '--workers', '1', '--db', db];
    // Slow readers: a quarter of the connections stop reading after a 2 s calm hold, 16 KB every 100 ms.
    const c = await runCli(['run', '--backend', 'ws', '--scenario', 'slow-consumers', '--connections', '40', '--rate', '200', '--calm', '2', '--hold', '4', '--interval-ms', '100', '--late-ms', '500', '--idle', '0',
      '--message-bytes', '16k', '--slow-share', '0.25', '--slow-read', '0', '--slow-stall', '60', '--slow-stall-every', '0', '--workers', '1', '--db', db], { timeoutMs: 90_000 });
    assert.ok(c.code === 0 || c.code === 3, c.stderr);
    const a = await runCli(['run', '--backend', 'uws,socketio', ...short], { timeoutMs: 120_000 });
    assert.equal(a.code, 0, a.stderr);
    const b = await runCli(['run', '--backend', 'uws', '--name', HOSTILE, '--notes', `notes ${HOSTILE}`, ...short], { timeoutMs: 60_000 });
    assert.equal(b.code, 0, b.stderr);
    const d = openDatabase(db, { readonly: true });
    [uws, socketio] = ['uws', 'socketio'].map((backend) => listRuns(d, { backend }).find((r) => !r.name.includes('<'))!.id) as [string, string];
    d.close();
    // A run stored from a --target (a Raspberry Pi over SSH): its server figures were measured there.
    const onPi = fixtureRecords('fixture run on a Pi target');
    const record = onPi[0] as RunRecord;
    onPi[0] = { ...record, scenario: { ...record.scenario, name: 'target-fixture' }, env: { ...record.env, target: PI_TARGET } };
    const w = openDatabase(db);
    const header = { batch: 'on-pi.0', run: 'on-pi' };
    new Ingestor(w).ingest(header, onPi, digestOf(encodeBatch(header, onPi)));
    w.close();
    writeups = path.join(dir, 'writeups');
    fs.mkdirSync(writeups);
    fs.writeFileSync(path.join(writeups, 'first-look.md'), `---\ntitle: A first look\ndescription: Two short runs side by side.\npubDate: 2026-11-28\nruns: [${uws}, ${socketio}]\nrefs: { u: ${uws} }\n---\n\nuWS held **{{value connections u}}** at p99 **{{value latencyP99Ms ${uws}}}**; {{compare addedBytesPerConn u ${socketio}}}.\n\nMemory per connection:\n\n\`\`\`wsbench\nchart: rssBytes\nruns: ${uws}, ${socketio}\nnorm: perConn\n\`\`\`\n\nThat is all.\n`);
    // Tiny display series, so that the tests see downsampling and zooming at work on short runs.
    out = await buildSite({ db, outDir: path.join(dir, 'dist'), writeupsDir: writeups, maxPoints: 4, quiet: true });
    site = await openSite(out);
    ({ url, browser } = site);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(() => site?.close());

  test('a run report shows the figures the database holds', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'socketio' })[0]!;
    const summary = getSummary(d, run.id);
    const t = getTimeline(d, run.id);
    d.close();
    const page = await browser.newPage();
    await page.goto(`${url}/runs/${run.id}/`);
    await page.waitForSelector('wsb-chart[data-ready]');
    const figure = (key: string) => page.locator(`[data-figure="${key}"]`).textContent();
    assert.equal(await figure('peak-connections'), summary.peakConnections!.toLocaleString('en-US'));
    assert.equal(await figure('deliveredPct'), `${summary.deliveredPct!.toFixed(3)}%`);
    assert.equal(await figure('missing'), String(summary.missing));
    const p99 = summary.latency.p99Ms!;
    assert.equal(await figure('latencyP99Ms'), formatValue('ms', p99));
    // Memory per added connection: the run sampled its idle server, so the figure is there.
    assert.ok(summary.idle && summary.addedBytesPerConn !== null, 'the run recorded idle memory');
    assert.equal(await figure('addedBytesPerConn'), formatValue('bytes', summary.addedBytesPerConn));
    assert.equal(await page.getByTestId('memory-note').count(), 0);
    assert.equal(await page.getByTestId('verdict').textContent(), run.verdict);
    assert.equal(await page.getByTestId('validity').textContent(), 'valid measurement');
    // Seven charts of the page's own, and the catalogue's sampled metrics' (the queue, connection
    // set-up), whose figures are in the table too: an entry in metrics.ts SAMPLED is all it took.
    // What the server shed is charted only when it shed something.
    const captions = await page.locator('figcaption').allTextContents();
    for (const title of ['Connections', 'Server memory', 'Stuck in backpressure', 'CPU', 'Deliveries per tick', 'Missing and late per tick', 'Latency and tick spread', 'Waited for a CPU', 'Connection set-up']) assert.ok(captions.includes(title), `${title} in ${captions.join(', ')}`);
    assert.ok(!captions.includes('Shed by the server') && !captions.includes('Churn') && !captions.includes("Slow readers' latency"), captions.join(', '));
    assert.equal(await figure('backpressureBytes'), formatValue('bytes', summary.sampled.backpressureBytes));
    // Displayed downsampled (4 points); zooming into seconds 1-6 shows each second.
    await page.fill('[data-role=from]', '1');
    await page.fill('[data-role=to]', '6');
    await page.click('[data-role=zoom]');
    await page.waitForSelector('wsb-chart[data-points]');
    // Each second that has a sample: a sampler a busy machine held back past a whole second
    // leaves that second out, so the count comes from the database, not from the clock.
    const seconds = new Set([...t.server.map((s) => s.tMs), ...t.clients.map((c) => c.tMs)].map((ms) => elapsedSecond(ms, run.startedMs)));
    const inZoom = [...seconds].filter((sec) => sec >= 1 && sec <= 6).length;
    assert.ok(inZoom >= 2, `only ${inZoom} sampled seconds in 1-6`);
    assert.equal(await page.locator('wsb-chart').first().getAttribute('data-points'), String(inZoom));
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report.png'), fullPage: true });
    await page.close();
  });

  test('a run with slow readers leads with them: their fate, the healthy readers\' cost and the queue, as the database words them', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'ws' })[0]!;
    const summary = getSummary(d, run.id);
    d.close();
    const page = await browser.newPage();
    await page.goto(`${url}/runs/${run.id}/`);
    await page.waitForSelector('wsb-chart[data-ready]');
    assert.equal(await page.getByTestId('slow-outcome').textContent(), slowOutcomeInWords(summary as never));
    assert.equal(await page.getByTestId('healthy-cost').textContent(), healthyCostInWords(summary as never));
    const slowRow = page.getByTestId('slow-table').locator('tr', { has: page.locator('th:text-is("Delivered in time")') }).locator('td');
    assert.deepEqual(await slowRow.allTextContents(), [summary.calm!.deliveredPct, summary.deliveredPct, summary.slowReaders!.deliveredPct].map((v) => format(HEADLINE.deliveredPct, v)));
    // The queue the stalled readers left, in the kernel and in ws, charted beside memory.
    assert.ok((summary.sampled.kernelQueuedBytes ?? 0) > 0 && (summary.sampled.queuedBytesPeak ?? 0) > 0, JSON.stringify(summary.sampled));
    assert.equal(await page.locator(`[data-figure="queuedBytesPeak"]`).textContent(), format(HEADLINE.queuedBytesPeak, summary.sampled.queuedBytesPeak));
    assert.equal(await page.locator('figcaption', { hasText: "Slow readers' latency" }).count(), 1);
    // Above the headline figures: the answer first.
    const order = await page.locator('h2').allTextContents();
    assert.ok(order.indexOf('Slow readers') < order.indexOf('Headline figures'), order.join(' / '));
    await page.screenshot({ path: path.join(ARTIFACTS, 'run-report-slow-readers.png'), fullPage: true });
    await page.close();
  });

  test('a run on a --target names the target as the server machine, its Node, and this machine as the load generator', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/runs/on-pi/`);
    const row = (name: string) => page.locator('tr', { has: page.locator(`th:text-is("${name}")`) }).locator('td').textContent();
    assert.match((await row('Server machine'))!, /^pi\.local · Raspberry Pi 4 Model B Rev 1\.5 · Cortex-A72 · 4 cores · 8\.59 GB memory · .* · aarch64 \(a remote target over SSH; clock offset 3\.2 ms ± 0\.4 ms; vcgencmd get_throttled 0x0 at start\)$/);
    assert.equal(await row('Server Node'), 'Node v20.19.2 on the target');
    assert.match((await row('Load generator'))!, /^test-host · Test CPU · 2 cores/);
    await page.goto(`${url}/`);
    assert.match((await page.locator('tr', { hasText: 'fixture run on a Pi target' }).first().textContent())!, /pi\.local \(4 cores\)/, 'home names the machine the server ran on');
    await page.close();
  });

  test('replay: at ?t= the counters show that second of the database, and the cursor moves by keyboard and by play', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'uws' }).find((r) => !r.name.includes('<'))!;
    const t = getTimeline(d, run.id);
    d.close();
    const second = (ms: number) => elapsedSecond(ms, run.startedMs);
    // A second in the middle of the run that both the sampler and a shard reported (a busy
    // machine can hold a reporter back past a whole second, and that second shows a dash).
    const clientSeconds = new Set(t.clients.map((c) => second(c.tMs)));
    const both = [...new Set(t.server.map((s) => second(s.tMs)))].filter((sec) => clientSeconds.has(sec)).sort((a, b) => a - b);
    const mid = both[Math.floor(both.length / 2)]!;
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
    // Play from the start at 1x: at 10x from the middle, a short run's end came before a busy
    // machine's next check, and playing had already stopped.
    await page.keyboard.press('Home');
    assert.equal(await page.locator('[data-role=time]').textContent(), '0 s');
    await page.selectOption('[data-role=speed]', '1');
    await page.locator('[data-role=play]').click();
    assert.equal(await page.locator('[data-role=play]').getAttribute('aria-pressed'), 'true');
    await page.waitForFunction(() => Number(new URL(location.href).searchParams.get('t')) >= 2, undefined, { timeout: 10_000 });
    await page.close();
  });

  test('a comparison copied as a link reopens the same view in a fresh page', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/compare/`);
    const boxes = page.locator('[data-role=choices] input');
    const d = openDatabase(db, { readonly: true });
    assert.equal(await boxes.count(), listRuns(d).length, 'every run can be chosen');
    d.close();
    for (const box of await boxes.all()) await box.uncheck();
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
    // The prose's figures are the database's, in the catalogue's format.
    const d = openDatabase(db, { readonly: true });
    const [su, ss] = [getSummary(d, uws), getSummary(d, socketio)];
    d.close();
    const bound = [format(HEADLINE.connections, su.connections), format(HEADLINE.latencyP99Ms, su.latency.p99Ms)];
    assert.deepEqual(await page.locator('wsb-writeup strong').allTextContents(), bound);
    const phrase = compare(HEADLINE.addedBytesPerConn, { name: 'uWS', value: su.addedBytesPerConn }, { name: 'Socket.IO', value: ss.addedBytesPerConn }).phrase;
    assert.ok((await page.locator('wsb-writeup p').first().textContent())!.includes(phrase), phrase);
    await page.screenshot({ path: path.join(ARTIFACTS, 'writeup.png'), fullPage: true });
    await page.close();
    const feed = fs.readFileSync(path.join(out, 'feed.xml'), 'utf8');
    assert.match(feed, /<item><title>A first look<\/title>/);
    const bad = tempDir('wsbench-bad-writeups-');
    fs.writeFileSync(path.join(bad, 'oops.md'), '---\ntitle: Oops\ndescription: x\npubDate: 2026-11-28\nruns: [no-such-run]\n---\nText.\n');
    await assert.rejects(buildSite({ db, outDir: path.join(bad, 'dist'), writeupsDir: bad, quiet: true }), /oops\.md: unknown run or series "no-such-run"/);
    // A typo in a chart block fails the build too, naming the file and the valid names.
    fs.writeFileSync(path.join(bad, 'oops.md'), '---\ntitle: Oops\ndescription: x\npubDate: 2026-11-28\nruns: []\n---\n```wsbench\nchart: rssByte\nruns: x\n```\n');
    await assert.rejects(buildSite({ db, outDir: path.join(bad, 'dist'), writeupsDir: bad, quiet: true }), /oops\.md: chart block 1: unknown chart "rssByte" \(one of connections, serverConnections, rssBytes,/);
    // So does a figure in the prose that names a metric the catalogue does not have.
    fs.writeFileSync(path.join(bad, 'oops.md'), `---\ntitle: Oops\ndescription: x\npubDate: 2026-11-28\nruns: []\n---\nIt used {{value steadyRss ${uws}}}.\n`);
    await assert.rejects(buildSite({ db, outDir: path.join(bad, 'dist'), writeupsDir: bad, quiet: true }), /oops\.md: \{\{value steadyRss [^}]+\}\}: unknown metric "steadyRss" \(one of connections, capacityConnections,/);
  });

  test('capacity, the pre-rendered comparison with Open Graph tags, and page weight', async () => {
    const page = await browser.newPage();
    await page.goto(`${url}/capacity/`);
    await page.waitForSelector('wsb-capacity[data-ready]');
    // The ws run of this site had slow readers: it is a backend of the site all the same.
    assert.deepEqual(await page.locator('[data-testid=capacity] tbody tr td:first-child').allTextContents(), ['Socket.IO', 'uWS', 'ws']);
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
    // The verdict card opens the page with the same sentence and factor.
    const lead = page.locator('[data-testid=verdict-card] li[data-figure=addedBytesPerConn]');
    assert.equal((await lead.textContent())!.trim(), expected.phrase);
    assert.equal(await lead.getAttribute('data-factor'), expected.factor === null ? '' : String(expected.factor));
    await page.close();
    // Every page's JavaScript, its imports followed, is at most 100 KB gzipped.
    const pages = fs.readdirSync(out, { recursive: true }).map(String).filter((f) => f.endsWith('.html'));
    for (const html of pages) {
      const bytes = pageJavaScriptBytes(out, html);
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

  test('every page kind at 1366x900 and 390x844: no sideways scroll, no console error, every chart axis titled, no serious accessibility violation', async () => {
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d, { backend: 'socketio' })[0]!;
    d.close();
    const pages: [string, string, string][] = [
      ['home', '/', 'h1'],
      ['run', `/runs/${run.id}/`, 'wsb-chart[data-ready]'],
      ['replay', `/runs/${run.id}/replay/?t=5`, 'wsb-replay[data-ready]'],
      ['compare', `/compare/?runs=${run.id},${listRuns(openDatabase(db, { readonly: true }), { backend: 'uws' })[0]!.id}`, 'wsb-compare[data-ready*=","]'],
      ['pair', '/compare/quick-uws-vs-socketio/', 'wsb-pair[data-ready]'],
      ['capacity', '/capacity/', 'wsb-capacity[data-ready]'],
      ['writeup', '/writeups/first-look/', 'wsb-writeup[data-ready="1"]'],
      ['404', '/no/such/page/', 'h1'],
    ];
    const axe = path.resolve('node_modules/axe-core/axe.min.js');
    for (const [width, height] of [[1366, 900], [390, 844]] as const) {
      const page = await browser.newPage({ viewport: { width, height } });
      const errors: string[] = [];
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
      page.on('pageerror', (e) => errors.push(String(e)));
      for (const [kind, url_, ready] of pages) {
        errors.length = 0;
        const response = await page.goto(`${url}${url_}`);
        assert.equal(response!.status(), kind === '404' ? 404 : 200, `${kind}: status`);
        await page.waitForSelector(ready);
        await page.waitForTimeout(200);
        // The 404 page's own status is the one error a browser logs for it.
        const real = errors.filter((e) => !(kind === '404' && /status of 404/.test(e)));
        assert.deepEqual(real, [], `${kind} at ${width}px: console errors`);
        const { doc, view } = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
        assert.ok(doc <= view, `${kind} at ${width}px scrolls sideways: ${doc} > ${view}`);
        assert.equal(await page.locator('h1').count(), 1, `${kind}: one h1`);
        const axes = await page.locator('canvas').evaluateAll((cs) => cs.map((c) => [(c as HTMLCanvasElement).dataset.axisX ?? '', (c as HTMLCanvasElement).dataset.axisY ?? '', c.getAttribute('aria-label') ?? '']));
        // Titled axes, and a label in words: no metric key such as "rssBytes" in it.
        for (const [x, y, label] of axes) assert.ok(x && y && label && !SERIES_KEYS.filter((k) => /[A-Z]/.test(k)).some((k) => label.includes(k)), `${kind}: a chart without axis titles or words (${x} | ${y} | ${label})`);
        await page.addScriptTag({ path: axe });
        const violations = await page.evaluate(async () => {
          const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
          return result.violations.filter((v: any) => v.impact === 'serious' || v.impact === 'critical').map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        });
        assert.deepEqual(violations, [], `${kind} at ${width}px: accessibility`);
        await page.screenshot({ path: path.join(ARTIFACTS, `${kind}-${width}.png`), fullPage: true });
      }
      await page.close();
    }
  });

  test('charts follow the window both ways, and the compare page opens on the newest comparison', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${url}/compare/`);
    await page.waitForSelector('wsb-compare[data-ready*=","]');
    assert.equal(await page.locator('[data-role=choices] input:checked').count(), 2, 'no runs in the link: the newest pair is shown');
    const width = () => page.locator('[data-role=chart]').evaluate((c) => c.getBoundingClientRect().width);
    const wide = await width();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    const narrow = await width();
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.waitForTimeout(300);
    assert.ok(narrow < 390 && wide > 1000, `chart ${wide} px wide, then ${narrow} px`);
    assert.equal(await width(), wide, 'and back to its first width');
    await page.close();
  });

  test('a compare link naming unknown runs or values says so, and shows the rest', async () => {
    const d = openDatabase(db, { readonly: true });
    const [a, b] = listRuns(d).slice(-2).map((r) => r.id);
    d.close();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${url}/compare/?runs=${a},no-such-run,${b}&metric=bogus&norm=sideways&from=x&vs=${b}`);
    await page.waitForSelector('wsb-compare[data-ready*=","]');
    const notice = (await page.locator('[data-role=notice]').textContent())!;
    assert.match(notice, /does not hold \(no-such-run\)/);
    assert.match(notice, /unknown metric "bogus"/);
    assert.match(notice, /unknown norm "sideways"/);
    assert.match(notice, /"from" is not a number/);
    assert.equal(await page.inputValue('[data-role=metric]'), 'rssBytes');
    assert.equal(await page.inputValue('[data-role=vs]'), b, 'the baseline chosen in the link');
    assert.equal(await page.locator('[data-role=choices] input:checked').count(), 2);
    // Each run against the baseline in a cell of its own, better or worse marked.
    assert.ok((await page.locator('[data-role=figures] .vs').count()) > 0);
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('basics: a favicon, the feed announced, and each run downloadable', async () => {
    const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
    assert.match(html, /<link rel="icon" href="\/favicon\.svg"/);
    assert.match(html, /<link rel="alternate" type="application\/rss\+xml"/);
    assert.ok(fs.existsSync(path.join(out, 'favicon.svg')));
    const d = openDatabase(db, { readonly: true });
    const run = listRuns(d)[0]!;
    const t = getTimeline(d, run.id);
    // The download is what wsbench import reads: imported into an empty database, it is the run.
    const download = path.join(out, 'data', 'runs', `${run.id}.export.json.gz`);
    assert.deepEqual([...fs.readFileSync(download).subarray(0, 2)], [0x1f, 0x8b], 'gzipped');
    const copy = path.join(tempDir('wsbench-download-'), 'copy.db');
    const imported = await runCli(['import', download, '--db', copy]);
    assert.equal(imported.code, 0, imported.stderr);
    const c = openDatabase(copy, { readonly: true });
    assert.equal(getSummary(c, run.id).headline, getSummary(d, run.id).headline);
    c.close();
    d.close();
    const csv = fs.readFileSync(path.join(out, 'data', 'runs', `${run.id}.csv`), 'utf8').trim().split('\n');
    assert.match(csv[0]!, /^second,connections \(connections\),/);
    // One row per second that has a sample, server's or clients'.
    assert.equal(csv.length - 1, new Set([...t.server.map((s) => s.tMs), ...t.clients.map((c) => c.tMs)].map((ms) => elapsedSecond(ms, run.startedMs))).size);
    // With --url the feed's links are absolute: test/backends/fifth-backend.test.ts builds with one.
  });
});
