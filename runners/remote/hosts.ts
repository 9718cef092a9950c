// The remote hosts of one run (a target for the server, client hosts for the shards): their agents
// started and their clocks measured before the run is recorded (the offsets are part of its setup,
// and a host that cannot start its agent records nothing), their environment for the run record,
// and their stop in the order a run ends: clients, then the server.
import type { ClientHostShards } from '../client/fleet.ts';
import { ClientHostLink } from './client-host.ts';
import type { ClockEstimate } from './line-link.ts';
import { AgentLink } from './remote-backend.ts';
import type { PreparedHost, PreparedTarget } from './target.ts';

type Collector = { url: string; token: string | undefined };

export interface RemoteHostsRequest {
  target?: PreparedTarget & { collector: Collector };
  clientHosts?: (PreparedHost & { collector: Collector })[];
}

export class RemoteHosts {
  private constructor(
    readonly server: { link: AgentLink; clock: ClockEstimate; prepared: PreparedTarget & { collector: Collector } } | undefined,
    private readonly clients: { link: ClientHostLink; clock: ClockEstimate; prepared: PreparedHost & { collector: Collector } }[],
  ) {}

  static async open(request: RemoteHostsRequest, progress: (line: string) => void): Promise<RemoteHosts> {
    const opened: { stop(): Promise<void> }[] = [];
    try {
      let server: RemoteHosts['server'];
      if (request.target) {
        const link = new AgentLink(request.target.ssh, request.target.bundle);
        opened.push(link);
        await link.ready;
        server = { link, clock: await link.clock(), prepared: request.target };
        progress(`${request.target.facts.host}: clock offset ${server.clock.offsetMs.toFixed(1)} ms ± ${server.clock.uncertaintyMs.toFixed(1)} ms (best of ${server.clock.rounds} round trips)`);
      }
      const clients: RemoteHosts['clients'] = [];
      for (const prepared of request.clientHosts ?? []) {
        const link = new ClientHostLink(prepared.ssh, prepared.bundle);
        opened.push(link);
        await link.ready;
        const clock = await link.clock();
        clients.push({ link, clock, prepared });
        progress(`client host ${prepared.facts.host}: clock offset ${clock.offsetMs.toFixed(1)} ms ± ${clock.uncertaintyMs.toFixed(1)} ms`);
      }
      return new RemoteHosts(server, clients);
    } catch (err) {
      await Promise.all(opened.map((l) => l.stop()));
      throw err;
    }
  }

  /** Every remote host of the run, for its record: facts, role and clock offset. */
  env(): Record<string, unknown> {
    if (!this.server) return {};
    return {
      role: this.clients.length ? 'runner and latency probes' : 'runner and clients',
      target: { ...this.server.prepared.facts, role: 'server', clock: this.server.clock },
      ...(this.clients.length ? { clients: this.clients.map((c) => ({ ...c.prepared.facts, role: 'client shards', clock: c.clock, bulkClient: c.prepared.bulkClient })) } : {}),
    };
  }

  /** Once the run is recorded: client hosts stream there, and a lost connection is reported. */
  begin(runId: string, onLost: (why: string) => void): void {
    this.server?.link.onLost(onLost);
    for (const c of this.clients) {
      c.link.streamTo(runId, c.prepared.collector.url, c.prepared.collector.token);
      c.link.link.onLost(onLost);
    }
  }

  /** The fleet's shards on client hosts, each keeping the runner's clock. */
  shardHosts(): ClientHostShards[] {
    return this.clients.map((c) => ({ host: c.prepared.facts.host, shard: (source: string) => c.link.shard(source, c.clock.offsetMs, c.prepared.bulkClient.kind === 'native') }));
  }

  stopClients(): Promise<void> {
    return Promise.all(this.clients.map((c) => c.link.stop())).then(() => undefined);
  }

  stopServer(): Promise<void> {
    return this.server ? this.server.link.stop() : Promise.resolve();
  }
}
