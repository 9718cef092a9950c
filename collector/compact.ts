// What an export keeps of a run's latency and jitter histograms: per second, not per shard.
// Client shards each send one histogram a second; a 100k run has a dozen shards, and their
// histograms are nine tenths of its export. Nothing reads them shard by shard: each second's
// percentiles merge every shard's, a window's merge every second's, and the probes' stay apart
// (their own figure), and so do the slow readers' (judged apart: collector/cohort.ts). So an export merges each second's shard histograms into one, kept on that
// second's first shard row, and re-records them at 2 significant digits (a value lands within
// 1/128, 0.8%, of where the 3-digit bucket had it; docs/METRICS.md, "Storage"). Merging is exact,
// and compacting a compacted dump changes nothing, so a run exported, imported and exported
// again reads the same.
import * as hdr from 'hdr-histogram-js';
import { cohortOf } from './cohort.ts';

/** Significant digits of an export's histograms (the clients record 3). */
export const EXPORT_HISTOGRAM_DIGITS = 2;

interface Dump {
  columns: string[];
  rows: unknown[][];
}

const HISTOGRAM_COLUMNS = ['lat_hist_us', 'jit_hist_us'] as const;

function exportHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: EXPORT_HISTOGRAM_DIGITS });
}

/** One histogram of several encoded ones, at the export's precision. */
function mergedForExport(encoded: string[]): string {
  const merged = exportHistogram();
  for (const text of encoded) merged.add(hdr.decodeFromCompressedBase64(text));
  return hdr.encodeIntoCompressedBase64(merged);
}

/** client_samples with each second's shard histograms merged into one per cohort (healthy, slow, probes); a new dump, the input untouched. */
export function compactClientHistograms(dump: Dump): Dump {
  const at = (name: string) => dump.columns.indexOf(name);
  const [tMs, source] = [at('t_ms'), at('source')];
  const histograms = HISTOGRAM_COLUMNS.map(at).filter((i) => i >= 0);
  if (tMs < 0 || source < 0 || histograms.length === 0) return dump;
  const rows = dump.rows.map((r) => [...r]);
  // Each second's rows, by cohort (healthy shards, slow readers, probes), first source first.
  const groups = new Map<string, unknown[][]>();
  for (const row of rows) {
    const key = `${Math.floor(Number(row[tMs]) / 1000)}|${cohortOf(String(row[source]))}`;
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  for (const group of groups.values()) {
    group.sort((a, b) => String(a[source]).localeCompare(String(b[source])) || Number(a[tMs]) - Number(b[tMs]));
    for (const column of histograms) {
      const encoded = group.flatMap((r) => (typeof r[column] === 'string' && r[column] ? [r[column] as string] : []));
      if (encoded.length === 0) continue;
      const merged = mergedForExport(encoded);
      // The first row that had one carries the second's histogram: a row that had none keeps none.
      const keeper = group.find((r) => typeof r[column] === 'string' && r[column]);
      for (const r of group) if (typeof r[column] === 'string' && r[column]) r[column] = r === keeper ? merged : null;
    }
  }
  return { columns: dump.columns, rows };
}
