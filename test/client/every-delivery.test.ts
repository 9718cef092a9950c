// Every delivery measured, by the real shard processes (TypeScript and native) against server
// fixtures that misbehave in a known way: a tenth of the connections served 1.5 s late, and a
// tick held back and sent with the next one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeEncoded, percentilesOfEncoded } from '../../collector/histogram.ts';
import type { ClientSample, TickRecord } from '../../collector/records.ts';
import { mergedSpreads } from '../../collector/series.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';
import { collectFleet, collectFleetUntil, fleetOptions, judgedTicks, type Collected } from '../helpers/fleet.ts';
import { tickServer } from '../helpers/tick-server.ts';
import { runsServers } from '../helpers/measuring.ts';
import { measureLoopDelay } from '../helpers/slack.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

/** Every delivery late or not is judged here: 20 connections without probes, ticks 500 ms apart, late at 2 s. */
const DELIVERY = { connections: 20, probes: 0, connectRatePerSec: 200, maxInFlightPerShard: 20, intervalMs: 500, lateMs: 2000, judgeAfterMs: 2500 };

const sum = (samples: ClientSample[], key: 'received' | 'clumps' | 'expected' | 'missing') => samples.reduce((n, s) => n + (s[key] ?? 0), 0);

for (const bulkClient of ['node', 'native'] as const) {
  test(`a tenth of the connections served 1.5 s late: p99 over every connection sees it, p90 does not; one histogram count per delivery (${bulkClient} client)`, async () => {
    const intervalMs = 500;
    const t0Ms = Date.now() + 1500; // everyone connected before tick 1
    // The server's i-th connection; which ones are slow does not matter, only that it is a tenth.
    const server = await tickServer(intervalMs, t0Ms, (ws, i, _n, payload) => (i % 10 === 9 ? setTimeout(() => ws.send(payload), 1500) : ws.send(payload)));
    const options = fleetOptions(server.port, { ...DELIVERY, t0Ms, intervalMs, bulkClient, perShard: 10 }); // two bulk shards
    const { samples, ticks } = await collectFleet(options, 20, 7000);
    server.close();
    const hists = samples.flatMap((s) => (s.latHistUs ? [s.latHistUs] : []));
    assert.ok(new Set(samples.filter((s) => s.latHistUs).map((s) => s.source)).size >= 2, 'both shards sent histograms');
    const all = percentilesOfEncoded(hists);
    assert.ok(all.p99Ms! >= 1500, `p99 ${all.p99Ms} ms over every connection`);
    assert.ok(all.p90Ms! < 1500, `p90 ${all.p90Ms} ms`);
    // Exactly one histogram count per delivery, over the whole hold.
    assert.equal(mergeEncoded(hists).totalCount, sum(samples, 'received'));
    const judgedDelivered = ticks.reduce((n, t) => n + (t.delivered ?? 0), 0);
    assert.ok(judgedDelivered >= 60 && judgedDelivered <= sum(samples, 'received'), `delivered ${judgedDelivered} (at least three ticks of 20 judged)`);
    assert.equal(sum(samples, 'missing'), 0);
  });

  test(`a tick held back and sent with the next: one clump per connection, jitter max about one interval (${bulkClient} client)`, async () => {
    const intervalMs = 400;
    const t0Ms = Date.now() + 1500;
    const connections = 12;
    // The tick held back is chosen once every connection is served, two ticks ahead: however long
    // a busy machine takes to start the shard, every connection sees it.
    let held: number | undefined;
    const server = await tickServer(intervalMs, t0Ms, (ws, i, n, payload) => {
      if (held === undefined && i === connections - 1) held = n + 2;
      if (n === held) return;
      if (held !== undefined && n === held + 1) ws.send(tickPayload('AAPL', held, t0Ms + held * intervalMs));
      ws.send(payload);
    });
    const options = fleetOptions(server.port, { ...DELIVERY, t0Ms, intervalMs, bulkClient, connections });
    // The machine's own delay while it runs: what it may add to a gap between two arrivals.
    const delay = measureLoopDelay();
    // Until the tick sent with the held one is judged: by then its arrivals were counted.
    const judgedNext = (ticks: TickRecord[]) => (held === undefined ? undefined : judgedTicks(ticks).get(held + 1));
    let got: Collected;
    try {
      got = await collectFleetUntil(options, connections, (g) => judgedNext(g.ticks) !== undefined);
    } finally {
      server.close();
      delay.stop();
    }
    const { samples, ticks } = got;
    assert.equal(judgedNext(ticks)!.expected, connections, `connections subscribed by tick ${held! + 1}`);
    assert.equal(sum(samples, 'clumps'), connections, 'one clump per connection');
    // Slack: how late the server's timers ran here, and how long the shard waited for a CPU.
    const slackMs = delay.maxMs() + Math.max(0, ...samples.map((s) => s.cpuWaitMs ?? 0));
    const jitter = percentilesOfEncoded(samples.flatMap((s) => (s.jitHistUs ? [s.jitHistUs] : [])));
    assert.ok(Math.abs(jitter.maxMs! - intervalMs) < intervalMs * 0.25 + slackMs, `jitter max ${jitter.maxMs} ms, interval ${intervalMs} ms, slack ${slackMs.toFixed(0)} ms`);
    // The median arrival keeps its rhythm: off by less than a quarter interval, plus the same
    // measured slack (CI under Node 22 saw p50 115 ms with four test files beside it).
    assert.ok(jitter.p50Ms! < intervalMs * 0.25 + slackMs, `jitter p50 ${jitter.p50Ms} ms, slack ${slackMs.toFixed(0)} ms`);
  });

  test(`the spread merged over every shard is never below the probes' spread (${bulkClient} bulk client)`, async () => {
    const intervalMs = 500;
    const t0Ms = Date.now() + 1500;
    // Each connection a little later than the one before: the spread grows with the connections.
    const server = await tickServer(intervalMs, t0Ms, (ws, i, _n, payload) => setTimeout(() => ws.send(payload), i * 3));
    const options = fleetOptions(server.port, { ...DELIVERY, t0Ms, intervalMs, bulkClient, connections: 24, probes: 4, perShard: 10, lateMs: 500, judgeAfterMs: 700 });
    const { ticks } = await collectFleet(options, 24, 6000);
    server.close();
    const point = (k: TickRecord) => ({ n: k.n, firstMs: k.firstMs ?? null, lastMs: k.lastMs ?? null, spreadMs: k.spreadMs ?? null });
    const merged = mergedSpreads(ticks.map(point));
    const probes = ticks.filter((k) => k.source === 'probe' && k.spreadMs !== undefined);
    assert.ok(probes.length >= 4, `${probes.length} probe ticks`);
    for (const p of probes) assert.ok(merged.get(p.n)! >= p.spreadMs!, `tick ${p.n}: merged ${merged.get(p.n)} ms < probes' ${p.spreadMs} ms`);
    // Every shard reported its arrivals, and the merge spans them all: wider than any one source.
    const sources = new Set(ticks.filter((k) => k.firstMs !== undefined).map((k) => k.source));
    assert.ok(sources.size >= 3, `arrivals from ${[...sources].join(', ')}`);
    const widest = Math.max(...[...merged.values()]);
    assert.ok(widest >= 24 * 3 * 0.8 - 10, `merged spread ${widest} ms for 24 connections 3 ms apart`);
  });
}
