// The lock site builds take turns through: one holder at a time, and a lock left by a process
// that died is taken over instead of waited on for ever.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withFileLock } from '../../common/file-lock.ts';
import { tempDir } from '../helpers/fixtures.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('holders take turns, the one waiting is told who holds it, and the lock is gone after', async () => {
  const lock = path.join(tempDir(), 'x.lock');
  const order: string[] = [];
  const waitedFor: number[] = [];
  const first = withFileLock(lock, () => order.push('first waited'), async () => {
    order.push('first in');
    await sleep(500);
    order.push('first out');
  });
  await sleep(50);
  const second = withFileLock(lock, (pid) => waitedFor.push(pid), async () => {
    order.push('second in');
  });
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'first out', 'second in']);
  assert.deepEqual(waitedFor, [process.pid]);
  assert.equal(fs.existsSync(lock), false);
});

test('a lock whose owner died is taken over; one without an owner is, once it is old', async () => {
  const dir = tempDir();
  const dead = spawnSync('true').pid!; // a pid that has exited
  const lock = path.join(dir, 'dead.lock');
  fs.mkdirSync(lock);
  fs.writeFileSync(path.join(lock, 'pid'), String(dead));
  assert.equal(await withFileLock(lock, () => assert.fail('waited for a dead owner'), async () => 'taken'), 'taken');

  const unowned = path.join(dir, 'unowned.lock');
  fs.mkdirSync(unowned);
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(unowned, old, old);
  assert.equal(await withFileLock(unowned, () => {}, async () => 'taken'), 'taken');
});

test('the lock is released when the work throws', async () => {
  const lock = path.join(tempDir(), 'y.lock');
  await assert.rejects(withFileLock(lock, () => {}, async () => {
    throw new Error('build failed');
  }), /build failed/);
  assert.equal(fs.existsSync(lock), false);
});
