// A pair of single runs beside a series of the same setting (what `npm start` gives on the
// machine the reference series ran on): the card is the newest pair's, marked "one run of each",
// and says how much one run moves there from the series; compare opens the series by id and
// words it as its card does.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { referenceFiles } from '../../collector/reference.ts';
import { openDatabase } from '../../collector/schema.ts';
import { importRun, parseExport } from '../../collector/transfer.ts';
import { buildSite } from '../../site/build.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { openSite, type SiteInBrowser } from '../helpers/site-browser.ts';
import { fileLimit, REFERENCE_SITE_MS } from '../helpers/harness.ts';

fileLimit((2 * REFERENCE_SITE_MS) / 1000);

const SERIES = '20261203-030023-x5-quick-5cb0';

describe('a single pair beside a series', { timeout: REFERENCE_SITE_MS }, () => {
  let browser: Browser;
  let site: SiteInBrowser | undefined;
  let url: string;

  before(async () => {
    const dir = tempDir('wsbench-beside-');
    const db = path.join(dir, 'runs.db');
    const d = openDatabase(db);
    const series = referenceFiles().map((f) => parseExport(fs.readFileSync(f), f)).filter((e) => e.run.series_id === SERIES);
    assert.equal(series.length, 10, 'the reference quick series ships ten runs');
    for (const e of series) importRun(d, e);
    // The last round again as two single runs, an hour later: a pair of one run each, same machine.
    for (const e of series.slice(-2)) {
      const shift = 3_600_000;
      const run = { ...e.run, id: `${e.run.id}-single`, series_id: null, series_seq: null, started_ms: Number(e.run.started_ms) + shift, ended_ms: Number(e.run.ended_ms) + shift };
      importRun(d, { ...e, run });
    }
    d.close();
    // No write-ups: the shipped ones cite runs this database does not hold.
    const writeupsDir = path.join(dir, 'writeups');
    fs.mkdirSync(writeupsDir);
    const out = await buildSite({ db, outDir: path.join(dir, 'dist'), writeupsDir, quiet: true });
    site = await openSite(out);
    ({ url, browser } = site);
  });
  after(() => site?.close());

  test("the newest pair's card is one run of each, with the series' range beside it", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${url}/`);
    const card = page.locator('[data-testid=verdict-card]:has(a[href$="/compare/quick-uws-vs-socketio/"])');
    assert.match((await card.locator('.conditions').textContent())!, /^one run of each · /);
    assert.equal(await card.locator('[data-testid=whisker]').count(), 0, 'one run has no whisker');
    const beside = (await card.locator('[data-testid=series-beside]').textContent())!.replace(/\s+/g, ' ').trim();
    assert.match(beside, /^How much one run moves here: over 5 rounds of the same scenario on this machine, uWS used [\d.]+x less memory per added connection than Socket\.IO \([\d.]+–[\d.]+x over 5 pairs\)\.$/);
    await page.close();
  });

  test('compare opens the series by id and words it as the series page does', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${url}/compare/?series=${SERIES}`);
    await page.waitForSelector('wsb-compare[data-ready] [data-role=lead] li');
    const lead = await page.$$eval('[data-role=lead] li', (els) => els.map((e) => e.textContent!.trim()));
    const seriesPage = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await seriesPage.goto(`${url}/series/${SERIES}/`);
    assert.equal(await seriesPage.evaluate(() => document.documentElement.scrollWidth), 390, 'the series page does not scroll sideways');
    const said = await seriesPage.$$eval('[data-testid=series-verdict] li', (els) => els.map((e) => e.textContent!.trim()));
    assert.deepEqual(lead, said);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390, 'nothing scrolls sideways');
    assert.equal(new URL(page.url()).searchParams.get('series'), SERIES, 'the link keeps the series');
    const head = await page.$$eval('[data-role=figures] tr:first-child th', (ths) => ths.map((th) => th.textContent!.trim()));
    assert.deepEqual(head, ['Figure', 'uWS (5 runs)', 'Socket.IO (5 runs)']);
    await seriesPage.close();
    await page.close();
  });
});
