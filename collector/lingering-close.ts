// Closing a connection whose request body we refused, without losing our reply. Destroying a
// socket that still has unread data sends a TCP reset, and a reset can reach the client before it
// has read the 413 we wrote ("fetch failed", ECONNRESET). So: the reply, then our FIN
// (half-close), then read and discard what the client still sends, for a bounded time and a
// bounded number of bytes, then destroy. nginx calls this a lingering close.
import type { IncomingMessage } from 'node:http';

export const LINGER = {
  /** Longest we keep reading after the reply, whatever the client does. */
  maxMs: 2_000,
  /** Longest we wait for more bytes: a client that went quiet has sent all it will. */
  idleMs: 500,
  /** Most we read and discard: a client sending more is cut off. */
  maxBytes: 64 * 1024 * 1024,
  /** How often the bytes read are looked at. */
  checkMs: 50,
};

/** Call once the reply is written. The request's unread body is discarded through Node's parser. */
export function lingeringClose(req: IncomingMessage, limits: typeof LINGER = LINGER): void {
  const socket = req.socket;
  if (socket.destroyed) return;
  // Node's HTTP parser reads the socket itself (no 'data' events on it), so the bytes are
  // counted from the socket's total, and the body flows out of the request to nowhere.
  const startBytes = socket.bytesRead;
  const startedAt = Date.now();
  let lastBytes = startBytes;
  let lastChangeAt = startedAt;
  const check = setInterval(() => {
    const now = Date.now();
    if (socket.bytesRead !== lastBytes) {
      lastBytes = socket.bytesRead;
      lastChangeAt = now;
    }
    const tooLong = now - startedAt >= limits.maxMs;
    const quiet = now - lastChangeAt >= limits.idleMs;
    if (tooLong || quiet || lastBytes - startBytes > limits.maxBytes) socket.destroy();
  }, limits.checkMs);
  socket.once('close', () => clearInterval(check));
  socket.once('end', () => socket.destroy()); // the client closed its side: nothing more will come
  req.resume();
  socket.end();
}
