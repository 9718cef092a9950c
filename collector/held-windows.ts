// What a server cost while it held a level of connections: one figure per hold phase or
// capacity step. The capacity page and the reference benchmark read the same numbers.
import type { Timeline } from './query.ts';

export interface HeldWindow {
  /** "hold", or "step N" in a capacity search. */
  phase: string;
  step: number | null;
  /** Median of the connections the clients held, second by second. */
  connections: number;
  /** Median over the window of the server's RSS, summed over its processes each second. */
  rssBytes: number;
  /** Mean over the window of the server's CPU, summed over its processes (100 = one core). */
  cpuPct: number;
  verdict: string | null;
  verdictReason: string | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : 0;
};

export function heldWindows(t: Timeline): HeldWindow[] {
  const windows: HeldWindow[] = [];
  for (const phase of t.phases.filter((p) => (p.name === 'hold' || p.name === 'step') && p.endedMs !== null)) {
    const inside = (ms: number) => ms >= phase.startedMs && ms <= phase.endedMs!;
    const perSecond = new Map<number, { rss: number; cpu: number }>();
    for (const s of t.server.filter((s) => inside(s.tMs))) {
      const k = Math.floor(s.tMs / 1000);
      const row = perSecond.get(k) ?? { rss: 0, cpu: 0 };
      row.rss += s.rssBytes;
      row.cpu += s.cpuPct;
      perSecond.set(k, row);
    }
    const held = t.clients.filter((c) => inside(c.tMs)).map((c) => c.open);
    if (perSecond.size === 0 || held.length === 0) continue;
    const rows = [...perSecond.values()];
    windows.push({
      phase: phase.name === 'step' ? `step ${phase.step}` : 'hold',
      step: phase.step,
      connections: median(held),
      rssBytes: median(rows.map((r) => r.rss)),
      cpuPct: rows.reduce((n, r) => n + r.cpu, 0) / rows.length,
      verdict: phase.verdict,
      verdictReason: phase.verdictReason,
    });
  }
  return windows;
}
