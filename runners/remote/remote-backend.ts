// The runner's side of a backend on a target host: the agent started over SSH, presented to the
// run as a RunningBackend like a local one. The clock offset is measured here, and a lost SSH
// connection is reported as such (the run is then aborted; the agent, seeing its stdin close,
// stops the backend on the target).
import type { EventRecord, ServerSample } from '../../collector/records.ts';
import { BackendError } from '../backends/errors.ts';
import type { ServeInput } from '../backends/options.ts';
import type { BackendInfo, BackendId, BackendStatus, ProcessExit, ProcessRole, RunningBackend } from '../backends/types.ts';
import { bundleName } from '../process/compile.ts';
import type { FromAgent, ToAgent } from './agent.ts';
import { AGENT_ENTRY, remoteDir, type RemoteBundle } from './bundle.ts';
import { agentCommand, LineLink, type ClockEstimate } from './line-link.ts';
import type { SshHost } from './ssh.ts';

export type { ClockEstimate } from './line-link.ts';

const replyKey = (m: FromAgent) => (m.type === 'clock' || m.type === 'status' ? `${m.type}:${m.id}` : m.type === 'fatal' ? 'ready' : m.type);

export class AgentLink {
  private readonly link: LineLink<ToAgent, FromAgent>;
  readonly ready: Promise<void>;

  constructor(
    readonly ssh: SshHost,
    bundle: RemoteBundle,
  ) {
    this.link = new LineLink(ssh, agentCommand(remoteDir(bundle), bundleName(AGENT_ENTRY), bundle.uwsBinary), replyKey);
    this.ready = this.link.ready;
  }

  clock(rounds = 16): Promise<ClockEstimate> {
    return this.link.clock((id) => ({ type: 'clock', id }), rounds);
  }

  async start(backend: BackendId, serve: ServeInput, runId: string, collector: { url: string; token: string | undefined }): Promise<RemoteBackend> {
    const reply = await this.link.ask({ type: 'start', backend, serve, runId, collector }, 'ready', 120_000);
    if (reply.type !== 'ready') throw new BackendError('start-failed', `${backend} did not start on ${this.ssh.target.host}: ${reply.type === 'fatal' ? reply.message : reply.type}`);
    return new RemoteBackend(this, reply.info, reply.port, reply.pids, this.ssh.target.host);
  }

  async status(timeoutMs: number): Promise<BackendStatus> {
    const id = this.link.newId();
    const reply = await this.link.ask({ type: 'status', id }, `status:${id}`, timeoutMs);
    if (reply.type !== 'status' || !reply.status) throw new BackendError('timeout', `status from ${this.ssh.target.host}: ${reply.type === 'status' ? reply.error : reply.type}`);
    return reply.status;
  }

  onExit(listener: (exit: ProcessExit, message: string) => void): void {
    this.link.onMessage((m) => m.type === 'exit' && listener(m.exit, m.message));
  }

  onLost(listener: (why: string) => void): void {
    this.link.onLost(listener);
  }

  onWarning(listener: (message: string) => void): void {
    this.link.onMessage((m) => m.type === 'warning' && listener(m.message));
  }

  /** Copies of what the target's sampler sent the collector. */
  onRecord(listener: (record: ServerSample | EventRecord) => void): void {
    this.link.onMessage((m) => m.type === 'record' && listener(m.record));
  }

  /** Asks the agent to stop the backend and flush its samples; then ends the SSH session. */
  stop(): Promise<void> {
    return this.link.stop({ type: 'stop' });
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
