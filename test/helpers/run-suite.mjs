// The suite's runner (test/suite.sh execs it): every test file under Node's own runner, four at
// a time, each in its own process with tsx and the harness (test/helpers/harness.ts), which it
// inherits from this process's flags. Node's `--test` sorts the files it is given by name, so
// the 140-second files started last; run() takes them in the order given: longest first (the
// times of the last run, else the file's size), so the short ones fill in at the end, and the
// file that measures the machine's contention last, when it can have the machine alone.
// Prints the spec report, then the ten slowest files; exits 1 when any test failed.
// JavaScript: it is started before tsx's hooks would matter, like the reporter it uses.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import slowestFiles, { TIMES_FILE } from './slowest-files.mjs';

/** Files at a time: 4 keeps a 2-core machine busy while servers hold their ticks. */
const CONCURRENCY = Number(process.env.WSBENCH_TEST_CONCURRENCY ?? 4);

/** The files in the order to start them: longest first, the one that measures alone last. */
function order(files) {
  let times = {};
  try {
    times = JSON.parse(fs.readFileSync(TIMES_FILE, 'utf8'));
  } catch {
    // No earlier run: file size stands in for time.
  }
  const cost = (f) => times[f] ?? fs.statSync(f).size;
  const alone = (f) => /^await measuringAlone\(/m.test(fs.readFileSync(f, 'utf8'));
  const byCost = (a, b) => cost(b) - cost(a);
  return [...files.filter((f) => !alone(f)).sort(byCost), ...files.filter(alone).sort(byCost)];
}

const files = order(process.argv.slice(2));
const events = run({ files: files.map((f) => path.resolve(f)), concurrency: CONCURRENCY });
// One stream of events, two readers: the spec report as it goes, the slowest files at the end.
const forSpec = new PassThrough({ objectMode: true });
const forSlowest = new PassThrough({ objectMode: true });
let failed = false;
events.on('data', (event) => {
  if (event.type === 'test:fail' && !event.data.todo) failed = true;
  forSpec.write(event);
  forSlowest.write(event);
});
events.on('end', () => {
  forSpec.end();
  forSlowest.end();
});
const slowest = (async () => {
  let text = '';
  for await (const chunk of slowestFiles(forSlowest)) text += chunk;
  return text;
})();
await new Promise((resolve, reject) => {
  const out = forSpec.compose(typeof spec === 'function' && spec.prototype ? new spec() : spec);
  out.on('data', (chunk) => process.stdout.write(chunk));
  out.on('end', resolve);
  out.on('error', reject);
});
process.stdout.write(await slowest);
process.exitCode = failed ? 1 : 0;
