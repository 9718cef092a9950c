// How much an event matters to a reader, from its kind and data: a crash or an error is an error;
// saturation, connection errors and warnings are warnings; the rest is information. A CPU quota
// that throttled nothing is information, not a warning. No Node imports: the site uses it.

export type Severity = 'error' | 'warning' | 'info';

const ERRORS = new Set(['crash', 'error', 'client-crash']);
const WARNINGS = new Set(['warning', 'client-saturated', 'connect-error']);

export function eventSeverity(kind: string, data: Record<string, unknown> | null | undefined): Severity {
  if (ERRORS.has(kind)) return 'error';
  if (WARNINGS.has(kind)) return 'warning';
  if (kind === 'cpu-throttling') return typeof data?.throttled === 'number' && data.throttled > 0 ? 'warning' : 'info';
  return 'info';
}

export const SEVERITY_COLORS: Record<Severity, string> = { error: '#b00020', warning: '#8a5a00', info: '#5b6770' };
