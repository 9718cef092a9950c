// Messages between the run and its client shard processes.
import type { ClientSample, TickRecord } from '../../collector/records.ts';
import type { ProtocolName } from './protocol.ts';

export interface ShardConfig {
  /** Source name in the database: "shard-0", "shard-1", …, or "probe". */
  source: string;
  probe: boolean;
  protocol: ProtocolName;
  host: string;
  port: number;
  /** Connection i subscribes to topics[(topicOffset + i) % topics.length]. */
  topics: string[];
  topicOffset: number;
  localAddresses: string[];
  perAddress: number;
  connectRatePerSec: number;
  maxInFlight: number;
  intervalMs: number;
  t0Ms: number;
  lateMs: number;
  /** A tick is judged delivered or missing this long after its schedule. */
  judgeAfterMs: number;
  ciphers: string;
  /** Tests only: busy-wait this long per frame, to make a shard saturate on purpose. */
  slowMsPerFrame?: number;
  /** This host's clock minus the runner's (a shard on a --clients host); 0 or absent here. */
  clockOffsetMs?: number;
  /** Churn (native client only): the share of this shard's connections closed and opened again each minute. */
  churnPerMin?: number;
  /** A shard of slow readers (native client only): how they read once told `slow`. */
  slowReader?: SlowReader;
}

/** How a slow shard's connections read (issue 25): phones on a bad network, tabs in the background. */
export interface SlowReader {
  /** At most this many bytes a second (0: no limit). */
  readBytesPerSec: number;
  /** Stop reading for stallSec out of every stallEverySec (0: no stalls; stallEverySec 0: one stall, right after the calm hold). */
  stallSec: number;
  stallEverySec: number;
  /** SO_RCVBUF of each socket, so the kernel does not hide the stall in its own buffer. */
  rcvbufBytes: number;
}

export type ToShard = { type: 'start'; config: ShardConfig; target: number } | { type: 'target'; target: number } | { type: 'slow' } | { type: 'stop' };

export type FromShard =
  | { type: 'hello' }
  /** streamed: a client host's agent already sent it to the collector (the run only watches it). */
  | { type: 'sample'; sample: ClientSample; ticks: TickRecord[]; streamed?: boolean }
  | { type: 'tls'; protocol: string; cipher: string }
  | { type: 'connect-error'; message: string; count: number }
  | { type: 'stopped' };
