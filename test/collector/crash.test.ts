// The collector killed with SIGKILL mid-stream: every acknowledged batch survives, and what the
// sender buffered while it was down arrives once it is back, with nothing stored twice.
import assert from 'node:assert/strict';
import path from 'node:path';
import { once } from 'node:events';
import { test } from 'node:test';
import { openDatabase } from '../../collector/schema.ts';
import { BatchSender, HttpTransport } from '../../collector/sender.ts';
import { startCollectorCli } from '../helpers/cli.ts';
import { clientSample, runRecord, T0, tempDir } from '../helpers/fixtures.ts';

const startCollector = startCollectorCli;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('kill -9 of the collector mid-stream loses no acknowledged batch and no buffered one', async () => {
  const db = path.join(tempDir(), 'crash.db');
  let { child, url } = await startCollector(db, 0);
  const port = Number(new URL(url).port);
  const acked: string[] = [];
  const sender = new BatchSender({
    transport: new HttpTransport(url, { timeoutMs: 2000 }),
    run: 'crash',
    flushIntervalMs: 20,
    maxBatchRecords: 10,
    onAcked: (id) => acked.push(id),
  });
  sender.push(runRecord());
  let pushed = 0;
  /** Pushes a sample every 2 ms until `done()`, failing after `limitMs`: waits on what happened, not on a clock. */
  const pushUntil = async (done: () => boolean, limitMs: number, what: string) => {
    const end = Date.now() + limitMs;
    while (!done()) {
      assert.ok(Date.now() < end, `${what}: not within ${limitMs} ms (${acked.length} batches acknowledged, ${pushed} samples pushed)`);
      sender.push(clientSample(T0 + ++pushed * 1000, 'shard-0'));
      await sleep(2);
    }
  };

  // Mid-stream: several batches acknowledged, more in flight.
  await pushUntil(() => acked.length > 3, 20_000, 'batches acknowledged before the kill');
  child.kill('SIGKILL');
  await once(child, 'exit');
  const ackedAtKill = [...acked];

  // Collector down: all of this must be buffered.
  const pushedAtKill = pushed;
  await pushUntil(() => pushed - pushedAtKill >= 100, 20_000, 'samples pushed while the collector is down');
  const buffered = sender.getStats().pendingRecords;
  assert.ok(buffered >= 100, `expected the 100 records pushed while the collector is down to be buffered, got ${buffered}`);

  ({ child } = await startCollector(db, port));
  const stats = await sender.close(15_000);
  assert.equal(stats.pendingRecords, 0, 'sender still holds records after the restart');
  assert.ok(stats.retries > 0);
  child.kill('SIGTERM');
  await once(child, 'exit');

  const check = openDatabase(db, { readonly: true });
  const stored = new Set((check.prepare('SELECT id FROM batches').all() as { id: string }[]).map((r) => r.id));
  for (const id of ackedAtKill) assert.ok(stored.has(id), `acknowledged batch ${id} lost`);
  const rows = check.prepare(`SELECT count(*) AS n, min(t_ms) AS lo, max(t_ms) AS hi FROM client_samples WHERE run_id = 'crash'`).get() as any;
  assert.equal(rows.n, pushed, 'every pushed sample is stored exactly once');
  assert.equal(rows.lo, T0 + 1000);
  assert.equal(rows.hi, T0 + pushed * 1000);
  check.close();
});
