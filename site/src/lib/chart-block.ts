// The chart blocks of write-ups: a fenced ```wsbench block of "key: value" lines.
//   chart: rssBytes        runs: RUN_A, RUN_B        norm: perConn        x: connections
// `chart` is a series of the metric catalogue (collector/metrics.ts). The build checks every
// block (`chartBlockProblems`), so a typo fails the build naming the file, not the reader's browser.
import { SERIES_KEYS, seriesDef } from '../../../collector/metrics.ts';

export interface ChartSpec {
  runs: string[];
  metric: string;
  norm: 'none' | 'perConn';
  /** x axis: seconds since each run started (default), or connections held. */
  align: 'elapsed' | 'connections';
  /** A caption under the chart. */
  caption: string | null;
}

export const CHART_BLOCK = /```wsbench\n([\s\S]*?)```/g;

const CHOICES = { norm: ['none', 'perConn'], x: ['elapsed', 'connections'] } as const;
const KEYS = ['chart', 'runs', 'norm', 'x', 'caption'];

/** A fenced block's "key: value" lines (chart blocks, and the write-ups' table blocks). */
export function fieldsOf(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return fields;
}

/** What is wrong with a block, each problem naming the valid choices; empty when it is fine. */
export function chartBlockProblems(text: string): string[] {
  const fields = fieldsOf(text);
  const problems: string[] = [];
  for (const key of Object.keys(fields)) if (!KEYS.includes(key)) problems.push(`unknown key "${key}" (keys: ${KEYS.join(', ')})`);
  if (!fields.chart) problems.push(`"chart:" is missing (one of ${SERIES_KEYS.join(', ')})`);
  else if (!seriesDef(fields.chart)) problems.push(`unknown chart "${fields.chart}" (one of ${SERIES_KEYS.join(', ')})`);
  if (!fields.runs) problems.push('"runs:" is missing (run ids, comma-separated)');
  for (const key of ['norm', 'x'] as const) {
    if (fields[key] !== undefined && !(CHOICES[key] as readonly string[]).includes(fields[key]!)) problems.push(`unknown ${key} "${fields[key]}" (one of ${CHOICES[key].join(', ')})`);
  }
  return problems;
}

export function parseChartBlock(text: string): ChartSpec {
  const fields = fieldsOf(text);
  return {
    runs: (fields.runs ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    metric: fields.chart ?? 'rssBytes',
    norm: fields.norm === 'perConn' ? 'perConn' : 'none',
    align: fields.x === 'connections' ? 'connections' : 'elapsed',
    caption: fields.caption ?? null,
  };
}
