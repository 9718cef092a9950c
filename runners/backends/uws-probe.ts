// Run by the server Node when it is not the Node running wsbench: finds the uWS build that loads
// in it (its own ABI picks the binary) and prints it as one JSON line.
import { loadUws } from './uws-loader.ts';

try {
  const found = loadUws();
  process.stdout.write(`${JSON.stringify({ ok: true, binary: found.binary, version: found.version, build: found.build })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, message: (err as Error).message })}\n`);
}
