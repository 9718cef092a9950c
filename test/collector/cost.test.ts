// What a backend costs in machines (collector/cost.ts, `wsbench cost`), from real reference runs:
// each limit's machines follow from the run's own figures by the stated arithmetic, the binding
// limit is the one that allows the fewest connections a machine, a series gives a range, a lower
// bound limits nothing, and bad questions are refused by name.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { costOf, CostError } from '../../collector/cost.ts';
import { answerCost, limitWords, type BackendInputs } from '../../collector/cost-model.ts';
import { headlineValue } from '../../collector/metrics.ts';
import { getSummary } from '../../collector/query.ts';
import { importReferenceRuns } from '../../collector/reference.ts';
import { openDatabase, type Db } from '../../collector/schema.ts';
import { runCli, runCliEach } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { fileLimit } from '../helpers/harness.ts';

/**
 * Time limits of the tests that summarize the pi4 capacity runs (28 and 17 minutes of samples):
 * about 20 s here on a quiet machine, 70 s beside `npm run test:busy`'s loops. They guard
 * against a hang; how fast a summary is, is not judged here.
 */
const SUMMARIZING_MS = 180_000;
// The runs are summarized three times over (in this process and in two CLI processes).
fileLimit(10 * 60);

/** A database of the named reference runs (data/reference). */
function referenceDb(match: RegExp): { db: Db; file: string } {
  const dir = tempDir();
  const refs = path.join(dir, 'ref');
  fs.mkdirSync(refs);
  for (const f of fs.readdirSync('data/reference').filter((f) => match.test(f))) fs.copyFileSync(path.join('data/reference', f), path.join(refs, f));
  const file = path.join(dir, 'runs.db');
  const db = openDatabase(file);
  importReferenceRuns(db, refs);
  return { db, file };
}

test('pi4: each limit\'s machines follow from the run\'s own figures, the fewest connections a machine binds, a capacity this machine set is named', { timeout: SUMMARIZING_MS }, () => {
  const { db } = referenceDb(/capacity/);
  const N = 1_000_000;
  const answer = costOf(db, { connections: N, intervalMs: 2000, machine: { kind: 'profile', name: 'pi4' }, pricePerMonth: 10 });
  assert.equal(answer.machine.cores, 1.2);
  assert.equal(answer.machine.memoryBytes, 3_410_000_000);
  assert.deepEqual(answer.backends.map((b) => b.backend).sort(), ['socketio', 'uws']);
  for (const b of answer.backends) {
    const s = getSummary(db, b.runId);
    const idle = s.idleRssBytes!;
    const slope = s.marginalBytesPerConn!;
    const cpuPerK = headlineValue(s, 'cpuPctPerKMsgs')!;
    // Memory: what is left of 3.41 GB after the idle server, in connections of the capacity slope.
    assert.equal(b.machinesBy.memory, Math.ceil(N / Math.floor((3.41e9 - idle) / slope)), `${b.backend} by memory`);
    // CPU: 1.2 cores against 0.5 messages a second per connection at cpuPerK % of a core per 1,000.
    assert.equal(b.machinesBy.cpu, Math.ceil(N / Math.floor((1.2 * 100 * 1000) / (cpuPerK * 0.5))), `${b.backend} by CPU`);
    const byCapacity = s.capacity!.ceiling ? null : Math.ceil(N / s.capacityConnections!);
    assert.equal(b.machinesBy.capacity, byCapacity, `${b.backend} by capacity`);
    const limits = Object.values(b.machinesBy).filter((v): v is number => v !== null);
    assert.equal(b.machines.value, Math.max(...limits));
    assert.equal(b.machinesBy[b.binds], b.machines.value, `${b.backend} binds ${b.binds}`);
    assert.equal(b.monthly, b.machines.value * 10);
  }
  // uWS's search failed at 110k host-bound: a measured capacity, set by this machine, and said so.
  const uws = answer.backends.find((b) => b.backend === 'uws')!;
  assert.deepEqual(uws.capacity, { connections: 100_000, atLeast: false, limitedBy: 'machine' });
  assert.equal(uws.binds, 'capacity');
  assert.ok(!uws.extrapolated, 'a machine holds the 100k its search held, no more');
  assert.ok(answer.assumptions.some((a) => /Set by this machine: uWS's capacity of 100,000/.test(a)), answer.assumptions.join('\n'));
  // Half the interval, twice the messages: CPU's machines double (within rounding).
  const faster = costOf(db, { connections: N, intervalMs: 1000, machine: { kind: 'profile', name: 'pi4' } });
  for (const b of faster.backends) {
    const before = answer.backends.find((x) => x.backend === b.backend)!;
    assert.ok(Math.abs(b.machinesBy.cpu! - 2 * before.machinesBy.cpu!) <= 1, `${b.backend}: ${before.machinesBy.cpu} → ${b.machinesBy.cpu}`);
    assert.equal(b.machinesBy.memory, before.machinesBy.memory, 'memory does not depend on the interval');
  }
  db.close();
});

test('a capacity search that held every step is a lower bound: it limits nothing, and the answer says so', () => {
  const machine = { words: 'a test machine', cores: 1, memoryBytes: 1e9, profile: 'test' };
  const inputs = (capacity: BackendInputs['capacity']): BackendInputs[] => [
    { backend: 'uws', label: 'uWS', runId: 'u', seriesId: null, perConnBytes: { value: 4000, min: null, max: null }, perConnKey: 'marginalBytesPerConn', idleBytes: 1e8, cpuPerKMsgs: { value: 1, min: null, max: null }, capacity, measuredConnections: 100_000, hostBound: false },
  ];
  const question = { connections: 1_000_000, intervalMs: 2000, machine: { kind: 'profile' as const, name: 'test' } };
  // 1 core: 100,000 % per (1 % per 1,000 msg/s × 0.5 msg/s) = 200,000 connections; memory: 9e8 / 4,000 = 225,000.
  const bound = answerCost(machine, inputs({ connections: 100_000, atLeast: true, limitedBy: null }), question).backends[0]!;
  assert.equal(bound.perMachine.capacity, null, 'a bound limits nothing');
  assert.equal(bound.binds, 'cpu');
  assert.equal(bound.machines.value, 5);
  assert.ok(bound.extrapolated, '200,000 a machine, beyond the 100,000 held');
  const boundAnswer = answerCost(machine, inputs({ connections: 100_000, atLeast: true, limitedBy: null }), question);
  assert.ok(boundAnswer.assumptions.some((a) => /A lower bound: uWS held every step of its capacity search up to 100,000/.test(a)));
  const measured = answerCost(machine, inputs({ connections: 100_000, atLeast: false, limitedBy: 'server' }), question).backends[0]!;
  assert.equal(measured.binds, 'capacity');
  assert.equal(measured.machines.value, 10);
});

test('a run of a series gives its machines a range from the series\' best and worst runs; bad questions are refused by name', { timeout: 60_000 }, () => {
  const { db } = referenceDb(/-quick-/);
  const answer = costOf(db, { connections: 10_000_000, intervalMs: 2000, machine: { kind: 'custom', cores: 4, memoryBytes: 8e9 } });
  for (const b of answer.backends) {
    assert.ok(b.seriesId, 'the quick runs are a series');
    assert.ok(b.perConnBytes.min! <= b.perConnBytes.value && b.perConnBytes.value <= b.perConnBytes.max!);
    assert.ok(b.machines.min! <= b.machines.value && b.machines.value <= b.machines.max!, `${b.backend}: ${b.machines.min} ≤ ${b.machines.value} ≤ ${b.machines.max}`);
    assert.ok(b.machines.min! < b.machines.max!, 'ten million connections: the spread shows');
    assert.ok(b.extrapolated, 'from runs of 5,000 connections');
  }
  assert.match(answer.machine.words, /^4 cores and 8\.00 GB of your own, at the costs measured on /);
  assert.throws(() => costOf(db, { connections: 1000, intervalMs: 2000, machine: { kind: 'profile', name: 'pi4' } }), (e: Error) => e instanceof CostError && /no run in the database was limited by the profile "pi4"/.test(e.message));
  assert.throws(() => costOf(db, { connections: 0, intervalMs: 2000, machine: { kind: 'measured' } }), /connections must be at least 1, got 0/);
  db.close();
});

test('wsbench cost prints the same answer as JSON and as a table, and refuses bad flags by name', { timeout: 2 * SUMMARIZING_MS }, async () => {
  const { db, file } = referenceDb(/capacity/);
  const expected = costOf(db, { connections: 100_000, intervalMs: 2000, machine: { kind: 'profile', name: 'pi4' }, pricePerMonth: null });
  db.close();
  const [json, text] = await runCliEach([
    ['cost', '--connections', '100000', '--machine', 'pi4', '--db', file, '--no-reference', '--json'],
    ['cost', '--connections', '100000', '--machine', 'pi4', '--db', file, '--no-reference'],
  ], { timeoutMs: SUMMARIZING_MS });
  assert.equal(json!.code, 0, json!.stderr);
  assert.deepEqual(JSON.parse(json!.stdout), JSON.parse(JSON.stringify(expected)));
  assert.equal(text!.code, 0, text!.stderr);
  for (const b of expected.backends) assert.match(text!.stdout, new RegExp(`^${b.backend} +${b.machines.value} +${limitWords(b.binds)} `, 'm'));
  const bad = await runCliEach([
    ['cost', '--db', file],
    ['cost', '--connections', '10', '--machine', '4,0', '--db', file],
    ['cost', '--connections', '10', '--machine', 'a Pi', '--db', file],
    ['cost', '--connections', '10', '--machine', 'pi5', '--db', file, '--no-reference'],
  ]);
  const messages = [/--connections is required/, /--machine 4,0: cores and GB must be above 0/, /--machine must be a profile \(pi4\), "measured", or CORES,GB/, /no run in the database was limited by the profile "pi5"/];
  bad.forEach((res, i) => {
    assert.equal(res.code, 2, res.stderr);
    assert.match(res.stderr, messages[i]!);
  });
  const help = await runCli(['cost', '--help']);
  assert.match(help.stdout, /^Usage: wsbench cost/);
});
