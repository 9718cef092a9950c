// The load generator against real and misbehaving servers: the lean Socket.IO client receives
// exactly what socket.io-client receives, and a server that drops every 10th tick for one
// client is counted exactly by the real shard process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientSample, TickRecord } from '../../collector/records.ts';
import { BACKENDS, getBackend } from '../../runners/backends/registry.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';
import { nativeClientBinary } from '../../runners/client/native.ts';
import { connectClient, startBackend } from '../helpers/backends.ts';
import { collectFleetUntil, fleetOptions, judgedTicks, type Collected } from '../helpers/fleet.ts';
import { tickServer } from '../helpers/tick-server.ts';
import { spawnOwned } from '../helpers/owned.ts';
import { runsServers } from '../helpers/measuring.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();


test('the lean Socket.IO client gets the same ticks, byte for byte, as socket.io-client', async () => {
  const { backend, t0Ms } = await startBackend('socketio', { intervalMs: 100 });
  const reference = await connectClient('socketio', backend);
  const options = fleetOptions(backend.port, { protocol: 'socketio', t0Ms, connections: 2, probes: 2 });
  // Judged ticks with both connections subscribed: on a busy machine they come later, not fewer.
  const complete = (ticks: TickRecord[]) => ticks.filter((t) => t.expectedReceivers === 2);
  const { samples, ticks, tls } = await collectFleetUntil(options, 2, (got) => complete(got.ticks).length >= 8);
  // What the server says it sent: every judged tick is at or before its last one.
  const { workers } = await backend.status();
  reference.close();
  await backend.stop();
  assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
  const judged = complete(ticks);
  const lastSent = Math.max(...workers.map((w) => w.lastTick ?? 0));
  const referenceSeqs = new Set(reference.received.map((r) => r.message.seq));
  for (const t of judged) {
    assert.ok(t.n <= lastSent, `tick ${t.n} judged, but the server's last tick was ${lastSent}`);
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

/**
 * A wss:// server that sends tick n to every client but the first, which loses every 10th, and
 * says what it sent: to how many clients, and how late after the tick's schedule.
 */
async function droppingServer(t0Ms: number, intervalMs: number) {
  const sent = new Map<number, { to: number; lateMs: number }>();
  const server = await tickServer(intervalMs, t0Ms, (ws, i, n, payload) => {
    const record = sent.get(n) ?? { to: 0, lateMs: Date.now() - (t0Ms + n * intervalMs) };
    sent.set(n, record);
    if (i === 0 && n % 10 === 0) return;
    ws.send(payload);
    record.to++;
  });
  return { ...server, sent };
}

for (const bulkClient of ['node', 'native'] as const) {
  test(`a server that drops every 10th tick for one client is counted exactly (${bulkClient} client)`, async () => {
    const t0Ms = Date.now() + 1000;
    const intervalMs = 100;
    const server = await droppingServer(t0Ms, intervalMs);
    // Native: three bulk connections and no probe; node: the probe process, which also reports per tick.
    const probes = bulkClient === 'native' ? 0 : 3;
    const options = fleetOptions(server.port, { t0Ms, intervalMs, probes, bulkClient });
    // Judged ticks that all three expected and the server sent on time (well inside the judging
    // delay): connections made late on a busy machine, or a tick the server sent late, are left out.
    const complete = (ticks: TickRecord[]) =>
      [...judgedTicks(ticks)].filter(([n, sum]) => sum.expected === 3 && server.sent.get(n)!.lateMs < options.judgeAfterMs / 2);
    let got: Collected;
    try {
      got = await collectFleetUntil(options, 3, (g) => complete(g.ticks).length >= 25);
    } finally {
      server.close();
    }
    const { samples, ticks, tls } = got;
    assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
    const judged = complete(ticks);
    for (const [n, sum] of judged) {
      const to = server.sent.get(n)!.to;
      assert.equal(to, n % 10 === 0 ? 2 : 3, `the server sent tick ${n} to ${to}`);
      assert.deepEqual(sum, { expected: 3, delivered: to, missing: 3 - to }, `tick ${n}`);
    }
    // The per-second samples count what the per-tick judgements say, tick for tick.
    const all = [...judgedTicks(ticks).values()];
    const total = (k: 'expected' | 'missing') => all.reduce((a, t) => a + t[k], 0);
    const sum = (k: 'expected' | 'missing' | 'dropped' | 'duplicate' | 'outOfOrder' | 'received') => samples.reduce((a, s) => a + s[k], 0);
    assert.equal(sum('expected'), total('expected'));
    assert.equal(sum('missing'), total('missing'));
    assert.ok(judged.filter(([n]) => n % 10 === 0).length >= 2, 'at least two dropped ticks judged');
    // A gap is seen when the next tick arrives, one interval later, and judged judgeAfterMs after
    // its schedule: the drops the server made after the last judged tick may be seen, not judged.
    const lastJudged = Math.max(...judgedTicks(ticks).keys());
    const lastSent = Math.max(...server.sent.keys());
    const notYetJudged = [...server.sent.keys()].filter((n) => n > lastJudged && n < lastSent && n % 10 === 0).length;
    assert.ok(sum('dropped') >= total('missing') && sum('dropped') <= total('missing') + notYetJudged, `dropped ${sum('dropped')}, judged missing ${total('missing')}, dropped since the last judged tick ${notYetJudged}`);
    assert.equal(sum('duplicate'), 0);
    assert.equal(sum('outOfOrder'), 0);
    if (probes > 0) {
      // The probes' arrivals of each tick.
      const byTick = new Map(ticks.filter((t) => t.source === 'probe').map((t) => [t.n, t]));
      for (const [n] of judged) assert.equal(byTick.get(n)?.receivers, server.sent.get(n)!.to, `tick ${n}: probes' receivers`);
    }
  });
}

for (const backend of BACKENDS.keys()) {
  test(`the native bulk client holds ${backend} connections and gets every tick`, async () => {
    const { backend: running, t0Ms } = await startBackend(backend, { intervalMs: 100 });
    const options = fleetOptions(running.port, { protocol: getBackend(backend).protocol, t0Ms, connections: 50, probes: 0, bulkClient: 'native' });
    // Five ticks judged with all 50 expecting them, however long the connecting took.
    const complete = (ticks: TickRecord[]) => [...judgedTicks(ticks).values()].filter((t) => t.expected === 50).length;
    let got: Collected;
    try {
      got = await collectFleetUntil(options, 50, (g) => complete(g.ticks) >= 5);
    } finally {
      await running.stop();
    }
    const { samples, ticks, tls } = got;
    assert.deepEqual(tls, ['TLSv1.3 TLS_AES_128_GCM_SHA256']);
    // Held: once all 50 were open, every second until the stop still had all 50.
    const opens = samples.map((s) => s.open);
    const from = opens.indexOf(50);
    assert.ok(from >= 0, `never 50 open: ${opens.join(' ')}`);
    assert.deepEqual(opens.slice(from, -1).filter((o) => o !== 50), [], `open per second: ${opens.join(' ')}`);
    assert.ok(complete(ticks) >= 5);
    assert.equal(samples.reduce((a, s) => a + s.missing, 0), 0);
    assert.ok(samples.every((s) => (s.rssBytes ?? 0) > 0 && s.cpuPct !== undefined));
  });
}

test('the native client keeps the runner\'s clock: a start config\'s clockOffsetMs shifts its samples\' time', async () => {
  // On a client host the shard is told that host's clock minus the runner's; every time it
  // reports must then be in the runner's clock. Here a made-up offset of +60 s must show as
  // samples stamped a minute behind this machine's clock.
  const child = spawnOwned(nativeClientBinary(), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
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
