// Figures in write-ups' prose, bound to the database: a write-up never types a run's number, it
// names the run and the catalogue metric, and the build writes the value in the catalogue's
// format. A typo in a run or a metric fails the build, naming the file, the directive and what
// is valid.
//
//   {{value latencyP99Ms seed}}                       1.15 s       (the run's hold)
//   {{value addedBytesPerConn uwsCap@40000}}          4.21 KB      (the capacity step at 40,000)
//   {{ratio addedBytesPerConn uwsCap@50000 sioCap@50000}}  13.6x   (larger / smaller; "at least" over a ceiling)
//   {{difference addedBytesPerConn a@20000 b@20000}}  7.01 KB      (|a − b|, in the metric's unit)
//   {{compare capacityConnections uwsCap sioCap}}     uWS held 2.0x the connections of Socket.IO ("at least" when a search held every step)
//   {{machine seed}}                                  the server's machine, as its run page says it
//   {{value addedBytesPerConn quick:uws}}             4.46 KB (4.03–4.51 KB over 5 runs)  (a series' backend)
//   {{ratio addedBytesPerConn quick:uws quick:socketio}}  12.1x (11.2x–13.5x over 5 pairs)
//   {{compare addedBytesPerConn quick:uws quick:socketio}}  the series' sentence, with its noise
//   {{cost machines uws 1000000 2000 pi4}}            10           (machines for 1M clients every 2 s, collector/cost-model.ts)
//   {{cost ratio socketio uws 1000000 2000 pi4}}      2.0x         (the first's machines over the second's)
//   {{cost binds socketio 1000000 2000 pi4}}          capacity     (the limit that binds: memory, CPU or capacity)
//   {{cost memory socketio 1000000 2000 pi4}}         19           (the machines memory alone asks for; cpu likewise)
//
// A run is named by its id, or by a name the front matter gives it (`refs: { seed: <id> }`); a
// series' backend by the series (its id or a name in refs) and the backend: `quick:uws`.
// Pure (no database): the caller passes the summaries.
import { compare, formatBound, formatFactor, formatValue, HEADLINE, headlineValue, isLowerBound, type HeadlineKey, type MetricDef } from '../../../collector/metrics.ts';
import type { RunSummary, WindowSummary } from '../../../collector/summary.ts';
import { fieldsOf } from './chart-block.ts';
import { answerCost, limitWords, machineRatio, type BackendInputs, type MachineBudget, type MachineChoice } from '../../../collector/cost-model.ts';
import { asFactor, factorRange, pairSpreadOf, spreadInWords, type SeriesSummary } from '../../../collector/series-words.ts';

export const FIGURE_DIRECTIVE = /\{\{([^{}]*)\}\}/g;

const VERBS = ['value', 'ratio', 'difference', 'compare', 'machine', 'cost'] as const;
type Verb = (typeof VERBS)[number];

export interface FigureContext {
  /** Names the write-up gives its runs (front matter `refs`). */
  refs: Record<string, string>;
  /** A run's summary, its display name and its server's machine in words, or undefined for an unknown id. */
  run: (id: string) => { name: string; summary: RunSummary; machine?: string } | undefined;
  /** A series' summary and its backends' labels, or undefined for an unknown id. */
  series?: (id: string) => { summary: SeriesSummary; labelOf: (backend: string) => string } | undefined;
  /** What a machine's runs measured of each backend (a profile's name, or "measured"), for the cost figures. */
  cost?: (machine: string) => { choice: MachineChoice; machine: MachineBudget; inputs: BackendInputs[] } | undefined;
}

export class FigureDirectiveError extends Error {}

interface Subject {
  name: string;
  window: WindowSummary | RunSummary;
  atLeast: boolean;
}

const HEADLINE_KEYS = Object.keys(HEADLINE);

/** The text a directive stands for; throws FigureDirectiveError naming what is wrong. */
export function resolveFigure(directive: string, context: FigureContext): string {
  const words = directive.trim().split(/\s+/);
  const [verb, metric, ...subjects] = words;
  const fail = (why: string): never => {
    throw new FigureDirectiveError(`{{${directive.trim()}}}: ${why}`);
  };
  if (!verb || !(VERBS as readonly string[]).includes(verb)) fail(`unknown figure "${verb ?? ''}" (one of ${VERBS.join(', ')})`);
  if (verb === 'cost') return costFigure(words.slice(1), context, fail);
  if (verb === 'machine') {
    // The machine a run's server ran on, as its run page and `wsbench show` describe it.
    if (words.length !== 2) fail('"machine" takes one run');
    const run = context.run(context.refs[words[1]!] ?? words[1]!);
    if (!run) fail(`unknown run "${words[1]}"`);
    if (!run!.machine) fail(`no machine recorded for ${words[1]}`);
    return run!.machine!;
  }
  if (!metric || !Object.hasOwn(HEADLINE, metric)) fail(`unknown metric "${metric ?? ''}" (one of ${HEADLINE_KEYS.join(', ')})`);
  const def = HEADLINE[metric as HeadlineKey] as MetricDef;
  const wanted = verb === 'value' ? 1 : 2;
  if (subjects.length !== wanted) fail(`"${verb}" takes ${wanted} run${wanted === 1 ? '' : 's'} after the metric, got ${subjects.length}`);
  if (subjects.some((s) => s.includes(':'))) return seriesFigure(verb as Verb, metric as HeadlineKey, subjects, context, fail);
  const [a, b] = subjects.map((s) => subjectOf(s, metric!, context, fail));
  const value = (x: Subject) => headlineValue(x.window as never, metric!);
  if ((verb as Verb) === 'value') {
    const v = value(a!);
    if (v === null) fail(`${def.label} was not measured in ${a!.name}`);
    return formatBound(def, v, a!.atLeast);
  }
  if (verb === 'difference') {
    const [va, vb] = [value(a!), value(b!)];
    if (va === null || vb === null) fail(`${def.label} was not measured in ${va === null ? a!.name : b!.name}`);
    if (a!.atLeast || b!.atLeast) fail('no difference: a lower bound');
    return formatBound(def, Math.abs(va! - vb!));
  }
  const c = compare(def, { name: a!.name, value: value(a!), atLeast: a!.atLeast }, { name: b!.name, value: value(b!), atLeast: b!.atLeast });
  if (verb === 'compare') return c.phrase;
  if (c.factor === null) fail(`no ratio: ${c.phrase}`);
  return `${c.atLeast ? 'at least ' : ''}${formatFactor(c.factor!)}`;
}

/** A figure of a series' backends (`series:backend`): its median with range, or its ratio over the rounds, as the series' pages word them. */
function seriesFigure(verb: Verb, metric: HeadlineKey, subjects: string[], context: FigureContext, fail: (why: string) => never): string {
  const parsed = subjects.map((text) => {
    const [ref, backend] = text.split(':');
    if (!ref || !backend) fail(`"${text}": a series' backend is SERIES:BACKEND`);
    const id = context.refs[ref!] ?? ref!;
    const found = context.series?.(id);
    if (!found) fail(`unknown series "${ref}" (${Object.keys(context.refs).length ? `a name in refs (${Object.keys(context.refs).join(', ')}) or ` : ''}a series id in the database)`);
    if (!found!.summary.figures[backend!]) fail(`"${text}": series ${id} ran ${found!.summary.backends.join(', ')}, not ${backend}`);
    return { id, backend: backend!, ...found! };
  });
  const def = HEADLINE[metric];
  const [a, b] = parsed;
  if (verb === 'value') return spreadInWords(def, a!.summary.figures[a!.backend]![metric]!);
  if (verb === 'difference') fail('"difference" of a series: compare its backends with "ratio" or "compare"');
  if (a!.id !== b!.id) fail('a series\' backends compare within one series (its rounds ran them side by side)');
  const pair = pairSpreadOf(a!.summary, a!.backend, b!.backend, a!.labelOf(a!.backend), a!.labelOf(b!.backend));
  const ratio = pair?.ratios[metric];
  if (!ratio || ratio.spread.median === null) fail(`series ${a!.id} compares ${a!.summary.ratios.map((r) => r.key).filter((k, i, all) => all.indexOf(k) === i).join(', ')}, not ${metric}`);
  if (verb === 'compare') return ratio!.phrase;
  const f = asFactor(ratio!.spread)!;
  return ratio!.spread.n === 1 ? `${formatFactor(f.factor)} (one run)` : `${formatFactor(f.factor)} (${factorRange(f.min, f.max)} over ${ratio!.spread.n} pairs)`;
}

/** `name` or `name@connections`: a run's headline window, or the capacity step held at that many connections. */
function subjectOf(text: string, metric: string, context: FigureContext, fail: (why: string) => never): Subject {
  const [ref, at] = text.split('@');
  const id = context.refs[ref!] ?? ref!;
  const run = context.run(id);
  if (!run) fail(`unknown run "${ref}" (${Object.keys(context.refs).length ? `a name in refs (${Object.keys(context.refs).join(', ')}) or ` : ''}a run id in the database)`);
  if (at === undefined) return { name: run!.name, window: run!.summary, atLeast: isLowerBound(run!.summary as never, metric) };
  const steps = run!.summary.capacity?.steps ?? [];
  if (!steps.length) fail(`"${ref}@${at}": ${id} is not a capacity search, it has no steps`);
  const step = steps.find((w) => String(w.window.targetConnections) === at);
  if (!step) fail(`"${ref}@${at}": no step at ${at} connections in ${id} (its steps: ${steps.map((w) => w.window.targetConnections).join(', ')})`);
  return { name: run!.name, window: step!, atLeast: false };
}

/** Every directive in a text replaced by its figure. */
export function replaceFigures(text: string, context: FigureContext): string {
  return text.replace(FIGURE_DIRECTIVE, (_, inner: string) => resolveFigure(inner, context));
}

// ---- a capacity search's steps as a table: a ```wsbench-steps block ------------------------------
//   run: uwsCap
//   columns: connections, steadyRssBytes, addedBytesPerConn, cpuPctAvg, latencyP99Ms

export const STEPS_BLOCK_LANG = 'wsbench-steps';

export interface StepsTable {
  /** Column titles: the catalogue's labels, and the step's verdict last. */
  head: string[];
  rows: string[][];
}

/** The table a steps block stands for: one row per step held (its target first), each value in the catalogue's format. */
/** A table block's fields (unknown keys refused) and how it fails, naming its kind. */
function tableBlock(block: string, lang: string, keys: string[]): { fields: Record<string, string>; fail: (why: string) => never } {
  const fail = (why: string): never => {
    throw new FigureDirectiveError(`${lang} block: ${why}`);
  };
  const fields = fieldsOf(block);
  for (const key of Object.keys(fields)) if (!keys.includes(key)) fail(`unknown key "${key}" (keys: ${keys.join(', ')})`);
  return { fields, fail };
}

const labelsOf = (columns: string[]): string[] => columns.map((c) => (HEADLINE[c as HeadlineKey] as MetricDef).label);

function columnsOf(text: string | undefined, lang: string): string[] {
  if (!text) throw new FigureDirectiveError(`${lang} block: "columns:" is missing (metrics, comma-separated: ${HEADLINE_KEYS.join(', ')})`);
  const columns = text.split(',').map((c) => c.trim()).filter(Boolean);
  for (const c of columns) if (!Object.hasOwn(HEADLINE, c)) throw new FigureDirectiveError(`${lang} block: unknown column "${c}" (one of ${HEADLINE_KEYS.join(', ')})`);
  return columns;
}

export function stepsTable(block: string, context: FigureContext): StepsTable {
  const { fields, fail } = tableBlock(block, STEPS_BLOCK_LANG, ['run', 'columns']);
  if (!fields.run) fail('"run:" is missing (a run id, or a name from refs)');
  const columns = columnsOf(fields.columns, STEPS_BLOCK_LANG);
  const id = context.refs[fields.run!] ?? fields.run!;
  const run = context.run(id);
  if (!run) fail(`unknown run "${fields.run}"`);
  const capacity = run!.summary.capacity;
  if (!capacity) fail(`${id} is not a capacity search, it has no steps`);
  return {
    head: ['Step', ...labelsOf(columns), 'Verdict'],
    rows: capacity!.steps.map((step) => [
      formatValue('connections', step.window.targetConnections),
      ...columns.map((c) => formatBound(HEADLINE[c as HeadlineKey], headlineValue(step as never, c))),
      step === capacity!.failed && capacity!.failedBecause ? `${step.verdict}: ${capacity!.failedBecause}` : step.verdict ?? '–',
    ]),
  };
}

// ---- several runs (or steps) side by side: a ```wsbench-runs block -------------------------------
//   runs: uws@20000, sioUws@20000, ws@20000, sio@20000
//   columns: addedBytesPerConn, cpuPctAvg, cpuPctPerKMsgs, latencyP99Ms

export const RUNS_BLOCK_LANG = 'wsbench-runs';

/** One row per run named, its backend first, each value in the catalogue's format. */
export function runsTable(block: string, context: FigureContext): StepsTable {
  const { fields, fail } = tableBlock(block, RUNS_BLOCK_LANG, ['runs', 'columns']);
  if (!fields.runs) fail('"runs:" is missing (run ids or names from refs, each with @connections for a step; comma-separated)');
  const columns = columnsOf(fields.columns, RUNS_BLOCK_LANG);
  const subjects = fields.runs!.split(',').map((r) => r.trim()).filter(Boolean);
  return {
    head: ['Backend', ...labelsOf(columns)],
    rows: subjects.map((text) => {
      const x = subjectOf(text, columns[0]!, context, fail);
      return [x.name, ...columns.map((c) => formatBound(HEADLINE[c as HeadlineKey], headlineValue(x.window as never, c), isLowerBound(x.window as never, c)))];
    }),
  };
}

/**
 * Resolves every figure and table of a write-up's Markdown body, as the build will, and throws
 * the first problem; returns how many it bound. Directives inside code are text, not figures.
 */
/** {{cost machines|binds BACKEND N INTERVAL_MS MACHINE}} and {{cost ratio A B N INTERVAL_MS MACHINE}}: the cost page's arithmetic. */
function costFigure(args: string[], context: FigureContext, fail: (why: string) => never): string {
  const [what, ...rest] = args;
  const shapes: Record<string, number> = { machines: 4, memory: 4, cpu: 4, binds: 4, ratio: 5 };
  if (!what || !(what in shapes)) fail(`unknown cost figure "${what ?? ''}" (one of ${Object.keys(shapes).join(', ')})`);
  if (rest.length !== shapes[what!]) fail(`"cost ${what}" takes ${what === 'ratio' ? 'two backends' : 'a backend'}, connections, an interval in ms and a machine`);
  const [machineName, interval, connections, ...backends] = [...rest].reverse();
  const n = Number(connections);
  const ms = Number(interval);
  if (!Number.isInteger(n) || n < 1) fail(`connections must be a whole number ≥ 1, got "${connections}"`);
  if (!(ms >= 1)) fail(`the interval must be at least 1 ms, got "${interval}"`);
  const basis = context.cost?.(machineName!);
  if (!basis) fail(`no runs measured the costs on "${machineName}" (a profile such as pi4, or "measured")`);
  const answer = answerCost(basis!.machine, basis!.inputs, { connections: n, intervalMs: ms, machine: basis!.choice });
  const of = (backend: string) => answer.backends.find((b) => b.backend === backend) ?? fail(`no costs for "${backend}" on ${machineName} (${answer.backends.map((b) => b.backend).join(', ')})`);
  const [first, second] = backends.reverse().map(of);
  if (what === 'machines') return first!.machines.value.toLocaleString('en-US');
  // The machines one limit alone would ask for.
  if (what === 'memory' || what === 'cpu') return (first!.machinesBy[what] ?? fail(`no ${what} figure for ${first!.backend}`)).toLocaleString('en-US');
  if (what === 'binds') return limitWords(first!.binds);
  return machineRatio(first!, second!) ?? fail(`no ratio: ${first!.backend} needs ${first!.machines.value} machines, ${second!.backend} ${second!.machines.value}`);
}

export function checkFigures(body: string, context: FigureContext): number {
  let bound = 0;
  for (const m of body.matchAll(/```([\w-]*)\n([\s\S]*?)```/g)) {
    if (m[1] === STEPS_BLOCK_LANG) stepsTable(m[2]!, context);
    if (m[1] === RUNS_BLOCK_LANG) runsTable(m[2]!, context);
    if (m[1] === STEPS_BLOCK_LANG || m[1] === RUNS_BLOCK_LANG) bound++;
  }
  const prose = body.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  for (const m of prose.matchAll(FIGURE_DIRECTIVE)) {
    resolveFigure(m[1]!, context);
    bound++;
  }
  return bound;
}
