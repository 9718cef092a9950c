// How each backend is shown, settled from the runs themselves: every run records its backend's
// label, full title and colour (schema 4), so a new backend appears on the site without a list
// here. The newest run that says wins; a backend no run describes (an old database not yet
// filled in by `wsbench site build`) gets its own name and a spare colour, the same on every page.
// A pure function of the runs: the loader calls it once per build.
import type { RunInfo } from '../../../collector/query.ts';
import { SPARE_COLORS } from '../consts.ts';

export interface BackendLook {
  label: string;
  title: string;
  color: string;
}

/** Every backend's look from the runs (newest first), filled into the runs that lack one. */
export function settleLooks(runs: RunInfo[]): Map<string, BackendLook> {
  const looks = new Map<string, BackendLook>();
  const undescribed = new Set<string>();
  // Newest first: the first run that describes a backend wins.
  for (const run of runs) {
    if (looks.has(run.backend)) continue;
    if (run.backendLabel && run.backendColor) looks.set(run.backend, { label: run.backendLabel, title: run.backendTitle ?? run.backendLabel, color: run.backendColor });
    else undescribed.add(run.backend);
  }
  const used = new Set([...looks.values()].map((l) => l.color.toLowerCase()));
  const spares = SPARE_COLORS.filter((c) => !used.has(c.toLowerCase()));
  [...undescribed].filter((b) => !looks.has(b)).sort().forEach((backend, i) => {
    looks.set(backend, { label: backend, title: backend, color: spares[i % spares.length] ?? '#444444' });
  });
  for (const run of runs) {
    const look = looks.get(run.backend)!;
    run.backendLabel ??= look.label;
    run.backendTitle ??= look.title;
    run.backendColor ??= look.color;
  }
  return looks;
}
