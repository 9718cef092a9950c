// Loaded into every test file's process (`node --import ./test/helpers/harness.ts --test`): a
// test owns every process it starts, and a file never runs past its time limit.
//
// - When a test ends, pass or fail, every child this process started while it ran is killed with
//   everything under it, after the test's own cleanup had its chance. That covers what a helper
//   started before it threw (which `t.after` alone misses) and the workers a backend forks
//   in-process.
// - At exit or on a signal, every process descended from this one is killed, and every group a
//   test started through `spawnOwned`.
// - A file that runs past its limit names the tests still running, kills what they started, and
//   fails: a stuck test is a failure with a name, never a hang.
import { children, reapNewSince, reapOwned } from './owned.ts';
import { appendFileSync, readFileSync } from "node:fs";

const isTestFile = process.env.NODE_TEST_CONTEXT !== undefined;
/** Each test file's limit, in seconds, from start-up; `fileLimit()` resets it. */
export const DEFAULT_FILE_LIMIT_S = Number(process.env.WSBENCH_TEST_FILE_LIMIT_S ?? 300);
/**
 * The limit of a test that builds the site from every reference run (32, two of them 28- and
 * 17-minute capacity searches) and reads it in a browser: about 80 s here when quiet, 230 s
 * beside `npm run test:busy`'s loops. A hang guard, not a judgement of speed.
 */
export const REFERENCE_SITE_MS = 480_000;

const running = new Map<object, string>();
let limitTimer: NodeJS.Timeout | undefined;

process.on('exit', () => reapOwned());
const SIGNAL_CODES = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
for (const signal of Object.keys(SIGNAL_CODES) as (keyof typeof SIGNAL_CODES)[]) {
  process.once(signal, () => {
    if (isTestFile) process.stderr.write(`\ntest harness: ${signal} ${stuckTests()}; ending the processes it started\n`);
    reapOwned();
    process.exit(128 + SIGNAL_CODES[signal]);
  });
}

function stuckTests(): string {
  const names = [...running.values()];
  return names.length ? `while running ${names.map((n) => `"${n}"`).join(' > ')}` : 'outside any test (in a before or after hook, or with a handle left open)';
}

/**
 * Sets this file's time limit to `seconds` from now (a file that waited its turn starts afresh);
 * `doing` says what it is waiting for when that is not a test.
 */
export function fileLimit(seconds: number, doing?: string): void {
  clearTimeout(limitTimer);
  limitTimer = setTimeout(() => {
    const file = process.argv[1] ? process.argv[1].replace(`${process.cwd()}/`, '') : 'this file';
    process.stderr.write(`\ntest harness: ${file} ran past its limit of ${seconds} s ${doing ?? stuckTests()}: failed\n`);
    reapOwned();
    process.exit(1);
  }, seconds * 1000);
  limitTimer.unref();
}

if (isTestFile) {
  fileLimit(DEFAULT_FILE_LIMIT_S);
  // Hooks on the root apply to every test of the file, nested ones too.
  const { beforeEach, afterEach } = await import('node:test');
  const before = new Map<object, Set<number>>();
  beforeEach((t) => {
    running.set(t, t.name);
    before.set(t, children());
  });
  afterEach((t) => {
    running.delete(t);
    const existing = before.get(t);
    before.delete(t);
    // Queued behind the test's own t.after hooks, which run next: a polite stop goes first.
    if (existing && 'after' in t) t.after(() => reapNewSince(existing));
  });
}
// TEMP timeline
{ const f = process.argv[1]?.replace(`${process.cwd()}/`, ''); const t0 = Date.now(); process.on('exit', () => { try { const st = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ').slice(11, 15).map(Number); appendFileSync('/tmp/timeline.log', `${f} ${t0} ${Date.now()} ${st.join(' ')}\n`); } catch {} }); }
