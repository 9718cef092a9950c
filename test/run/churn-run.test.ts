// Churn end to end through the real CLI: a share of the connections closes and connects again
// every minute, TLS handshake included. A reconnecting client is still held, and the ticks it
// missed while away are not the server's loss: delivery stays whole, and the reconnects and
// their set-up time are recorded.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { headlineValue } from '../../collector/metrics.ts';
import { getSummary, listRuns } from '../../collector/query.ts';
import { openDatabase } from '../../collector/schema.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';
import { runsServers } from '../helpers/measuring.ts';

await runsServers();

test('connections that reconnect are still held and cost no delivery; the reconnects and their set-up are recorded', { timeout: 120_000 }, async () => {
  const db = path.join(tempDir(), 'churn.db');
  // 60 connections, each reconnecting six times a minute: about six a second over an 8 s hold.
  const res = await runCli(['run', '--backend', 'uws', '--connections', '60', '--rate', '200', '--hold', '8', '--base-hold', '0', '--idle', '0', '--interval-ms', '500', '--workers', '1', '--churn', '6', '--db', db], { timeoutMs: 110_000 });
  assert.ok(res.code === 0 || res.code === 3, res.stderr);
  const d = openDatabase(db, { readonly: true });
  try {
    const run = listRuns(d)[0]!;
    const s = getSummary(d, run.id);
    assert.equal(s.connections, 60, 'a connection between close and open again is still held');
    assert.equal(s.deliveredPct, 100, `${run.verdictReason}: the ticks a reconnecting client was away for are not expected of the server`);
    const reconnects = headlineValue(s as never, 'reconnects')!;
    assert.ok(reconnects >= 25 && reconnects <= 80, `${reconnects} reconnects in the hold`);
    assert.ok(headlineValue(s as never, 'handshakeP99Ms')! > 0, 'the reconnects\' set-up time measured in the hold');
    assert.equal(run.scenarioParams.churnPerMin, 6);
  } finally {
    d.close();
  }
});
