// The server's queue for its slow readers: read right after each publish, where it is largest,
// reported as the largest since the last status; what a backend drops counted, and a socket that
// closes while data waits for it counted once. Message sizes: every backend sends the same bytes,
// padded to exactly the scenario's size.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NO_QUEUE, QueueWatch } from '../../runners/backends/queue-watch.ts';
import { totalQueue } from '../../runners/backends/server-group.ts';
import { tickMessage, tickPayload } from '../../runners/backends/ticker.ts';

interface FakeSocket { queued: number; messages?: number }

test('the queue is read at its peak after each publish, and the peak starts again at each status', () => {
  const sockets: FakeSocket[] = [{ queued: 0 }, { queued: 0 }];
  const watch = new QueueWatch<FakeSocket>(() => sockets, (s) => ({ bytes: s.queued, messages: null }), false);
  sockets[0]!.queued = 700;
  watch.afterPublish();
  sockets[0]!.queued = 0; // drained between ticks: a once-a-second reading would see nothing
  sockets[1]!.queued = 300;
  watch.afterPublish();
  assert.deepEqual(watch.take(), { queuedBytesPeak: 700, queuedMessagesPeak: null, droppedMessages: null, closedBacklogged: 0 });
  assert.equal(watch.take().queuedBytesPeak, 0, 'the peak restarts after a status');
});

test('messages are counted where the backend can tell, drops where it drops, and a socket closing with data queued once', () => {
  const a: FakeSocket = { queued: 5000, messages: 3 };
  const b: FakeSocket = { queued: 0, messages: 0 };
  const watch = new QueueWatch<FakeSocket>(() => [a, b], (s) => ({ bytes: s.queued, messages: s.messages ?? null }), true);
  watch.afterPublish();
  watch.droppedFor(a, 2);
  watch.closing(a);
  watch.closing(a); // a second close event of one socket is not a second socket
  watch.closing(b); // nothing was queued for b
  assert.deepEqual(watch.take(), { queuedBytesPeak: 5000, queuedMessagesPeak: 3, droppedMessages: 2, closedBacklogged: 1 });
  // Counters are since start: a second status keeps them.
  assert.equal(watch.take().droppedMessages, 2);
  assert.deepEqual([...watch.backloggedSockets()], []);
});

test('a server\'s queue is its processes\' summed; a figure no process can give stays unknown, not zero', () => {
  const w = (q: Partial<typeof NO_QUEUE>) => ({ ...NO_QUEUE, ...q });
  assert.deepEqual(totalQueue([w({ queuedBytesPeak: 10, closedBacklogged: 1 }), w({ queuedBytesPeak: 5 })]), { queuedBytesPeak: 15, queuedMessagesPeak: null, droppedMessages: null, closedBacklogged: 1 });
  assert.deepEqual(totalQueue([w({ queuedMessagesPeak: 4, droppedMessages: 0 }), w({ queuedMessagesPeak: null, droppedMessages: 7 })]).droppedMessages, 7);
});

test('an update is padded to exactly the scenario\'s size, after the fields clients read; 0 keeps the seed\'s', () => {
  const seed = tickPayload('AAPL', 42, 1_795_859_561_120);
  assert.ok(seed.length < 100 && !seed.includes('pad'), seed);
  for (const size of [1024, 16_384, 65_536]) {
    const text = tickPayload('AAPL', 42, 1_795_859_561_120, size);
    assert.equal(Buffer.byteLength(text), size);
    assert.ok(text.indexOf('"scheduledMs"') < text.indexOf('"pad"'), 'the filler comes last');
    assert.equal(JSON.parse(text).seq, 42);
  }
  // Socket.IO serialises the same object: the same bytes.
  assert.equal(JSON.stringify(tickMessage('AAPL', 7, 1000, 2048)), tickPayload('AAPL', 7, 1000, 2048));
  // Smaller than the fields themselves: the fields alone.
  assert.equal(tickPayload('AAPL', 42, 1_795_859_561_120, 10), seed);
});
