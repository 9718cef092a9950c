// Figures as readers see them, units always shown: thin names over the metric catalogue's
// formatting (collector/metrics.ts), so a page cannot format a figure its own way.
import { formatValue } from '../../../collector/metrics.ts';

export const bytes = (v: number | null | undefined): string => formatValue('bytes', v);
export const num = (v: number | null | undefined, digits = 0): string =>
  v === null || v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ms = (v: number | null | undefined): string => formatValue('ms', v);
export const pct = (v: number | null | undefined): string => formatValue('percent', v);
export const when = (t: number): string => new Date(t).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
