// Slow readers end to end through the real CLI (issue 25): a quarter of the connections stop
// reading after a calm hold; the server's queue and the kernel's send buffers fill for them, the
// healthy readers are judged alone, and the slow readers' fate is stored apart. Bad slow-reader
// settings are refused by name before anything starts.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { headlineValue } from '../../collector/metrics.ts';
import { getSummary, getTimeline, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

await runsServers();

// 40 connections, 16 KB every 100 ms: a stalled reader owes 160 KB a second, past its socket's
// buffers within the hold. Ten of the 39 bulk connections stall for good once the calm hold ends.
const SLOW = ['--scenario', 'slow-consumers', '--connections', '40', '--rate', '200', '--calm', '3', '--hold', '8', '--interval-ms', '100', '--late-ms', '500', '--idle', '0',
  '--message-bytes', '16k', '--slow-share', '0.25', '--slow-read', '0', '--slow-stall', '60', '--slow-stall-every', '0', '--workers', '1'];

test('stalled readers fill the server\'s queue and the kernel\'s buffers, and are judged apart from the healthy readers', { timeout: 150_000 }, async () => {
  const db = path.join(tempDir(), 'slow.db');
  const res = await runCli(['run', '--backend', 'uws,ws', ...SLOW, '--db', db], { timeoutMs: 140_000 });
  assert.ok(res.code === 0 || res.code === 3, res.stderr);
  const d = openDatabase(db, { readonly: true });
  try {
    for (const run of listRuns(d)) {
      const t = getTimeline(d, run.id);
      const s = getSummary(d, run.id);
      const tag = `${run.backend}: ${run.verdictReason}`;
      assert.deepEqual(t.phases.map((p) => p.name), ['ramp', 'calm', 'hold'], tag);
      assert.deepEqual(t.clientSources, ['probe', 'shard-0', 'slow-0']);
      assert.ok(t.events.some((e) => /slow readers slowed down: 25\.0% of the connections stop reading for 60 s once/.test(e.message)), tag);
      assert.equal(s.connections, 40, 'the server held the slow readers too');
      assert.equal(s.slowReaders!.connections, 10, tag);
      // Stalled for the whole hold: hardly anything reached them in time; the healthy readers got everything.
      assert.ok(s.slowReaders!.deliveredPct! < 50, `${tag}; slow delivered ${s.slowReaders!.deliveredPct}%`);
      // The healthy readers got everything, unless the machine held the server back (the run says so).
      if (s.hostBound === null) assert.equal(s.deliveredPct, 100, tag);
      else assert.ok(s.deliveredPct! > 95, tag);
      // Ten readers owe about 1.4 MB each by the hold's end: some of it waits in the kernel, the rest in the server.
      const kernel = headlineValue(s as never, 'kernelQueuedBytes')!;
      const server = headlineValue(s as never, 'queuedBytesPeak')!;
      assert.ok(kernel > 10 * 100_000, `${tag}; kernel held ${kernel} bytes`);
      assert.ok(server > 0, `${tag}; the server held ${server} bytes`);
      assert.equal(headlineValue(s as never, 'droppedMessages') === null, run.backend === 'ws', 'uWS counts what it skips; ws never drops');
      assert.ok(s.calm && s.calm.latency.count > 0, 'the calm hold measured the healthy readers before the slow-down');
    }
  } finally {
    d.close();
  }
});

test('slow readers that cannot be run are refused by name before anything starts', { timeout: 60_000 }, async () => {
  const db = path.join(tempDir(), 'refused.db');
  const noPace = await runCli(['run', '--backend', 'uws', '--slow-share', '0.1', '--db', db]);
  assert.equal(noPace.code, 2, noPace.stderr);
  assert.match(noPace.stderr, /"slowShare" needs "slowReadBytesPerSec" or "slowStallSec"/);
  const typescript = await runCli(['run', '--backend', 'uws', '--scenario', 'slow-consumers', '--client', 'node', '--db', db]);
  assert.equal(typescript.code, 2, typescript.stderr);
  assert.match(typescript.stderr, /slow readers \(scenario "slow-consumers", slowShare 0\.1\) need the native client: drop --client node/);
  const share = await runCli(['run', '--backend', 'uws', '--slow-share', 'lots', '--db', db]);
  assert.equal(share.code, 2);
  assert.match(share.stderr, /--slow-share/);
});
