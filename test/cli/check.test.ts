// `wsbench check`: a reference run with its memory raised by half regresses against the original,
// naming the figure, with its own exit code; the original against itself passes; a series or a
// run id works as a side; bad input is refused by name.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parseExport, serializeExport } from '../../collector/transfer.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

const ORIGINAL = 'data/reference/20261203-030023-uws-quick-4b61.json.gz';

/** A copy of the run with every memory column of the server raised by `factor`. */
function tampered(factor: number): string {
  const data = parseExport(fs.readFileSync(ORIGINAL), ORIGINAL);
  for (const table of ['server_samples', 'process_samples']) {
    const dump = data.tables[table]!;
    const memory = ['rss_bytes', 'pss_bytes', 'anon_bytes'].map((c) => dump.columns.indexOf(c)).filter((i) => i >= 0);
    for (const row of dump.rows) for (const i of memory) if (typeof row[i] === 'number') row[i] = Math.round((row[i] as number) * factor);
  }
  const file = path.join(tempDir(), 'tampered.json.gz');
  fs.writeFileSync(file, serializeExport(data, true));
  return file;
}

test('memory raised by half regresses against the original, by name, with exit code 6; the original passes against itself', async () => {
  const bad = await runCli(['check', tampered(1.5), '--against', ORIGINAL]);
  assert.equal(bad.code, 6, bad.stderr);
  assert.match(bad.stdout, /REGRESSED +Server memory \(RSS\) regressed: [\d.]+ MB against [\d.]+ MB, 50\.0% worse \(threshold 10\.0%\)/);
  assert.match(bad.stdout, /REGRESSED +Memory per added connection regressed/);
  assert.match(bad.stdout, /ok +Latency p99 unchanged/);
  assert.match(bad.stdout, /2 regressed: uws steadyRssBytes, uws addedBytesPerConn|2 regressed: uws addedBytesPerConn, uws steadyRssBytes/);
  const same = await runCli(['check', ORIGINAL, '--against', ORIGINAL]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.match(same.stdout, /nothing regressed/);
  // Within the threshold: 5% more memory is not a regression of a 10% figure.
  assert.equal((await runCli(['check', tampered(1.05), '--against', ORIGINAL])).code, 0);
});

test('a Markdown summary for a CI comment, JSON rows, and a threshold of your own', async () => {
  const file = tampered(1.5);
  const md = await runCli(['check', file, '--against', ORIGINAL, '--markdown']);
  assert.equal(md.code, 6);
  assert.match(md.stdout, /^### wsbench check: 2 regressed\n/);
  assert.match(md.stdout, /\| uws \| \*\*regressed\*\* \| Server memory \(RSS\) regressed:/);
  const rows = JSON.parse((await runCli(['check', file, '--against', ORIGINAL, '--json', '--threshold', 'steadyRssBytes=60%'])).stdout) as { key: string; outcome: string; threshold: number }[];
  const rss = rows.find((r) => r.key === 'steadyRssBytes')!;
  assert.equal(rss.threshold, 0.6);
  assert.equal(rss.outcome, 'unchanged', 'inside a 60% threshold');
});

test('bad input is refused by name', async () => {
  const cases: [string[], number, RegExp][] = [
    [['check', ORIGINAL], 2, /--against BASELINE is required/],
    [['check', ORIGINAL, '--against', ORIGINAL, '--threshold', 'rss=10%'], 2, /unknown metric "rss"/],
    [['check', ORIGINAL, '--against', ORIGINAL, '--threshold', 'steadyRssBytes=lots'], 2, /write it as metric=10%/],
    [['check', ORIGINAL, '--against', ORIGINAL, '--json', '--markdown'], 2, /--json and --markdown exclude each other/],
    [['check', 'no-such-run', '--against', ORIGINAL, '--db', path.join(tempDir(), 'empty.db')], 1, /no such database|no run "no-such-run"/],
  ];
  for (const [args, code, message] of cases) {
    const res = await runCli(args);
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr, message, args.join(' '));
  }
});
