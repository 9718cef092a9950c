// The run monitor: the live status line (its rates and latency p99 from the newest seconds every
// shard has reported, merged over the shards, so one quick shard cannot hide a slow one) and the
// load generator's silent shards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunMonitor } from '../../runners/run/monitor.ts';
import { holdLine } from '../../runners/run/status-line.ts';
import { clientSample, T0 } from '../helpers/fixtures.ts';

const fast = Array.from({ length: 99 }, () => 10);
const slow = Array.from({ length: 99 }, () => 1000);

test('the status line\'s p99 is over every shard\'s deliveries in the last tick interval, not one shard\'s', () => {
  const m = new RunMonitor({ cpuPct: 90, seconds: 5 });
  // Second 1: both shards report; the fast one last, as it did when the line showed 10 ms.
  m.observe(clientSample(T0 + 1000, 'shard-1', slow));
  m.observe(clientSample(T0 + 1000, 'shard-0', fast));
  const line = holdLine('uws', 'hold', 5000, 60, m, 1000);
  assert.match(line, /p99 1000\.\d ms/, line);
  assert.match(line, /received\/s 500 /, 'both shards\' messages counted');
  // A second only one shard has reported yet is not read: the line keeps to complete seconds.
  m.observe(clientSample(T0 + 2000, 'shard-0', fast));
  assert.match(holdLine('uws', 'hold', 6000, 60, m, 1000), /p99 1000\.\d ms/);
  m.observe(clientSample(T0 + 2000, 'shard-1', fast));
  assert.match(holdLine('uws', 'hold', 6000, 60, m, 1000), /p99 10\.\d ms/);
  // A 2 s interval reads two seconds: the slow one is still in it.
  assert.match(holdLine('uws', 'hold', 6000, 60, m, 2000), /p99 1000\.\d ms/);
});

test('no delivery measured in the interval reads as a dash, not as the last figure seen', () => {
  const m = new RunMonitor({ cpuPct: 90, seconds: 5 });
  m.observe(clientSample(T0 + 1000, 'shard-0', []));
  assert.match(holdLine('uws', 'hold', 1000, 60, m, 1000), /p99 – /);
});

test('a shard that never got a sample out is silent from its start, like one that stopped reporting', () => {
  const m = new RunMonitor({ cpuPct: 90, seconds: 5 });
  const startedMs = Date.now() - 5000;
  m.expect('shard-0', startedMs);
  m.expect('probe', startedMs);
  assert.deepEqual(m.watchSilence(startedMs + 2000), [], 'within 3 s of its start');
  m.observe(clientSample(T0, 'probe', [])); // the probe reports (now); shard-0 never does
  assert.deepEqual(m.watchSilence(Date.now()), ['shard-0 sent no sample for 5 s']);
  // Expecting a shard that has reported does not move its last report back.
  m.expect('probe', startedMs);
  assert.deepEqual(m.watchSilence(Date.now() + 1000), []);
});
