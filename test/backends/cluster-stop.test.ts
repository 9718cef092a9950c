// Stopping a cluster backend whose workers are slower to stop than the server group waits
// (Socket.IO closing tens of thousands of sockets): the primary's SIGTERM takes its workers with
// it, so none is left behind and none prints a crash ("write EPIPE", an unhandled 'error' event)
// for a message to a primary that is gone. Seen at the end of a Socket.IO capacity run at 50k.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { test } from 'node:test';

/** Running, that is: a killed process waits as a zombie until someone reaps it (here PID 1 may never). */
const alive = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z';
  } catch {
    return false;
  }
};

test('a cluster backend stopped while its workers are busy ends every process, quietly', { timeout: 60_000 }, () => {
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'test/helpers/slow-stop-driver.ts'], { encoding: 'utf8', timeout: 50_000 });
  assert.equal(res.status, 0, res.stderr);
  const [pids, stopped] = res.stdout.trim().split('\n');
  assert.equal(stopped, 'stopped');
  const { primary, workers } = JSON.parse(pids!) as { primary: number; workers: number[] };
  assert.equal(workers.length, 2);
  assert.deepEqual([primary, ...workers].filter(alive), [], 'no process of the backend is left');
  assert.doesNotMatch(res.stderr, /EPIPE|Unhandled 'error' event|ERR_IPC_CHANNEL_CLOSED/, res.stderr);
});
