// Which pages get a link image and what it shows: each pair page and write-up its verdict bars (a
// write-up without a verdict its title and description), the cost page its default answer. The
// figures come from the same code the pages print (figures.ts pairRows, collector/cost-model.ts).
import { answerCost, limitWords, machineCount, machineRatio, machinesNoun, type BackendCost } from '../../../collector/cost-model.ts';
import { format, formatValue, HEADLINE } from '../../../collector/metrics.ts';
import { colorOf, labelOf, nameOf } from './backends';
import { allRuns, comparisons, pairSpreadFor, type RunCard } from './data';
import { pairRows } from './figures';
import { siteData, type CostBasis } from './loader';
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

/** A cost question an image answers: the cost page's default, or a write-up's (its front matter's `cost`). */
export interface CostImageQuestion {
  connections: number;
  intervalMs: number;
  /** A profile's name, or "measured". */
  machine: string;
}

const machineName = (b: CostBasis): string => (b.choice.kind === 'profile' ? b.choice.name : 'measured');

/** " (2.0x)": the most machines over the fewest, when they differ. */
const ratioWords = (rows: BackendCost[]): string => {
  const [fewest, most] = [rows[0], rows[rows.length - 1]];
  const ratio = fewest && most && most.machines.value > fewest.machines.value ? machineRatio(most, fewest) : null;
  return ratio ? ` (${ratio})` : '';
};

/** The machines each backend needs for the question, as bars: the cost page's answer (collector/cost-model.ts). */
function costImage(title: string, q: CostImageQuestion): VerdictImage {
  const basis = siteData().costBasis().find((b) => machineName(b) === q.machine);
  if (!basis) throw new Error(`link image "${title}": no runs measured the costs on "${q.machine}" (a profile such as pi4, or "measured")`);
  const answer = answerCost(basis.machine, basis.inputs, { connections: q.connections, intervalMs: q.intervalMs, machine: basis.choice });
  const rows = [...answer.backends].sort((x, y) => x.machines.value - y.machines.value);
  return {
    title,
    lines: [`For ${q.connections.toLocaleString('en-US')} connections, an update every ${formatValue('ms', q.intervalMs)}: ${rows.map((r, i) => (i === 0 ? `${labelOf(r.backend)} needs ${machinesNoun(r.machines.value)}` : `${labelOf(r.backend)} ${machineCount(r.machines.value)}`)).join(', ')}${ratioWords(rows)}`],
    figures: [{ label: 'Machines, and the limit that binds', bars: rows.map((r) => ({ name: labelOf(r.backend), value: r.machines.value, text: `${machineCount(r.machines.value)} (${limitWords(r.binds)})`, color: colorOf(r.backend) })) }],
    footer: `${basis.choice.kind === 'profile' ? `A ${basis.choice.name} as its profile models it` : 'A machine'}: ${formatValue('bytes', basis.machine.memoryBytes)}, ${basis.machine.cores} cores; from wsbench's runs`,
  };
}

export interface ImagePage {
  /** The image's file name under /og/, without .png. */
  name: string;
  image: () => VerdictImage;
}

/** Every image the build makes. */
export function imagePages(writeups: { id: string; data: { title: string; description: string; verdict?: [string, string]; cost?: CostImageQuestion } }[]): ImagePage[] {
  const cards = new Map(allRuns().map((c) => [c.run.id, c]));
  const pairs = comparisons().map((c): ImagePage => ({
    name: `compare-${c.slug}`,
    image: () => pairImage(c.a, c.b, `${nameOf(c.a.run.backend)} vs ${nameOf(c.b.run.backend)}: ${c.scenario}${c.profile ? ` under ${c.profile} limits` : ''}`),
  }));
  const posts = writeups.map((w): ImagePage => ({
    name: `writeup-${w.id}`,
    image: () => {
      if (w.data.cost) return costImage(w.data.title, w.data.cost);
      const [a, b] = (w.data.verdict ?? []).map((id) => cards.get(id));
      return a && b ? pairImage(a, b, w.data.title) : { title: w.data.title, lines: [w.data.description], figures: [], footer: 'Measured by wsbench: every figure from the runs it names' };
    },
  }));
  const first = siteData().costBasis()[0];
  const cost: ImagePage[] = first
    ? [{ name: 'cost', image: () => costImage('What it costs in machines', { ...COST_DEFAULT, machine: machineName(first) }) }]
    : [];
  return [...pairs, ...posts, ...cost];
}
