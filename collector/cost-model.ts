// The arithmetic of what a backend costs in machines, apart from where its inputs come from: a
// pure function of each backend's measured costs and the question, so `wsbench cost`
// (collector/cost.ts, which reads the inputs from the database) and the site's cost page (which
// gets them in its build and answers in the browser) compute one answer.
import { formatFactor, formatValue } from './metrics.ts';
/** The machine a question is about. */
export type MachineChoice =
  /** A hardware profile as the runs that imposed it recorded it (cgroup limits, e.g. pi4). */
  | { kind: 'profile'; name: string }
  /** The machine the runs without a profile ran on, as they measured it. */
  | { kind: 'measured' }
  /** Cores and memory of your own, at the costs measured without a profile. */
  | { kind: 'custom'; cores: number; memoryBytes: number };

export interface CostQuestion {
  connections: number;
  intervalMs: number;
  machine: MachineChoice;
  /** Per machine and month, in the reader's currency; optional. */
  pricePerMonth?: number | null;
}

/** The budget of one machine, and where the costs it is divided by were measured. */
export interface MachineBudget {
  words: string;
  cores: number;
  memoryBytes: number;
  /** The profile whose runs give the costs; null: the runs without one. */
  profile: string | null;
  /** Where the runs without a profile ran, in words ("vm (2 cores)"): a machine of your own takes their costs. */
  measuredOn?: string;
}

/** A machine of the reader's own, at the costs measured without a profile on `measuredOn`. */
export function customBudget(cores: number, memoryBytes: number, measuredOn: string): MachineBudget {
  return { words: `${cores} cores and ${formatValue('bytes', memoryBytes)} of your own, at the costs measured on ${measuredOn}`, cores, memoryBytes, profile: null, measuredOn };
}

/** A figure with the range a series gave it (min–max over its runs), when the run was one of a series. */
export interface Ranged {
  value: number;
  min: number | null;
  max: number | null;
}

export type Limit = 'memory' | 'cpu' | 'capacity';

/** What the runs measured of one backend on the machine: the inputs of the arithmetic. */
export interface BackendInputs {
  backend: string;
  /** How the backend is shown ("uWS"), as its runs recorded it. */
  label: string;
  /** The run the costs come from, and its series when it has one. */
  runId: string;
  seriesId: string | null;
  perConnBytes: Ranged;
  /** Which figure perConnBytes is (capacity slope, or the slope from the base hold), in RSS. */
  perConnKey: 'marginalBytesPerConn' | 'addedRssBytesPerConn';
  idleBytes: number;
  /** CPU in % of one core per 1,000 messages delivered a second. */
  cpuPerKMsgs: Ranged;
  /** The measured capacity on this machine (a capacity search), and whether it is only a lower bound (every step held). */
  capacity: {
    connections: number;
    atLeast: boolean;
    /** What ended the search at the step after it: the server, its CPU budget, or the machine (host-bound: the load generator on the same cores). */
    limitedBy: 'server' | 'budget' | 'machine' | null;
  } | null;
  /** The most connections the run held: a machine asked to take more rests on extrapolation. */
  measuredConnections: number;
  /** The run's windows were host-bound: the machine held the server back, its costs may read high. */
  hostBound: boolean;
}

export interface BackendCost extends BackendInputs {
  /** Connections one machine takes under each limit. */
  perMachine: Record<Limit, number | null>;
  binds: Limit;
  machines: Ranged;
  /** Machines under each limit on its own. */
  machinesBy: Record<Limit, number | null>;
  extrapolated: boolean;
  monthly: number | null;
}

export interface CostAnswer {
  question: CostQuestion;
  machine: MachineBudget;
  backends: BackendCost[];
  /** The assumptions the answer rests on, in words. */
  assumptions: string[];
}

const per = (budget: number, cost: number | null) => (cost !== null && cost > 0 ? Math.max(0, Math.floor(budget / cost)) : null);
const machinesFor = (connections: number, perMachine: number | null) => (perMachine === null ? null : perMachine === 0 ? Infinity : Math.ceil(connections / perMachine));

/** Machines per backend for the question, from each backend's measured costs. */
export function answerCost(machine: MachineBudget, inputs: BackendInputs[], question: CostQuestion): CostAnswer {
  const messagesPerSecPerConn = 1000 / question.intervalMs;
  const backends = inputs.map((b): BackendCost => {
    const perMachineAt = (bytes: number, cpuPerK: number): Record<Limit, number | null> => ({
      memory: per(machine.memoryBytes - b.idleBytes, bytes),
      cpu: per(machine.cores * 100 * 1000, cpuPerK * messagesPerSecPerConn),
      // A capacity found on this machine; a lower bound limits nothing it did not test.
      capacity: b.capacity && !b.capacity.atLeast ? b.capacity.connections : null,
    });
    const perMachine = perMachineAt(b.perConnBytes.value, b.cpuPerKMsgs.value);
    const limits = (Object.entries(perMachine) as [Limit, number | null][]).filter((e): e is [Limit, number] => e[1] !== null);
    const [binds, fewest] = limits.reduce((x, y) => (y[1] < x[1] ? y : x));
    const needed = (p: Record<Limit, number | null>) => Math.max(...Object.values(p).map((v) => machinesFor(question.connections, v) ?? 0));
    const ranged = b.seriesId !== null && b.perConnBytes.min !== null && b.cpuPerKMsgs.min !== null;
    // The range: the best and the worst of the series' runs, each figure at its own extreme.
    const best = ranged ? needed(perMachineAt(b.perConnBytes.min!, b.cpuPerKMsgs.min!)) : null;
    const worst = ranged ? needed(perMachineAt(b.perConnBytes.max ?? b.perConnBytes.value, b.cpuPerKMsgs.max ?? b.cpuPerKMsgs.value)) : null;
    const machines = needed(perMachine);
    return {
      ...b, perMachine, binds,
      machines: { value: machines, min: best, max: worst },
      machinesBy: { memory: machinesFor(question.connections, perMachine.memory), cpu: machinesFor(question.connections, perMachine.cpu), capacity: machinesFor(question.connections, perMachine.capacity) },
      extrapolated: Math.min(fewest, question.connections) > b.measuredConnections,
      monthly: question.pricePerMonth ? machines * question.pricePerMonth : null,
    };
  });
  return { question, machine, backends, assumptions: assumptionsOf(question, machine, backends) };
}

function assumptionsOf(q: CostQuestion, machine: MachineBudget, backends: BackendCost[]): string[] {
  const out = [
    `Each machine runs one server: its idle memory plus, per connection, the memory one more connection cost in the runs (RSS, every server process); CPU in proportion to the messages delivered (${(1000 / q.intervalMs).toLocaleString('en-US', { maximumFractionDigits: 3 })} a second per connection at this interval). Both linear in what the runs measured.`,
    `Machine: ${machine.words}.`,
  ];
  const beyond = backends.filter((b) => b.extrapolated);
  if (beyond.length) out.push(`Extrapolated: ${beyond.map((b) => `${b.label} would hold ${Math.min(...Object.values(b.perMachine).filter((v): v is number => v !== null), q.connections).toLocaleString('en-US')} connections a machine, beyond the ${b.measuredConnections.toLocaleString('en-US')} its run held`).join('; ')}.`);
  const bounds = backends.filter((b) => b.capacity?.atLeast);
  if (bounds.length) out.push(`A lower bound: ${bounds.map((b) => `${b.label} held every step of its capacity search up to ${b.capacity!.connections.toLocaleString('en-US')}`).join('; ')}, so its capacity does not limit it here and its machines may be fewer than memory and CPU say.`);
  // A capacity this machine set (host-bound) still binds here: it is what was measured. But a
  // machine whose clients run elsewhere may hold more, and the reader is told so.
  const hostCapacity = backends.filter((b) => b.capacity && !b.capacity.atLeast && b.capacity.limitedBy === 'machine' && b.binds === 'capacity');
  if (hostCapacity.length) out.push(`Set by this machine: ${hostCapacity.map((b) => `${b.label}'s capacity of ${b.capacity!.connections.toLocaleString('en-US')} (its search failed the next step host-bound, the load generator busy on the same cores)`).join('; ')}. It binds here because it is what was measured; a machine with its clients elsewhere may hold more and need fewer machines.`);
  const bound = backends.filter((b) => b.hostBound);
  if (bound.length) out.push(`Host-bound: ${bound.map((b) => b.label).join(', ')} ran with this machine holding the server back (the load generator on the same cores), so its CPU per message may read high.`);
  return out;
}

// The answer in words, one way for the CLI, the cost page, its link image and the write-ups.

/** A count of machines: "7", "none fits" when one machine cannot hold even the idle server, "–" when no limit measured it. */
export const machineCount = (v: number | null): string => (v === null ? '–' : v === Infinity ? 'none fits' : v.toLocaleString('en-US'));

/** "1 machine", "7 machines". */
export const machinesNoun = (v: number): string => `${machineCount(v)} machine${v === 1 ? '' : 's'}`;

/** The series' range of a backend's machines, " (5–8)", or nothing when it has none or it is a single value. */
export const machineRange = (b: BackendCost): string =>
  b.machines.min !== null && b.machines.max !== null && (b.machines.min !== b.machines.value || b.machines.max !== b.machines.value) ? ` (${machineCount(b.machines.min)}–${machineCount(b.machines.max)})` : '';

/** The limit that binds, as a reader names it. */
export const limitWords = (limit: Limit): string => (limit === 'cpu' ? 'CPU' : limit);

/** The first's machines over the second's, "3.6x"; null when either needs none or no machine fits. */
export function machineRatio(first: BackendCost, second: BackendCost): string | null {
  const r = first.machines.value / second.machines.value;
  return Number.isFinite(r) && r > 0 ? formatFactor(r) : null;
}

/** What one machine holds of a backend under its capacity: "40,000", "≥ 100,000 (a lower bound)", or "–". */
export const capacityWords = (b: BackendInputs): string => (b.capacity ? (b.capacity.atLeast ? `≥ ${machineCount(b.capacity.connections)} (a lower bound)` : machineCount(b.capacity.connections)) : '–');
