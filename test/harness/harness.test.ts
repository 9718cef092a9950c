// The test harness itself: a test that fails, or hangs, after starting a collector and a server
// is reported as failed, by name, within the file's limit, and leaves no process behind.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/fixtures.ts';
import { spawnOwned } from '../helpers/owned.ts';

const FIXTURE = path.resolve('test/helpers/harness-fixture.ts');
const LIMIT_S = 8;

/** A process that still runs: a zombie (killed, not yet reaped by its new parent) does not. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids still running a moment after the runner ended: a SIGKILL is delivered, not waited for. */
async function stillRunning(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 20 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  return pids.filter(alive);
}

/** Runs the fixture file under the real runner, as `npm test` runs a file. */
async function runFixture(mode: 'fail' | 'hang') {
  const pidsFile = path.join(tempDir(), 'pids');
  const started = Date.now();
  // Without the variable that tells a file it runs under a runner: this is a runner of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  const child = spawnOwned(process.execPath, ['--import', 'tsx', '--import', './test/helpers/harness.ts', '--test', '--test-reporter=spec', FIXTURE], {
    env: { ...env, WSBENCH_FIXTURE_MODE: mode, WSBENCH_FIXTURE_PIDS: pidsFile, WSBENCH_TEST_FILE_LIMIT_S: String(LIMIT_S) },
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const seconds = (Date.now() - started) / 1000;
  const pids = fs.existsSync(pidsFile) ? fs.readFileSync(pidsFile, 'utf8').split('\n').map(Number) : [];
  return { code, output, seconds, pids };
}

test('a test that fails after starting a collector and a server: reported failed, nothing left running', { timeout: 60_000 }, async () => {
  const { code, output, pids } = await runFixture('fail');
  assert.equal(code, 1, output);
  assert.match(output, /✖ a test that starts a collector and a server, then goes wrong/);
  assert.match(output, /failed on purpose/);
  assert.match(output, /✔ a later test in the same file still runs/);
  assert.equal(pids.length, 2, `the collector and one uWS worker: ${pids.join(', ')}\n${output}`);
  assert.deepEqual(await stillRunning(pids), [], 'processes the failed test started are still running');
});

test('a test that hangs: the file fails within its limit, naming the test, nothing left running', { timeout: 60_000 }, async () => {
  const { code, output, seconds, pids } = await runFixture('hang');
  assert.notEqual(code, 0, output);
  assert.match(output, new RegExp(`ran past its limit of ${LIMIT_S} s while running "a test that starts a collector and a server, then goes wrong"`));
  // The limit, plus the runner's own start-up (a few seconds on a busy machine).
  assert.ok(seconds < LIMIT_S + 20, `the runner took ${seconds.toFixed(1)} s with a file limit of ${LIMIT_S} s`);
  assert.equal(pids.length, 2, output);
  assert.deepEqual(await stillRunning(pids), [], 'processes the stuck test started are still running');
});
