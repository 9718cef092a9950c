// Every backend over real TLS with real, plain clients: protocol and cipher, the tick schedule,
// topic routing, several workers on one port, status, and crashes reported rather than hidden.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import tls from 'node:tls';
import { BACKENDS } from '../../runners/backends/registry.ts';
import type { ProcessExit, RunningBackend } from '../../runners/backends/types.ts';
import { tickPayload } from '../../runners/backends/ticker.ts';
import { connectClient, sleep, startBackend, waitFor, type TestClient } from '../helpers/backends.ts';
import { runsServers } from '../helpers/measuring.ts';
import { measureCpuWait, measureLoopDelay } from '../helpers/slack.ts';

// Real servers and runs: never beside the file that loads the machine on purpose.
await runsServers();

for (const name of BACKENDS.keys()) {
  describe(`${name} backend`, () => {
    const running: RunningBackend[] = [];
    const clients: TestClient[] = [];
    // Each test's own backends and clients end with it.
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      for (const b of running.splice(0)) await b.stop();
    });

    test('negotiates TLS 1.3 with TLS_AES_128_GCM_SHA256 when offered alone, and refuses TLS 1.2', async () => {
      const { backend } = await startBackend(name);
      running.push(backend);
      const client = await connectClient(name, backend);
      clients.push(client);
      assert.equal(client.protocol, 'TLSv1.3');
      assert.equal(client.cipher, 'TLS_AES_128_GCM_SHA256');
      const refused = await new Promise<string>((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port: backend.port, rejectUnauthorized: false, maxVersion: 'TLSv1.2' }, () => resolve(`accepted ${s.getProtocol()}`));
        s.on('error', (err) => resolve(`refused: ${err.message}`));
      });
      assert.match(refused, /^refused/);
    });

    test('ticks arrive with consecutive sequence numbers, on the shared schedule, in the shared bytes', async () => {
      const { backend, t0Ms, intervalMs } = await startBackend(name, { intervalMs: 200 });
      running.push(backend);
      const client = await connectClient(name, backend);
      clients.push(client);
      // The machine's own delay while the ticks arrive: what a busy machine adds to "on time",
      // here (this process's timers) and in the server (how long it waited for a CPU).
      const delay = measureLoopDelay();
      const serverWait = measureCpuWait(backend.pids().map((p) => p.pid));
      assert.ok(await waitFor(() => client.received.length >= 6, 5000), `only ${client.received.length} ticks in 5 s`);
      delay.stop();
      const serverWaitMs = serverWait.stopMs();
      const slackMs = delay.maxMs() + serverWaitMs;
      const seqs = client.received.map((r) => r.message.seq);
      for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], seqs[i - 1]! + 1, `gap in ${seqs.join(',')}`);
      for (const r of client.received) {
        assert.equal(r.message.scheduledMs, t0Ms + r.message.seq * intervalMs);
        assert.equal(r.text, tickPayload('AAPL', r.message.seq, r.message.scheduledMs));
        assert.ok(r.text.length >= 50 && r.text.length <= 100, `payload of ${r.text.length} bytes`);
        assert.ok(r.atMs >= r.message.scheduledMs, `tick ${r.message.seq} arrived ${r.message.scheduledMs - r.atMs} ms before its schedule`);
      }
      // On the schedule: the typical tick, not the unluckiest. Under busy loops one Socket.IO tick
      // arrived 490 ms late while the waits measured here and in the server explained 224 ms (the
      // loopback's softirqs, page faults and the cluster's IPC hop are nobody's CPU wait); a
      // server on its own schedule keeps the median near zero whatever the machine does.
      const lateness = client.received.map((r) => r.atMs - r.message.scheduledMs).sort((a, b) => a - b);
      const medianMs = lateness[Math.floor(lateness.length / 2)]!;
      assert.ok(medianMs < 150 + slackMs, `the median tick arrived ${medianMs} ms after its schedule (${lateness.join(', ')} ms; this process's timers ran up to ${delay.maxMs().toFixed(0)} ms late; the server waited ${serverWaitMs.toFixed(0)} ms for a CPU)`);
      const status = await backend.status();
      assert.ok(status.total.published >= client.received.length);
      const lag = status.workers[0]!.lastPublishLagMs;
      assert.ok(lag !== null && lag < 50 + slackMs, `the server published ${lag} ms after the schedule (timers here ran up to ${delay.maxMs().toFixed(0)} ms late; the server waited ${serverWaitMs.toFixed(0)} ms for a CPU)`);
    });

    test('MQTT-style topics route: exact, + and # match, others get nothing, a bad pattern is refused', async () => {
      const { backend } = await startBackend(name, { symbols: ['AAPL', 'MSFT', 'GOOG'], intervalMs: 150 });
      running.push(backend);
      const subscriptions = ['stocks/AAPL', 'stocks/+', 'stocks/#', '#', 'stocks', 'bonds/+'];
      const subscribers = await Promise.all(subscriptions.map((topic) => connectClient(name, backend, topic)));
      const everyone = await connectClient(name, backend); // says nothing: gets every tick
      clients.push(...subscribers, everyone);
      await sleep(1000);
      const symbolsOf = (c: TestClient) => [...new Set(c.received.map((r) => r.message.symbol))].sort();
      assert.deepEqual(subscribers.map(symbolsOf), [['AAPL'], ['AAPL', 'GOOG', 'MSFT'], ['AAPL', 'GOOG', 'MSFT'], ['AAPL', 'GOOG', 'MSFT'], [], []]);
      assert.deepEqual(symbolsOf(everyone), ['AAPL', 'GOOG', 'MSFT']);
      await assert.rejects(connectClient(name, backend, 'stocks/#/AAPL'), /400|"#" may only be the last level/);
    });

    test('several workers share one port and every worker delivers; a killed worker is reported, not respawned', async () => {
      const { backend } = await startBackend(name, { workers: 2, intervalMs: 150 });
      running.push(backend);
      const many = await Promise.all(Array.from({ length: 16 }, () => connectClient(name, backend)));
      clients.push(...many);
      // Every client has had two ticks, however long a busy machine takes (the assertions below need them).
      await waitFor(() => many.every((c) => c.received.length >= 2), 10_000);
      const status = await backend.status();
      assert.equal(status.workers.length, 2);
      assert.equal(status.total.connections, 16);
      for (const w of status.workers) assert.ok(w.connections > 0, `worker ${w.worker} holds no connection: ${JSON.stringify(status.workers)}`);
      for (const c of many) assert.ok(c.received.length >= 2, 'a client on one of the workers got no ticks');
      // Two workers, plus a cluster primary for every backend but uWS (whose workers share the port themselves).
      assert.equal(new Set(status.processes.map((p) => p.pid)).size, status.processes.some((p) => p.role === 'primary') ? 3 : 2);

      const exits: ProcessExit[] = [];
      backend.onExit((e) => exits.push(e));
      const victim = status.workers[1]!;
      process.kill(victim.pid, 'SIGKILL');
      assert.ok(await waitFor(() => exits.length > 0, 5000), 'no exit reported');
      assert.deepEqual({ pid: exits[0]!.pid, signal: exits[0]!.signal, role: exits[0]!.role, worker: exits[0]!.worker }, { pid: victim.pid, signal: 'SIGKILL', role: 'worker', worker: 1 });
      await sleep(300);
      const after = await backend.status();
      assert.deepEqual(after.workers.map((w) => w.worker), [0], 'the dead worker came back');
    });
  });
}
