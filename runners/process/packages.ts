// Finds installed packages and their versions without running their entry points (some packages
// do work on load, and many do not export their package.json).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function packageDir(name: string): string {
  let entry: string;
  try {
    entry = require.resolve(name);
  } catch {
    throw new Error('not installed (npm install)');
  }
  for (let dir = path.dirname(entry); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`installed, but its package.json was not found above ${entry}`);
}

/** The version in a package folder's package.json, or "unknown". */
export function versionIn(dir: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Versions of the packages inside the bundles copied to a target (which has no node_modules). */
export const BUNDLED_VERSIONS_FILE = 'versions.json';

export function packageVersion(name: string): string {
  const shipped = process.env.WSBENCH_BUNDLE_DIR;
  if (shipped) {
    const versions = JSON.parse(fs.readFileSync(path.join(shipped, BUNDLED_VERSIONS_FILE), 'utf8')) as Record<string, string>;
    return versions[name] ?? 'unknown';
  }
  return versionIn(packageDir(name));
}
