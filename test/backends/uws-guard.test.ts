// The native-binding guard: wsbench never runs the pure-JS imitation that
// @trufflesuite/uws-js-unofficial swaps in when its binary fails to load.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { BackendError } from '../../runners/backends/errors.ts';
import { binaryName, loadUws } from '../../runners/backends/uws-loader.ts';
import { runCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/fixtures.ts';

/** A copy of the trufflesuite package whose native binary cannot load. */
function brokenTrufflesuiteCopy(): string {
  const original = path.resolve('node_modules/@trufflesuite/uws-js-unofficial');
  const copy = path.join(tempDir('wsbench-uws-'), 'node_modules', '@trufflesuite', 'uws-js-unofficial');
  fs.cpSync(original, copy, { recursive: true });
  fs.writeFileSync(path.join(copy, 'binaries', binaryName()), 'not an ELF file');
  return copy;
}

test('the package entry point of the broken copy silently falls back to JavaScript (why the guard exists)', () => {
  const copy = brokenTrufflesuiteCopy();
  const probe = spawnSync(process.execPath, ['-e', `const u = require(${JSON.stringify(copy)}); console.log(typeof u.App, typeof u.SSLApp)`], { encoding: 'utf8' });
  assert.equal(probe.stdout.trim(), 'function undefined', probe.stderr);
  assert.match(probe.stderr, /Falling back to a NodeJS implementation/);
});

test('the loader refuses an unloadable binary, naming the build and the reason', () => {
  const copy = brokenTrufflesuiteCopy();
  assert.throws(() => loadUws({ override: path.join(copy, 'binaries') }), (err: BackendError) => {
    assert.equal(err.code, 'unavailable');
    assert.match(err.message, new RegExp(`WSBENCH_UWS=${copy.replace(/[/.]/g, '\\$&')}/binaries does not load on Node v\\d+`));
    assert.match(err.message, /invalid ELF header|file too short/);
    return true;
  });
});

test('with no candidate loadable, every attempt is listed with what to install', () => {
  assert.throws(
    () =>
      loadUws({
        override: '',
        candidates: [
          { packageName: '@trufflesuite/uws-js-unofficial', binaryDir: 'no-such-dir', note: 'older build' },
          { packageName: 'uWebSockets.js', binaryDir: '.', note: 'official' },
        ],
      }),
    (err: BackendError) => {
      assert.equal(err.code, 'unavailable');
      assert.match(err.message, /refusing to run \(a pure-JS imitation would measure the wrong thing\)/);
      assert.match(err.message, new RegExp(`@trufflesuite/uws-js-unofficial \\(older build\\): no ${binaryName().replace(/\./g, '\\.')}`));
      assert.match(err.message, /uWebSockets\.js \(official\): not installed/);
      assert.match(err.message, /Fix: /);
      return true;
    },
  );
});

const unloadable = (() => {
  try {
    loadUws({ override: '' });
    return false;
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
})();

test('the loaded build is native and is recorded exactly', { skip: unloadable ? `${unloadable} (the servers use the registry's Node 20: server-node.test.ts)` : false }, () => {
  const loaded = loadUws({ override: '' });
  assert.equal(typeof loaded.uws.SSLApp, 'function');
  assert.match(loaded.build, new RegExp(`@\\S+ ${binaryName().replace(/\./g, '\\.')} sha256:[0-9a-f]{12}$`));
});

test('`wsbench serve --backend uws` with an unloadable build exits non-zero with the reason', async () => {
  const copy = brokenTrufflesuiteCopy();
  const res = await runCli(['serve', '--backend', 'uws', '--port', '0'], { env: { WSBENCH_UWS: path.join(copy, 'binaries') } });
  assert.equal(res.code, 1);
  assert.match(res.stderr, /^wsbench serve: uWebSockets\.js: WSBENCH_UWS=.* does not load/);
  assert.equal(res.stdout, '');
});
