// Ingestion over the real HTTP service: round trip, idempotent retries, and every bad input
// answered with a 4xx naming the problem while the database stays exactly as it was.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getSummary, getTimeline } from '../../collector/query.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { recordedScenario } from '../../collector/scenario.ts';
import { CollectorService } from '../../collector/service.ts';
import { clientSample, ndjson, runRecord, serverSample, snapshot, T0, tempDir } from '../helpers/fixtures.ts';

/** HDR histograms at 3 significant digits report a value's bucket top: within 0.1%. */
function near(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= expected * 0.001, `${actual} is not within 0.1% of ${expected}`);
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson', ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe('ingestion service', () => {
  let db: Db;
  let service: CollectorService;
  let url: string;

  before(async () => {
    db = openDatabase(path.join(tempDir(), 'ingest.db'));
    service = new CollectorService(db, { port: 0, maxBodyBytes: 64 * 1024, maxBatchesPerSec: 1000 });
    url = await service.listen();
  });
  after(async () => {
    await service.close();
    await service.close(); // safe twice
    db.close();
  });

  test('a run streamed in batches reads back sample for sample, with figures from merged histograms', async () => {
    const first = ndjson({ batch: 'rt.0', run: 'rt' }, [
      runRecord({ name: 'round trip' }),
      { kind: 'phase', seq: 0, name: 'ramp', startedMs: T0, endedMs: T0 + 2000, targetConnections: 1000 },
      { kind: 'phase', seq: 1, name: 'hold', startedMs: T0 + 2000 },
      serverSample(T0 + 1000, { connections: 400, rssBytes: 50_000_000 }),
      clientSample(T0 + 1000, 'shard-0', [], { open: 400, opened: 400, received: 0, expected: 0 }),
    ]);
    assert.deepEqual((await post(url, first)).body, { batch: 'rt.0', run: 'rt', records: 5, duplicate: false });

    const records = [];
    for (let s = 2; s <= 5; s++) {
      records.push(serverSample(T0 + s * 1000, { rssBytes: 100_000_000 + s, connections: 1000 }));
      // Two shards per second; latencies 1..100 ms on shard-0 and 101..200 on shard-1.
      records.push(clientSample(T0 + s * 1000 + 3, 'shard-0', Array.from({ length: 100 }, (_, i) => i + 1)));
      records.push(clientSample(T0 + s * 1000 + 7, 'shard-1', Array.from({ length: 100 }, (_, i) => i + 101), { missing: s === 5 ? 3 : 0, received: s === 5 ? 247 : 250 }));
      records.push({ kind: 'tick', source: 'probe', n: s, scheduledMs: T0 + s * 1000, receivers: 10, expectedReceivers: 10, firstMs: T0 + s * 1000 + 1, lastMs: T0 + s * 1000 + 1 + s * 10, spreadMs: s * 10 });
    }
    records.push({ kind: 'phase', seq: 1, name: 'hold', startedMs: T0 + 2000, endedMs: T0 + 5000, verdict: 'stable' });
    records.push({ kind: 'event', t: T0 + 4000, source: 'sampler', type: 'warning', message: 'a <b>warning</b>', data: { x: 1 } });
    records.push({ kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: T0 + 6000, tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_128_GCM_SHA256', validity: { ok: true } });
    assert.equal((await post(url, ndjson({ batch: 'rt.1', run: 'rt' }, records))).status, 200);

    const timeline = getTimeline(db, 'rt');
    assert.equal(timeline.run.tlsCipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(timeline.run.status, 'completed');
    assert.deepEqual(timeline.run.validity, { ok: true });
    // Read back typed (collector/scenario.ts), every field the runner wrote kept as written.
    assert.deepEqual(timeline.run.scenarioParams, recordedScenario(runRecord().scenario));
    for (const [key, value] of Object.entries(runRecord().scenario)) assert.deepEqual(timeline.run.scenarioParams[key], value, key);
    assert.equal(timeline.server.length, 5);
    assert.equal(timeline.processes.length, 10);
    assert.deepEqual(timeline.clientSources, ['shard-0', 'shard-1']);
    assert.equal(timeline.clients.length, 5);
    const second3 = timeline.clients.find((c) => c.tMs === T0 + 3000)!;
    assert.equal(second3.sources, 2);
    assert.equal(second3.received, 500);
    assert.equal(second3.open, 1000);
    assert.equal(second3.latency.count, 200);
    near(second3.latency.p50Ms, 100);
    assert.deepEqual(timeline.phases.map((p) => [p.name, p.verdict]), [['ramp', null], ['hold', 'stable']]);
    assert.equal(timeline.events[0]!.message, 'a <b>warning</b>');
    assert.equal(timeline.ticks.length, 4);

    const summary = getSummary(db, 'rt');
    assert.equal(summary.window.basis, 'hold');
    // Hold = seconds 2..5: 4 seconds × 2 shards × 250 expected, 3 missing in the last one.
    assert.equal(summary.expected, 2000);
    assert.equal(summary.received, 1997);
    assert.equal(summary.missing, 3);
    assert.equal(summary.deliveredPct, (100 * 1997) / 2000);
    assert.equal(summary.msgsPerSecExpected, 500);
    assert.equal(summary.peakConnections, 1000);
    // Median RSS over the hold is between 100_000_003 and 100_000_004; bytes/conn rounds it.
    assert.equal(summary.steadyRssBytes, 100_000_003.5);
    assert.equal(summary.bytesPerConn, 100_000);
    assert.equal(summary.cpuPctAvg, 25);
    assert.equal(summary.latency.count, 800);
    near(summary.latency.p50Ms, 100);
    near(summary.latency.p99Ms, 198);
    near(summary.latency.maxMs, 200);
    assert.equal(summary.worstSpreadMs, 50);
  });

  test('a retried batch (same id, same body) is acknowledged again and stored once', async () => {
    const body = ndjson({ batch: 'idem.0', run: 'idem' }, [runRecord(), serverSample(T0 + 1000)]);
    const first = await post(url, body);
    const before = snapshot(db);
    const retry = await post(url, body);
    assert.equal(first.status, 200);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.duplicate, true);
    assert.equal(snapshot(db), before);
    const reused = await post(url, ndjson({ batch: 'idem.0', run: 'idem' }, [serverSample(T0 + 2000)]));
    assert.equal(reused.status, 409);
    assert.equal(reused.body.error.code, 'batch-id-reused');
    assert.equal(snapshot(db), before);
  });

  describe('bad input gets a 4xx naming the problem and writes nothing', () => {
    before(async () => {
      const ok = await post(url, ndjson({ batch: 'bad.0', run: 'bad' }, [runRecord(), serverSample(T0 + 5000), clientSample(T0 + 5000, 'shard-0')]));
      assert.equal(ok.status, 200);
    });

    const cases: [string, () => Promise<{ status: number; body: any }>, number, string, RegExp][] = [
      ['bad JSON', () => post(url, '{"batch":"b1","run":"bad"}\n{"kind": "server", oops}\n'), 400, 'bad-json', /^line 2: invalid JSON/],
      ['empty body', () => post(url, ''), 400, 'bad-header', /empty body/],
      ['header without batch id', () => post(url, ndjson({ run: 'bad' }, [])), 400, 'bad-header', /header field "batch"/],
      ['wrong type', () => post(url, ndjson({ batch: 'b2', run: 'bad' }, [serverSample(T0 + 6000), { ...serverSample(T0 + 7000), rssBytes: '12MB' }])), 400, 'bad-record', /^line 3: "server" record: field "rssBytes" must be a non-negative integer, got "12MB"/],
      ['missing field', () => post(url, ndjson({ batch: 'b3', run: 'bad' }, [{ kind: 'client', source: 'x', t: T0 + 9000 }])), 400, 'bad-record', /missing field "open"/],
      ['unknown record kind', () => post(url, ndjson({ batch: 'b4', run: 'bad' }, [{ kind: 'gossip' }])), 400, 'bad-record', /unknown record kind "gossip"/],
      ['bad process entry', () => post(url, ndjson({ batch: 'b5', run: 'bad' }, [serverSample(T0 + 6000, { procs: [{ pid: -1 } as any] })])), 400, 'bad-record', /procs\[0\]: field "pid"/],
      ['bad verdict', () => post(url, ndjson({ batch: 'b6', run: 'bad' }, [{ kind: 'run-update', verdict: 'great' }])), 400, 'bad-record', /"verdict" must be one of stable/],
      ['unknown run', () => post(url, ndjson({ batch: 'b7', run: 'nope' }, [serverSample(T0)])), 404, 'unknown-run', /unknown run "nope"/],
      ['run created twice', () => post(url, ndjson({ batch: 'b8', run: 'bad' }, [runRecord()])), 409, 'run-exists', /run "bad" already exists/],
      ['out-of-order sample', () => post(url, ndjson({ batch: 'b9', run: 'bad' }, [serverSample(T0 + 6000), serverSample(T0 + 4000)])), 409, 'out-of-order', /^line 3: server sample t=\d+ from source "sampler" is older than the last one stored/],
      ['sample older than the database', () => post(url, ndjson({ batch: 'b10', run: 'bad' }, [clientSample(T0 + 1000, 'shard-0')])), 409, 'out-of-order', /client sample/],
      ['duplicate sample', () => post(url, ndjson({ batch: 'b11', run: 'bad' }, [serverSample(T0 + 5000)])), 409, 'duplicate-sample', /is already stored/],
      ['duplicate within a batch', () => post(url, ndjson({ batch: 'b12', run: 'bad' }, [clientSample(T0 + 8000, 's9'), clientSample(T0 + 8000, 's9')])), 409, 'duplicate-sample', /^line 3:/],
      ['oversized body', () => post(url, ndjson({ batch: 'b13', run: 'bad' }, [{ kind: 'event', t: T0, source: 'x', type: 'note', message: 'x'.repeat(60_000) }, { kind: 'event', t: T0, source: 'x', type: 'note', message: 'y'.repeat(60_000) }])), 413, 'body-too-large', /exceeds the limit of 65536 bytes/],
      ['wrong content type', () => post(url, ndjson({ batch: 'b14', run: 'bad' }, []), { 'content-type': 'text/plain' }), 415, 'bad-content-type', /application\/x-ndjson/],
    ];
    for (const [name, send, status, code, message] of cases) {
      test(name, async () => {
        const before = snapshot(db);
        const res = await send();
        assert.equal(res.status, status, JSON.stringify(res.body));
        assert.equal(res.body.error.code, code);
        assert.match(res.body.error.message, message);
        assert.equal(snapshot(db), before, 'database changed');
      });
    }

    test('the service is still up and counting after all that', async () => {
      const res = await fetch(`${url}/v1/health`);
      const body = (await res.json()) as any;
      assert.equal(res.status, 200);
      assert.ok(body.rejected >= cases.length);
      const ok = await post(url, ndjson({ batch: 'bad.1', run: 'bad' }, [serverSample(T0 + 6000)]));
      assert.equal(ok.status, 200);
    });
  });
});

describe('security and bounds', () => {
  test('a token is demanded when set, and binding off loopback without one is refused', async () => {
    const db = openDatabase(path.join(tempDir(), 'auth.db'));
    assert.throws(() => new CollectorService(db, { host: '0.0.0.0', port: 0 }), /--host 0.0.0.0 is reachable from other machines: give --token/);
    const service = new CollectorService(db, { port: 0, token: 'secret-token-1' });
    const url = await service.listen();
    const body = ndjson({ batch: 'a.0', run: 'a' }, [runRecord()]);
    const before = snapshot(db);
    const missing = await post(url, body);
    assert.equal(missing.status, 401);
    assert.match(missing.body.error.message, /missing "Authorization: Bearer TOKEN"/);
    const wrong = await post(url, body, { authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.message, 'wrong bearer token');
    assert.equal(snapshot(db), before);
    assert.equal((await post(url, body, { authorization: 'Bearer secret-token-1' })).status, 200);
    await service.close();
    db.close();
  });

  test('a sender over its rate gets 429 with Retry-After', async () => {
    const db = openDatabase(path.join(tempDir(), 'rate.db'));
    const service = new CollectorService(db, { port: 0, maxBatchesPerSec: 2 });
    const url = await service.listen();
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 8; i++) {
      const res = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson({ batch: `r.${i}`, run: 'nope' }, []) });
      statuses.push(res.status);
      if (res.status === 429) assert.equal(res.headers.get('retry-after'), '1');
      await res.arrayBuffer();
    }
    const elapsedSec = (Date.now() - started) / 1000;
    // Burst of 4 (twice the rate) answered (404: unknown run), the rest refused, but for what
    // the bucket earned back meanwhile: 2 a second, so a busy machine that took longer to send
    // the eight gets the odd one more answer, never more than that.
    assert.deepEqual(statuses.slice(0, 4), [404, 404, 404, 404]);
    const refused = statuses.slice(4).filter((s) => s === 429).length;
    assert.ok(statuses.slice(4).every((s) => s === 429 || s === 404), statuses.join(','));
    assert.ok(4 - refused <= Math.floor(2 * elapsedSec), `${4 - refused} answered past the burst in ${elapsedSec.toFixed(2)} s: ${statuses.join(',')}`);
    if (elapsedSec < 0.5) assert.equal(refused, 4, statuses.join(','));
    await service.close();
    db.close();
  });
});
