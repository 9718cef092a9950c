// Whether a run measured the server (runners/run/validity.ts), every warning from fixed facts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validityOf, type ValidityFacts } from '../../runners/run/validity.ts';

const clean: ValidityFacts = {
  clientBound: [], harnessFailures: [], tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' }, maxShardCpuPct: 41.5, maxLoopDelayP99Ms: 3.14159,
  connectionErrors: 0, missedTicks: 0, clockUncertaintyMs: null, latencyP50Ms: 4.2,
};

test('a clean run is valid, with no warning, its figures kept and the loop delay rounded', () => {
  const v = validityOf(clean);
  assert.equal(v.valid, true);
  assert.deepEqual(v.warnings, []);
  assert.equal(v.generatorSaturated, false);
  assert.equal(v.maxShardCpuPct, 41.5);
  assert.equal(v.maxLoopDelayP99Ms, 3.1);
  assert.equal(v.clockOffsetBoundMs, 0);
  assert.equal(v.clockWarning, undefined);
});

test('a saturated load generator makes the run invalid and names the shards', () => {
  const v = validityOf({ ...clean, clientBound: ['shard-0 at ≥ 85% CPU for 10 s'] });
  assert.equal(v.valid, false);
  assert.equal(v.generatorSaturated, true);
  assert.deepEqual(v.saturatedShards, ['shard-0 at ≥ 85% CPU for 10 s']);
  assert.deepEqual(v.warnings, ['the load generator saturated (shard-0 at ≥ 85% CPU for 10 s): figures describe the client, not the server']);
});

test('a harness failure, a missing TLS session or another cipher each make it invalid, said in words', () => {
  assert.deepEqual(validityOf({ ...clean, harnessFailures: ['client shard-1 exited (code 1)'] }).warnings, ['the harness failed: client shard-1 exited (code 1)']);
  const none = validityOf({ ...clean, tls: null });
  assert.equal(none.valid, false);
  assert.deepEqual(none.warnings, ['no TLS session was reported: nothing connected']);
  const other = validityOf({ ...clean, tls: { protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' } });
  assert.equal(other.valid, false);
  assert.deepEqual(other.warnings, ['negotiated TLSv1.3 TLS_AES_256_GCM_SHA384, not TLSv1.3 TLS_AES_128_GCM_SHA256']);
});

test('a clock offset known less well than the median latency warns, without making the run invalid', () => {
  const remote = validityOf({ ...clean, clockUncertaintyMs: 6.25, latencyP50Ms: 4.2 });
  assert.equal(remote.valid, true);
  assert.equal(remote.clockOffsetBoundMs, 6.25);
  assert.equal(remote.clockWarning, 'the clock offset is known to ±6.3 ms, more than the median latency (4.2 ms): latencies are approximate');
  assert.deepEqual(remote.warnings, [remote.clockWarning]);
  assert.equal(validityOf({ ...clean, clockUncertaintyMs: 1.5, latencyP50Ms: 4.2 }).clockWarning, undefined);
  assert.equal(validityOf({ ...clean, clockUncertaintyMs: 6.25, latencyP50Ms: null }).clockWarning, undefined);
});

test('a host-bound window is a warning that names the way out, without making the run invalid', () => {
  const v = validityOf({ ...clean, hostBound: ['at 1000 connections, the server waited 98 ms/s for a CPU in 8 of 8 s'] });
  assert.equal(v.valid, true);
  assert.equal(v.hostBound, true);
  assert.deepEqual(v.warnings, ['host-bound: at 1000 connections, the server waited 98 ms/s for a CPU in 8 of 8 s: the machine, not the server, held it back (--server-cpus gives the server cores of its own)']);
  assert.equal(validityOf(clean).hostBound, false);
});

test('a load generator that waited for a CPU is a warning about its latencies, without making the run invalid', () => {
  const v = validityOf({ ...clean, clientWaitMs: 412.4 });
  assert.equal(v.valid, true);
  assert.equal(v.clientCpuWaitMs, 412.4);
  assert.deepEqual(v.warnings, ['the load generator waited 412 ms/s for a CPU (its busiest shard, median second): arrival times, and so latencies, include up to that much of its own delay']);
  assert.deepEqual(validityOf({ ...clean, clientWaitMs: 99 }).warnings, [], 'below the bar: no warning');
  assert.equal(validityOf(clean).clientCpuWaitMs, null, 'unmeasured is null, not zero');
});
