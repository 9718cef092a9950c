// Property-based fuzzing of ingestion (fast-check) through the real HTTP service started by the
// real CLI with its default flags: every broken batch gets a 4xx and leaves every table
// byte-identical; every valid one is stored exactly once, a replay of it acknowledged as a
// duplicate. A fixed seed and case count in CI; WSBENCH_FUZZ_RUNS=N for more, WSBENCH_FUZZ_SEED to
// replay a failure.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { openDatabase } from '../../collector/schema.ts';
import { startCollectorCli } from '../helpers/cli.ts';
import { clientSample, runRecord, serverSample, snapshot, T0, tempDir } from '../helpers/fixtures.ts';

const RUNS = Number(process.env.WSBENCH_FUZZ_RUNS ?? 120);
const SEED = Number(process.env.WSBENCH_FUZZ_SEED ?? 20261128);
let child: ChildProcess;
let url: string;
let db: string;

before(async () => {
  db = path.join(tempDir(), 'fuzz.db');
  ({ child, url } = await startCollectorCli(db));
  // The run every generated batch writes to.
  const res = await send(Buffer.from(line({ batch: 'seed.0', run: 'fuzz' }) + line(runRecord())));
  assert.equal(res.status, 200);
});
after(() => child?.kill('SIGKILL'));

const line = (v: unknown) => JSON.stringify(v) + '\n';
async function send(body: Buffer): Promise<{ status: number; body: any }> {
  for (;;) {
    const r = await fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: new Uint8Array(body) });
    const json = await r.json();
    // The rate limit is a property of the sender, not of the batch: wait and send it again.
    if (r.status !== 429) return { status: r.status, body: json };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
function tables(): string {
  const d = openDatabase(db, { readonly: true });
  try {
    return snapshot(d);
  } finally {
    d.close();
  }
}
const count = (sql: string) => {
  const d = openDatabase(db, { readonly: true });
  try {
    return (d.prepare(sql).get() as { n: number }).n;
  } finally {
    d.close();
  }
};

let sources = 0;
/** A valid batch: samples of fresh sources, in order, with any valid values. */
const validBatch = fc
  .record({
    servers: fc.array(fc.record({ rss: fc.nat({ max: 2 ** 40 }), cpu: fc.double({ min: 0, max: 800, noNaN: true }), conns: fc.nat({ max: 200_000 }) }), { minLength: 1, maxLength: 5 }),
    clients: fc.array(fc.record({ open: fc.nat({ max: 20_000 }), received: fc.nat({ max: 1e6 }), lat: fc.array(fc.double({ min: 0.001, max: 60_000, noNaN: true }), { maxLength: 5 }) }), { maxLength: 5 }),
    text: fc.string({ maxLength: 200 }),
  })
  .map(({ servers, clients, text }) => {
    const id = sources++;
    const records: unknown[] = servers.map((s, i) => serverSample(T0 + i * 1000, { source: `srv-${id}`, rssBytes: s.rss, cpuUserPct: s.cpu, connections: s.conns, procs: [] }));
    clients.forEach((c, i) => records.push(clientSample(T0 + i * 1000, `cli-${id}`, c.lat, { open: c.open, received: c.received })));
    records.push({ kind: 'event', t: T0, source: `srv-${id}`, type: 'warning', message: text, data: { text } });
    return { id: `valid.${id}`, records };
  });

/** Ways a batch can be broken, each on top of a valid one. */
const broken = fc.oneof(
  fc.constant('wrong-type'), fc.constant('non-finite'), fc.constant('deep'), fc.constant('huge-string'), fc.constant('bad-utf8'),
  fc.constant('unknown-kind'), fc.constant('out-of-order'), fc.constant('unknown-run'), fc.constant('replay-other-bytes'), fc.constant('bad-json'), fc.constant('missing-field'),
);

const encode = (id: string, run: string, records: unknown[]) => Buffer.from(line({ batch: id, run }) + records.map(line).join(''));

test(`ingestion fuzzing: ${RUNS} generated batches, valid and broken (seed ${SEED})`, { timeout: 600_000 }, async () => {
  const stored: string[] = [];
  await fc.assert(
    fc.asyncProperty(validBatch, fc.option(broken, { freq: 2 }), fc.nat(), async (batch, fault, pick) => {
      const records = batch.records as Record<string, any>[];
      const at = pick % records.length;
      if (fault === null) {
        const body = encode(batch.id, 'fuzz', records);
        const before = count('SELECT count(*) AS n FROM server_samples') + count('SELECT count(*) AS n FROM client_samples') + count('SELECT count(*) AS n FROM events');
        const res = await send(body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.records, records.length);
        const again = await send(body);
        assert.deepEqual([again.status, again.body.duplicate], [200, true], 'a replay is acknowledged, not stored again');
        const afterCount = count('SELECT count(*) AS n FROM server_samples') + count('SELECT count(*) AS n FROM client_samples') + count('SELECT count(*) AS n FROM events');
        assert.equal(afterCount - before, records.length, 'stored exactly once');
        stored.push(batch.id);
        return;
      }
      let body: Buffer;
      const r = structuredClone(records);
      switch (fault) {
        case 'wrong-type': r[at]!.t = 'soon'; body = encode(batch.id, 'fuzz', r); break;
        case 'non-finite': body = Buffer.from(encode(batch.id, 'fuzz', r).toString().replace(/"t":\d+/, '"t":1e999')); break;
        case 'deep': r[at]!.data = JSON.parse('{"d":'.repeat(40) + '1' + '}'.repeat(40)); r[at]!.kind = 'event'; r[at]!.type = 'x'; r[at]!.message = 'm'; r[at]!.source = 's'; r[at]!.t = T0; body = encode(batch.id, 'fuzz', r); break;
        case 'huge-string': r[at]!.source = 'x'.repeat(70_000); body = encode(batch.id, 'fuzz', r); break;
        case 'bad-utf8': body = Buffer.concat([encode(batch.id, 'fuzz', r), Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d, 0x0a])]); break;
        case 'unknown-kind': r[at]!.kind = 'telemetry'; body = encode(batch.id, 'fuzz', r); break;
        case 'out-of-order': r.push({ ...r[0]!, t: r[0]!.t - 1000 }); body = encode(batch.id, 'fuzz', r); break;
        case 'unknown-run': body = encode(batch.id, 'no-such-run', r); break;
        case 'replay-other-bytes': {
          if (stored.length === 0) return;
          body = encode(stored[pick % stored.length]!, 'fuzz', r);
          break;
        }
        case 'bad-json': body = Buffer.from(encode(batch.id, 'fuzz', r).toString().replace(/}\n$/, '\n')); break;
        case 'missing-field': delete r[at]!.source; body = encode(batch.id, 'fuzz', r); break;
        default: throw new Error(`fault ${fault}`);
      }
      const before = tables();
      const res = await send(body);
      assert.ok(res.status >= 400 && res.status < 500, `${fault}: answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      assert.equal(typeof res.body.error?.message, 'string', `${fault}: the refusal names the problem`);
      assert.equal(tables(), before, `${fault}: a refused batch changed the database`);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  assert.ok(stored.length > 0, 'some valid batches were generated');
  if (process.env.WSBENCH_FUZZ_DEBUG) console.log(`stored ${stored.length} valid batches`);
});
