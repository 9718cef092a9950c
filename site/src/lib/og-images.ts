// Which pages get a link image and what it shows: each pair page and write-up its verdict bars (a
// write-up without a verdict its title and description), the cost page its default answer. The
// figures come from the same code the pages print (figures.ts pairRows, collector/cost-model.ts).
import { answerCost } from '../../../collector/cost-model.ts';
import { format, formatValue, HEADLINE } from '../../../collector/metrics.ts';
import { colorOf, labelOf, nameOf } from './backends';
import { allRuns, comparisons, pairSpreadFor, type RunCard } from './data';
import { pairRows } from './figures';
import { siteData } from './loader';
import type { ImageFigure, VerdictImage } from './og-image';

/** The cost page's default question: what its form opens on. */
export const COST_DEFAULT = { connections: 100_000, intervalMs: 2000 };

const footerOf = (a: RunCard) => `Measured by wsbench on ${a.run.host} (${a.run.cores} cores)${a.run.scenarioParams.limits?.profile ? `, limited like a ${a.run.scenarioParams.limits.profile} (not one)` : ''}`;

/** Two runs' verdict: the pair page's lead sentences and bars of its lead figures. */
export function pairImage(a: RunCard, b: RunCard, title: string): VerdictImage {
  const [nameA, nameB] = [labelOf(a.run.backend), labelOf(b.run.backend)];
  const rows = pairRows({ name: nameA, summary: a.summary }, { name: nameB, summary: b.summary }, pairSpreadFor(a, b)).filter((r) => r.lead);
  const figures: ImageFigure[] = rows.map((r) => ({
    label: r.label,
    bars: [
      // The figure alone (a series' median): its range is on the page, the sentence above says the ratio's.
      { name: nameA, value: r.va, text: r.spread ? format(HEADLINE[r.key], r.va) : r.a, color: colorOf(a.run.backend) },
      { name: nameB, value: r.vb, text: r.spread ? format(HEADLINE[r.key], r.vb) : r.b, color: colorOf(b.run.backend) },
    ],
  }));
  return { title, lines: rows.slice(0, 1).map((r) => r.comparison.phrase), figures, footer: footerOf(a) };
}

export interface ImagePage {
  /** The image's file name under /og/, without .png. */
  name: string;
  image: () => VerdictImage;
}

/** Every image the build makes. */
export function imagePages(writeups: { id: string; data: { title: string; description: string; verdict?: [string, string] } }[]): ImagePage[] {
  const cards = new Map(allRuns().map((c) => [c.run.id, c]));
  const pairs = comparisons().map((c): ImagePage => ({
    name: `compare-${c.slug}`,
    image: () => pairImage(c.a, c.b, `${nameOf(c.a.run.backend)} vs ${nameOf(c.b.run.backend)}: ${c.scenario}${c.profile ? ` under ${c.profile} limits` : ''}`),
  }));
  const posts = writeups.map((w): ImagePage => ({
    name: `writeup-${w.id}`,
    image: () => {
      const [a, b] = (w.data.verdict ?? []).map((id) => cards.get(id));
      return a && b ? pairImage(a, b, w.data.title) : { title: w.data.title, lines: [w.data.description], figures: [], footer: 'Measured by wsbench: every figure from the runs it names' };
    },
  }));
  const basis = siteData().costBasis()[0];
  const cost: ImagePage[] = basis
    ? [{
        name: 'cost',
        image: () => {
          const answer = answerCost(basis.machine, basis.inputs, { ...COST_DEFAULT, machine: basis.choice });
          const rows = [...answer.backends].sort((x, y) => x.machines.value - y.machines.value);
          const machines = (n: number) => `${n.toLocaleString('en-US')} machine${n === 1 ? '' : 's'}`;
          return {
            title: `What it costs: ${COST_DEFAULT.connections.toLocaleString('en-US')} connections, an update every ${COST_DEFAULT.intervalMs / 1000} s`,
            lines: [rows.map((r) => `${labelOf(r.backend)} needs ${machines(r.machines.value)} (${r.binds === 'cpu' ? 'CPU' : r.binds} binds)`).join('; ')],
            figures: [{ label: 'Machines', bars: rows.map((r) => ({ name: labelOf(r.backend), value: r.machines.value, text: machines(r.machines.value), color: colorOf(r.backend) })) }],
            footer: `${basis.choice.kind === 'profile' ? `A ${basis.choice.name} as its profile models it` : 'A machine'}: ${formatValue('bytes', basis.machine.memoryBytes)}, ${basis.machine.cores} cores; from wsbench's runs`,
          };
        },
      }]
    : [];
  return [...pairs, ...posts, ...cost];
}
