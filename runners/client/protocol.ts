// What a client says on the wire for each backend. uWS: plain WebSocket frames whose text is the
// tick. Socket.IO: the Engine.IO v4 / Socket.IO v5 packets socket.io-client would exchange over
// its websocket transport (open, connect with auth, ping/pong, event), spoken directly so that
// a bulk connection costs one `ws` socket and no socket.io-client machinery.

export type ProtocolName = 'raw' | 'socketio';

export interface Wire {
  /** Path and query to connect to. */
  path(topic: string): string;
  /**
   * Handles one incoming text frame: returns the tick frame's text when it carries a tick,
   * 'ready' when the connection is now subscribed, or a reply to send back.
   */
  onFrame(text: string, reply: (text: string) => void, topic: string): 'tick' | 'ready' | 'other' | { error: string };
  /** Ready as soon as the WebSocket opens (uWS) or only after the Socket.IO connect ack. */
  readyOnOpen: boolean;
}

export const rawWire: Wire = {
  path: (topic) => `/?topic=${encodeURIComponent(topic)}`,
  onFrame: () => 'tick',
  readyOnOpen: true,
};

export const socketioWire: Wire = {
  path: () => '/socket.io/?EIO=4&transport=websocket',
  onFrame(text, reply, topic) {
    switch (text.charCodeAt(0)) {
      case 0x30: // '0' Engine.IO open: now join the main namespace
        reply(socketioConnectPacket(topic));
        return 'other';
      case 0x34: // '4' Engine.IO message → a Socket.IO packet follows
        switch (text.charCodeAt(1)) {
          case 0x32: // '2' EVENT: 42["tick",{...}]
            return 'tick';
          case 0x30: // '0' CONNECT ack
            return 'ready';
          case 0x34: // '4' CONNECT_ERROR
            return { error: text.slice(2) };
          default:
            return 'other';
        }
      case 0x32: // '2' ping: answer or the server drops us after pingTimeout
        reply('3');
        return 'other';
      default:
        return 'other';
    }
  },
  readyOnOpen: false,
};

/** Socket.IO CONNECT to the main namespace, with the topic in `auth` as socket.io-client sends it. */
export const socketioConnectPacket = (topic: string) => `40${JSON.stringify({ topic })}`;

export const wireFor = (protocol: ProtocolName): Wire => (protocol === 'raw' ? rawWire : socketioWire);

/**
 * Reads `seq` and `scheduledMs` from a tick frame without parsing the JSON: the same bytes sit
 * inside both backends' frames, and a bulk shard reads tens of thousands of them a second.
 */
export function readTick(text: string): { seq: number; scheduledMs: number } | undefined {
  const s = text.indexOf('"seq":');
  const t = text.indexOf('"scheduledMs":');
  if (s < 0 || t < 0) return undefined;
  const seq = parseInt(text.slice(s + 6, s + 26), 10);
  const scheduledMs = parseInt(text.slice(t + 14, t + 34), 10);
  return Number.isFinite(seq) && Number.isFinite(scheduledMs) ? { seq, scheduledMs } : undefined;
}
