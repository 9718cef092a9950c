// Which runs are set side by side on a pair page: for each scenario, hardware profile and
// machine, the latest run of each backend against the latest of every other (runs with slow
// readers aside). Runs on different
// machines are never paired: a uWS run on your laptop beside the reference Socket.IO run on
// another machine would read as a backend difference that is partly a machine difference.
// Pure (no database), so the pairing can be tested with plain records.
import type { RunInfo } from '../../../collector/query.ts';

/** The hardware profile a run's server was limited to by cgroups, if any. */
export function profileOf(run: RunInfo): string | null {
  return run.scenarioParams.limits?.profile ?? null;
}

/** The machine the server ran on (a --target's for a remote run), as a grouping key. */
const machineKey = (run: RunInfo): string => [run.host, run.cores, run.cpuModel].join('|');

/** The machine in words, as cards say it: "vm (2 cores)". */
export const machineWords = (run: RunInfo): string => `${run.host ?? 'unknown host'} (${run.cores ?? '?'} cores)`;

export interface Pair<C> {
  /** URL segment: "<scenario>[-<profile>]-<a>-vs-<b>", with "-on-<host>" when that pair exists on several machines. */
  slug: string;
  scenario: string;
  profile: string | null;
  /** The server's machine, in words. */
  machine: string;
  /** The same pair exists on another machine too: titles say on which. */
  shared: boolean;
  /** Scenario, profile and machine: pairs with the same group are one comparison group (siblings). */
  group: string;
  a: C;
  b: C;
}

/** The comparison group a run belongs to: its scenario, profile and server machine. */
export const groupOf = (run: RunInfo): string => [run.scenario, profileOf(run) ?? '', machineKey(run)].join('\u0000');

const slugPart = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'host';

/**
 * Pairs of the latest finished run of each backend, per scenario, profile and machine; newest
 * first. `cards` come newest first; `order` names a pair's two backends in one order everywhere.
 */
export function pairsOf<C extends { run: RunInfo }>(cards: readonly C[], order: (x: string, y: string) => number): Pair<C>[] {
  const latest = new Map<string, Map<string, C>>();
  for (const card of cards) {
    if (card.run.status === 'running') continue;
    // A pair's card leads with memory, CPU and latency: with slow readers those measure the queues
    // each server kept for them, not what a connection costs. Such runs are set side by side on
    // their series page, in compare and in their write-up, with the slow readers' own figures.
    if (card.run.scenarioParams.slowShare > 0) continue;
    const key = groupOf(card.run);
    const byBackend = latest.get(key) ?? new Map<string, C>();
    if (!byBackend.has(card.run.backend)) byBackend.set(card.run.backend, card); // newest first
    latest.set(key, byBackend);
  }
  const out: Pair<C>[] = [];
  for (const byBackend of latest.values()) {
    const backends = [...byBackend.keys()].sort(order);
    for (let i = 0; i < backends.length; i++) {
      for (let j = i + 1; j < backends.length; j++) {
        const [a, b] = [byBackend.get(backends[i]!)!, byBackend.get(backends[j]!)!];
        const profile = profileOf(a.run);
        out.push({ slug: `${a.run.scenario}${profile ? `-${profile}` : ''}-${a.run.backend}-vs-${b.run.backend}`, scenario: a.run.scenario, profile, machine: machineWords(a.run), shared: false, group: groupOf(a.run), a, b });
      }
    }
  }
  // The same pair on several machines: each page says on which, in its address too.
  const seen = new Map<string, number>();
  for (const p of out) seen.set(p.slug, (seen.get(p.slug) ?? 0) + 1);
  const taken = new Set<string>();
  for (const p of out) {
    if (seen.get(p.slug)! < 2) continue;
    p.shared = true;
    let slug = `${p.slug}-on-${slugPart(p.a.run.host ?? '')}`;
    if (taken.has(slug)) slug = `${slug}-${p.a.run.cores ?? 0}-cores`;
    for (let n = 2; taken.has(slug); n++) slug = `${p.slug}-on-${slugPart(p.a.run.host ?? '')}-${n}`;
    taken.add(slug);
    p.slug = slug;
  }
  return out.sort((x, y) => Math.max(y.a.run.startedMs, y.b.run.startedMs) - Math.max(x.a.run.startedMs, x.b.run.startedMs));
}
