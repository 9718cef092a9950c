// Runs on a client host (--clients), started over SSH: forks the client shards the runner gives
// it, streams their samples and ticks to the collector itself (HTTP, with the run's token), and
// relays every shard message to the runner as JSON lines, marked as already sent, for the live
// verdict. When stdin ends (the run stopped, or the SSH connection died) it stops the shards and
// exits, so nothing is left on the host.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BatchSender } from '../../collector/sender.ts';
import { collectorSender, sendLine, serveRequests } from './agent-io.ts';
import { BUNDLE_DIR_ENV, compiledEntry } from '../process/compile.ts';
import { NATIVE_CLIENT_BINARY } from '../client/native.ts';
import { fromNativeShard } from '../client/native-sample.ts';
import type { FromShard, ToShard } from '../client/types.ts';

export type ToClientAgent =
  | { type: 'clock'; id: number }
  | { type: 'collector'; runId: string; url: string; token: string | undefined }
  /** Start a shard (the native client built here, or the TypeScript one); it says hello (relayed) before it can be told anything. */
  | { type: 'spawn'; source: string; native?: boolean }
  | { type: 'shard'; source: string; message: ToShard }
  | { type: 'stop' };

export type FromClientAgent =
  | { type: 'hello'; pid: number }
  | { type: 'clock'; id: number; nowMs: number }
  | { type: 'shard'; source: string; message: FromShard; pid: number; streamed: boolean }
  | { type: 'shard-exit'; source: string; code: number | null; signal: string | null }
  | { type: 'warning'; message: string }
  | { type: 'stopped' };

const send = (m: FromClientAgent) => sendLine(m);
const shards = new Map<string, ChildProcess>();
let sender: BatchSender | undefined;
let stopping: Promise<void> | undefined;

async function spawnShard(source: string, native: boolean): Promise<void> {
  if (shards.has(source)) return;
  // The native client speaks Node's IPC channel in its JSON framing, as on the runner's host.
  const child = native
    ? spawn(path.join(process.env[BUNDLE_DIR_ENV] ?? '.', NATIVE_CLIENT_BINARY), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' })
    : fork(await compiledEntry('runners/client/shard.ts'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
  shards.set(source, child);
  child.on('message', (raw: FromShard) => {
    const message = native ? fromNativeShard(raw) : raw;
    // Samples and ticks go to the collector from here; the runner gets a copy for its verdict.
    const streamed = message.type === 'sample' && sender !== undefined;
    if (streamed) {
      sender!.push(message.sample);
      for (const tick of message.ticks) sender!.push(tick);
    }
    send({ type: 'shard', source, message, pid: child.pid!, streamed });
  });
  child.on('exit', (code, signal) => {
    shards.delete(source);
    send({ type: 'shard-exit', source, code, signal });
  });
}

function stop(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all(
      [...shards.values()].map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        if (child.connected) child.send({ type: 'stop' } satisfies ToShard);
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }),
    );
    await sender?.close(10_000).catch(() => undefined);
    send({ type: 'stopped' });
  })();
  return stopping;
}

serveRequests<ToClientAgent>((m) => {
  if (m.type === 'collector') sender = collectorSender(m.runId, m, 'this client host');
  else if (m.type === 'spawn') {
    const source = m.source;
    spawnShard(source, m.native === true).catch((err) => send({ type: 'shard-exit', source, code: null, signal: `could not start: ${(err as Error).message}` }));
  } else if (m.type === 'shard') {
    const child = shards.get(m.source);
    if (child?.connected) child.send(m.message);
  }
}, stop);
