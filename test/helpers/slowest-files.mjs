// A test reporter that prints, after the run, the ten files that took longest: where the suite's
// minutes go. A file's time is the sum of its top-level tests and suites (their hooks included).
// JavaScript: Node loads reporters before tsx's hooks are in place.
import path from 'node:path';

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
  const slowest = [...msByFile].sort((a, b) => b[1] - a[1]).slice(0, 10);
  if (slowest.length === 0) return;
  yield '\nThe 10 slowest test files (seconds in their tests):\n';
  for (const [file, ms] of slowest) yield `${(ms / 1000).toFixed(1).padStart(7)} s  ${path.relative(process.cwd(), file)}\n`;
}
