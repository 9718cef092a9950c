// The remark plugin that binds write-ups' figures to the database at build time
// (figure-directives.ts): each {{…}} in the prose becomes its value, each ```wsbench-steps or
// ```wsbench-runs block a table. Any problem fails the build with the file's name.
import { allRuns, allSeries } from './data';
import { siteData } from './loader';
import { labelOf } from './backends';
import { machineInWords } from '../../../collector/machines.ts';
import { FigureDirectiveError, replaceFigures, RUNS_BLOCK_LANG, runsTable, STEPS_BLOCK_LANG, stepsTable, type FigureContext, type StepsTable } from './figure-directives';

const TABLES: Record<string, (block: string, context: FigureContext) => StepsTable> = { [STEPS_BLOCK_LANG]: stepsTable, [RUNS_BLOCK_LANG]: runsTable };

interface Node {
  type: string;
  value?: string;
  lang?: string | null;
  children?: Node[];
  [key: string]: unknown;
}

/** What a write-up's figures are bound to: this build's runs and series, under the names its front matter gives them. */
export function figureContext(refs: Record<string, string>): FigureContext {
  const cards = new Map(allRuns().map((card) => [card.run.id, card]));
  return {
    refs,
    run: (id) => {
      const card = cards.get(id);
      return card && { name: labelOf(card.run.backend), summary: card.summary, machine: machineInWords(card.run.machines.server) };
    },
    series: (id) => {
      const summary = allSeries().find((s) => s.id === id);
      return summary && { summary, labelOf };
    },
    cost: (machine) => siteData().costBasis().find((b) => (b.choice.kind === 'profile' ? b.choice.name : 'measured') === machine),
  };
}

const textCell = (text: string): Node => ({ type: 'tableCell', children: [{ type: 'text', value: text }] });

function walk(node: Node, context: FigureContext): void {
  if (node.type === 'text' && node.value?.includes('{{')) node.value = replaceFigures(node.value, context);
  node.children?.forEach((child, i) => {
    const tableOf = child.type === 'code' && child.lang ? TABLES[child.lang] : undefined;
    if (tableOf) {
      const table = tableOf(child.value ?? '', context);
      node.children![i] = {
        type: 'table',
        align: table.head.map(() => null),
        children: [table.head, ...table.rows].map((cells) => ({ type: 'tableRow', children: cells.map(textCell) })),
      };
      return;
    }
    walk(child, context);
  });
}

export function remarkFigures() {
  return (tree: Node, file: { path?: string; history?: string[]; data: { astro?: { frontmatter?: Record<string, unknown> } } }) => {
    try {
      walk(tree, figureContext((file.data.astro?.frontmatter?.refs ?? {}) as Record<string, string>));
    } catch (e) {
      if (e instanceof FigureDirectiveError) throw new Error(`${file.path ?? file.history?.[0] ?? 'a write-up'}: ${e.message}`);
      throw e;
    }
  };
}
