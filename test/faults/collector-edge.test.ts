// The collector's edge, as a hostile client meets it: the real `wsbench collector` started with
// its default flags refuses a huge body (even one only declared, even one written all at once),
// answers a burst with 429, refuses deep nesting and invalid UTF-8 with a 4xx naming the line,
// and stores nothing of a refused batch.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openDatabase } from '../../collector/schema.ts';
import { startCollectorCli } from '../helpers/cli.ts';
import { runRecord, snapshot, tempDir } from '../helpers/fixtures.ts';

let child: ChildProcess;
let url: string;
let db: string;

before(async () => {
  db = path.join(tempDir(), 'edge.db');
  ({ child, url } = await startCollectorCli(db));
});
after(() => child?.kill('SIGKILL'));

const post = (body: string | Buffer, id = 'b') =>
  fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: typeof body === 'string' ? body : new Uint8Array(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, id }));
const line = (v: unknown) => JSON.stringify(v) + '\n';
const tables = () => {
  const d = openDatabase(db, { readonly: true });
  try {
    return snapshot(d);
  } finally {
    d.close();
  }
};

test('with default flags, a body over 16 MB is refused with 413', async () => {
  const big = line({ batch: 'big.0', run: 'big' }) + line({ ...runRecord(), notes: 'x'.repeat(60_000) }).repeat(300);
  assert.ok(Buffer.byteLength(big) > 16 * 1024 * 1024);
  const res = await post(big);
  assert.equal(res.status, 413);
  assert.equal(res.body.error.code, 'body-too-large');
});

test('a request declaring a 100 GB body is answered 413 at once, and its connection closed', async () => {
  const port = Number(new URL(url).port);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write('POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: 100000000000\r\n\r\n{"batch":');
  let reply = '';
  socket.on('data', (d) => (reply += d));
  const closed = await Promise.race([new Promise((r) => socket.once('close', () => r(true))), new Promise((r) => setTimeout(() => r(false), 3000))]);
  socket.destroy();
  assert.match(reply, /^HTTP\/1\.1 413 /);
  assert.ok(closed, 'the connection is closed, not held');
});

test('a raw client writing an 18 MB body at once gets the whole 413 reply before the connection closes', async () => {
  // The reply is written while most of the body is still unread: the collector half-closes and
  // reads the rest away, so no reset can overtake the reply (it did, on a busy machine).
  const port = Number(new URL(url).port);
  for (let i = 0; i < 5; i++) {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let reply = '';
    let error = '';
    socket.on('data', (d) => (reply += d));
    socket.on('error', (e) => (error = e.message));
    const closed = new Promise((r) => socket.once('close', r));
    const body = Buffer.alloc(18 * 1024 * 1024, 0x61);
    socket.write(Buffer.concat([Buffer.from(`POST /v1/batches HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
    await closed;
    assert.match(reply, /^HTTP\/1\.1 413 /, `attempt ${i + 1}: ${error || 'no reply'}`);
    assert.match(reply, /"code":"body-too-large"/);
  }
});

test('a burst from one sender beyond the default rate is answered 429 with Retry-After, and never more is let through', async () => {
  // The default: 200 batches/s, a burst of 400. A burst that takes a busy machine longer to send
  // is judged by what the limiter may let through in the time it took: 400 + 200/s.
  let limitedSeen = 0;
  for (let wave = 0; wave < 5 && limitedSeen === 0; wave++) {
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 800 }, (_, i) =>
        fetch(`${url}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: line({ batch: `burst.${wave}.${i}`, run: 'burst' }) + line(runRecord()) }).then((r) => [r.status, r.headers.get('retry-after')] as const),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const limited = results.filter(([s]) => s === 429);
    const accepted = results.filter(([s]) => s === 200).length;
    assert.ok(accepted <= 400 + 200 * seconds + 1, `${accepted} accepted in ${seconds.toFixed(2)} s`);
    assert.ok(limited.every(([, retry]) => retry === '1'));
    limitedSeen += limited.length;
    await new Promise((r) => setTimeout(r, 2100)); // the bucket refills before the next wave
  }
  assert.ok(limitedSeen > 0, 'no 429 in five bursts of 800');
});

test('a record nested 10,000 deep is refused with 400 naming its line, and nothing is stored', async () => {
  // Written as text: JSON.stringify itself overflows the stack on such a value.
  const deep = '{"d":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  const before = tables();
  for (const field of ['data', 't', 'message']) {
    const body = line({ batch: `deep.${field}`, run: 'deep' }) + line(runRecord()) + `{"kind":"event","t":1,"source":"x","type":"warning","message":"m","${field}":${deep}}\n`;
    const res = await post(body);
    assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 200));
    assert.deepEqual(res.body.error, { code: 'too-deep', message: 'line 3: nested deeper than 32 levels', line: 3 });
  }
  assert.equal(tables(), before);
});

test('invalid UTF-8 is refused with 400 naming its line, never stored as U+FFFD', async () => {
  const before = tables();
  const body = Buffer.concat([Buffer.from(line({ batch: 'utf.0', run: 'utf' }) + line(runRecord())), Buffer.from('{"kind":"event","t":1,"source":"x","type":"warning","message":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
  const res = await post(body);
  assert.equal(res.status, 400);
  assert.deepEqual(res.body.error, { code: 'bad-encoding', message: 'line 3: not valid UTF-8', line: 3 });
  assert.equal(tables(), before);
});

test('after all that, a valid batch is stored', async () => {
  await new Promise((r) => setTimeout(r, 2500)); // let the rate limit's bucket refill
  const res = await post(line({ batch: 'ok.0', run: 'ok' }) + line(runRecord()));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.records, 1);
});
