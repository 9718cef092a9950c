// Starts the slow-stopping cluster fixture with two workers, prints its pids as JSON, stops it
// the way every run does (ServerGroup.stop: ask, SIGTERM at 3 s, SIGKILL at 6 s) and prints
// "stopped". Run as a child process so a test sees everything its processes write to stderr.
import { resolveServeOptions } from '../../runners/backends/options.ts';
import { startPrimary } from '../../runners/backends/server-group.ts';
import { CERT_DIR } from './backends.ts';

const options = resolveServeOptions({ port: 0, workers: 2, intervalMs: 200, certDir: CERT_DIR });
const backend = await startPrimary(() => ({ name: 'slow-stop', version: 'test', build: 'stops in 4 s of synchronous work' }), 'test/helpers/slow-stop-server.ts', options);
const status = await backend.status();
console.log(JSON.stringify({ primary: backend.pids().find((p) => p.role === 'primary')?.pid, workers: status.workers.map((w) => w.pid) }));
await backend.stop();
console.log('stopped');
