// A test reporter that prints, after the run, the ten files that took longest: where the suite's
// minutes go. A file's time is the sum of its top-level tests and suites (their hooks included).
// JavaScript: Node loads reporters before tsx's hooks are in place.
import fs from 'node:fs';
import path from 'node:path';

/** Each file's time in the last run, which test/suite.sh reads to start the longest files first. */
export const TIMES_FILE = 'node_modules/.cache/wsbench/test-times.json';

/** @param {AsyncIterable<{ type: string, data: { nesting?: number, file?: string, details?: { duration_ms?: number } } }>} source */
export default async function* slowestFiles(source) {
  /** @type {Map<string, number>} */
  const msByFile = new Map();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { nesting, file, details } = event.data;
    if (nesting !== 0 || !file) continue;
    msByFile.set(file, (msByFile.get(file) ?? 0) + (details?.duration_ms ?? 0));
  }
  remember(msByFile);
  const slowest = [...msByFile].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (slowest.length === 0) return;
  yield '\nThe 10 slowest test files (seconds in their tests):\n';
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(7)} s  ${path.relative(process.cwd(), file)}\n`;
}

/** @param {Map<string, number>} msByFile */
function remember(msByFile) {
  try {
    const known = fs.existsSync(TIMES_FILE) ? JSON.parse(fs.readFileSync(TIMES_FILE, 'utf8')) : {};
    for (const [file, ms] of msByFile) known[path.relative(process.cwd(), file)] = Math.round(ms);
    fs.mkdirSync(path.dirname(TIMES_FILE), { recursive: true });
    fs.writeFileSync(TIMES_FILE, JSON.stringify(known, null, 1));
  } catch {
    // Only an ordering hint: a suite without it runs the same tests.
  }
}
