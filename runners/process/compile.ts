// Compiles a TypeScript entry point into one plain .mjs file for processes whose memory and CPU
// are measured (servers under test, client shards). Running those through tsx would add ~48 MB
// of RSS and an esbuild helper process to every one of them, and that is not the server's cost.
import { build, buildSync, type BuildOptions } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const root = PROJECT_ROOT;
/** Inside node_modules so that the bundle's bare imports resolve to the project's packages. */
export const BUILD_CACHE_DIR = path.join(root, 'node_modules', '.cache', 'wsbench');
const outDir = BUILD_CACHE_DIR;
const built = new Map<string, Promise<string>>();

/** Bundles are named after their entry: runners/backends/uws-worker.ts → runners__backends__uws-worker.mjs. */
export const bundleName = (entry: string) => entry.replace(/[\\/]/g, '__').replace(/\.ts$/, '.mjs');

/**
 * Set on a remote target, where the bundles were built by the runner and copied over: entries
 * are taken from there, never compiled (the target has no project, no TypeScript, no esbuild).
 */
export const BUNDLE_DIR_ENV = 'WSBENCH_BUNDLE_DIR';

/** Bundles `entry` (relative to the project root) once per process; returns the .mjs path. */
export function compiledEntry(entry: string): Promise<string> {
  const shipped = process.env[BUNDLE_DIR_ENV];
  if (shipped) return Promise.resolve(path.join(shipped, bundleName(entry)));
  let pending = built.get(entry);
  if (!pending) {
    pending = compile(entry);
    built.set(entry, pending);
  }
  return pending;
}

const options = (entry: string, outfile: string): BuildOptions => ({
  entryPoints: [path.join(root, entry)],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  logLevel: 'silent',
});

async function compile(entry: string): Promise<string> {
  const outfile = path.join(outDir, bundleName(entry));
  fs.mkdirSync(outDir, { recursive: true });
  // Each process compiles to its own temp file, then renames: concurrent runs never see half a file.
  const temp = `${outfile}.${process.pid}.tmp.mjs`;
  await build(options(entry, temp));
  fs.renameSync(temp, outfile);
  return outfile;
}

const builtSync = new Set<string>();

/** compiledEntry for callers that cannot wait (a backend's describe()). */
export function compiledEntrySync(entry: string): string {
  const shipped = process.env[BUNDLE_DIR_ENV];
  if (shipped) return path.join(shipped, bundleName(entry));
  const outfile = path.join(outDir, bundleName(entry));
  if (!builtSync.has(entry)) {
    fs.mkdirSync(outDir, { recursive: true });
    const temp = `${outfile}.${process.pid}.tmp.mjs`;
    buildSync(options(entry, temp));
    fs.renameSync(temp, outfile);
    builtSync.add(entry);
  }
  return outfile;
}
