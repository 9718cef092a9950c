// How memory per added connection was measured, in words, and where memory above idle tells
// another story than the slope between two loaded levels (docs/METRICS.md). Types only from the
// summary: compare and the run report use these in the browser.
import { formatValue } from './metrics.ts';
import type { RunSummary, WindowSummary } from './summary.ts';

/** Which levels memory per added connection was read between, in words: "from 500 to 1,000 connections", "above idle". */
export function addedBasisInWords(s: Pick<RunSummary, 'addedBasis' | 'connections' | 'base'>): string | null {
  if (s.addedBasis === 'idle') return 'above idle';
  if (s.addedBasis !== 'base' || !s.base || s.connections === null) return null;
  return `from ${formatValue('connections', s.base.connections)} to ${formatValue('connections', s.connections)} connections`;
}

/** Memory above idle and the slope disagree by more than this share of the slope: then the page says so. */
export const ABOVE_IDLE_AGREES = 0.25;

/**
 * Where a run measured both, whether memory above idle tells the same story as the slope
 * between two loaded levels; null when they agree or one is missing.
 */
export function aboveIdleNote(w: Pick<WindowSummary, 'addedBytesPerConn' | 'addedBasis' | 'aboveIdleBytesPerConn'>): string | null {
  if (w.addedBasis !== 'base' || w.addedBytesPerConn === null || w.aboveIdleBytesPerConn === null || w.addedBytesPerConn <= 0) return null;
  const off = (w.aboveIdleBytesPerConn - w.addedBytesPerConn) / w.addedBytesPerConn;
  if (Math.abs(off) <= ABOVE_IDLE_AGREES) return null;
  return `Memory above idle (${formatValue('bytes', w.aboveIdleBytesPerConn)} per connection) is ${Math.round(Math.abs(off) * 100)}% ${off < 0 ? 'below' : 'above'} the slope between the two loaded levels (${formatValue('bytes', w.addedBytesPerConn)}): at this count it depends on how much memory freed at start-up the allocator reuses, so the slope is the figure.`;
}
