// The load generator seen from the run: bulk shard processes plus one probe process, each given
// its own local addresses (127.x.y.z) so source ports never run out, its share of the target and
// of the connect rate. Probes ramp alongside the bulk connections, interleaved in time.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { SLOW_SOURCE_PREFIX } from '../../collector/cohort.ts';
import { compiledEntry } from '../process/compile.ts';
import { nativeClientBinary } from './native.ts';
import { fromNativeShard } from './native-sample.ts';
import type { FromShard, ShardConfig, SlowReader, ToShard } from './types.ts';

export interface FleetOptions {
  host: string;
  port: number;
  protocol: ShardConfig['protocol'];
  connections: number;
  probes: number;
  /** Most sockets one shard process holds (the open-files limit is per process). */
  perShard: number;
  /** Most sockets per local address (the kernel's port search slows past ~5k). */
  perAddress: number;
  connectRatePerSec: number;
  maxInFlightPerShard: number;
  intervalMs: number;
  t0Ms: number;
  lateMs: number;
  judgeAfterMs: number;
  topics: string[];
  ciphers: string;
  /** Spread client sockets over 127.x addresses (false: let the kernel pick, from 127.0.0.1). */
  spreadAddresses: boolean;
  /**
   * This machine's addresses to connect from, for a server on another host (127.x reaches only
   * this one): every shard spreads its sockets evenly over all of them, so each address carries
   * about connections / addresses.length sockets against the one server port.
   */
  sourceAddresses?: string[];
  /** Bulk shards on these hosts (--clients), round-robin; the probe stays here. */
  clientHosts?: ClientHostShards[];
  /** Connections of the first ramp (a capacity search's first step); default: all of them. */
  firstRampTarget?: number;
  /** Bulk shards in TypeScript on `ws` ('node'), or the native C client ('native'). Probes are always TypeScript. */
  bulkClient: 'node' | 'native';
  /** Tests: make shard-0 slow on purpose (TypeScript shards only). */
  slowShardMsPerFrame?: number;
  /** Churn: the share of the healthy bulk connections each closes and opens again a minute (native client only). */
  churnPerMin?: number;
  /** Slow readers: this share of the bulk connections, in shards of their own ("slow-0", …; native client only). */
  slowReaders?: { share: number; reader: SlowReader };
}

/**
 * A slow reader's SO_RCVBUF: the kernel doubles it to 8 KB and stops the window there, so a
 * reader that stops reading has the server hold its messages within half a second of a 16 KB
 * stream, instead of the megabytes loopback's autotuned buffers would swallow.
 */
export const SLOW_READER_RCVBUF_BYTES = 4096;

/** A slow shard's source name: the collector judges these connections apart (collector/cohort.ts). */
export const slowSource = (i: number) => `${SLOW_SOURCE_PREFIX}${i}`;

/** What the fleet needs of a shard process: a forked child here, or a RemoteShard on a client host. */
interface ShardProcess {
  pid?: number | undefined;
  connected: boolean;
  send(message: ToShard): unknown;
  kill(signal?: NodeJS.Signals): unknown;
  on(event: 'message' | 'exit', listener: (...args: any[]) => void): unknown;
  once(event: 'message' | 'exit', listener: (...args: any[]) => void): unknown;
}

/** A client host's agent: it makes shards that look like local ones (and keep the runner's clock). */
export interface ClientHostShards {
  host: string;
  shard(source: string): ShardProcess;
}

interface Member {
  child: ShardProcess;
  remote: boolean;
  config: ShardConfig;
  share: number; // fraction of the bulk connections
  exited: boolean;
}

export class ClientFleet {
  private readonly members: Member[] = [];
  private readonly listeners: ((message: FromShard, source: string) => void)[] = [];
  private readonly exitListeners: ((source: string, code: number | null, signal: string | null) => void)[] = [];
  private stopping = false;

  constructor(private readonly options: FleetOptions) {}

  /** The bulk connections split between healthy and slow readers, and the shards each needs. */
  static cohorts(options: Pick<FleetOptions, 'connections' | 'probes' | 'perShard' | 'slowReaders'>): { healthy: number; slow: number; healthyShards: number; slowShards: number } {
    const bulk = options.connections - options.probes;
    const share = options.slowReaders?.share ?? 0;
    const slow = share > 0 ? Math.min(bulk - 1, Math.max(1, Math.round(bulk * share))) : 0;
    const healthy = bulk - slow;
    return { healthy, slow, healthyShards: Math.max(1, Math.ceil(healthy / options.perShard)), slowShards: slow > 0 ? Math.ceil(slow / options.perShard) : 0 };
  }

  onMessage(listener: (message: FromShard, source: string) => void): void {
    this.listeners.push(listener);
  }

  onExit(listener: (source: string, code: number | null, signal: string | null) => void): void {
    this.exitListeners.push(listener);
  }

  /** Every shard's name, here and on client hosts, probes included. */
  sources(): string[] {
    return this.members.map((m) => m.config.source);
  }

  pids(): { pid: number; source: string }[] {
    return this.members.filter((m) => !m.remote).map((m) => ({ pid: m.child.pid!, source: m.config.source }));
  }

  /** Starts the processes with nothing to connect yet; ramp() gives them their targets. */
  async start(): Promise<void> {
    const o = this.options;
    const entry = await compiledEntry('runners/client/shard.ts');
    const hosts = o.clientHosts ?? [];
    const cohorts = ClientFleet.cohorts(o);
    const shards = Math.max(cohorts.healthyShards, hosts.length);
    const salt = Math.floor(Math.random() * 200); // fresh addresses per run: TIME_WAIT lingers
    const addressesFor = (index: number, sockets: number): [string[], number] =>
      o.sourceAddresses?.length
        ? [o.sourceAddresses, Math.max(1, Math.ceil(sockets / o.sourceAddresses.length))]
        : o.spreadAddresses
          ? [Array.from({ length: Math.max(1, Math.ceil(sockets / o.perAddress)) }, (_, j) => `127.${10 + index}.${salt + Math.floor(j / 250)}.${2 + (j % 250)}`), o.perAddress]
          : [[], o.perAddress];
    const bulk = o.connections - o.probes;
    const configs: { config: ShardConfig; share: number }[] = [];
    // Healthy shards first, then slow ones: each takes its share of the bulk connections (ramp()),
    // of the connect rate, and the next run of topics.
    const groups = [
      { n: shards, count: cohorts.healthy, source: (i: number) => `shard-${i}` },
      { n: cohorts.slowShards, count: cohorts.slow, source: slowSource },
    ];
    let offset = 0;
    for (const [g, group] of groups.entries()) {
      for (let i = 0; i < group.n; i++) {
        const share = group.count / bulk / group.n;
        const index = configs.length;
        const sockets = Math.ceil(group.count / group.n);
        const config = this.config(group.source(i), false, hosts.length ? [[], o.perAddress] : addressesFor(index, sockets), o.connectRatePerSec * (bulk / o.connections) * share, offset, g === 0 && i === 0 ? o.slowShardMsPerFrame : undefined);
        const churn = g === 0 && o.churnPerMin ? { churnPerMin: o.churnPerMin } : {};
        configs.push({ share, config: g === 1 && o.slowReaders ? { ...config, slowReader: o.slowReaders.reader } : { ...config, ...churn } });
        offset += sockets;
      }
    }
    if (o.probes > 0) {
      // Every probe connects in the first ramp: at its pace, not the whole run's (a capacity
      // search's first step of 10k would otherwise wait 100 s for its 100 probes).
      const firstRamp = Math.min(o.connections, o.firstRampTarget ?? o.connections);
      configs.push({ share: 0, config: this.config('probe', true, addressesFor(configs.length, o.probes), Math.max(1, o.connectRatePerSec * (o.probes / firstRamp)), bulk) });
    }
    const native = o.bulkClient === 'native' ? nativeClientBinary() : undefined;
    await Promise.all(
      configs.map(({ config, share }, i) => {
        const host = !config.probe && hosts.length ? hosts[i % hosts.length]! : undefined;
        if (host) return this.attach(host.shard(config.source), config, share, true);
        return this.spawn(config.probe || !native ? entry : native, config, share, !config.probe && native !== undefined);
      }),
    );
  }

  private config(source: string, probe: boolean, [localAddresses, perAddress]: [string[], number], rate: number, topicOffset: number, slow?: number): ShardConfig {
    const o = this.options;
    return {
      source, probe, protocol: o.protocol, host: o.host, port: o.port, topics: o.topics, topicOffset, localAddresses,
      perAddress, connectRatePerSec: rate, maxInFlight: o.maxInFlightPerShard, intervalMs: o.intervalMs,
      t0Ms: o.t0Ms, lateMs: o.lateMs, judgeAfterMs: o.judgeAfterMs, ciphers: o.ciphers, ...(slow ? { slowMsPerFrame: slow } : {}),
    };
  }

  private spawn(entry: string, config: ShardConfig, share: number, native: boolean): Promise<void> {
    // The native client speaks Node's IPC channel in its JSON framing; TypeScript shards use 'advanced'.
    const child: ChildProcess = native
      ? spawn(entry, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' })
      : fork(entry, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    return this.attach(child as ShardProcess, config, share, false, native);
  }

  private async attach(child: ShardProcess, config: ShardConfig, share: number, remote: boolean, native = false): Promise<void> {
    const member: Member = { child, remote, config, share, exited: false };
    this.members.push(member);
    child.on('message', (raw: FromShard) => {
      const message = native ? fromNativeShard(raw) : raw;
      for (const listener of this.listeners) listener(message, config.source);
    });
    child.on('exit', (code, signal) => {
      member.exited = true;
      if (!this.stopping) for (const listener of this.exitListeners) listener(config.source, code, signal);
    });
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromShard) => {
        if (m.type === 'hello') {
          child.send({ type: 'start', config, target: 0 } satisfies ToShard);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`client shard ${config.source} exited while starting (code ${code})`)));
    });
  }

  /** Sets the total connections the fleet should hold; probes keep their fixed count. */
  ramp(total: number): void {
    const bulk = Math.max(0, total - this.options.probes);
    let assigned = 0;
    const bulkMembers = this.members.filter((m) => !m.config.probe);
    bulkMembers.forEach((m, i) => {
      const share = i === bulkMembers.length - 1 ? bulk - assigned : Math.floor(bulk * m.share);
      assigned += share;
      this.send(m, { type: 'target', target: share });
    });
    for (const m of this.members.filter((m) => m.config.probe)) this.send(m, { type: 'target', target: Math.min(this.options.probes, total) });
  }

  /** The calm hold is over: the slow shards' readers start keeping their pace. */
  slowDown(): void {
    for (const m of this.members) if (m.config.slowReader) this.send(m, { type: 'slow' });
  }

  private send(m: Member, message: ToShard): void {
    if (!m.exited && m.child.connected) m.child.send(message);
  }

  /** Closes every connection and ends the processes; safe to call twice. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.members.map(async (m) => {
        if (m.exited) return;
        const exited = new Promise<void>((resolve) => m.child.once('exit', () => resolve()));
        this.send(m, { type: 'stop' });
        const kill = setTimeout(() => m.child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }),
    );
  }
}
