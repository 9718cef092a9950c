// `npm run test:busy`: the whole suite (`npm test`) with one busy loop per CPU beside it, as on a
// user's machine that is doing something else. The loops run at normal priority, bounded by
// `timeout` whatever happens here, and end with the suite. Exits with the suite's code.
import { spawn } from 'node:child_process';
import os from 'node:os';

const cpus = os.availableParallelism();
const LOOP_LIMIT_S = 3 * 3600;
const loops = Array.from({ length: cpus }, () =>
  spawn('timeout', [String(LOOP_LIMIT_S), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore', detached: true }),
);
const stopLoops = () => {
  for (const loop of loops) {
    try {
      process.kill(-loop.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.on('exit', stopLoops);
console.error(`test:busy: ${cpus} busy loop${cpus === 1 ? '' : 's'} (one per CPU) beside npm test`);

const started = Date.now();
const suite = spawn('npm', ['test', '--', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => suite.kill(signal));
suite.on('exit', (code, signal) => {
  console.error(`test:busy: npm test ${code === 0 ? 'passed' : `failed (${signal ?? `exit ${code}`})`} in ${Math.round((Date.now() - started) / 1000)} s with ${cpus} busy loops beside it`);
  process.exit(code ?? 1);
});
