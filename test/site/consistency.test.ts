// One number per name, on every page: the site built from the shipped reference runs and
// write-ups, read in a real browser. A pair's answer is the same sentences on home, its pair
// page, the compare page and the write-up that presents it; a figure the pair page gives is
// the compare page's; and what a chart against connections plots at each step is the step
// table's figure.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { format, HEADLINE, type HeadlineKey } from '../../collector/metrics.ts';
import { importReferenceRuns } from '../../collector/reference.ts';
import { openDatabase } from '../../collector/schema.ts';
import { buildSite } from '../../site/build.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { openSite, type SiteInBrowser } from '../helpers/site-browser.ts';
import { fileLimit, REFERENCE_SITE_MS } from '../helpers/harness.ts';

fileLimit((2 * REFERENCE_SITE_MS) / 1000);

const PI4_PAIR = 'capacity-pi4-uws-vs-socketio';
const QUICK_PAIR = 'quick-uws-vs-socketio';
const PI4_RUNS = ['20261203-121841-uws-capacity-7d26', '20261203-125016-socketio-capacity-c9ff'];
/** The quick pair ships as a series: its pages speak for the series, and compare opens it by id. */
const QUICK_SERIES = '20261203-030023-x5-quick-5cb0';

describe('the reference site says one number per name', { timeout: REFERENCE_SITE_MS }, () => {
  let browser: Browser;
  let site: SiteInBrowser | undefined;
  let url: string;

  before(async () => {
    const dir = tempDir('wsbench-consistency-');
    const db = path.join(dir, 'ref.db');
    const d = openDatabase(db);
    importReferenceRuns(d);
    d.close();
    const out = await buildSite({ db, outDir: path.join(dir, 'dist'), quiet: true });
    site = await openSite(out);
    ({ url, browser } = site);
  });
  after(() => site?.close());

  async function open(pathname: string, ready?: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${url}${pathname}`);
    if (ready) await page.waitForSelector(ready, { timeout: 30_000 });
    return page;
  }
  const texts = (page: Page, selector: string) => page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));

  test("a pair's answer is the same sentences on home, its pair page, the compare page and its write-up", async () => {
    const home = await open('/');
    const runNames = (runs: string[]) => Promise.all(runs.map(async (id) => ((await (await fetch(`${url}/data/runs/${id}.json`)).json()) as { run: { name: string } }).run.name));
    // Each pair: its slug, the compare page's query, the compare table's column of each side, and its write-up.
    const pairs: [string, string, string[], string | null][] = [
      [PI4_PAIR, `runs=${PI4_RUNS.join(',')}`, await runNames(PI4_RUNS), '/writeups/100k-on-two-cores/'],
      [QUICK_PAIR, `series=${QUICK_SERIES}`, ['uWS', 'Socket.IO'], null],
    ];
    for (const [slug, query, names, writeup] of pairs) {
      const pairPage = await open(`/compare/${slug}/`);
      const answer = await texts(pairPage, '[data-testid=verdict-card] ul.lead li');
      assert.ok(answer.length >= 2, `${slug}: an answer of several sentences (${JSON.stringify(answer)})`);
      const onHome = await home.$$eval(`[data-testid=verdict-card]:has(a[href$="/compare/${slug}/"]) ul.lead li`, (els) => els.map((e) => (e.textContent ?? '').trim()));
      assert.deepEqual(onHome, answer, `${slug}: home's card`);
      const compare = await open(`/compare/?${query}`, 'wsb-compare [data-role=lead] li');
      assert.deepEqual(await texts(compare, '[data-role=lead] li'), answer, `${slug}: the compare page's answer`);
      if (writeup) {
        const w = await open(writeup);
        assert.deepEqual(await texts(w, '[data-testid=verdict-card] ul.lead li'), answer, `${slug}: the write-up's answer`);
        await w.close();
      }
      // Every figure of the pair page's tables, where the compare page's table has it, is the same text.
      const pairFigures = await pairPage.$$eval('table[data-testid=pair] tr[data-figure]', (rows) => rows.map((r) => ({ key: r.getAttribute('data-figure')!, a: r.querySelectorAll('td')[0]!.textContent!.trim(), b: r.querySelectorAll('td')[1]!.textContent!.trim() })));
      const compareFigures = await compare.$$eval('[data-role=figures] tr[data-figure]', (rows) => rows.map((r) => ({ key: r.getAttribute('data-figure')!, cells: [...r.querySelectorAll('td')].map((td) => (td.firstChild?.textContent ?? '').trim()) })));
      // The compare page orders its columns its own way: find each side's by its name.
      const heads = await texts(compare, '[data-role=figures] tr:first-child th');
      const column = names.map((name) => heads.slice(1).findIndex((h) => h === name || h.startsWith(`${name} (`)));
      assert.ok(column.every((c) => c >= 0), `${slug}: both runs have a column (${JSON.stringify(heads)})`);
      let shared = 0;
      for (const f of pairFigures) {
        const c = compareFigures.find((x) => x.key === f.key);
        if (!c) continue;
        shared++;
        assert.deepEqual(column.map((i) => c.cells[i]), [f.a, f.b], `${slug}: ${f.key} on the pair page and the compare page`);
      }
      assert.ok(shared >= 3, `${slug}: the two pages share figures (${shared})`);
      await pairPage.close();
      await compare.close();
    }
    await home.close();
  });

  test('a series shows as a series: whiskers on its card, its page lists its runs, single runs say so', async () => {
    // Home shows only its newest comparison in full, so the bars and their whiskers are read on the pair page.
    const pairPage = await open(`/compare/${QUICK_PAIR}/`);
    assert.equal(await pairPage.locator('[data-testid=verdict-card] [data-testid=whisker]').count(), 6, 'a min–max whisker on each bar of the three figures');
    await pairPage.close();
    const home = await open('/');
    const card = home.locator(`[data-testid=verdict-card]:has(a[href$="/compare/${QUICK_PAIR}/"])`);
    assert.match((await card.locator('[data-testid=series-link]').textContent())!, /^5 runs of each$/);
    for (const li of await card.locator('ul.lead li').allTextContents()) assert.match(li.trim(), /over 5 pairs\)$/);
    const pi4 = home.locator(`[data-testid=verdict-card]:has(a[href$="/compare/${PI4_PAIR}/"])`);
    assert.match((await pi4.locator('.conditions').textContent())!, /^one run of each · /);
    await home.close();
    const page = await open(`/series/${QUICK_SERIES}/`);
    const runs = await page.$$eval('[data-testid=series-runs] tbody tr', (trs) => trs.map((tr) => [tr.querySelector('td')!.textContent!.trim(), tr.querySelectorAll('td')[1]!.textContent!.trim()]));
    assert.deepEqual(runs, Array.from({ length: 10 }, (_, i) => [String(i + 1), i % 2 === 0 ? 'uWS' : 'Socket.IO']), 'ten runs in the order they ran, interleaved');
    const memory = await page.$$eval('[data-testid=series-figures] tr[data-figure=addedBytesPerConn] td', (tds) => tds.map((td) => td.textContent!.trim()));
    assert.equal(memory.length, 2);
    for (const cell of memory) assert.match(cell, /^[\d.]+ KB [\d.]+–[\d.]+ KB; 95% interval [\d.]+–[\d.]+ KB$/);
    await page.close();
    // A run of the series says so, and links back.
    const run = await open('/runs/20261203-030023-uws-quick-4b61/');
    assert.match((await run.locator('[data-testid=series-of-run]').textContent())!, new RegExp(`^Run \\d+ of the series ${QUICK_SERIES}`));
    await run.close();
  });

  test("a chart against connections plots each step's table figure", async () => {
    const id = PI4_RUNS[1]!;
    const page = await open(`/runs/${id}/`);
    const rows = await page.$$eval('[data-testid=capacity-headline] tbody tr', (trs) => trs.map((tr) => Object.fromEntries([...tr.querySelectorAll('td[data-figure]')].map((td) => [td.getAttribute('data-figure')!, td.textContent!.trim()]))));
    const data = await (await fetch(`${url}/data/runs/${id}.json`)).json() as { holds: { values: Record<string, number | null> }[] };
    assert.equal(data.holds.length, rows.length, 'one point per step');
    const plotted: [string, HeadlineKey][] = [['rssBytes', 'steadyRssBytes'], ['cpuPct', 'cpuPctAvg'], ['connections', 'connections']];
    data.holds.forEach((hold, i) => {
      for (const [series, key] of plotted) assert.equal(format(HEADLINE[key], hold.values[series]), rows[i]![key], `step ${i + 1}: ${series} plotted against the table's ${HEADLINE[key].label}`);
    });
    await page.close();
  });

  test('a limited run names its limits as the pair page and the capacity page do', async () => {
    const page = await open(`/runs/${PI4_RUNS[1]}/`);
    const profile = await page.$eval('tr:has(th:text-is("Profile")) td', (td) => td.textContent!.trim());
    assert.match(profile, /^pi4: 3\.41 GB, 1\.2 cores, imposed on this host by cgroups/);
    await page.close();
    const pair = await open(`/compare/${PI4_PAIR}/`);
    assert.match(await pair.$eval('[data-testid=verdict-card]', (c) => c.textContent!), /server limited like a pi4 \(3\.41 GB, 1\.2 cores\)/);
    await pair.close();
    const capacity = await open('/capacity/');
    assert.ok((await texts(capacity, 'h2')).includes('Server limited like a pi4: 3.41 GB, 1.2 cores'));
    await capacity.close();
  });
});
