// Prints what the load generator costs per connection and per 1k msg/s, for each client kind,
// beside what the uWS server it loads costs, measured side by side in one run.
// Usage: npm run bench:client -- [--connections 2000] [--interval-ms 500] [--seconds 10] [--only TEXT]
import { parseArgs } from 'node:util';
import { resolveServeOptions } from '../runners/backends/options.ts';
import { getBackend, type BackendName } from '../runners/backends/registry.ts';
import { ClientFleet } from '../runners/client/fleet.ts';
import { readProcess } from '../runners/sampler/proc.ts';

const { values } = parseArgs({
  options: { connections: { type: 'string', default: '2000' }, 'interval-ms': { type: 'string', default: '500' }, seconds: { type: 'string', default: '10' }, only: { type: 'string' } },
});
const N = Number(values.connections);
const intervalMs = Number(values['interval-ms']);
const seconds = Number(values.seconds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Kind {
  label: string;
  backend: BackendName;
  probe: boolean;
  client: 'node' | 'native';
}
const kinds: Kind[] = [
  { label: 'native bulk shard (C, OpenSSL) vs uws', backend: 'uws', probe: false, client: 'native' },
  { label: 'bulk shard (TypeScript on ws) vs uws', backend: 'uws', probe: false, client: 'node' },
  { label: 'probe shard (ws + latency histograms) vs uws', backend: 'uws', probe: true, client: 'node' },
  { label: 'native bulk shard, Socket.IO wire vs socketio', backend: 'socketio', probe: false, client: 'native' },
  { label: 'bulk shard (TypeScript), Socket.IO wire vs socketio', backend: 'socketio', probe: false, client: 'node' },
];

const cpuOf = (pid: number) => {
  const r = readProcess(pid);
  return r ? r.cpuSeconds.user + r.cpuSeconds.system : 0;
};
const rssOf = (pids: number[]) => pids.reduce((n, pid) => n + (readProcess(pid)?.rssBytes ?? 0), 0);

console.log(`${N} connections, one tick every ${intervalMs} ms (${((N / intervalMs) * 1000 / 1000).toFixed(1)}k msg/s), ${seconds} s measured after the ramp; one server worker`);
const rows: string[][] = [];
for (const kind of kinds.filter((k) => !values.only || k.label.includes(values.only))) {
  const options = resolveServeOptions({ port: 0, workers: 1, intervalMs });
  const backend = await getBackend(kind.backend).start(options);
  const serverPids = backend.pids().map((p) => p.pid);
  const fleet = new ClientFleet({
    host: '127.0.0.1', port: backend.port, protocol: getBackend(kind.backend).protocol, connections: N, probes: kind.probe ? N : 0,
    perShard: 20_000, perAddress: 5000, connectRatePerSec: 1000, maxInFlightPerShard: 100, intervalMs, t0Ms: options.t0Ms,
    lateMs: intervalMs, judgeAfterMs: 2 * intervalMs, topics: ['stocks/AAPL'], ciphers: 'TLS_AES_128_GCM_SHA256', spreadAddresses: true, bulkClient: kind.client,
  });
  let open = 0;
  let received = 0;
  fleet.onMessage((m) => {
    if (m.type === 'sample') {
      open = m.sample.open;
      received += m.sample.received;
    }
  });
  await fleet.start();
  await sleep(1500);
  const active = () => fleet.pids().filter((p) => (kind.probe ? p.source === 'probe' : p.source !== 'probe')).map((p) => p.pid);
  const clientRss0 = rssOf(active());
  const serverRss0 = rssOf(serverPids);
  fleet.ramp(N);
  const deadline = Date.now() + 60_000;
  while (open < N && Date.now() < deadline) await sleep(200);
  await sleep(3000); // settle: handshake buffers freed, first ticks through
  const c0 = active().reduce((n, pid) => n + cpuOf(pid), 0);
  const s0 = serverPids.reduce((n, pid) => n + cpuOf(pid), 0);
  const r0 = received;
  const t0 = Date.now();
  await sleep(seconds * 1000);
  const wall = (Date.now() - t0) / 1000;
  const msgsPerSec = (received - r0) / wall;
  const clientCpuPct = ((active().reduce((n, pid) => n + cpuOf(pid), 0) - c0) / wall) * 100;
  const serverCpuPct = ((serverPids.reduce((n, pid) => n + cpuOf(pid), 0) - s0) / wall) * 100;
  const clientKb = (rssOf(active()) - clientRss0) / N / 1024;
  const serverKb = (rssOf(serverPids) - serverRss0) / N / 1024;
  const perK = (pct: number) => (msgsPerSec > 0 ? pct / (msgsPerSec / 1000) : NaN);
  rows.push([
    kind.label, String(open), msgsPerSec.toFixed(0),
    clientKb.toFixed(1), perK(clientCpuPct).toFixed(2),
    serverKb.toFixed(1), perK(serverCpuPct).toFixed(2),
    (clientKb / serverKb).toFixed(1), (perK(clientCpuPct) / perK(serverCpuPct)).toFixed(1),
  ]);
  await fleet.stop();
  await backend.stop();
}
const header = ['client kind', 'open', 'msg/s', 'client KB/conn', 'client %core/1k msg/s', 'server KB/conn', 'server %core/1k msg/s', 'KB ratio', 'CPU ratio'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
