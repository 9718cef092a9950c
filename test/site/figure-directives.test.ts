// Write-ups' bound figures (site/src/lib/figure-directives.ts): each directive gives the
// catalogue's value in the catalogue's format, and each mistake is named with what is valid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FigureDirectiveError, replaceFigures, resolveFigure, runsTable, stepsTable, type FigureContext } from '../../site/src/lib/figure-directives.ts';
import type { RunSummary } from '../../collector/summary.ts';

const step = (target: number, rss: number, verdict = 'stable') =>
  ({ window: { targetConnections: target }, connections: target, steadyRssBytes: rss, addedBytesPerConn: rss / target / 10, latency: { p99Ms: target / 100 }, verdict });

const uwsSteps = [step(10_000, 400e6), step(20_000, 420e6)];
const sioSteps = [step(10_000, 1.1e9), step(20_000, 1.6e9), step(30_000, 2.2e9, 'unstable')];
const runs: Record<string, { name: string; summary: RunSummary; machine?: string }> = {
  'run-u': { name: 'uWS', machine: 'vm · AMD EPYC · 2 cores · 25.3 GB memory', summary: { latency: { p99Ms: 1150 }, steadyRssBytes: 766.5e6, capacityConnections: 20_000, capacity: { ceiling: true, steps: uwsSteps, failed: null, failedBecause: null } } as never },
  'run-s': { name: 'Socket.IO', summary: { latency: { p99Ms: null }, steadyRssBytes: 2.6e9, capacityConnections: 20_000, capacity: { ceiling: false, steps: sioSteps, failed: sioSteps[2], failedBecause: 'p99 5.07 s' } } as never },
};
const context: FigureContext = { refs: { u: 'run-u' }, run: (id) => runs[id] };

test('a figure directive gives the value, a ratio or the sentence, from a run or one of its steps', () => {
  assert.equal(resolveFigure('value latencyP99Ms u', context), '1.15 s');
  assert.equal(resolveFigure(' value steadyRssBytes run-s ', context), '2.60 GB');
  assert.equal(resolveFigure('value steadyRssBytes u@20000', context), '420.0 MB');
  assert.equal(resolveFigure('ratio steadyRssBytes u@20000 run-s@20000', context), '3.8x');
  assert.equal(resolveFigure('compare steadyRssBytes u@10000 run-s@10000', context), 'uWS used 2.8x less memory than Socket.IO');
  // A search that held every step is a lower bound, in the value and in the ratio.
  assert.equal(resolveFigure('value capacityConnections u', context), '≥ 20,000');
  assert.equal(resolveFigure('compare capacityConnections u run-s', context), 'uWS held at least 1.0x the connections of Socket.IO');
  assert.equal(resolveFigure('machine u', context), 'vm · AMD EPYC · 2 cores · 25.3 GB memory');
  assert.equal(resolveFigure('difference steadyRssBytes u@20000 run-s@20000', context), '1.18 GB');
  assert.equal(replaceFigures('p99 {{value latencyP99Ms u}}, {{ratio steadyRssBytes run-s u}} the memory.', context), 'p99 1.15 s, 3.4x the memory.');
});

test('each mistake in a figure directive is named, with what is valid', () => {
  const problem = (directive: string) => {
    try {
      resolveFigure(directive, context);
    } catch (e) {
      assert.ok(e instanceof FigureDirectiveError);
      return e.message;
    }
    assert.fail(`${directive} resolved`);
  };
  assert.match(problem('valu latencyP99Ms u'), /^\{\{valu latencyP99Ms u\}\}: unknown figure "valu" \(one of value, ratio, difference, compare, machine, cost\)$/);
  assert.match(problem('value latencyP99 u'), /unknown metric "latencyP99" \(one of connections, capacityConnections, .*latencyP99Ms/);
  assert.match(problem('value latencyP99Ms nope'), /unknown run "nope" \(a name in refs \(u\) or a run id in the database\)$/);
  assert.match(problem('ratio latencyP99Ms u'), /"ratio" takes 2 runs after the metric, got 1$/);
  assert.match(problem('value steadyRssBytes u@15000'), /no step at 15000 connections in run-u \(its steps: 10000, 20000\)$/);
  assert.match(problem('value latencyP99Ms run-s'), /Latency p99 was not measured in Socket\.IO$/);
  assert.match(problem('ratio latencyP99Ms u run-s'), /no ratio: Latency p99: not measured for Socket\.IO$/);
});

test('a steps block becomes a table of every step held, the failed one with why', () => {
  const table = stepsTable('run: run-s\ncolumns: connections, steadyRssBytes, latencyP99Ms\n', context);
  assert.deepEqual(table.head, ['Step', 'Connections held', 'Server memory (RSS)', 'Latency p99', 'Verdict']);
  assert.deepEqual(table.rows, [
    ['10,000', '10,000', '1.10 GB', '100 ms', 'stable'],
    ['20,000', '20,000', '1.60 GB', '200 ms', 'stable'],
    ['30,000', '30,000', '2.20 GB', '300 ms', 'unstable: p99 5.07 s'],
  ]);
  assert.throws(() => stepsTable('run: run-s\ncolumns: rss\n', context), /unknown column "rss" \(one of connections,/);
  assert.throws(() => stepsTable('columns: connections\n', context), /"run:" is missing/);
  assert.throws(() => stepsTable('run: run-s\ncolumns: connections\ncolour: red\n', context), /unknown key "colour" \(keys: run, columns\)/);
});

test('a runs block sets runs or their steps side by side, one row each', () => {
  const table = runsTable('runs: u@20000, run-s@20000, u\ncolumns: steadyRssBytes, capacityConnections\n', context);
  assert.deepEqual(table.head, ['Backend', 'Server memory (RSS)', 'Capacity (highest stable step)']);
  assert.deepEqual(table.rows, [['uWS', '420.0 MB', '–'], ['Socket.IO', '1.60 GB', '–'], ['uWS', '766.5 MB', '≥ 20,000']]);
  assert.throws(() => runsTable('runs: u@15000\ncolumns: steadyRssBytes\n', context), /wsbench-runs block: "u@15000": no step at 15000 connections/);
  assert.throws(() => runsTable('columns: steadyRssBytes\n', context), /"runs:" is missing/);
});

test("a series' backend gives its median with its range, and two of them the series' ratio over its rounds", () => {
  const spread = (median: number, min: number, max: number) => ({ n: 5, median, min, max, ciLow: min, ciHigh: max });
  const summary = {
    id: 'series-q', scenario: 'quick', backends: ['uws', 'socketio'], runs: [],
    figures: { uws: { addedBytesPerConn: spread(4460, 4030, 4510) }, socketio: { addedBytesPerConn: spread(54_100, 50_500, 57_000) } },
    ratios: [{ key: 'addedBytesPerConn', a: 'uws', b: 'socketio', spread: spread(4460 / 54_100, 1 / 13.5, 1 / 11.2), phrase: '' }],
  } as never;
  const labels: Record<string, string> = { uws: 'uWS', socketio: 'Socket.IO' };
  const withSeries: FigureContext = { ...context, refs: { q: 'series-q' }, series: (id) => (id === 'series-q' ? { summary, labelOf: (b) => labels[b]! } : undefined) };
  assert.equal(resolveFigure('value addedBytesPerConn q:uws', withSeries), '4.46 KB (4.03–4.51 KB over 5 runs)');
  assert.equal(resolveFigure('ratio addedBytesPerConn q:uws q:socketio', withSeries), '12.1x (11.2–13.5x over 5 pairs)');
  // Asked either way round, the sentence names the one that did better first, as every comparison does.
  assert.equal(resolveFigure('compare addedBytesPerConn q:socketio q:uws', withSeries), 'uWS used 12.1x less memory per added connection than Socket.IO (11.2–13.5x over 5 pairs)');
  assert.throws(() => resolveFigure('value addedBytesPerConn q:ws', withSeries), /series series-q ran uws, socketio, not ws/);
  assert.throws(() => resolveFigure('value addedBytesPerConn nope:uws', withSeries), /unknown series "nope"/);
  assert.throws(() => resolveFigure('ratio cpuPctAvg q:uws q:socketio', withSeries), /compares addedBytesPerConn, not cpuPctAvg/);
});

test('cost figures: machines, one limit\'s machines, the limit that binds and the ratio, each from the cost arithmetic; bad ones named', () => {
  const machine = { words: 'a test machine', cores: 1, memoryBytes: 1e9, profile: 'pi4' };
  const inputs = [
    { backend: 'uws', label: 'uWS', runId: 'u', seriesId: null, perConnBytes: { value: 4000, min: null, max: null }, perConnKey: 'marginalBytesPerConn' as const, idleBytes: 1e8, cpuPerKMsgs: { value: 1, min: null, max: null }, capacity: null, measuredConnections: 100_000, hostBound: false },
    { backend: 'socketio', label: 'Socket.IO', runId: 's', seriesId: null, perConnBytes: { value: 50_000, min: null, max: null }, perConnKey: 'marginalBytesPerConn' as const, idleBytes: 1e8, cpuPerKMsgs: { value: 4, min: null, max: null }, capacity: { connections: 10_000, atLeast: false, limitedBy: 'server' as const }, measuredConnections: 20_000, hostBound: false },
  ];
  const context = { refs: {}, run: () => undefined, cost: (name: string) => (name === 'pi4' ? { choice: { kind: 'profile' as const, name: 'pi4' }, machine, inputs } : undefined) };
  // uWS: memory (1e9 − 1e8) / 4000 = 225,000 a machine; CPU 100 × 1000 / (1 × 0.5) = 200,000: CPU binds, 5 machines for 1M.
  assert.equal(resolveFigure('cost machines uws 1000000 2000 pi4', context), '5');
  assert.equal(resolveFigure('cost memory uws 1000000 2000 pi4', context), '5');
  assert.equal(resolveFigure('cost binds uws 1000000 2000 pi4', context), 'CPU');
  // Socket.IO: memory 18,000, CPU 50,000, capacity 10,000 a machine: capacity binds, 100 machines.
  assert.equal(resolveFigure('cost machines socketio 1000000 2000 pi4', context), '100');
  assert.equal(resolveFigure('cost binds socketio 1000000 2000 pi4', context), 'capacity');
  assert.equal(resolveFigure('cost ratio socketio uws 1000000 2000 pi4', context), '20.0x');
  assert.throws(() => resolveFigure('cost machines uws 1000000 2000 pi5', context), /no runs measured the costs on "pi5"/);
  assert.throws(() => resolveFigure('cost machines ws 1000000 2000 pi4', context), /no costs for "ws" on pi4 \(uws, socketio\)/);
  assert.throws(() => resolveFigure('cost price uws 1000000 2000 pi4', context), /unknown cost figure "price" \(one of machines, memory, cpu, binds, ratio\)/);
  assert.throws(() => resolveFigure('cost ratio uws 1000000 2000 pi4', context), /"cost ratio" takes two backends/);
  assert.throws(() => resolveFigure('cost machines uws lots 2000 pi4', context), /connections must be a whole number ≥ 1, got "lots"/);
});
