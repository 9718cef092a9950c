// Every backend under test, by name, checked when the module loads so an incomplete one fails
// at start-up rather than halfway through a run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../common/errors.ts';
import { socketioBackend } from './socketio.ts';
import type { Backend, BackendName } from './types.ts';
import { uwsBackend } from './uws.ts';

export const BACKENDS: ReadonlyMap<BackendName, Backend> = new Map<BackendName, Backend>([
  ['uws', uwsBackend],
  ['socketio', socketioBackend],
]);

// Backends from modules named in WSBENCH_EXTRA_BACKENDS (comma-separated files whose default
// export is a Backend): how the tests add a misbehaving server (one that never answers the
// WebSocket upgrade, say) to a real run. Checked below like the built-in ones.
for (const file of (process.env.WSBENCH_EXTRA_BACKENDS ?? '').split(',').filter(Boolean)) {
  const backend = ((await import(pathToFileURL(path.resolve(file)).href)) as { default?: Backend }).default;
  if (!backend?.name) throw new ConfigError(`WSBENCH_EXTRA_BACKENDS: ${file} has no default export naming a backend`);
  (BACKENDS as Map<string, Backend>).set(backend.name, backend);
}

for (const [name, backend] of BACKENDS) {
  for (const member of ['describe', 'start'] as const) {
    if (typeof backend[member] !== 'function') throw new Error(`backend "${name}" is missing ${member}()`);
  }
  if (backend.name !== name) throw new Error(`backend registered as "${name}" calls itself "${backend.name}"`);
}

export function getBackend(name: string): Backend {
  const backend = BACKENDS.get(name as BackendName);
  if (!backend) throw new ConfigError(`--backend: unknown backend "${name}" (choose from ${[...BACKENDS.keys()].join(', ')})`);
  return backend;
}
