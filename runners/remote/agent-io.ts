// What both agents (the server's on a target, the clients' on a client host) do alike: JSON lines
// out on stdout, requests in on stdin, the clock answered at once, samples sent to the collector,
// and a clean stop when asked or when stdin ends (the runner stopped, or its SSH connection died).
import readline from 'node:readline';
import { BatchSender, HttpTransport } from '../../collector/sender.ts';
import { preciseWallNowMs } from '../../common/wall-clock.ts';

export const sendLine = (message: { type: string }) => process.stdout.write(JSON.stringify(message) + '\n');

/** A sender to the run's collector whose troubles go back to the runner as warnings. */
export function collectorSender(runId: string, collector: { url: string; token: string | undefined }, from: string): BatchSender {
  return new BatchSender({
    transport: new HttpTransport(collector.url, { token: collector.token }),
    run: runId,
    onRejected: (id, reply) => sendLine({ type: 'warning', message: `the collector refused batch ${id}: ${JSON.stringify(reply.body)}` } as { type: string }),
    onConnectivity: (up, detail) => sendLine({ type: 'warning', message: up ? `collector reachable again (${detail})` : `collector unreachable from ${from} (${detail}); buffering samples` } as { type: string }),
  });
}

/**
 * Reads requests until stdin ends. `clock` is answered here with sub-millisecond time; `stop`
 * and the end of stdin run `stop` once and exit; everything else goes to `handle`.
 */
export function serveRequests<In extends { type: string; id?: number }>(handle: (request: In) => void, stop: () => Promise<void>): void {
  const leave = () => void stop().then(() => process.exit(0));
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let request: In;
    try {
      request = JSON.parse(line) as In;
    } catch {
      return sendLine({ type: 'warning', message: `not JSON: ${line.slice(0, 80)}` } as { type: string });
    }
    if (request.type === 'clock') sendLine({ type: 'clock', id: request.id, nowMs: preciseWallNowMs() } as { type: string });
    else if (request.type === 'stop') leave();
    else handle(request);
  });
  lines.on('close', leave);
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(signal, leave);
  sendLine({ type: 'hello', pid: process.pid } as { type: string });
}
