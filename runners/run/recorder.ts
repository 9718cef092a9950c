// Everything a run sends to the collector goes through here: each record is also shown to the
// monitor (which may answer with an event, e.g. saturation) and kept in the run's live timeline
// (the collector's figures, which the run's verdicts are judged on), runner events are worded
// once, and phases keep their sequence numbers so a phase's end updates its start.
import type { LiveTimeline } from '../../collector/live-timeline.ts';
import type { IngestRecord, PhaseRecord } from '../../collector/records.ts';
import type { BatchSender } from '../../collector/sender.ts';
import type { RunMonitor } from './monitor.ts';

export class RunRecorder {
  private seq = 0;

  constructor(
    readonly sender: BatchSender,
    readonly monitor: RunMonitor,
    readonly live: LiveTimeline,
    private readonly progress: (line: string, transient: boolean) => void,
  ) {}

  push(record: IngestRecord): void {
    this.sender.push(record);
    this.watch(record);
  }

  /** A record another process sent to the collector itself: only the monitor sees it here. */
  watch(record: IngestRecord): void {
    this.live.add(record);
    const event = this.monitor.observe(record);
    if (!event) return;
    this.sender.push(event);
    this.progress(`! ${event.message}`, false);
  }

  event(type: string, message: string, data?: Record<string, unknown>): void {
    this.push({ kind: 'event', t: Date.now(), source: 'runner', type, message, ...(data ? { data } : {}) });
  }

  /** Records a phase's start (returns its number) or, given that number, its end. */
  phase(p: Omit<PhaseRecord, 'kind' | 'seq'>, reuse?: number): number {
    const id = reuse ?? this.seq++;
    this.push({ kind: 'phase', seq: id, ...p });
    return id;
  }
}
