// The one-line progress a run draws while it ramps and holds, and the writer that redraws it on
// a terminal (one line every 10 s elsewhere, so a CI log stays readable).
import type { RunMonitor } from './monitor.ts';

const count = (n: number) => n.toLocaleString('en-US');

export function rampLine(backend: string, open: number, target: number): string {
  const width = 24;
  const done = Math.min(width, Math.round((open / Math.max(1, target)) * width));
  return `[${backend}] ramp [${'#'.repeat(done)}${'-'.repeat(width - done)}] ${count(open)}/${count(target)}`;
}

export function holdLine(backend: string, phase: string, elapsedMs: number, holdSec: number, m: RunMonitor, intervalMs: number): string {
  let clientCpu = 0;
  for (const c of m.latestClient.values()) clientCpu = Math.max(clientCpu, c.cpuPct ?? 0);
  // Rates and latency over the last tick interval: one second alone holds a whole tick or nothing.
  const recent = m.lastCompleteSeconds(Math.max(1, Math.round(intervalMs / 1000)));
  const p99 = recent?.latencyP99Ms ?? null;
  const rate = (k: 'received' | 'expected' | 'missing') => (recent ? Math.round(recent[k] / recent.seconds).toLocaleString('en-US') : '–');
  const s = m.latestServer;
  const rss = s ? `${(s.rssBytes / 1e6).toFixed(0)} MB` : '–';
  const cpu = s ? `${(s.cpuUserPct + s.cpuSysPct).toFixed(0)}%` : '–';
  return `[${backend}] ${phase} ${Math.min(holdSec, Math.round(elapsedMs / 1000))}/${holdSec}s  conns ${count(m.openNow())}  received/s ${rate('received')}  judged/s ${rate('expected')}  missing/s ${rate('missing')}  p99 ${p99 === null ? '–' : `${p99.toFixed(1)} ms`}  server ${rss} ${cpu}  client max ${clientCpu.toFixed(0)}%`;
}

/** Transient lines redraw one status line on a terminal; elsewhere one line each 10 s. */
export function progressWriter(stream: NodeJS.WriteStream = process.stderr): (line: string, transient: boolean) => void {
  let lastPlain = 0;
  return (line, transient) => {
    if (stream.isTTY) {
      stream.write(`\r\x1b[2K${line}${transient ? '' : '\n'}`);
    } else if (!transient || Date.now() - lastPlain >= 10_000) {
      stream.write(`${line}\n`);
      if (transient) lastPlain = Date.now();
    }
  };
}
