// A client host (--clients): its agent over SSH, and the shards it runs presented to the fleet as
// if they were local child processes (send, 'message', 'exit').
import { EventEmitter } from 'node:events';
import { bundleName } from '../process/compile.ts';
import type { ToShard } from '../client/types.ts';
import type { FromClientAgent, ToClientAgent } from './client-agent.ts';
import { CLIENT_AGENT_ENTRY, remoteDir, type RemoteBundle } from './bundle.ts';
import { agentCommand, LineLink, type ClockEstimate } from './line-link.ts';
import type { SshHost } from './ssh.ts';

const replyKey = (m: FromClientAgent) => (m.type === 'clock' ? `clock:${m.id}` : m.type);

export class ClientHostLink {
  readonly link: LineLink<ToClientAgent, FromClientAgent>;
  readonly ready: Promise<void>;

  constructor(
    readonly ssh: SshHost,
    bundle: RemoteBundle,
  ) {
    this.link = new LineLink(ssh, agentCommand(remoteDir(bundle), bundleName(CLIENT_AGENT_ENTRY), null), replyKey);
    this.ready = this.link.ready;
  }

  get host(): string {
    return this.ssh.target.host;
  }

  clock(rounds = 16): Promise<ClockEstimate> {
    return this.link.clock((id) => ({ type: 'clock', id }), rounds);
  }

  /** Where this host's shards send their samples, for the run that is starting. */
  streamTo(runId: string, url: string, token: string | undefined): void {
    this.link.send({ type: 'collector', runId, url, token });
  }

  /** A bulk shard there: the native client built on the host, or the TypeScript shard. */
  shard(source: string, clockOffsetMs: number, native: boolean): RemoteShard {
    return new RemoteShard(this, source, clockOffsetMs, native);
  }

  stop(): Promise<void> {
    return this.link.stop({ type: 'stop' });
  }
}

/** A shard on a client host, with the face of a forked child process. */
export class RemoteShard extends EventEmitter {
  connected = true;
  pid: number | undefined;

  constructor(
    private readonly host: ClientHostLink,
    readonly source: string,
    /** The host's clock minus the runner's: given to the shard so it keeps the runner's time. */
    readonly clockOffsetMs: number,
    native: boolean,
  ) {
    super();
    host.link.onMessage((m) => {
      if (m.type === 'shard' && m.source === source) {
        this.pid = m.pid;
        // Already sent to the collector by the host: the run only watches it.
        this.emit('message', m.streamed ? { ...m.message, streamed: true } : m.message);
      } else if (m.type === 'shard-exit' && m.source === source) {
        this.gone(m.code, m.signal);
      }
    });
    host.link.onLost(() => this.gone(null, 'SSH connection lost'));
    host.link.send({ type: 'spawn', source, native });
  }

  private gone(code: number | null, signal: string | null): void {
    if (!this.connected) return;
    this.connected = false;
    this.emit('exit', code, signal);
  }

  send(message: ToShard): void {
    const withClock = message.type === 'start' ? { ...message, config: { ...message.config, clockOffsetMs: this.clockOffsetMs } } : message;
    this.host.link.send({ type: 'shard', source: this.source, message: withClock });
  }

  kill(): void {
    this.send({ type: 'stop' });
  }
}
