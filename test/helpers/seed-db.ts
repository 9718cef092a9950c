// A database holding one complete fixture run, written through the embedded collector path.
import { Ingestor, digestOf } from '../../collector/ingest.ts';
import { encodeBatch } from '../../collector/ndjson.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { clientSample, runRecord, serverSample, T0 } from './fixtures.ts';

export function fixtureRecords(name = 'fixture run'): IngestRecord[] {
  const records: IngestRecord[] = [runRecord({ name }), { kind: 'phase', seq: 0, name: 'hold', startedMs: T0, endedMs: T0 + 10_000, verdict: 'stable' }];
  for (let s = 1; s <= 10; s++) {
    records.push(serverSample(T0 + s * 1000));
    records.push(clientSample(T0 + s * 1000, 'shard-0', [1, 2, 3]));
    records.push({ kind: 'tick', source: 'probe', n: s, scheduledMs: T0 + s * 1000, receivers: 4, expectedReceivers: 4, spreadMs: 1.5 });
  }
  records.push({ kind: 'event', t: T0 + 5000, source: 'runner', type: 'warning', message: 'note', data: { a: [1, 2] } });
  records.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 11_000, tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_128_GCM_SHA256' });
  return records;
}

export function seedDatabase(file: string, runId = 'fixture', name?: string): Db {
  const db = openDatabase(file);
  const records = fixtureRecords(name);
  const header = { batch: `${runId}.0`, run: runId };
  new Ingestor(db).ingest(header, records, digestOf(encodeBatch(header, records)));
  return db;
}
