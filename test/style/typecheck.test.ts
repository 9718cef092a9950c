// The whole project type-checks (tsc --noEmit over tsconfig.json), as a test file: it runs
// beside the others instead of before them, and a type error is a failure with the compiler's
// words, not a suite that never started.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnOwned } from '../helpers/owned.ts';

test('the project type-checks (tsc --noEmit)', async () => {
  const tsc = spawnOwned(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '--pretty', 'false']);
  let out = '';
  tsc.stdout!.on('data', (d) => (out += d));
  tsc.stderr!.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => tsc.on('close', resolve));
  assert.equal(code, 0, `tsc found errors:\n${out}`);
});
