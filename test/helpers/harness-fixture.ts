// A test file that goes wrong on purpose, run by test/harness/harness.test.ts in a runner of its
// own: it starts a collector (a child process group) and a uWS server (forked workers), writes
// their pids to $WSBENCH_FIXTURE_PIDS, then fails ($WSBENCH_FIXTURE_MODE=fail) or hangs (=hang).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startBackend } from './backends.ts';
import { startCollectorCli } from './cli.ts';
import { tempDir } from './fixtures.ts';

test('a test that starts a collector and a server, then goes wrong', async () => {
  const { child } = await startCollectorCli(path.join(tempDir(), 'fixture.db'));
  const { backend } = await startBackend('uws');
  const pids = [child.pid!, ...backend.pids().map((p) => p.pid)];
  fs.writeFileSync(process.env.WSBENCH_FIXTURE_PIDS!, pids.join('\n'));
  if (process.env.WSBENCH_FIXTURE_MODE === 'hang') await new Promise(() => {}); // the collector keeps the loop alive
  assert.equal(1, 2, 'failed on purpose');
});

test('a later test in the same file still runs', () => {});
