// Pair pages set runs side by side only on one machine: a backend's run on your laptop is never
// paired with another backend's reference run on another machine (pairs.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunInfo } from '../../collector/query.ts';
import { pairsOf } from '../../site/src/lib/pairs.ts';

let clock = 0;
/** A finished run, newer than the one before. */
function card(backend: string, host: string, scenario = 'quick', cores = 2): { run: RunInfo } {
  clock += 1000;
  return { run: { id: `${backend}-${host}-${clock}`, backend, host, cores, cpuModel: 'cpu', scenario, scenarioParams: {}, status: 'completed', startedMs: clock } as unknown as RunInfo };
}
const order = (x: string, y: string) => ['uws', 'socketio', 'ws'].indexOf(x) - ['uws', 'socketio', 'ws'].indexOf(y);
const newestFirst = <C extends { run: RunInfo }>(cards: C[]) => [...cards].sort((a, b) => b.run.startedMs - a.run.startedMs);

test('a backend run on another machine is not paired with the reference runs', () => {
  const refUws = card('uws', 'vm');
  const refSio = card('socketio', 'vm');
  const mine = card('uws', 'laptop'); // the newest uWS run, on another machine
  const pairs = pairsOf(newestFirst([refUws, refSio, mine]), order);
  assert.equal(pairs.length, 1);
  assert.deepEqual([pairs[0]!.a, pairs[0]!.b], [refUws, refSio], 'the reference pair stays on its machine');
  assert.equal(pairs[0]!.slug, 'quick-uws-vs-socketio');
  assert.equal(pairs[0]!.shared, false);
});

test('the same pair on two machines: two pages, each address and title naming its machine', () => {
  const runs = [card('uws', 'vm'), card('socketio', 'vm'), card('uws', 'Pi 4'), card('socketio', 'Pi 4', 'quick', 4), card('uws', 'Pi 4', 'quick', 4)];
  const pairs = pairsOf(newestFirst(runs), order);
  assert.deepEqual(pairs.map((p) => p.slug), ['quick-uws-vs-socketio-on-pi-4', 'quick-uws-vs-socketio-on-vm']);
  assert.ok(pairs.every((p) => p.shared));
  assert.deepEqual(pairs.map((p) => p.machine), ['Pi 4 (4 cores)', 'vm (2 cores)']);
  assert.equal(pairs[0]!.a, runs[4], 'the latest uWS run on the Pi with 4 cores');
});

test('runs still running are left out, and other scenarios pair on their own', () => {
  const running = card('socketio', 'vm');
  (running.run as { status: string }).status = 'running';
  const pairs = pairsOf(newestFirst([card('uws', 'vm'), running, card('uws', 'vm', 'capacity'), card('socketio', 'vm', 'capacity')]), order);
  assert.deepEqual(pairs.map((p) => p.slug), ['capacity-uws-vs-socketio']);
});

test('runs with slow readers make no pair: their memory and CPU are the queues\' as much as the connections\'', () => {
  const slow = (backend: string) => {
    const c = card(backend, 'vm', 'slow-consumers');
    (c.run as { scenarioParams: unknown }).scenarioParams = { slowShare: 0.1 };
    return c;
  };
  const pairs = pairsOf(newestFirst([card('uws', 'vm'), card('socketio', 'vm'), slow('uws'), slow('socketio')]), order);
  assert.deepEqual(pairs.map((p) => p.slug), ['quick-uws-vs-socketio']);
});
