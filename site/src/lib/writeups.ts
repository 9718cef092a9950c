// Write-ups with every run they name checked against the database (front matter `runs` and the
// runs of each embedded chart block) and every chart block checked against the metric catalogue.
// An unknown id or metric fails the build, naming the file and what is valid.
import { getCollection, type CollectionEntry } from 'astro:content';
import { CHART_BLOCK, chartBlockProblems, parseChartBlock } from './chart-block';
import { allRuns } from './data';
import { checkFigures, FigureDirectiveError } from './figure-directives';
import { figureContext } from './remark-figures';

export async function checkedWriteups(): Promise<CollectionEntry<'writeups'>[]> {
  const known = new Set(allRuns().flatMap(({ run }) => [run.id, ...(run.seriesId ? [run.seriesId] : [])]));
  const entries = await getCollection('writeups');
  for (const entry of entries) {
    const file = entry.filePath ?? entry.id;
    [...(entry.body ?? '').matchAll(CHART_BLOCK)].forEach((m, i) => {
      const problems = chartBlockProblems(m[1]!);
      if (problems.length) throw new Error(`${file}: chart block ${i + 1}: ${problems.join('; ')}`);
    });
    // The remark plugin binds the figures while Astro syncs content, and Astro only logs what it
    // throws there; checking them again here is what fails the build.
    try {
      checkFigures(entry.body ?? '', figureContext(entry.data.refs));
    } catch (e) {
      if (e instanceof FigureDirectiveError) throw new Error(`${file}: ${e.message}`);
      throw e;
    }
    const named = [...entry.data.runs, ...Object.values(entry.data.refs), ...(entry.data.verdict ?? []), ...[...(entry.body ?? '').matchAll(CHART_BLOCK)].flatMap((m) => parseChartBlock(m[1]!).runs)];
    for (const id of named) {
      if (!known.has(id)) throw new Error(`${file}: unknown run or series "${id}" (not in the database this site is built from; import it with \`wsbench import\`)`);
    }
  }
  return entries.sort((a, b) => b.data.pubDate.getTime() - a.data.pubDate.getTime());
}
