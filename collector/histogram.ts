// Latency histograms: recorded in microseconds with hdr-histogram-js, shipped compressed per
// second, merged (never averaged) to get percentiles over any time range.
import * as hdr from 'hdr-histogram-js';

export type Histogram = hdr.Histogram;

/** 1 µs to 1 hour at 3 significant digits: enough for a tick stuck an hour in backpressure. */
export function newLatencyHistogram(): Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export const encodeHistogram = (h: Histogram): string => hdr.encodeIntoCompressedBase64(h);
export const decodeHistogram = (text: string): Histogram => hdr.decodeFromCompressedBase64(text);

export function mergeEncoded(encoded: Iterable<string | null | undefined>): Histogram {
  const merged = newLatencyHistogram();
  for (const text of encoded) {
    if (text) merged.add(hdr.decodeFromCompressedBase64(text));
  }
  return merged;
}

export interface LatencyPercentiles {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  maxMs: number | null;
}

export const NO_LATENCY: Readonly<LatencyPercentiles> = Object.freeze({ count: 0, p50Ms: null, p90Ms: null, p99Ms: null, p999Ms: null, maxMs: null });

export function percentilesMs(h: Histogram): LatencyPercentiles {
  if (h.totalCount === 0) return { ...NO_LATENCY };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    count: h.totalCount,
    p50Ms: ms(h.getValueAtPercentile(50)),
    p90Ms: ms(h.getValueAtPercentile(90)),
    p99Ms: ms(h.getValueAtPercentile(99)),
    p999Ms: ms(h.getValueAtPercentile(99.9)),
    maxMs: ms(h.maxValue),
  };
}

/** Percentiles of several encoded histograms; one alone is decoded, not copied into a merge. */
export function percentilesOfEncoded(encoded: readonly string[]): LatencyPercentiles {
  if (encoded.length === 0) return { ...NO_LATENCY };
  if (encoded.length === 1) return percentilesMs(hdr.decodeFromCompressedBase64(encoded[0]!));
  return percentilesMs(mergeEncoded(encoded));
}
