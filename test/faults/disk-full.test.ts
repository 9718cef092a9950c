// The database's disk full: on a small tmpfs (root only; skipped with its reason otherwise) the
// collector answers 5xx without corrupting the database, the sender keeps what it could not
// deliver, and once space returns every sample arrives, each exactly once.
import assert from 'node:assert/strict';
import { execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../../collector/schema.ts';
import { BatchSender, HttpTransport } from '../../collector/sender.ts';
import { startCollectorCli } from '../helpers/cli.ts';
import { clientSample, runRecord, T0, tempDir } from '../helpers/fixtures.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function mountTmpfs(dir: string, size: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a tmpfs here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`;
  }
}

const dir = tempDir('wsbench-full-');
const why = mountTmpfs(dir, '4m');

test('disk full under the database: 5xx, no corruption, the sender buffers, nothing lost once space returns', { skip: why ?? false }, async () => {
  const db = path.join(dir, 'full.db');
  const filler = path.join(dir, 'filler');
  let child: ChildProcess | undefined;
  try {
    let url: string;
    ({ child, url } = await startCollectorCli(db));
    const statuses: number[] = [];
    const transport = new HttpTransport(url, { timeoutMs: 2000 });
    const sender = new BatchSender({ transport, run: 'full', flushIntervalMs: 20, maxBatchRecords: 50 });
    sender.push(runRecord());
    let pushed = 0;
    const pushFor = async (ms: number) => {
      const end = Date.now() + ms;
      while (Date.now() < end) {
        sender.push(clientSample(T0 + ++pushed * 1000, 'shard-0', [1, 2, 3]));
        await sleep(1);
      }
    };
    await pushFor(300);
    await sender.flush(10_000);
    // Take every byte left: the next transactions cannot be written.
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point.
    }
    // A direct request while full: answered 5xx (the sender retries those), with the reason.
    const body = JSON.stringify({ batch: 'direct.0', run: 'full' }) + '\n' + Array.from({ length: 200 }, (_, i) => JSON.stringify(clientSample(T0 + 10_000_000 + i * 1000, 'direct', [5]))).join('\n') + '\n';
    const res = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    statuses.push(res.status);
    const text = await res.text();
    assert.ok(res.status >= 500, `a full disk answered ${res.status}: ${text}`);
    await pushFor(500);
    await sleep(500);
    const buffered = sender.getStats().pendingRecords;
    assert.ok(buffered > 0, 'the sender holds what the collector could not store');
    // The database is intact while full.
    const check = openDatabase(db, { readonly: true });
    assert.equal((check.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check, 'ok');
    check.close();
    // Space returns: everything arrives, once.
    fs.rmSync(filler);
    const stats = await sender.close(20_000);
    assert.equal(stats.pendingRecords, 0, 'records left after space returned');
    assert.ok(stats.retries > 0, 'the sender retried while the disk was full');
    const after = openDatabase(db, { readonly: true });
    const rows = after.prepare(`SELECT count(*) AS n, count(DISTINCT t_ms) AS d FROM client_samples WHERE run_id = 'full' AND source = 'shard-0'`).get() as { n: number; d: number };
    assert.deepEqual(rows, { n: pushed, d: pushed }, 'every pushed sample stored exactly once');
    assert.equal((after.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check, 'ok');
    after.close();
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    fs.rmSync(filler, { force: true });
    if (!why) execFileSync('umount', [dir]);
  }
});
