// What the kernel holds in a server's send buffers: a reader that stops reading leaves the
// server's bytes there before the server sees any backpressure, and the sampler reads them from
// /proc/net/tcp by the server's port. A real socket pair on loopback, one side paused.
import assert from 'node:assert/strict';
import net, { type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { readSocketQueues } from '../../runners/sampler/proc.ts';

test('a paused reader\'s bytes are found in the server\'s send queue, by port, and leave it once read', { timeout: 20_000 }, async () => {
  const chunk = Buffer.alloc(4 * 1024 * 1024, 'x');
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    socket.write(chunk);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  try {
    client.pause(); // reads nothing: the kernel's buffers fill, then the server's
    let queued = readSocketQueues(port);
    for (let i = 0; i < 50 && (queued?.sendQueueBytes ?? 0) === 0; i++) {
      await sleep(100);
      queued = readSocketQueues(port);
    }
    assert.ok(queued, '/proc/net/tcp is readable here');
    assert.equal(queued.sockets, 1, 'one socket of this port holds bytes');
    assert.ok(queued.sendQueueBytes > 64 * 1024, `held ${queued.sendQueueBytes} bytes`);
    assert.deepEqual(readSocketQueues(port === 65535 ? 1 : port + 1), { sendQueueBytes: 0, sockets: 0 }, 'another port holds none of them');
    // Read everything: the queue empties.
    let read = 0;
    client.on('data', (b: Buffer) => (read += b.length));
    client.resume();
    for (let i = 0; i < 100 && read < chunk.length; i++) await sleep(50);
    assert.equal(read, chunk.length);
    assert.equal(readSocketQueues(port)!.sendQueueBytes, 0);
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
