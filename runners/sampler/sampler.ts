// The sampler beside the server: once a second, RSS and CPU of every backend process from /proc,
// the host's memory, load and temperature, and the backend's own counters; and, when a backend
// process dies, a crash event at that second with its exit code or signal and whether the
// kernel or its cgroup OOM-killed it.
import type { EventRecord, ServerSample } from '../../collector/records.ts';
import type { BackendStatus, ProcessExit, ProcessRole } from '../backends/types.ts';
import { allowedCpusOf, cgroupOomCounterFile, CpuWaitMeter, readHost, readHostCpu, readOomCounter, readProcess, readSocketQueues, systemOomKills, type ProcReading } from './proc.ts';

export interface SamplerOptions {
  source: string;
  /** Every process of the backend (asked each second: workers may die). */
  processes: () => ProcessRole[];
  /** The backend's own counters; may reject or time out, then /proc figures are still sent. */
  status?: () => Promise<BackendStatus>;
  push: (record: ServerSample | EventRecord) => void;
  /** The server's port: what the kernel holds in its sockets' send buffers is read from /proc/net/tcp. */
  port?: number;
}

/** Reading /proc/net/tcp costs about 1 µs a socket: at 100k, a tenth of a second. It is read at most this share of the time. */
const SOCKET_READ_BUDGET = 0.02;
const MAX_SOCKET_READ_GAP_MS = 4000;

export class Sampler {
  private timer: NodeJS.Timeout | undefined;
  private previous = new Map<number, { reading: ProcReading; atMs: number }>();
  private readonly oomFiles = new Map<number, string | undefined>();
  private readonly oomAtStart = new Map<string, number | undefined>();
  private systemOomAtStart = systemOomKills();
  /** The CPUs the server may run on, as first seen (its cpuset); the busy share is theirs. */
  private serverCpus: number[] | undefined;
  private hostCpuBefore = readHostCpu();
  private readonly waitMeters = new Map<number, CpuWaitMeter>();
  /** Each worker's counters (dropped, closed while backlogged) at the last sample: a sample carries that second's increase. */
  private readonly countersBefore = new Map<number, { dropped: number | null; closed: number }>();
  /** When /proc/net/tcp may be read again, within its budget. */
  private socketsDueMs = 0;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  lastSample: ServerSample | undefined;

  constructor(private readonly options: SamplerOptions) {}

  start(): void {
    const processes = this.options.processes();
    this.watch(processes);
    this.serverCpus = processes.length ? allowedCpusOf(processes[0]!.pid) : undefined;
    this.hostCpuBefore = readHostCpu(this.serverCpus);
    const next = () => {
      this.timer = setTimeout(async () => {
        if (this.stopped) return;
        await this.sample();
        next();
      }, 1000 - (Date.now() % 1000) + 10);
    };
    next();
  }

  /** Stops the timer and waits for a sample already under way, so nothing is pushed after this resolves. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
  }

  /** Remembers each process's cgroup OOM counter now, while the process can be looked up. */
  private watch(processes: ProcessRole[]): void {
    for (const { pid } of processes) {
      if (this.oomFiles.has(pid)) continue;
      const file = cgroupOomCounterFile(pid);
      this.oomFiles.set(pid, file);
      if (file && !this.oomAtStart.has(file)) this.oomAtStart.set(file, readOomCounter(file));
    }
  }

  sample(): Promise<ServerSample | undefined> {
    const taking = this.takeSample();
    this.inFlight = taking.then(() => undefined, () => undefined);
    return taking;
  }

  private async takeSample(): Promise<ServerSample | undefined> {
    const t = Math.floor(Date.now() / 1000) * 1000;
    // One sample per second: a final sample taken in a second already sampled is skipped.
    if (this.lastSample && t <= this.lastSample.t) return undefined;
    const processes = this.options.processes();
    this.watch(processes);
    const status = this.options.status ? await this.options.status().catch(() => undefined) : undefined;
    const procs: NonNullable<ServerSample['procs']> = [];
    const now = Date.now();
    for (const { pid, role } of processes) {
      const reading = readProcess(pid);
      if (!reading) continue;
      let meter = this.waitMeters.get(pid);
      if (!meter) this.waitMeters.set(pid, (meter = new CpuWaitMeter()));
      const cpuWaitMs = meter.sample(pid, now);
      const before = this.previous.get(pid);
      this.previous.set(pid, { reading, atMs: now });
      const seconds = before ? (now - before.atMs) / 1000 : 0;
      const pct = (a: number, b: number) => (seconds > 0 ? Math.max(0, Math.round(((a - b) / seconds) * 1000) / 10) : 0);
      procs.push({
        pid,
        role,
        rssBytes: reading.rssBytes,
        ...(reading.pssBytes !== undefined ? { pssBytes: reading.pssBytes } : {}),
        ...(reading.anonBytes !== undefined ? { anonBytes: reading.anonBytes } : {}),
        cpuUserPct: before ? pct(reading.cpuSeconds.user, before.reading.cpuSeconds.user) : 0,
        cpuSysPct: before ? pct(reading.cpuSeconds.system, before.reading.cpuSeconds.system) : 0,
        // Runnable but not running, ms per second: the machine, not the server, held it back.
        ...(cpuWaitMs !== undefined ? { cpuWaitMs } : {}),
        ...(workerOf(status, pid) ? { queuedBytesPeak: workerOf(status, pid)!.queuedBytesPeak } : {}),
      });
    }
    if (procs.length === 0 || (this.lastSample && t <= this.lastSample.t)) return undefined;
    const host = readHost();
    const hostCpu = readHostCpu(this.serverCpus);
    const hostBusyPct = hostCpu && this.hostCpuBefore && hostCpu.total > this.hostCpuBefore.total
      ? Math.round(((hostCpu.busy - this.hostCpuBefore.busy) / (hostCpu.total - this.hostCpuBefore.total)) * 1000) / 10
      : undefined;
    this.hostCpuBefore = hostCpu;
    const waits = procs.filter((p) => p.cpuWaitMs !== undefined);
    const sample: ServerSample = {
      kind: 'server',
      source: this.options.source,
      t,
      rssBytes: procs.reduce((n, p) => n + p.rssBytes, 0),
      // A total only when every process had one: a partial sum would read as a drop.
      ...(procs.every((p) => p.pssBytes !== undefined) ? { pssBytes: procs.reduce((n, p) => n + p.pssBytes!, 0) } : {}),
      ...(procs.every((p) => p.anonBytes !== undefined) ? { anonBytes: procs.reduce((n, p) => n + p.anonBytes!, 0) } : {}),
      cpuUserPct: Math.round(procs.reduce((n, p) => n + p.cpuUserPct, 0) * 10) / 10,
      cpuSysPct: Math.round(procs.reduce((n, p) => n + p.cpuSysPct, 0) * 10) / 10,
      ...(waits.length > 0 ? { cpuWaitMs: Math.round(waits.reduce((n, p) => n + p.cpuWaitMs!, 0) * 10) / 10 } : {}),
      ...(hostBusyPct !== undefined ? { hostBusyPct, hostCpus: hostCpu!.cpus } : {}),
      ...(host.memAvailableBytes !== undefined ? { memAvailableBytes: host.memAvailableBytes } : {}),
      ...(host.load1 !== undefined ? { load1: host.load1 } : {}),
      ...(host.tempC !== undefined ? { tempC: host.tempC } : {}),
      ...this.kernelQueues(now),
      ...(status ? { connections: status.total.connections, backpressureBytes: status.total.backpressureBytes, published: status.total.published, ...this.queueOf(status) } : {}),
      procs,
    };
    this.lastSample = sample;
    this.options.push(sample);
    return sample;
  }

  /** The kernel's send queues on the server's port, when due: a slow reader's bytes wait there first. */
  private kernelQueues(now: number): Pick<ServerSample, 'kernelQueuedBytes' | 'kernelQueuedSockets'> {
    if (this.options.port === undefined || now < this.socketsDueMs) return {};
    const started = performance.now();
    const q = readSocketQueues(this.options.port);
    const tookMs = performance.now() - started;
    // Never more than 5 s apart: a busy machine that stalled one read must not starve the rest.
    this.socketsDueMs = now + Math.min(MAX_SOCKET_READ_GAP_MS, Math.max(0, tookMs / SOCKET_READ_BUDGET - 1000));
    return q ? { kernelQueuedBytes: q.sendQueueBytes, kernelQueuedSockets: q.sockets } : {};
  }

  /** The queue fields of a sample: the peak as the processes read it, their counters as this second's increase. */
  private queueOf(status: BackendStatus): Pick<ServerSample, 'queuedBytesPeak' | 'queuedMessagesPeak' | 'droppedMessages' | 'closedBacklogged'> {
    let dropped: number | null = null;
    let closed = 0;
    for (const w of status.workers) {
      const before = this.countersBefore.get(w.pid) ?? { dropped: w.droppedMessages === null ? null : 0, closed: 0 };
      if (w.droppedMessages !== null) dropped = (dropped ?? 0) + Math.max(0, w.droppedMessages - (before.dropped ?? 0));
      closed += Math.max(0, w.closedBacklogged - before.closed);
      this.countersBefore.set(w.pid, { dropped: w.droppedMessages, closed: w.closedBacklogged });
    }
    return {
      queuedBytesPeak: status.total.queuedBytesPeak,
      ...(status.total.queuedMessagesPeak !== null ? { queuedMessagesPeak: status.total.queuedMessagesPeak } : {}),
      ...(dropped !== null ? { droppedMessages: dropped } : {}),
      closedBacklogged: closed,
    };
  }

  /** Records a backend process's death as a crash event, with the OOM evidence found. */
  recordExit(exit: ProcessExit): EventRecord {
    const file = this.oomFiles.get(exit.pid);
    const cgroupKills = file ? (readOomCounter(file) ?? 0) - (this.oomAtStart.get(file) ?? 0) : undefined;
    const systemKills = (systemOomKills() ?? 0) - (this.systemOomAtStart ?? 0);
    const killed = exit.signal === 'SIGKILL';
    const oom = killed && ((cgroupKills ?? 0) > 0 || systemKills > 0);
    const evidence = !killed ? 'not killed by SIGKILL' : cgroupKills ? `cgroup oom_kill +${cgroupKills} (${file})` : systemKills > 0 ? `kernel oom_kill +${systemKills} (/proc/vmstat)` : 'no OOM kill counted';
    const how = exit.signal ? `killed by ${exit.signal}` : `exited with code ${exit.code}`;
    const event: EventRecord = {
      kind: 'event',
      t: exit.atMs,
      source: this.options.source,
      type: 'crash',
      message: `${exit.role}${exit.worker !== null ? ` ${exit.worker}` : ''} (pid ${exit.pid}) ${how}${oom ? ': out of memory' : ''}`,
      data: { pid: exit.pid, role: exit.role, worker: exit.worker, code: exit.code, signal: exit.signal, oom, oomEvidence: evidence },
    };
    this.options.push(event);
    if (oom) {
      // Count each OOM kill once.
      if (file && cgroupKills) this.oomAtStart.set(file, readOomCounter(file));
      this.systemOomAtStart = systemOomKills();
    }
    return event;
  }
}

const workerOf = (status: BackendStatus | undefined, pid: number) => status?.workers.find((w) => w.pid === pid);
