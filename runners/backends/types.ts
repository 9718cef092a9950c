// The one small interface every backend under test implements, and the messages its server
// processes exchange with the process that controls them. A backend is one complete entry:
// everything the runner, the remote bundle, the CLI and the site need to know about it is here,
// so adding one is a file in this folder (plus its server entry) and a line in the registry.
import type { ProtocolName } from '../client/protocol.ts';
import type { QueueStatus } from './queue-watch.ts';

/** A registered backend's name; the built-in ones are listed in registry.ts (BackendName). */
export type BackendId = string;

/** Everything a server process needs; plain data, sent over IPC to each worker. */
export interface ServeOptions {
  host: string;
  port: number;
  workers: number;
  certFile: string;
  keyFile: string;
  intervalMs: number;
  /** The shared epoch of the tick schedule (ms since 1970, in the runner's clock). */
  t0Ms: number;
  /** This host's clock minus the runner's; 0 when the server runs beside the runner. */
  clockOffsetMs: number;
  symbols: string[];
  /** permessage-deflate, off by default and set equally for every backend. */
  compression: boolean;
  /** Each update's size on the wire (tickPayload pads it); 0 = the seed's ~70 bytes. */
  messageBytes: number;
}

/** What the backend is, exactly: recorded with every run. */
export interface BackendInfo {
  name: BackendId;
  version: string;
  /** For uWS the package and binary that loaded; for Socket.IO the engine and adapter. */
  build: string;
}

export interface WorkerStatus extends QueueStatus {
  worker: number;
  pid: number;
  connections: number;
  /** Messages written to sockets, summed over ticks (one per subscriber per published topic). */
  published: number;
  backpressureBytes: number;
  lastTick: number | null;
  lastPublishLagMs: number | null;
}

export interface ProcessRole {
  pid: number;
  role: 'worker' | 'primary';
}

export interface BackendStatus {
  backend: BackendInfo;
  processes: ProcessRole[];
  workers: WorkerStatus[];
  total: { connections: number; published: number; backpressureBytes: number } & QueueStatus;
}

/** A server process ended during the run: never hidden by a restart. */
export interface ProcessExit {
  pid: number;
  role: ProcessRole['role'];
  worker: number | null;
  code: number | null;
  signal: string | null;
  atMs: number;
}

export interface RunningBackend {
  readonly info: BackendInfo;
  /** wss:// URL clients connect to. */
  readonly url: string;
  readonly port: number;
  status(timeoutMs?: number): Promise<BackendStatus>;
  /** Every server process, for the sampler; known without asking the processes. */
  pids(): ProcessRole[];
  /** Called for every server process that exits before stop() was asked for. */
  onExit(listener: (exit: ProcessExit) => void): void;
  /** Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartHooks {
  /** Called with each server process's pid before it starts serving (e.g. to put it in a cgroup). */
  place?(pid: number): void;
}

/** How a backend is shown to readers; recorded with every run, so the site needs no list of its own. */
export interface BackendLook {
  /** Short, for legends and table headers: "uWS". */
  label: string;
  /** Full, for titles: "uWebSockets.js". */
  title: string;
  /** #rrggbb; kept on every page (the built-in ones are Okabe-Ito, safe for colour-blind readers). */
  color: string;
}

export interface Backend extends BackendLook {
  readonly name: BackendId;
  /** What its clients speak: plain WebSocket frames, or Socket.IO's packets over a WebSocket. */
  readonly protocol: ProtocolName;
  /** Server process entry files (project-relative), bundled for a target. */
  readonly serverEntries: readonly string[];
  /** Needs a native uWebSockets.js binary: chosen for a target's platform and copied with the bundle. */
  readonly needsUws: boolean;
  /** Server processes when none are asked for, given the cores available (the seed: all of them). */
  defaultWorkers(cores: number): number;
  /**
   * Server memory per connection for the preflight's estimate, a rough upper figure from this
   * project's reference runs (not a result): a run that would not fit in memory refuses early.
   */
  readonly estimatedBytesPerConn: number;
  /** Resolves the exact build that would serve (version and build string), or throws BackendError saying why none can. */
  describe(): BackendInfo;
  start(options: ServeOptions, hooks?: StartHooks): Promise<RunningBackend>;
}

// IPC between the controlling process and a server process.
export type ToServer =
  | { type: 'start'; options: ServeOptions; worker: number; /** uWS: the native binary the controller proved loads. */ native?: string } | { type: 'status'; id: number } | { type: 'stop' };

// A server process says 'hello' once it listens for IPC: a message sent before that is lost.
export type FromServer =
  | { type: 'hello' }
  | { type: 'ready'; pids: ProcessRole[] }
  | { type: 'fatal'; message: string }
  | { type: 'status'; id: number; workers: WorkerStatus[] }
  | { type: 'exit'; exit: ProcessExit };
