// The cost page in a browser, built from the two pi4 capacity searches of data/reference: a link's
// question opens on its answer, the same machines as `wsbench cost` (collector/cost.ts), a changed
// input moves the URL with it, and the page fits a phone. And the link images the build makes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { costOf } from '../../collector/cost.ts';
import { limitWords } from '../../collector/cost-model.ts';
import { importReferenceRuns } from '../../collector/reference.ts';
import { openDatabase } from '../../collector/schema.ts';
import { buildSite } from '../../site/build.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { openSite } from '../helpers/site-browser.ts';
import { fileLimit, REFERENCE_SITE_MS } from '../helpers/harness.ts';

fileLimit((2 * REFERENCE_SITE_MS) / 1000);

test('the cost page answers a shared link with the machines wsbench cost gives, keeps its question in the URL, and fits 390 px', { timeout: REFERENCE_SITE_MS }, async (t) => {
  const dir = tempDir();
  const refs = path.join(dir, 'ref');
  fs.mkdirSync(refs);
  for (const f of fs.readdirSync('data/reference').filter((f) => /capacity/.test(f))) fs.copyFileSync(path.join('data/reference', f), path.join(refs, f));
  const file = path.join(dir, 'runs.db');
  const db = openDatabase(file);
  importReferenceRuns(db, refs);
  const expected = costOf(db, { connections: 1_000_000, intervalMs: 2000, machine: { kind: 'profile', name: 'pi4' } });
  db.close();
  const out = await buildSite({ db: file, outDir: path.join(dir, 'dist'), writeupsDir: path.join(dir, 'no-writeups'), quiet: true });
  const site = await openSite(out);
  t.after(() => site.close());
  for (const width of [1366, 390]) {
    const page = await site.browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${site.url}/cost/?connections=1000000&interval=2000&machine=pi4`);
    await page.waitForSelector('wsb-cost[data-ready=true]');
    for (const b of expected.backends) {
      const row = page.locator(`[data-testid=cost-table] tr[data-backend="${b.backend}"]`);
      assert.equal(await row.locator('[data-figure=machines] strong').textContent(), String(b.machines.value), `${b.backend} machines at ${width} px`);
      assert.equal(await row.locator('[data-figure=binds]').textContent(), limitWords(b.binds));
    }
    assert.match((await page.getByTestId('cost-answer').textContent())!, /uWS needs \d+ machines, Socket\.IO \d+/);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), width, 'nothing scrolls sideways');
    assert.deepEqual(errors, []);
    await page.close();
  }
  // A changed question moves the URL: the link shared is the answer on screen.
  const page = await site.browser.newPage();
  await page.goto(`${site.url}/cost/?connections=1000000&interval=2000&machine=pi4`);
  await page.waitForSelector('wsb-cost[data-ready=true]');
  await page.fill('input[name=connections]', '40000');
  await page.fill('input[name=price]', '12');
  // The document's own URL (Playwright's page.url() hears of replaceState later).
  const url = await page.evaluate(() => location.href);
  assert.match(url, /connections=40000/);
  assert.match(url, /price=12/);
  const sio = page.locator('[data-testid=cost-table] tr[data-backend=socketio] [data-figure=machines]');
  assert.match((await sio.textContent())!, /^1, 12 a month$/, 'Socket.IO\'s search held 40,000: one machine');

  // Every pair page, and the cost page, names a link image that is a 1200×630 PNG in the build.
  const pages = [...fs.readdirSync(path.join(out, 'compare'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => path.join(out, 'compare', d.name, 'index.html')), path.join(out, 'cost', 'index.html')];
  assert.ok(pages.length >= 2, 'a pair page and the cost page');
  for (const html of pages) {
    const image = /<meta property="og:image" content="([^"]+)"/.exec(fs.readFileSync(html, 'utf8'))?.[1];
    assert.ok(image, `${html} has an og:image`);
    const png = fs.readFileSync(path.join(out, image!));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], `${image} is a PNG`);
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [1200, 630], `${image} is 1200×630`);
  }
});
