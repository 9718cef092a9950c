// Finds a native uWebSockets.js build that loads here, and proves it is native: the .node file
// is loaded itself, never through a package entry point that could quietly fall back to a
// pure-JavaScript imitation (as @trufflesuite/uws-js-unofficial does when its binary fails).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageDir, versionIn } from '../process/packages.ts';
import { BackendError } from './errors.ts';

const require = createRequire(import.meta.url);

export interface UwsCandidate {
  packageName: string;
  /** Folder inside the package that holds uws_<platform>_<arch>_<abi>.node files. */
  binaryDir: string;
  note: string;
}

/** Tried in order: the official binaries first, then the older build that fits older glibc. */
export const UWS_CANDIDATES: readonly UwsCandidate[] = [
  { packageName: '@btc-vision/uwebsockets.js', binaryDir: '.', note: 'official v20.57.0 binaries; need glibc >= 2.38, Node 20-25' },
  { packageName: '@trufflesuite/uws-js-unofficial', binaryDir: 'binaries', note: 'v20.30 build for older glibc; Node <= 20 binaries only' },
];

/** Where a user points at their own build: a package folder or a .node file. */
export const UWS_OVERRIDE_ENV = 'WSBENCH_UWS';

export interface LoadedUws {
  /** The native module (App, SSLApp, …). */
  uws: any;
  binary: string;
  version: string;
  build: string;
}

export const binaryName = () => `uws_${process.platform}_${process.arch}_${process.versions.modules}.node`;

/** This process's glibc, as Node's own report reads it. */
export function glibcVersion(): string {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return header?.glibcVersionRuntime ?? 'unknown';
}

function describeMachine(): string {
  return `Node ${process.version} (ABI ${process.versions.modules}), ${process.platform} ${process.arch}, glibc ${glibcVersion()}`;
}

function fingerprint(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex').slice(0, 12);
}

/** Loads one .node file and checks it is the uWS native module. Throws with the reason. */
export function loadBinary(file: string): any {
  if (!file.endsWith('.node')) throw new Error(`${file} is not a .node binary`);
  if (!fs.existsSync(file)) throw new Error(`no ${path.basename(file)} (no build for this Node ABI/platform)`);
  const uws = require(file);
  if (typeof uws?.SSLApp !== 'function' || typeof uws?.us_listen_socket_close !== 'function') {
    throw new Error(`${file} loaded but is not uWebSockets.js (no SSLApp)`);
  }
  return uws;
}

function tryCandidate(c: UwsCandidate): LoadedUws {
  const dir = packageDir(c.packageName);
  const version = versionIn(dir);
  const binary = path.join(dir, c.binaryDir, binaryName());
  const uws = loadBinary(binary);
  return { uws, binary, version, build: `${c.packageName}@${version} ${path.basename(binary)} sha256:${fingerprint(binary)}` };
}

function packageNameIn(dir: string): string | null {
  try {
    const name = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    return typeof name === 'string' && name ? name : null;
  } catch {
    return null;
  }
}

function tryOverride(target: string): LoadedUws {
  const resolved = path.resolve(target);
  const binary = resolved.endsWith('.node') ? resolved : path.join(resolved, binaryName());
  const uws = loadBinary(binary);
  const dir = resolved.endsWith('.node') ? path.dirname(resolved) : resolved;
  const version = versionIn(dir);
  // A package.json beside the binary (a checkout, or the copy a target bundle carries) names where
  // it came from: a published run then says which official build ran, not only a path.
  const origin = packageNameIn(dir);
  const named = origin ? `${origin}@${version} ` : '';
  return { uws, binary, version, build: `${named}${path.basename(binary)} sha256:${fingerprint(binary)} via ${UWS_OVERRIDE_ENV}=${target}` };
}

/**
 * Loads the first candidate whose native binary loads, or throws BackendError listing every
 * attempt, why it failed and what to install. With WSBENCH_UWS set, only that build is tried.
 */
export function loadUws(options: { candidates?: readonly UwsCandidate[]; override?: string } = {}): LoadedUws {
  const override = options.override ?? process.env[UWS_OVERRIDE_ENV];
  // The build found is the same for the life of the process: describe() and start() of every
  // uWS-based backend ask again, and each answer would read and hash the binary anew.
  const key = options.candidates ? undefined : (override ?? '');
  const known = key === undefined ? undefined : loaded.get(key);
  if (known) return known;
  const found = findUws(override, options.candidates ?? UWS_CANDIDATES);
  if (key !== undefined) loaded.set(key, found);
  return found;
}

const loaded = new Map<string, LoadedUws>();

function findUws(override: string | undefined, candidates: readonly UwsCandidate[]): LoadedUws {
  if (override) {
    try {
      return tryOverride(override);
    } catch (err) {
      throw new BackendError('unavailable', `uWebSockets.js: ${UWS_OVERRIDE_ENV}=${override} does not load on ${describeMachine()}: ${firstLine(err)}`);
    }
  }
  const failures: string[] = [];
  for (const candidate of candidates) {
    try {
      return tryCandidate(candidate);
    } catch (err) {
      failures.push(`  - ${candidate.packageName} (${candidate.note}): ${firstLine(err)}`);
    }
  }
  throw new BackendError(
    'unavailable',
    [
      `uWebSockets.js: no native build loads on ${describeMachine()}; refusing to run (a pure-JS imitation would measure the wrong thing).`,
      ...failures,
      'Fix: on glibc < 2.38 (Debian 12, Raspberry Pi OS bookworm) use Node 20; on glibc >= 2.38 (Debian 13, Ubuntu 24.04) any Node 20-25 works;',
      `or build/checkout the official package (npm install github:uNetworking/uWebSockets.js#v20.57.0) and set ${UWS_OVERRIDE_ENV} to its folder.`,
    ].join('\n'),
  );
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const glibc = /version `(GLIBC_[\d.]+)' not found/.exec(message);
  if (glibc) return `${glibc[1]} not found (this machine has glibc ${glibcVersion()})`;
  return message.split('\n')[0]!;
}
