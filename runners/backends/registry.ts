// Every backend under test, by name: one line each. Checked when the module loads, so an
// incomplete entry fails at start-up rather than halfway through a run.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../../common/errors.ts';
import { socketioBackend } from './socketio.ts';
import { socketioUwsBackend } from './socketio-uws.ts';
import type { Backend } from './types.ts';
import { uwsBackend } from './uws.ts';
import { wsBackend } from './ws.ts';

const BUILT_IN = {
  uws: uwsBackend,
  socketio: socketioBackend,
  ws: wsBackend,
  'socketio-uws': socketioUwsBackend,
} as const satisfies Record<string, Backend>;

/** The built-in backends' names, in the order runs and pages list them. */
export type BackendName = keyof typeof BUILT_IN;

export const BACKENDS: ReadonlyMap<string, Backend> = new Map<string, Backend>(Object.entries(BUILT_IN));

/** What `wsbench run` runs when no --backend is given: the seed's pair. */
export const DEFAULT_BACKENDS: readonly BackendName[] = ['uws', 'socketio'];

// Backends from modules named in WSBENCH_EXTRA_BACKENDS (comma-separated files whose default
// export is a Backend): how a test adds a backend of its own (a misbehaving server, a fifth
// backend) to real runs without touching this list. Checked below like the built-in ones.
for (const file of (process.env.WSBENCH_EXTRA_BACKENDS ?? '').split(',').filter(Boolean)) {
  const backend = ((await import(pathToFileURL(path.resolve(file)).href)) as { default?: Backend }).default;
  if (!backend?.name) throw new ConfigError(`WSBENCH_EXTRA_BACKENDS: ${file} has no default export naming a backend`);
  if (BACKENDS.has(backend.name)) throw new ConfigError(`WSBENCH_EXTRA_BACKENDS: ${file} names "${backend.name}", which is built in`);
  (BACKENDS as Map<string, Backend>).set(backend.name, backend);
}

for (const [name, backend] of BACKENDS) checkEntry(name, backend);

function checkEntry(name: string, backend: Backend): void {
  const problems: string[] = [];
  for (const member of ['describe', 'start', 'defaultWorkers'] as const) if (typeof backend[member] !== 'function') problems.push(`no ${member}()`);
  if (backend.name !== name) problems.push(`calls itself "${backend.name}"`);
  if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name)) problems.push('a name must be 1-32 of a-z 0-9 - (it is part of run ids and URLs)');
  if (typeof backend.label !== 'string' || backend.label === '' || typeof backend.title !== 'string' || backend.title === '') problems.push('no label or title');
  if (!/^#[0-9a-f]{6}$/i.test(backend.color ?? '')) problems.push(`colour ${JSON.stringify(backend.color)} is not #rrggbb`);
  if (backend.protocol !== 'raw' && backend.protocol !== 'socketio') problems.push(`unknown wire protocol ${JSON.stringify(backend.protocol)}`);
  if (!Array.isArray(backend.serverEntries)) problems.push('no serverEntries');
  if (!(backend.estimatedBytesPerConn > 0)) problems.push('no estimatedBytesPerConn');
  if (problems.length) throw new Error(`backend "${name}": ${problems.join('; ')}`);
}

export function getBackend(name: string): Backend {
  const backend = BACKENDS.get(name);
  if (!backend) throw new ConfigError(`--backend: unknown backend "${name}" (choose from ${[...BACKENDS.keys()].join(', ')})`);
  return backend;
}

/** --backend A,B: known names, none twice; "all" is every registered backend. */
export function parseBackendList(text: string | undefined): Backend[] {
  if (text === undefined) return DEFAULT_BACKENDS.map(getBackend);
  if (text.trim() === 'all') return [...BACKENDS.values()];
  const names = text.split(',').map((b) => b.trim());
  if (names.some((n) => n === '')) throw new ConfigError(`--backend: empty name in "${text}"`);
  if (new Set(names).size !== names.length) throw new ConfigError('--backend lists a backend twice');
  return names.map(getBackend);
}

/** The server entry files of every registered backend: what a target's bundle holds. */
export const serverEntries = (): string[] => [...new Set([...BACKENDS.values()].flatMap((b) => b.serverEntries))];

/** Every registered backend, one a line under a flag's help: name, then its full title. */
export function backendHelp(indent: string): string {
  const width = Math.max(...[...BACKENDS.keys()].map((n) => n.length)) + 2;
  return [...BACKENDS.values()].map((b) => `${indent}${b.name.padEnd(width)}${b.title}`).join('\n');
}
