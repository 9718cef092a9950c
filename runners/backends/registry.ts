// Every backend under test, by name, checked when the module loads so an incomplete one fails
// at start-up rather than halfway through a run.
import { ConfigError } from '../../collector/errors.ts';
import { socketioBackend } from './socketio.ts';
import type { Backend, BackendName } from './types.ts';
import { uwsBackend } from './uws.ts';

export const BACKENDS: ReadonlyMap<BackendName, Backend> = new Map<BackendName, Backend>([
  ['uws', uwsBackend],
  ['socketio', socketioBackend],
]);

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
