// The native client sends each second's latency and jitter histograms as the non-empty buckets of
// hdr-histogram's own scheme ([lowest value, count, …] in µs, and the exact maximum), which it can
// fill with a few shifts per message. Here they become the same compressed histograms a
// TypeScript shard sends, bucket for bucket, so the collector merges every shard alike.
import { encodeHistogram, newLatencyHistogram, type Histogram } from '../../collector/histogram.ts';
import type { ClientSample } from '../../collector/records.ts';
import type { FromShard } from './types.ts';

/** The sample as the native client writes it: buckets in place of the encoded histograms. */
type NativeSample = ClientSample & { latUs?: unknown; latUsMax?: unknown; jitUs?: unknown; jitUsMax?: unknown };

/** The lowest value of v's bucket (2048 sub-buckets: 3 significant digits, as the client's). */
function lowestInBucket(v: number): number {
  const step = 2 ** Math.max(0, Math.floor(Math.log2(v)) - 10);
  return Math.floor(v / step) * step;
}

function histogramOf(buckets: unknown, max: unknown): Histogram | undefined {
  if (!Array.isArray(buckets) || buckets.length === 0 || buckets.length % 2 !== 0) return undefined;
  const h = newLatencyHistogram();
  // The maximum itself, not its bucket's lowest value: one count of its bucket is recorded exactly.
  const top = Number(max);
  const topBucket = Number.isFinite(top) && top >= 1 ? lowestInBucket(top) : NaN;
  for (let i = 0; i < buckets.length; i += 2) {
    const value = Number(buckets[i]);
    let count = Number(buckets[i + 1]);
    if (!Number.isFinite(value) || value < 1 || !Number.isInteger(count) || count <= 0) continue;
    if (value === topBucket) {
      h.recordValue(top);
      count--;
    }
    if (count > 0) h.recordValueWithCount(value, count);
  }
  return h.totalCount > 0 ? h : undefined;
}

const ms = (us: number) => us / 1000;

/** A native shard's message with its bucket lists turned into encoded histograms and percentiles. */
export function fromNativeShard(message: FromShard): FromShard {
  if (message.type !== 'sample') return message;
  const { latUs, latUsMax, jitUs, jitUsMax, ...sample } = message.sample as NativeSample;
  const lat = histogramOf(latUs, latUsMax);
  const jit = histogramOf(jitUs, jitUsMax);
  if (lat) {
    Object.assign(sample, {
      latP50Ms: ms(lat.getValueAtPercentile(50)), latP90Ms: ms(lat.getValueAtPercentile(90)), latP99Ms: ms(lat.getValueAtPercentile(99)),
      latMaxMs: ms(lat.maxValue), latHistUs: encodeHistogram(lat),
    } satisfies Partial<ClientSample>);
  }
  if (jit) {
    Object.assign(sample, { jitP50Ms: ms(jit.getValueAtPercentile(50)), jitP99Ms: ms(jit.getValueAtPercentile(99)), jitMaxMs: ms(jit.maxValue), jitHistUs: encodeHistogram(jit) } satisfies Partial<ClientSample>);
  }
  return { ...message, sample };
}
