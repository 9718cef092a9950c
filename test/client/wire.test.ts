// The load generator against real and misbehaving servers: the lean Socket.IO client receives
// exactly what socket.io-client receives, and a server that drops every 10th tick for one
// client is counted exactly by the real shard process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import type { ClientSample } from '../../collector/records.ts';
import { BACKENDS, getBackend } from '../../runners/backends/registry.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';
import { resolveTls } from '../../runners/backends/tls.ts';
import { nativeClientBinary } from '../../runners/client/native.ts';
import { CERT_DIR, connectClient, startBackend } from '../helpers/backends.ts';
import { collectFleet, fleetOptions } from '../helpers/fleet.ts';


test('the lean Socket.IO client gets the same ticks, byte for byte, as socket.io-client', async () => {
  const { backend, t0Ms } = await startBackend('socketio', { intervalMs: 100 });
  const reference = await connectClient('socketio', backend);
  const options = fleetOptions(backend.port, { protocol: 'socketio', t0Ms, connections: 2, probes: 2 });
  const { samples, ticks, tls } = await collectFleet(options, 2, 1500);
  reference.close();
  await backend.stop();
  assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
  const judged = ticks.filter((t) => t.expectedReceivers === 2);
  assert.ok(judged.length >= 5, `only ${judged.length} ticks judged`);
  const referenceSeqs = new Set(reference.received.map((r) => r.message.seq));
  for (const t of judged) {
    assert.equal(t.receivers, 2, `tick ${t.n}`);
    assert.ok(referenceSeqs.has(t.n), `socket.io-client did not get tick ${t.n}`);
  }
  for (const r of reference.received) assert.equal(r.text, tickPayload('AAPL', r.message.seq, r.message.scheduledMs));
  const sums = samples.reduce((a, s) => ({ expected: a.expected + s.expected, missing: a.missing + s.missing }), { expected: 0, missing: 0 });
  assert.equal(sums.missing, 0);
  // A connection subscribed between two ticks expects the later one only: the samples' expected
  // is the ticks' sum, whoever was subscribed for each (a tick with one of the two is not judged above).
  assert.equal(sums.expected, ticks.reduce((a, t) => a + (t.expectedReceivers ?? 0), 0));
});

for (const bulkClient of ['node', 'native'] as const) {
  test(`a server that drops every 10th tick for one client is counted exactly (${bulkClient} client)`, async () => {
    const tlsFiles = resolveTls({ dir: CERT_DIR });
    const server = https.createServer({ cert: fs.readFileSync(tlsFiles.certFile), key: fs.readFileSync(tlsFiles.keyFile), minVersion: 'TLSv1.3' });
    const wss = new WebSocketServer({ server });
    const t0Ms = Date.now() + 1000; // everyone is connected before tick 1
    const intervalMs = 100;
    const clients: { send: (s: string) => void }[] = [];
    wss.on('connection', (ws) => clients.push(ws));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    let n = 1;
    const timer = setInterval(() => {
      const due = t0Ms + n * intervalMs;
      if (Date.now() < due) return;
      const payload = tickPayload('AAPL', n, due);
      clients.forEach((ws, i) => {
        if (i === 0 && n % 10 === 0) return; // the first client loses every 10th tick
        ws.send(payload);
      });
      n++;
    }, 5);
    // Native: three bulk connections and no probe; node: the probe process, which also reports per tick.
    const probes = bulkClient === 'native' ? 0 : 3;
    const options = fleetOptions((server.address() as AddressInfo).port, { t0Ms, intervalMs, probes, bulkClient });
    const { samples, ticks, tls } = await collectFleet(options, 3, 4500);
    clearInterval(timer);
    wss.close();
    server.close();

    assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
    const sum = (k: 'expected' | 'missing' | 'dropped' | 'duplicate' | 'outOfOrder' | 'received') => samples.reduce((a, s) => a + s[k], 0);
    assert.equal(sum('expected') % 3, 0, 'every judged tick was expected by all three');
    const judged = sum('expected') / 3; // ticks 1..judged
    assert.ok(judged >= 25, `only ${judged} ticks judged`);
    const drops = Math.floor(judged / 10);
    assert.equal(sum('missing'), drops);
    // A gap is seen when the next tick arrives, one interval later: at most one is not judged yet.
    assert.ok(sum('dropped') === drops || sum('dropped') === drops + 1, `dropped ${sum('dropped')}, judged drops ${drops}`);
    assert.equal(sum('duplicate'), 0);
    assert.equal(sum('outOfOrder'), 0);
    if (probes > 0) {
      // The probes' arrivals of each tick.
      const perTick = ticks.filter((t) => t.n <= judged && t.source === 'probe');
      assert.equal(perTick.length, judged);
      for (const t of perTick) assert.equal(t.receivers, t.n % 10 === 0 ? 2 : 3, `tick ${t.n}: ${t.receivers} receivers`);
    }
    // Every shard's judgement of each tick, summed: the dropped ticks are missing on that tick.
    const judgedTicks = new Map<number, { expected: number; delivered: number; missing: number }>();
    for (const t of ticks.filter((t) => t.delivered !== undefined)) {
      const sum = judgedTicks.get(t.n) ?? { expected: 0, delivered: 0, missing: 0 };
      sum.expected += t.expectedReceivers!;
      sum.delivered += t.delivered!;
      sum.missing += t.missing!;
      judgedTicks.set(t.n, sum);
    }
    assert.equal(judgedTicks.size, judged);
    for (const [n, sum] of judgedTicks) assert.deepEqual(sum, n % 10 === 0 ? { expected: 3, delivered: 2, missing: 1 } : { expected: 3, delivered: 3, missing: 0 }, `tick ${n}`);
  });
}

for (const backend of BACKENDS.keys()) {
  test(`the native bulk client holds ${backend} connections and gets every tick`, async () => {
    const { backend: running, t0Ms } = await startBackend(backend, { intervalMs: 100 });
    const options = fleetOptions(running.port, { protocol: getBackend(backend).protocol, t0Ms, connections: 50, probes: 0, bulkClient: 'native' });
    const { samples, tls } = await collectFleet(options, 50, 2500);
    await running.stop();
    assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
    const last = samples[samples.length - 2]!;
    assert.equal(last.open, 50);
    const expected = samples.reduce((a, s) => a + s.expected, 0);
    assert.ok(expected >= 50 * 5, `only ${expected} expected`);
    assert.equal(samples.reduce((a, s) => a + s.missing, 0), 0);
    assert.ok(samples.every((s) => (s.rssBytes ?? 0) > 0 && s.cpuPct !== undefined));
  });
}

test('the native client keeps the runner\'s clock: a start config\'s clockOffsetMs shifts its samples\' time', async () => {
  // On a client host the shard is told that host's clock minus the runner's; every time it
  // reports must then be in the runner's clock. Here a made-up offset of +60 s must show as
  // samples stamped a minute behind this machine's clock.
  const child = spawn(nativeClientBinary(), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  try {
    const sample = new Promise<ClientSample>((resolve) => child.on('message', (m: any) => m.type === 'sample' && resolve(m.sample)));
    await new Promise<void>((resolve) => child.once('message', () => resolve())); // hello
    child.send({ type: 'start', target: 0, config: { source: 'shard-x', probe: false, protocol: 'raw', host: '127.0.0.1', port: 9, topics: ['stocks/AAPL'], topicOffset: 0, localAddresses: [], perAddress: 5000, connectRatePerSec: 10, maxInFlight: 1, intervalMs: 2000, t0Ms: Date.now() - 60_000, lateMs: 2000, judgeAfterMs: 4000, ciphers: 'TLS_AES_128_GCM_SHA256', clockOffsetMs: 60_000 } });
    const s = await sample;
    const behind = Date.now() - s.t;
    assert.ok(behind > 58_000 && behind < 62_000, `sample stamped ${behind} ms behind this clock, expected about 60,000`);
  } finally {
    child.kill('SIGKILL');
  }
});
