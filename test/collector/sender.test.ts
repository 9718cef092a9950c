// The batch sender: retries reuse the batch id and body, refusals are reported, order is kept.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Ingestor } from '../../collector/ingest.ts';
import { openDatabase } from '../../collector/schema.ts';
import { BatchSender, LocalTransport, type SendReply, type Transport } from '../../collector/sender.ts';
import { runRecord, serverSample, T0, tempDir } from '../helpers/fixtures.ts';

test('a failing transport gets the same batch (id and bytes) again until it succeeds, in order', async () => {
  const db = openDatabase(path.join(tempDir(), 's.db'));
  const local = new LocalTransport(new Ingestor(db));
  const sent: string[] = [];
  let failuresLeft = 3;
  const flaky: Transport = {
    describe: 'flaky',
    async send(body: string): Promise<SendReply> {
      sent.push(body);
      if (failuresLeft-- > 0) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
      return local.send(body);
    },
  };
  const connectivity: [boolean, string][] = [];
  const sender = new BatchSender({ transport: flaky, run: 'r', senderId: 'S', flushIntervalMs: 10_000, onConnectivity: (up, why) => connectivity.push([up, why]) });
  sender.push(runRecord());
  await sender.flush();
  sender.push(serverSample(T0 + 1000));
  const stats = await sender.close();
  assert.equal(stats.retries, 3);
  assert.equal(stats.ackedBatches, 2);
  assert.deepEqual(sent.slice(0, 4).map((b) => JSON.parse(b.split('\n')[0]!).batch), ['S.0', 'S.0', 'S.0', 'S.0']);
  assert.equal(new Set(sent.slice(0, 4)).size, 1, 'retries must resend identical bytes');
  assert.deepEqual(connectivity, [[false, 'connect ECONNREFUSED'], [true, 'flaky']]);
  assert.equal((db.prepare('SELECT count(*) AS n FROM server_samples').get() as { n: number }).n, 1);
  db.close();
});

test('a batch the collector refuses for good is reported, not retried forever', async () => {
  const db = openDatabase(path.join(tempDir(), 's.db'));
  const rejected: [string, number][] = [];
  const sender = new BatchSender({ transport: new LocalTransport(new Ingestor(db)), run: 'ghost', senderId: 'G', onRejected: (id, reply) => rejected.push([id, reply.status]) });
  sender.push(serverSample(T0));
  const stats = await sender.close(2000);
  assert.deepEqual(rejected, [['G.0', 404]]);
  assert.equal(stats.rejectedBatches, 1);
  assert.equal(stats.pendingRecords, 0);
  assert.throws(() => sender.push(serverSample(T0 + 1)), /after close/);
  db.close();
});
