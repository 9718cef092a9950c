// The site's one loader. site/build.ts buildSite passes a build's inputs (the database, the
// write-ups folder, points per series) as arguments; everything a page reads comes from one
// SiteData per build, over a database handle opened read-only (it cannot write: the commands
// that write reap abandoned runs before they build). Astro loads the site's modules twice in one
// process (the config's remark plugin, and the pages' bundle), so the build lives on globalThis
// under one key: both copies read the same runs, read once.
import { getSummary, getTimeline, listRuns, type RunInfo, type RunSummary, type Timeline } from '../../../collector/query.ts';
import { openDatabase, type Db } from '../../../collector/schema.ts';
import { exportRun, type RunExport } from '../../../collector/transfer.ts';
import { CostError, costInputs, machineBudget, type MachineBudget, type MachineChoice } from '../../../collector/cost.ts';
import type { BackendInputs } from '../../../collector/cost-model.ts';
import { summarizeSeries, type SeriesSummary } from '../../../collector/repeats.ts';
import { settleLooks, type BackendLook } from './looks.ts';

export interface SiteInputs {
  /** The database, opened read-only. */
  db: string;
  /** Folder of Markdown write-ups. */
  writeupsDir: string;
  /** Points per displayed series; full resolution is a separate file, fetched on zoom. */
  maxPoints: number;
}

export interface RunCard {
  run: RunInfo;
  summary: RunSummary;
}

/** What one machine's runs measured of each backend: the inputs of the cost arithmetic (collector/cost-model.ts). */
export interface CostBasis {
  choice: MachineChoice;
  machine: MachineBudget;
  inputs: BackendInputs[];
}

/** What one build reads: every run with its summary, each backend's look, timelines on demand. */
export class SiteData {
  readonly cards: RunCard[];
  readonly looks: Map<string, BackendLook>;
  private readonly db: Db;
  private readonly timelines = new Map<string, Timeline>();
  private readonly memos = new Map<string, unknown>();

  constructor(readonly inputs: SiteInputs) {
    this.db = openDatabase(inputs.db, { readonly: true });
    const runs = listRuns(this.db);
    this.looks = settleLooks(runs);
    this.cards = runs.map((run) => ({ run, summary: getSummary(this.db, run.id) }));
  }

  timelineOf(id: string): Timeline {
    let t = this.timelines.get(id);
    if (!t) this.timelines.set(id, (t = getTimeline(this.db, id)));
    return t;
  }

  /** A series of repeated runs with every figure's spread (collector/repeats.ts), read once. */
  seriesSummary(id: string): SeriesSummary {
    return this.memo(`series-summary|${id}`, () => summarizeSeries(this.db, id));
  }

  /**
   * What each machine's runs measured of each backend, for the cost page: every profile the runs
   * imposed, and the machine the runs without one ran on (collector/cost.ts). A machine with no
   * usable run is left out.
   */
  costBasis(): CostBasis[] {
    return this.memo('cost basis', () => {
      const profiles = [...new Set(this.cards.map((c) => c.run.scenarioParams.limits?.profile).filter((p): p is string => typeof p === 'string'))].sort();
      const choices: MachineChoice[] = [...profiles.map((name) => ({ kind: 'profile', name }) as const), { kind: 'measured' }];
      return choices.flatMap((choice) => {
        try {
          const machine = machineBudget(this.db, choice);
          return [{ choice, machine, inputs: costInputs(this.db, machine) }];
        } catch (err) {
          if (err instanceof CostError) return [];
          throw err;
        }
      });
    });
  }

  /** The run as `wsbench export` writes it. */
  exportOf(id: string): RunExport {
    return exportRun(this.db, id);
  }

  /** A value every page of the build shares (pairs, downsampled series), worked out once. */
  memo<T>(key: string, make: () => T): T {
    if (!this.memos.has(key)) this.memos.set(key, make());
    return this.memos.get(key) as T;
  }

  close(): void {
    this.db.close();
  }
}

const BUILD = Symbol.for('wsbench.site.build');
const holder = globalThis as { [BUILD]?: { inputs: SiteInputs; data?: SiteData } };

/** Called by buildSite before Astro builds: what this build reads. */
export function beginBuild(inputs: SiteInputs): void {
  endBuild();
  holder[BUILD] = { inputs };
}

/** Called by buildSite after the build, pass or fail: closes the database. */
export function endBuild(): void {
  holder[BUILD]?.data?.close();
  delete holder[BUILD];
}

function current(): { inputs: SiteInputs; data?: SiteData } {
  const build = holder[BUILD];
  if (!build) throw new Error('the site is built by site/build.ts buildSite (wsbench site build), which passes the database and write-ups it reads');
  return build;
}

export const siteInputs = (): SiteInputs => current().inputs;

export function siteData(): SiteData {
  const build = current();
  build.data ??= new SiteData(build.inputs);
  return build.data;
}
