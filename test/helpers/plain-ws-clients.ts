// An outsider's load: plain `ws` clients in a process of their own, nothing of wsbench's client.
// Usage: plain-ws-clients.ts URL LEVEL,LEVEL,... — opens connections up to each level in turn,
// prints {"level":N,"open":n,"messages":m} when it holds it, and waits for a line on stdin
// before the next level; exits when stdin closes. Bounded: a level it cannot reach in 60 s is
// reported as it stands and the process exits 1.
import readline from 'node:readline';
import WebSocket from 'ws';

const [url, levelList] = process.argv.slice(2);
if (!url || !levelList) {
  process.stderr.write('usage: plain-ws-clients.ts URL LEVEL,LEVEL,...\n');
  process.exit(2);
}
const levels = levelList.split(',').map(Number);
const sockets: WebSocket[] = [];
let open = 0;
let messages = 0;
// Spread over loopback addresses, as the load generator does: one address's ephemeral ports run out near 28k.
const localAddress = (i: number) => `127.0.0.${2 + (i % 8)}`;

function connect(i: number): Promise<void> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url!, { rejectUnauthorized: false, localAddress: localAddress(i), perMessageDeflate: false });
    ws.on('open', () => {
      open++;
      resolve();
    });
    ws.on('message', () => messages++);
    ws.on('error', () => resolve());
    ws.on('close', () => open--);
    sockets.push(ws);
  });
}

async function rampTo(level: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (sockets.length < level && Date.now() < deadline) {
    const batch = Math.min(50, level - sockets.length);
    await Promise.all(Array.from({ length: batch }, () => connect(sockets.length)));
  }
}

const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
for (const level of levels) {
  await rampTo(level);
  process.stdout.write(`${JSON.stringify({ level, open, messages })}\n`);
  if (open < level) process.exit(1);
  if ((await lines.next()).done) break;
}
for (const ws of sockets) ws.terminate();
process.exit(0);
