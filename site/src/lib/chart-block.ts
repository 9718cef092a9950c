// The chart blocks of write-ups: a fenced ```wsbench block of "key: value" lines.
//   chart: rssBytes        runs: RUN_A, RUN_B        norm: perConn        x: connections
export interface ChartSpec {
  runs: string[];
  metric: string;
  norm: 'none' | 'perConn';
  /** x axis: seconds since each run started (default), or connections held. */
  align: 'elapsed' | 'connections';
}

export const CHART_BLOCK = /```wsbench\n([\s\S]*?)```/g;

export function parseChartBlock(text: string): ChartSpec {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return {
    runs: (fields.runs ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    metric: fields.chart ?? 'rssBytes',
    norm: fields.norm === 'perConn' ? 'perConn' : 'none',
    align: fields.x === 'connections' ? 'connections' : 'elapsed',
  };
}
