// The server processes of one backend, seen from the process that controls them: fork, wait for
// ready, ask for status, report every unexpected exit, stop. No process is ever respawned: a
// crash during a run is a result, not something to hide.
import { fork, type ChildProcess } from 'node:child_process';
import { compiledEntry } from '../process/compile.ts';
import { serverNode } from '../process/server-node.ts';
import { BackendError } from './errors.ts';
import { reservePort } from './ports.ts';
import type { QueueStatus } from './queue-watch.ts';
import type { BackendInfo, BackendStatus, FromServer, ProcessExit, ProcessRole, RunningBackend, ServeOptions, StartHooks, ToServer, WorkerStatus } from './types.ts';

interface Member {
  child: ChildProcess;
  role: ProcessRole['role'];
  worker: number | null;
  pids: ProcessRole[];
}

export class ServerGroup implements RunningBackend {
  readonly info: BackendInfo;
  readonly url: string;
  readonly port: number;
  private readonly members: Member[] = [];
  private readonly exitListeners: ((exit: ProcessExit) => void)[] = [];
  private readonly pendingStatus = new Map<number, { want: number; got: WorkerStatus[][]; resolve: (w: WorkerStatus[]) => void }>();
  private nextStatusId = 1;
  private state: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  private stopping: Promise<void> | undefined;

  constructor(info: BackendInfo, host: string, port: number) {
    this.info = info;
    this.port = port;
    this.url = `wss://${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  /** Forks one server process and resolves once it says it is listening. */
  async spawn(entry: string, start: Extract<ToServer, { type: 'start' }>, role: ProcessRole['role'], place?: (pid: number) => void, readyTimeoutMs = 20_000): Promise<void> {
    const node = serverNode();
    // Another Node's V8 may not read this one's structured-clone format: plain JSON between them.
    const child = fork(entry, [], { execPath: node.path, execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: node.source === 'this' ? 'advanced' : 'json' });
    let placeError: string | undefined;
    const member: Member = { child, role, worker: role === 'worker' ? start.worker : null, pids: [{ pid: child.pid!, role }] };
    this.members.push(member);
    child.on('message', (message: FromServer) => this.onMessage(member, message));
    // A message sent to a process that has just died fails with EPIPE before its 'exit' is seen
    // (a worker OOM-killed as stop() asks it to stop): its exit is what gets reported, not this.
    child.on('error', () => {});
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BackendError('timeout', `${this.info.name} ${role} ${start.worker} was not listening after ${readyTimeoutMs} ms`)), readyTimeoutMs);
      const onMessage = (message: FromServer) => {
        if (message.type === 'ready') {
          member.pids = message.pids;
          clearTimeout(timer);
          resolve();
        } else if (message.type === 'fatal') {
          clearTimeout(timer);
          reject(new BackendError(/in use|EADDRINUSE/i.test(message.message) ? 'port-in-use' : 'start-failed', message.message));
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new BackendError('start-failed', placeError ? `${this.info.name} ${role}: could not be placed (${placeError})` : `${this.info.name} ${role} exited while starting (${signal ?? `code ${code}`})`));
      });
    });
    child.on('exit', (code, signal) => {
      if (this.state === 'stopping' || this.state === 'stopped') return;
      this.emitExit({ pid: child.pid!, role, worker: member.worker, code, signal, atMs: Date.now() });
    });
    child.on('message', (message: FromServer) => {
      if (message.type !== 'hello') return;
      try {
        place?.(child.pid!);
      } catch (err) {
        placeError = (err as Error).message;
        child.kill('SIGKILL');
        return;
      }
      child.send(start);
    });
    await ready;
  }

  markRunning(): void {
    this.state = 'running';
  }

  onExit(listener: (exit: ProcessExit) => void): void {
    this.exitListeners.push(listener);
  }

  private emitExit(exit: ProcessExit): void {
    for (const listener of this.exitListeners) listener(exit);
  }

  private onMessage(member: Member, message: FromServer): void {
    if (message.type === 'status') {
      const pending = this.pendingStatus.get(message.id);
      if (!pending) return;
      pending.got.push(message.workers);
      if (pending.got.length === pending.want) pending.resolve(pending.got.flat());
    } else if (message.type === 'exit') {
      // A process the member started itself (a cluster worker) has died.
      if (this.state === 'running' || this.state === 'starting') this.emitExit(message.exit);
    } else if (message.type === 'ready') {
      member.pids = message.pids;
    }
  }

  /** Asks every live server process for its counters; a dead one simply contributes nothing. */
  async status(timeoutMs = 2000): Promise<BackendStatus> {
    const live = this.members.filter((m) => m.child.exitCode === null && m.child.signalCode === null && m.child.connected);
    const id = this.nextStatusId++;
    const workers = await new Promise<WorkerStatus[]>((resolve, reject) => {
      if (live.length === 0) return resolve([]);
      const timer = setTimeout(() => {
        this.pendingStatus.delete(id);
        reject(new BackendError('timeout', `${this.info.name}: no status from its processes within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pendingStatus.set(id, {
        want: live.length,
        got: [],
        resolve: (w) => {
          clearTimeout(timer);
          this.pendingStatus.delete(id);
          resolve(w);
        },
      });
      for (const m of live) m.child.send({ type: 'status', id } satisfies ToServer);
    });
    workers.sort((a, b) => a.worker - b.worker);
    return {
      backend: this.info,
      processes: live.flatMap((m) => m.pids),
      workers,
      total: {
        connections: workers.reduce((n, w) => n + w.connections, 0),
        published: workers.reduce((n, w) => n + w.published, 0),
        backpressureBytes: workers.reduce((n, w) => n + w.backpressureBytes, 0),
        ...totalQueue(workers),
      },
    };
  }

  /** Every process id the sampler should watch. */
  pids(): ProcessRole[] {
    return this.members.flatMap((m) => m.pids);
  }

  /** Asks politely, then SIGTERM, then SIGKILL; safe to call twice. */
  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.state = 'stopping';
    await Promise.all(
      this.members.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        if (child.connected) child.send({ type: 'stop' } satisfies ToServer);
        const term = setTimeout(() => child.kill('SIGTERM'), 3000);
        const kill = setTimeout(() => child.kill('SIGKILL'), 6000);
        await exited;
        clearTimeout(term);
        clearTimeout(kill);
      }),
    );
    this.state = 'stopped';
  }
}

/**
 * Starts a backend whose processes are one primary that forks its own workers (backends/cluster.ts):
 * reserves the port, forks the primary from its entry and waits until every worker listens.
 */
export async function startPrimary(describe: () => BackendInfo, entryFile: string, options: ServeOptions, hooks: StartHooks = {}, nativeBinary?: () => string): Promise<RunningBackend> {
  // The port first: a port in use is the user's one-line error, before anything about the build.
  const port = await reservePort(options.host, options.port);
  const info = describe();
  const native = nativeBinary?.();
  const entry = await compiledEntry(entryFile);
  const group = new ServerGroup(info, options.host, port);
  try {
    await group.spawn(entry, { type: 'start', options: { ...options, port }, worker: 0, ...(native ? { native } : {}) }, 'primary', hooks.place);
  } catch (err) {
    await group.stop();
    throw err;
  }
  group.markRunning();
  return group;
}

/** The processes' queues together: peaks read at the same tick, so their sum is the server's peak. */
export function totalQueue(workers: readonly QueueStatus[]): QueueStatus {
  const nullableSum = (values: (number | null)[]) => (values.every((v) => v === null) ? null : values.reduce<number>((n, v) => n + (v ?? 0), 0));
  return {
    queuedBytesPeak: workers.reduce((n, w) => n + w.queuedBytesPeak, 0),
    queuedMessagesPeak: nullableSum(workers.map((w) => w.queuedMessagesPeak)),
    droppedMessages: nullableSum(workers.map((w) => w.droppedMessages)),
    closedBacklogged: workers.reduce((n, w) => n + w.closedBacklogged, 0),
  };
}
