// The runner's side of a backend on a target host: the agent started over SSH, spoken to in
// JSON lines, presented to the run as a RunningBackend like a local one. The clock offset is
// measured here, and a lost SSH connection is reported as such (the run is then aborted; the
// agent, seeing its stdin close, stops the backend on the target).
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { EventRecord, ServerSample } from '../../collector/records.ts';
import { BackendError } from '../backends/errors.ts';
import type { ServeInput } from '../backends/options.ts';
import type { BackendInfo, BackendName, BackendStatus, ProcessExit, ProcessRole, RunningBackend } from '../backends/types.ts';
import type { FromAgent, ToAgent } from './agent.ts';
import { remoteDir, type RemoteBundle, AGENT_ENTRY } from './bundle.ts';
import { bundleName } from '../process/compile.ts';
import type { SshHost } from './ssh.ts';

export interface ClockEstimate {
  /** Target clock minus runner clock, from the round trip with the smallest delay. */
  offsetMs: number;
  /** Half that round trip: the true offset lies within offsetMs ± uncertaintyMs. */
  uncertaintyMs: number;
  rttMs: number;
  rounds: number;
}

const preciseNow = () => performance.timeOrigin + performance.now();

export class AgentLink {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: FromAgent) => void>();
  private readonly exitListeners: ((exit: ProcessExit, message: string) => void)[] = [];
  private readonly lostListeners: ((why: string) => void)[] = [];
  private readonly warnings: ((message: string) => void)[] = [];
  private readonly recordListeners: ((record: ServerSample | EventRecord) => void)[] = [];
  private stderr = '';
  private closed = false;
  private stopRequested = false;
  private nextId = 1;
  readonly ready: Promise<void>;

  constructor(
    readonly ssh: SshHost,
    bundle: RemoteBundle,
  ) {
    const dir = remoteDir(bundle);
    const env = [`WSBENCH_BUNDLE_DIR="$HOME/${dir}"`, ...(bundle.uwsBinary ? [`WSBENCH_UWS="$HOME/${dir}/${bundle.uwsBinary}"`] : [])].join(' ');
    // The soft open-files limit rises to the hard one for the agent and the server it starts.
    this.child = ssh.spawn(`ulimit -n "$(ulimit -Hn)" 2>/dev/null; cd "$HOME/${dir}" && ${env} exec node ${bundleName(AGENT_ENTRY)}`);
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.child.stdin!.on('error', () => undefined);
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.receive(line));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BackendError('target', `the agent on ${ssh.target.host} did not start within 30 s: ${this.stderr.trim() || 'no output'}`)), 30_000);
      this.waiting.set('hello', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.once('close', () => {
        clearTimeout(timer);
        reject(new BackendError('target', `the agent on ${ssh.target.host} ended before it started: ${this.stderr.trim() || 'no output'}`));
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('close', (code, signal) => {
      this.closed = true;
      if (!this.stopRequested) {
        const why = `the SSH connection to ${ssh.target.host} ended (${signal ?? `exit ${code}`})${this.stderr.trim() ? `: ${this.stderr.trim().split('\n').slice(-1)[0]}` : ''}`;
        for (const l of this.lostListeners) l(why);
      }
      for (const resolve of this.waiting.values()) resolve({ type: 'fatal', message: 'connection closed' });
      this.waiting.clear();
    });
  }

  private receive(line: string): void {
    let m: FromAgent;
    try {
      m = JSON.parse(line) as FromAgent;
    } catch {
      return;
    }
    if (m.type === 'exit') return this.exitListeners.forEach((l) => l(m.exit, m.message));
    if (m.type === 'warning') return this.warnings.forEach((l) => l(m.message));
    if (m.type === 'record') return this.recordListeners.forEach((l) => l(m.record));
    const key = m.type === 'clock' || m.type === 'status' ? `${m.type}:${m.id}` : m.type === 'fatal' ? 'ready' : m.type;
    const waiter = this.waiting.get(key);
    this.waiting.delete(key);
    waiter?.(m);
  }

  private ask(message: ToAgent, key: string, timeoutMs: number): Promise<FromAgent> {
    if (this.closed) return Promise.reject(new BackendError('target', `the connection to ${this.ssh.target.host} is closed`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new BackendError('timeout', `${this.ssh.target.host} did not answer "${message.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      this.child.stdin!.write(JSON.stringify(message) + '\n');
    });
  }

  /** Several round trips; the one with the least delay bounds the offset best (as NTP does). */
  async clock(rounds = 16): Promise<ClockEstimate> {
    let best: ClockEstimate | undefined;
    for (let i = 0; i < rounds; i++) {
      const id = this.nextId++;
      const sent = preciseNow();
      const reply = await this.ask({ type: 'clock', id }, `clock:${id}`, 10_000);
      const back = preciseNow();
      if (reply.type !== 'clock') throw new BackendError('target', `clock request to ${this.ssh.target.host} failed`);
      const rtt = back - sent;
      if (!best || rtt < best.rttMs) best = { offsetMs: reply.nowMs - (sent + back) / 2, uncertaintyMs: rtt / 2, rttMs: rtt, rounds };
    }
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return { offsetMs: round(best!.offsetMs), uncertaintyMs: round(best!.uncertaintyMs), rttMs: round(best!.rttMs), rounds };
  }

  async start(backend: BackendName, serve: ServeInput, runId: string, collector: { url: string; token: string | undefined }): Promise<RemoteBackend> {
    const reply = await this.ask({ type: 'start', backend, serve, runId, collector }, 'ready', 120_000);
    if (reply.type !== 'ready') throw new BackendError('start-failed', `${backend} did not start on ${this.ssh.target.host}: ${reply.type === 'fatal' ? reply.message : reply.type}`);
    return new RemoteBackend(this, reply.info, reply.port, reply.pids, this.ssh.target.host);
  }

  async status(timeoutMs: number): Promise<BackendStatus> {
    const id = this.nextId++;
    const reply = await this.ask({ type: 'status', id }, `status:${id}`, timeoutMs);
    if (reply.type !== 'status' || !reply.status) throw new BackendError('timeout', `status from ${this.ssh.target.host}: ${reply.type === 'status' ? reply.error : reply.type}`);
    return reply.status;
  }

  onExit(listener: (exit: ProcessExit, message: string) => void): void {
    this.exitListeners.push(listener);
  }

  onLost(listener: (why: string) => void): void {
    this.lostListeners.push(listener);
  }

  onWarning(listener: (message: string) => void): void {
    this.warnings.push(listener);
  }

  /** Copies of what the target's sampler sent the collector. */
  onRecord(listener: (record: ServerSample | EventRecord) => void): void {
    this.recordListeners.push(listener);
  }

  /** Asks the agent to stop the backend and flush its samples; then ends the SSH session. */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopRequested) return;
    this.stopRequested = true;
    if (!this.closed) {
      await this.ask({ type: 'stop' }, 'stopped', timeoutMs).catch(() => undefined);
      this.child.stdin!.end();
    }
    if (!this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.child.kill('SIGKILL');
          resolve();
        }, 5000);
        this.child.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

export class RemoteBackend implements RunningBackend {
  readonly url: string;
  private processes: ProcessRole[];

  constructor(
    private readonly link: AgentLink,
    readonly info: BackendInfo,
    readonly port: number,
    pids: ProcessRole[],
    host: string,
  ) {
    this.processes = pids;
    this.url = `wss://${host.includes(':') ? `[${host}]` : host}:${port}/`;
    link.onExit((exit) => (this.processes = this.processes.filter((p) => p.pid !== exit.pid)));
  }

  status(timeoutMs = 2000): Promise<BackendStatus> {
    return this.link.status(timeoutMs);
  }

  /** The target's pids: sampled there, by the agent, never here. */
  pids(): ProcessRole[] {
    return [...this.processes];
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    this.link.onExit((exit) => listener(exit));
  }

  stop(): Promise<void> {
    return this.link.stop();
  }
}
