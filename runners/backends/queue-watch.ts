// What a server process holds for its slow readers, read where it is largest. A broadcast writes
// to every socket at once; what a socket's kernel buffer cannot take stays queued in the server,
// and the readers that keep up drain it within milliseconds. A once-a-second reading lands
// between ticks and sees nothing (issue 25), so each backend calls afterPublish() right after it
// wrote a tick to its sockets, and the status reports the largest queue since the last status.

export interface QueueReading {
  /** Bytes queued for this socket, beyond what its kernel buffer took. */
  bytes: number;
  /** Messages queued, where the backend can tell (engine.io's write buffer); null otherwise. */
  messages: number | null;
}

/** The fields of a worker's status that QueueWatch fills. */
export interface QueueStatus {
  /** The largest queue seen right after a publish since the previous status, summed over sockets. */
  queuedBytesPeak: number;
  queuedMessagesPeak: number | null;
  /** Messages the server skipped for a socket at its limit (uWS maxBackpressure), since start; null where the backend never drops. */
  droppedMessages: number | null;
  /** Sockets that closed (for any reason) while the server held a queue for them or had dropped for them, since start. */
  closedBacklogged: number;
}

export class QueueWatch<S extends object> {
  private peakBytes = 0;
  private peakMessages: number | null = null;
  private dropped: number | null;
  private closed = 0;
  /** Sockets the last reading found queued, or that had a message dropped: closing now counts. */
  private readonly backlogged = new Set<S>();

  /**
   * @param sockets every open socket of this process, read on each publish
   * @param read one socket's queue
   * @param drops whether this backend drops messages over a limit (then droppedFor() counts them)
   */
  constructor(
    private readonly sockets: () => Iterable<S>,
    private readonly read: (socket: S) => QueueReading,
    drops: boolean,
  ) {
    this.dropped = drops ? 0 : null;
  }

  /** Right after a tick was written to the sockets: the queue at its peak. */
  afterPublish(): void {
    let bytes = 0;
    let messages: number | null = null;
    for (const socket of this.sockets()) {
      const r = this.read(socket);
      bytes += r.bytes;
      if (r.messages !== null) messages = (messages ?? 0) + r.messages;
      if (r.bytes > 0 || (r.messages ?? 0) > 0) this.backlogged.add(socket);
      else this.backlogged.delete(socket);
    }
    this.peakBytes = Math.max(this.peakBytes, bytes);
    if (messages !== null) this.peakMessages = Math.max(this.peakMessages ?? 0, messages);
  }

  /** Messages the backend dropped for this socket (uWS: a publish that skips it). */
  droppedFor(socket: S, messages = 1): void {
    this.dropped = (this.dropped ?? 0) + messages;
    this.backlogged.add(socket);
  }

  /** The sockets the last reading found queued: only these can be at a limit before the next publish. */
  backloggedSockets(): Iterable<S> {
    return this.backlogged;
  }

  /** A socket closed: counted when the server was still holding (or dropping) data for it. */
  closing(socket: S): void {
    if (this.backlogged.has(socket)) this.closed++;
    this.backlogged.delete(socket);
  }

  /** The status fields; the peak starts again from here. */
  take(): QueueStatus {
    const status = { queuedBytesPeak: this.peakBytes, queuedMessagesPeak: this.peakMessages, droppedMessages: this.dropped, closedBacklogged: this.closed };
    this.peakBytes = 0;
    this.peakMessages = this.peakMessages === null ? null : 0;
    return status;
  }
}

/** A process that publishes nothing (a test's stand-in server): nothing queued, nothing dropped. */
export const NO_QUEUE: QueueStatus = Object.freeze({ queuedBytesPeak: 0, queuedMessagesPeak: null, droppedMessages: null, closedBacklogged: 0 });
