// Memory per added connection as an outsider measures it: `wsbench serve`, plain `ws` clients
// from a process of their own, the server's RssAnon read from /proc at two loaded levels. The
// slope between them must agree with the figure `wsbench run` gives for the same backend, which
// is read between the same two levels (its base hold at half, then the hold).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { BIN, runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';
import { descendants, spawnOwned } from '../helpers/owned.ts';

await runsServers();

const FULL = 4000;
const BASE = FULL / 2;
/**
 * How far apart two measurements of one slope may be. Over 2,000 connections uWS adds about
 * 6–8 MB; the allocator and the ticks in flight move a process's anonymous memory by a few MB
 * (measured here: outside 2.97 KiB against the run's 3.30 and 4.22 KiB).
 */
const AGREE = 1.75;

/**
 * RssAnon summed over the server's processes, bytes: the Node processes `wsbench serve` started
 * (its workers), not the CLI itself, whose own heap comes and goes with its collector, nor esbuild.
 */
function anonBytes(root: number): number {
  let total = 0;
  for (const pid of descendants(root)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s+node$/m.test(status)) continue;
      const kb = /RssAnon:\s+(\d+) kB/.exec(status)?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      // a process that ended is not part of the server any more
    }
  }
  return total;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The server's anonymous memory at a level held still: the median of a few seconds, after it settles, as the run's sampler reads it. */
async function settledAnon(root: number): Promise<number> {
  await sleep(3000);
  const samples: number[] = [];
  for (let i = 0; i < 6; i++) {
    samples.push(anonBytes(root));
    await sleep(1000);
  }
  return median(samples);
}

test('an outside client measures the same memory per added connection as wsbench run', { timeout: 180_000 }, async (t) => {
  const db = path.join(tempDir(), 'runs.db');
  const res = await runCli(['run', '--backend', 'uws', '--connections', String(FULL), '--rate', '1000', '--base-hold', '8', '--hold', '9', '--idle', '2', '--workers', '1', '--db', db, '--json'], { timeoutMs: 120_000 });
  assert.equal(res.code, 0, res.stderr);
  const runFigure = (JSON.parse(res.stdout) as { figures: { addedBytesPerConn: number | null } }[])[0]!.figures.addedBytesPerConn;
  assert.ok(runFigure !== null && runFigure > 0, `the run gives a figure: ${runFigure}`);

  const server = spawnOwned(process.execPath, [BIN, 'serve', '--backend', 'uws', '--port', '0', '--workers', '1'], { env: { ...process.env, WSBENCH_CERT_DIR: tempDir() } });
  const url = await new Promise<string>((resolve) => server.stdout!.once('data', (d) => resolve(String(d).trim())));
  const clients = spawnOwned(process.execPath, ['--import', 'tsx', path.resolve('test/helpers/plain-ws-clients.ts'), url, `${BASE},${FULL}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  const said = readline.createInterface({ input: clients.stdout! })[Symbol.asyncIterator]();
  const level = async (n: number) => {
    const line = await said.next();
    assert.ok(!line.done, 'the clients report each level');
    assert.deepEqual(JSON.parse(line.value).level, n);
    assert.equal(JSON.parse(line.value).open, n, `all ${n} connections open`);
    return settledAnon(server.pid!);
  };
  const atBase = await level(BASE);
  clients.stdin!.write('next\n');
  const atFull = await level(FULL);
  clients.stdin!.end();
  const outside = (atFull - atBase) / (FULL - BASE);

  t.diagnostic(`per added connection: outside ${(outside / 1024).toFixed(2)} KiB, wsbench run ${(runFigure / 1024).toFixed(2)} KiB`);
  const ratio = Math.max(outside, runFigure) / Math.min(outside, runFigure);
  assert.ok(outside > 0 && ratio <= AGREE, `outside ${(outside / 1024).toFixed(2)} KiB, run ${(runFigure / 1024).toFixed(2)} KiB per added connection: ${ratio.toFixed(2)}x apart`);
});
