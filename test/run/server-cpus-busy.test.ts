// The server's CPUs, as the sampler reads them: with a cpuset (--server-cpus) only those CPUs'
// lines of /proc/stat count, so what the load generator does on the other CPUs is not "others
// on the server's CPUs", and a server that fills its own CPUs is not host-bound.
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { allowedCpusOf, readHostCpu } from '../../runners/sampler/proc.ts';
import { spawnOwned } from '../helpers/owned.ts';

test('a process pinned to one CPU is read as that CPU; the busy share is counted over it alone', { timeout: 20_000 }, async (t) => {
  const cpus = os.availableParallelism();
  const whole = readHostCpu()!;
  assert.equal(whole.cpus, cpus, 'unpinned: the whole host');
  assert.deepEqual(allowedCpusOf(process.pid), Array.from({ length: cpus }, (_, i) => i));
  assert.equal(readHostCpu(allowedCpusOf(process.pid))!.cpus, cpus, 'every CPU allowed: the whole host');
  if (cpus < 2) return t.skip('one CPU: nothing to tell apart');
  const last = cpus - 1;
  const child = spawnOwned('taskset', ['-c', String(last), 'sleep', '30'], { stdio: 'ignore' });
  // taskset pins itself, then execs sleep: the same pid, read once the exec is done.
  let allowed: number[] | undefined;
  for (let i = 0; i < 100 && allowed?.length !== 1; i++) {
    await new Promise((r) => setTimeout(r, 20));
    allowed = allowedCpusOf(child.pid!);
  }
  assert.deepEqual(allowed, [last]);
  const one = readHostCpu(allowed)!;
  assert.equal(one.cpus, 1);
  assert.ok(one.total < whole.total, `one CPU's time (${one.total}) is a part of the host's (${whole.total})`);
  assert.equal(allowedCpusOf(2 ** 22 + 12345), undefined, 'no such process');
});
