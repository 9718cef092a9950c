// What a backend costs in machines: "N clients, an update every I seconds: how many machines,
// cores and GB does each backend need?" Worked out from the figures the runs measured, never
// typed in: memory per added connection and idle memory (a machine holds its idle server plus
// its share of connections), CPU per 1,000 messages a second, and, where a capacity search ran on
// that machine, the capacity it found. Whichever allows the fewest connections per machine binds.
// This file reads those figures from the database; collector/cost-model.ts does the arithmetic
// `wsbench cost` and the site's cost page share.
import { answerCost, customBudget, type BackendInputs, type CostAnswer, type CostQuestion, type MachineBudget, type MachineChoice, type Ranged } from './cost-model.ts';
import { format, HEADLINE, headlineValue, isLowerBound } from './metrics.ts';
import { getSummary, listRuns, type RunInfo, type RunSummary } from './query.ts';
import { summarizeSeries } from './repeats.ts';
import type { Db } from './schema.ts';

export class CostError extends Error {}

/**
 * The run each backend's costs come from: on that machine (the profile, or none), completed, with
 * no slow reader (a capacity search that crashed counts: its steps before the crash); the one that went furthest (the most connections it aimed at: a capacity search
 * to 100k over a 20k run), then the newest.
 */
function runsFor(db: Db, budget: MachineBudget): Map<string, RunInfo> {
  // A capacity search that ended with the server crashing (OOM-killed at its next step, as the
  // seed's Socket.IO was) measured every step before the crash: its capacity is that search's answer.
  const finished = (r: RunInfo) => r.status === 'completed' || (r.status === 'crashed' && r.scenarioParams.steps !== undefined);
  const candidates = listRuns(db).filter((r) => finished(r) && !(r.scenarioParams.slowShare > 0) && (r.scenarioParams.limits?.profile ?? null) === budget.profile);
  const reach = (r: RunInfo) => r.scenarioParams.steps?.at(-1) ?? r.scenarioParams.connections ?? 0;
  const chosen = new Map<string, RunInfo>();
  // Newest first: a later run wins only by going further.
  for (const run of candidates) {
    const held = chosen.get(run.backend);
    if (!held || reach(run) > reach(held)) chosen.set(run.backend, run);
  }
  return chosen;
}

/** One machine's budget: a profile's recorded limits, the measured machine's cores and memory, or the reader's. */
export function machineBudget(db: Db, choice: MachineChoice): MachineBudget {
  if (choice.kind === 'profile') {
    const run = listRuns(db).find((r) => r.scenarioParams.limits?.profile === choice.name);
    const limits = run?.scenarioParams.limits;
    if (!run || !limits?.memoryBytes || !limits.cpuCores) throw new CostError(`no run in the database was limited by the profile "${choice.name}" (wsbench run --profile ${choice.name})`);
    return { words: `${choice.name} as the profile models it: ${format(HEADLINE.steadyRssBytes, limits.memoryBytes)} of memory and ${limits.cpuCores} cores, imposed by cgroups on ${run.host ?? 'the runs\' machine'} (not that hardware)`, cores: limits.cpuCores, memoryBytes: limits.memoryBytes, profile: choice.name };
  }
  const measured = listRuns(db).find((r) => !r.scenarioParams.limits?.profile && r.cores && r.memTotalBytes);
  if (!measured) throw new CostError('no run without a profile in the database: nothing measured the costs on a machine of its own');
  const measuredOn = `${measured.host} (${measured.cores} cores)`;
  if (choice.kind === 'custom') return customBudget(choice.cores, choice.memoryBytes, measuredOn);
  return { words: `${measured.host} as measured: ${measured.cores} cores and ${format(HEADLINE.steadyRssBytes, measured.memTotalBytes)} of memory`, cores: measured.cores!, memoryBytes: measured.memTotalBytes!, profile: null, measuredOn };
}

/** What the runs measured of each backend on the machine. */
export function costInputs(db: Db, machine: MachineBudget): BackendInputs[] {
  const runs = runsFor(db, machine);
  if (runs.size === 0) throw new CostError(`no completed run ${machine.profile ? `under the profile ${machine.profile}` : 'without a profile'} to take the costs from`);
  const inputs: BackendInputs[] = [];
  for (const [backend, run] of runs) {
    const s: RunSummary = getSummary(db, run.id);
    const perConnKey = s.capacity ? 'marginalBytesPerConn' : 'addedRssBytesPerConn';
    const perConn = headlineValue(s, perConnKey);
    const cpu = headlineValue(s, 'cpuPctPerKMsgs');
    if (perConn === null || s.idleRssBytes === null || cpu === null) continue;
    if (run.status === 'crashed' && s.capacity?.stable == null) continue; // crashed before any step held
    const spread = run.seriesId ? summarizeSeries(db, run.seriesId).figures[backend] : undefined;
    const ranged = (key: string, value: number): Ranged => ({ value, min: spread?.[key]?.min ?? null, max: spread?.[key]?.max ?? null });
    inputs.push({
      backend, label: run.backendLabel ?? backend, runId: run.id, seriesId: run.seriesId, perConnBytes: ranged(perConnKey, perConn), perConnKey, idleBytes: s.idleRssBytes, cpuPerKMsgs: ranged('cpuPctPerKMsgs', cpu),
      capacity: s.capacityConnections !== null ? { connections: s.capacityConnections, atLeast: isLowerBound(s, 'capacityConnections'), limitedBy: s.capacity?.limitedBy ?? null } : null,
      measuredConnections: s.connections ?? 0,
      hostBound: s.hostBoundWarning !== null,
    });
  }
  if (inputs.length === 0) throw new CostError('no run measured memory per added connection, idle memory and CPU per message: run a capacity search or the quick scenario first');
  return inputs;
}

/** Machines per backend for the question, from the runs in the database. */
export function costOf(db: Db, question: CostQuestion): CostAnswer {
  if (!(question.connections >= 1)) throw new CostError(`connections must be at least 1, got ${question.connections}`);
  if (!(question.intervalMs >= 1)) throw new CostError(`the update interval must be at least 1 ms, got ${question.intervalMs}`);
  const machine = machineBudget(db, question.machine);
  return answerCost(machine, costInputs(db, machine), question);
}

export type { BackendCost, CostAnswer, CostQuestion, MachineBudget, MachineChoice } from './cost-model.ts';
