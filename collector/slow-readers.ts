// What slow readers cost, in words (issue 25): what happened to them (queued, dropped,
// disconnected, late) and whether the healthy readers beside them suffered, set against the calm
// hold of the same run. Every number is read from the metric catalogue, so `show`, the run page
// and the write-up print the same one. No Node imports: the site uses these in the browser.
import { format, HEADLINE, headlineValue, type HeadlineKey } from './metrics.ts';

type Summary = Record<string, any>;

/** Said beside any comparison of runs with slow readers, whose memory and CPU hold their queues. */
export const SLOW_READERS_MEMORY_NOTE = "These runs had slow readers: each server's memory holds what it queued for them, so memory per added connection is not what a connection costs here. The slow readers' figures, and each run's page, say what happened to them.";

const value = (s: Summary, key: HeadlineKey) => headlineValue(s, key);
const shown = (s: Summary, key: HeadlineKey) => format(HEADLINE[key], value(s, key));

/** The slow readers' fate over the hold, in two sentences; null for a run without slow readers. */
export function slowOutcomeInWords(s: Summary): string | null {
  if (!s.slowReaders) return null;
  const dropped = value(s, 'droppedMessages');
  const kernel = value(s, 'kernelQueuedBytes');
  const closed = value(s, 'closedBacklogged');
  const fate = [
    `${shown(s, 'slowReaders')} slow readers got ${shown(s, 'slowDeliveredPct')} of their messages in time`,
    value(s, 'slowLatencyMaxMs') !== null ? `the rest were stuck for up to ${shown(s, 'slowLatencyMaxMs')} (p50 ${shown(s, 'slowLatencyP50Ms')})` : null,
  ].filter(Boolean);
  const held = [
    `The server held up to ${shown(s, 'queuedBytesPeak')} for its sockets right after a tick`,
    kernel !== null ? `and the kernel's send buffers up to ${shown(s, 'kernelQueuedBytes')}` : null,
  ].filter(Boolean);
  const shed = dropped === null ? 'it never drops a message' : `it dropped ${shown(s, 'droppedMessages')} messages over its per-socket limit`;
  // What the server closed, and what the readers saw of it: a reader that is not reading cannot see its connection close.
  const closes = closed === null ? `${shown(s, 'slowClosed')} slow readers saw their connection close` : `it closed ${shown(s, 'closedBacklogged')} sockets with data still queued (the slow readers saw ${shown(s, 'slowClosed')} of their connections close)`;
  return `${fate.join(', ')}. ${held.join(' ')}; ${shed}; ${closes}.`;
}

/** One figure before and beside the slow readers: "77 ms → 121 ms (1.6x)". */
function beforeAfter(s: Summary, calm: HeadlineKey, hold: HeadlineKey): string | null {
  const [a, b] = [value(s, calm), value(s, hold)];
  if (a === null || b === null) return null;
  const f = a > 0 && b > 0 ? Math.max(a, b) / Math.min(a, b) : null;
  // Within 5% either way is no change worth a factor ("1.0x lower" says nothing).
  const factor = f === null ? '' : f < 1.05 ? ' (about the same)' : ` (${f.toFixed(1)}x ${b >= a ? 'higher' : 'lower'})`;
  return `${format(HEADLINE[hold], a)} → ${format(HEADLINE[hold], b)}${factor}`;
}

/** Whether the healthy readers suffered: their figures in the calm hold against the hold beside the slow readers. Null without a calm hold. */
export function healthyCostInWords(s: Summary): string | null {
  if (!s.slowReaders || !s.calm) return null;
  const parts = [
    ['latency p99', beforeAfter(s, 'calmLatencyP99Ms', 'latencyP99Ms')],
    ['jitter p99', beforeAfter(s, 'calmJitterP99Ms', 'jitterP99Ms')],
    ['clumps', beforeAfter(s, 'calmClumpsPerMin', 'clumpsPerMin')],
  ].flatMap(([name, words]) => (words ? [`${name} ${words}`] : []));
  if (parts.length === 0) return null;
  return `The healthy readers, before the slow-down and beside the slow readers: ${parts.join('; ')}; delivered ${shown(s, 'deliveredPct')}.`;
}
