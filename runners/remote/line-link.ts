// A process on another host, started over SSH and spoken to in JSON lines on its stdin/stdout:
// the common part of the server agent and the client agent. It waits for the process's hello,
// matches replies to requests, estimates the clock offset, and tells apart a stop that was asked
// for from a connection that was lost.
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { BackendError } from '../backends/errors.ts';
import { preciseWallNowMs } from '../../common/wall-clock.ts';
import type { SshHost } from './ssh.ts';

export interface ClockEstimate {
  /** Remote clock minus runner clock, from the round trip with the smallest delay. */
  offsetMs: number;
  /** Half that round trip: the true offset lies within offsetMs ± uncertaintyMs. */
  uncertaintyMs: number;
  rttMs: number;
  rounds: number;
}

const preciseNow = preciseWallNowMs;

type Message = { type: string; id?: number };

export class LineLink<Out extends Message, In extends Message> {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<string, (m: In | { type: 'closed' }) => void>();
  private readonly listeners: ((m: In) => void)[] = [];
  private readonly lostListeners: ((why: string) => void)[] = [];
  private stderr = '';
  private closed = false;
  private stopRequested = false;
  private nextId = 1;
  readonly ready: Promise<void>;

  constructor(
    readonly ssh: SshHost,
    command: string,
    /** Which reply answers a request: e.g. "clock:3", or the reply's type. */
    private readonly keyOf: (m: In) => string,
  ) {
    const host = ssh.target.host;
    this.child = ssh.spawn(command);
    this.child.stderr!.on('data', (b: Buffer) => (this.stderr = (this.stderr + b.toString()).slice(-4000)));
    this.child.stdin!.on('error', () => undefined);
    readline.createInterface({ input: this.child.stdout! }).on('line', (line) => this.receive(line));
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BackendError('target', `the wsbench agent on ${host} did not start within 30 s: ${this.lastError() || 'no output'}`)), 30_000);
      this.waiting.set('hello', (m) => {
        clearTimeout(timer);
        if (m.type === 'closed') reject(new BackendError('target', `the wsbench agent on ${host} ended before it started: ${this.lastError() || 'no output'}`));
        else resolve();
      });
    });
    this.ready.catch(() => undefined);
    this.child.on('close', (code, signal) => {
      this.closed = true;
      if (!this.stopRequested) {
        const why = `the SSH connection to ${host} ended (${signal ?? `exit ${code}`})${this.lastError() ? `: ${this.lastError()}` : ''}`;
        for (const l of this.lostListeners) l(why);
      }
      for (const resolve of this.waiting.values()) resolve({ type: 'closed' });
      this.waiting.clear();
    });
  }

  private lastError(): string {
    return this.stderr.trim().split('\n').slice(-1)[0] ?? '';
  }

  private receive(line: string): void {
    let m: In;
    try {
      m = JSON.parse(line) as In;
    } catch {
      return; // not ours (a login banner, a shell's noise)
    }
    const key = this.keyOf(m);
    const waiter = this.waiting.get(key);
    if (waiter) {
      this.waiting.delete(key);
      return waiter(m);
    }
    for (const l of this.listeners) l(m);
  }

  /** Messages nobody asked for: events, samples, relayed shard messages. */
  onMessage(listener: (m: In) => void): void {
    this.listeners.push(listener);
  }

  onLost(listener: (why: string) => void): void {
    this.lostListeners.push(listener);
  }

  send(message: Out): void {
    if (!this.closed) this.child.stdin!.write(JSON.stringify(message) + '\n');
  }

  newId(): number {
    return this.nextId++;
  }

  ask(message: Out, key: string, timeoutMs: number): Promise<In> {
    if (this.closed) return Promise.reject(new BackendError('target', `the connection to ${this.ssh.target.host} is closed`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(key);
        reject(new BackendError('timeout', `${this.ssh.target.host} did not answer "${message.type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(key, (m) => {
        clearTimeout(timer);
        if (m.type === 'closed') reject(new BackendError('target', `the connection to ${this.ssh.target.host} closed before it answered "${message.type}"`));
        else resolve(m as In);
      });
      this.send(message);
    });
  }

  /** Several round trips; the one with the least delay bounds the offset best (as NTP does). */
  async clock(request: (id: number) => Out, rounds = 16): Promise<ClockEstimate> {
    let best: ClockEstimate | undefined;
    for (let i = 0; i < rounds; i++) {
      const id = this.newId();
      const sent = preciseNow();
      const reply = (await this.ask(request(id), `clock:${id}`, 10_000)) as In & { nowMs: number };
      const back = preciseNow();
      const rtt = back - sent;
      if (!best || rtt < best.rttMs) best = { offsetMs: reply.nowMs - (sent + back) / 2, uncertaintyMs: rtt / 2, rttMs: rtt, rounds };
    }
    const round = (v: number) => Math.round(v * 1000) / 1000;
    return { offsetMs: round(best!.offsetMs), uncertaintyMs: round(best!.uncertaintyMs), rttMs: round(best!.rttMs), rounds };
  }

  /** Sends `stop`, waits for `stopped` (the remote side flushes first), then ends the session. */
  async stop(stop: Out, timeoutMs = 30_000): Promise<void> {
    if (this.stopRequested) return;
    this.stopRequested = true;
    if (!this.closed) {
      await this.ask(stop, 'stopped', timeoutMs).catch(() => undefined);
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

/** The command that starts a bundled agent on the host, with its open-files limit raised. */
export function agentCommand(dir: string, entryFile: string, uwsBinary: string | null): string {
  const env = [`WSBENCH_BUNDLE_DIR="$HOME/${dir}"`, ...(uwsBinary ? [`WSBENCH_UWS="$HOME/${dir}/${uwsBinary}"`] : [])].join(' ');
  // The soft open-files limit rises to the hard one for the agent and what it starts.
  return `ulimit -n "$(ulimit -Hn)" 2>/dev/null; cd "$HOME/${dir}" && ${env} exec node ${entryFile}`;
}
