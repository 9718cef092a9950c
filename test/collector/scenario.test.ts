// A recorded scenario is read back typed, once (collector/scenario.ts): what an older run did not
// record is filled in as runs then ran, nothing a runner wrote is dropped, and limits read the
// same on every page.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { budgetInWords, limitsInWords, recordedScenario, slowReadersInWords, validateScenario, type RunScenario } from '../../collector/scenario.ts';
import { loadScenarioFile, presetScenario } from '../../runners/scenarios/scenario.ts';

test('a recorded scenario is typed, with the defaults runs had before a field was recorded', () => {
  const s = recordedScenario({ name: 'capacity', connections: 100_000, steps: [10_000, 20_000], intervalMs: 2000, holdSec: 120, workers: 6, memorySlope: true, bulkClient: 'native', t0Ms: 5, judgeAfterMs: 4000,
    profile: { profile: 'pi4', memoryBytes: 3_410_000_000, cpuCores: 1.2, note: 'imposed by cgroup limits' }, spreadAddresses: true });
  assert.equal(s.connections, 100_000);
  assert.deepEqual(s.steps, [10_000, 20_000]);
  assert.equal(s.lateMs, 2000, 'late after one interval when unrecorded');
  assert.deepEqual(s.limits, { profile: 'pi4', memoryBytes: 3_410_000_000, cpuCores: 1.2, cpus: null });
  assert.equal(s.spreadAddresses, true, 'what the runner wrote is kept');
  assert.equal((s.profile as { note: string }).note, 'imposed by cgroup limits');
  const old = recordedScenario({ name: 'quick', connections: 1000 });
  assert.equal(old.intervalMs, 2000);
  assert.equal(old.bulkClient, 'node', 'runs before the native client ran the node one');
  assert.equal(old.memorySlope, false);
  assert.equal(old.baseHoldSec, 0, 'runs before the base hold had none');
  assert.equal(old.limits, null);
  assert.equal(old.t0Ms, null);
  const junk = recordedScenario('not an object');
  assert.equal(junk.name, 'unnamed');
  assert.equal(recordedScenario({ steps: [1, 'x'] }).steps, null, 'steps that are not all numbers are not steps');
});

test('limits read the same on every page', () => {
  assert.equal(budgetInWords({ profile: 'pi4', memoryBytes: 3_410_000_000, cpuCores: 1.2, cpus: null }), '3.41 GB, 1.2 cores');
  assert.equal(limitsInWords({ profile: null, memoryBytes: null, cpuCores: 1, cpus: '1' }), 'custom: no memory limit, 1 core, CPUs 1 of its own');
  assert.equal(limitsInWords(null), 'none');
});

test('what a runner writes (RunScenario) reads back whole: no field falls to a default', () => {
  const written: RunScenario = {
    ...presetScenario('capacity'), workers: 2, probes: 100, judgeAfterMs: 4000, t0Ms: 1_796_000_000_000, spreadAddresses: true, perShard: 15_000, perAddress: 5000, bulkClient: 'native',
    profile: { profile: 'pi4', memoryBytes: 3_410_000_000, cpuCores: 1.2, cpus: '1', note: 'imposed by cgroup limits on vm' },
  };
  const read = recordedScenario(JSON.parse(JSON.stringify(written)));
  for (const key of ['name', 'connections', 'steps', 'intervalMs', 'lateMs', 'holdSec', 'workers', 'compression', 'bulkClient', 'memorySlope', 'baseHoldSec', 't0Ms', 'judgeAfterMs'] as const) {
    assert.deepEqual(read[key], written[key], key);
  }
  assert.deepEqual(read.limits, { profile: 'pi4', memoryBytes: 3_410_000_000, cpuCores: 1.2, cpus: '1' });
});

test('a scenario is validated once, by key, wherever it comes from', () => {
  assert.throws(() => validateScenario({ ...presetScenario('quick'), intervalMs: 10 }, 'flags'), /^ConfigError: flags: "intervalMs" must be at least 50, got 10$|flags: "intervalMs" must be at least 50, got 10/);
  assert.throws(() => validateScenario({ ...presetScenario('quick'), probes: 6000 }, 'x.json'), /x\.json: "probes" \(6000\) cannot exceed "connections" \(5000\)/);
  // The base hold is a single hold's lower level: a capacity search's steps are its own.
  assert.throws(() => validateScenario({ ...presetScenario('quick'), steps: [1000, 5000] }, 'x.json'), /x\.json: "baseHoldSec" applies to a single hold/);
  assert.throws(() => validateScenario({ ...presetScenario('quick'), connections: 40, probes: 20 }, 'flags'), /flags: "baseHoldSec" needs more connections at half load \(20\) than probes \(20\)/);
  assert.equal(validateScenario({ ...presetScenario('quick'), steps: [1000, 5000], baseHoldSec: 0 }, 'x.json').steps?.length, 2);
  assert.equal(validateScenario(presetScenario('seed-100k'), 'preset').connections, 100_000);
});

test('slow readers and message sizes are validated with the key and the reason in the message', () => {
  const slow = presetScenario('slow-consumers');
  assert.equal(validateScenario(slow, 'preset').slowShare, 0.1);
  assert.throws(() => validateScenario({ ...slow, slowShare: 1 }, 'x.json'), /x\.json: "slowShare" must be a share from 0 to below 1 \(0\.1 = 10%\), got 1/);
  assert.throws(() => validateScenario({ ...slow, slowShare: '0.1' as never }, 'x.json'), /"slowShare" must be a share/);
  assert.throws(() => validateScenario({ ...slow, slowReadBytesPerSec: 0, slowStallSec: 0, slowStallEverySec: 0 }, 'flags'), /flags: "slowShare" needs "slowReadBytesPerSec" or "slowStallSec": a slow reader that reads at full speed is not slow/);
  assert.throws(() => validateScenario({ ...slow, slowStallEverySec: 20 }, 'flags'), /"slowStallEverySec" must be longer than "slowStallSec" \(20\)/);
  assert.throws(() => validateScenario({ ...slow, steps: [1000, 2000] }, 'flags'), /"slowShare" applies to a single hold/);
  assert.throws(() => validateScenario({ ...presetScenario('quick'), calmSec: 10 }, 'flags'), /flags: "calmSec" applies only with "slowShare" above 0/);
  assert.throws(() => validateScenario({ ...presetScenario('quick'), messageBytes: 70_000 }, 'flags'), /"messageBytes" must be at most 65536, got 70000/);
  // A scenario file takes the keys like any other.
  assert.equal(validateScenario({ ...presetScenario('quick'), messageBytes: 1024 }, 'x.json').messageBytes, 1024);
  assert.throws(() => validateScenario({ ...presetScenario('quick'), churnPerMin: -0.1 }, 'churn.json'), /churn\.json: "churnPerMin" must be a share of the connections a minute from 0 to 60 \(0\.1 = a tenth a minute\), got -0\.1/);
  assert.equal(validateScenario({ ...presetScenario('quick'), churnPerMin: 2 }, 'flags').churnPerMin, 2, 'twice a minute is churn too');
});

test('slow readers read the same on every page, and older runs had none', () => {
  assert.equal(slowReadersInWords(presetScenario('slow-consumers')), '10.0% of the connections read at most 8.19 KB/s and stop reading for 20 s of every 40 s');
  assert.equal(slowReadersInWords({ slowShare: 0.25, slowReadBytesPerSec: 0, slowStallSec: 30, slowStallEverySec: 0 }), '25.0% of the connections stop reading for 30 s once');
  assert.equal(slowReadersInWords(presetScenario('quick')), 'none: every connection reads at full speed');
  const old = recordedScenario({ name: 'quick', connections: 1000 });
  assert.deepEqual([old.messageBytes, old.slowShare, old.calmSec, old.churnPerMin], [0, 0, 0, 0]);
});

test('every scenario file shipped in data/scenarios loads and validates', () => {
  const dir = path.resolve('data/scenarios');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 4, files.join(', '));
  for (const file of files) {
    const s = loadScenarioFile(path.join(dir, file));
    assert.equal(s.name, file.replace(/\.json$/, ''), `${file} names itself`);
  }
  assert.equal(loadScenarioFile(path.join(dir, 'message-16k.json')).messageBytes, 16_384);
  assert.equal(loadScenarioFile(path.join(dir, 'compression.json')).compression, true);
  assert.equal(loadScenarioFile(path.join(dir, 'churn.json')).churnPerMin, 0.2);
  assert.equal(loadScenarioFile(path.join(dir, 'stalled-for-good.json')).slowStallEverySec, 0);
});
