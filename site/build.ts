// Builds the static site from a database, and serves a built folder: what `wsbench site` runs.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { withFileLock } from '../common/file-lock.ts';
import { beginBuild, endBuild } from './src/lib/loader.ts';

export const SITE_ROOT = path.dirname(fileURLToPath(import.meta.url));
/** Held while Astro builds (see buildSite). */
const BUILD_LOCK = path.join(SITE_ROOT, '..', 'node_modules', '.cache', 'wsbench', 'site-build.lock');

export interface SiteBuildOptions {
  db: string;
  outDir: string;
  base?: string;
  siteUrl?: string;
  /** Folder of Markdown write-ups (default data/writeups). */
  writeupsDir?: string;
  /** Points per displayed chart series (default 1200); tests make it tiny to see zooming work. */
  maxPoints?: number;
  quiet?: boolean;
}

/**
 * Runs Astro's build: where it writes and its address go in Astro's inline config, what it reads
 * through the site's loader (site/src/lib/loader.ts). The build only reads the database: the commands that
 * call it merge reference runs first.
 */
export async function buildSite(options: SiteBuildOptions): Promise<string> {
  const outDir = path.resolve(options.outDir);
  const { build } = await import('astro');
  // One build at a time on this machine: Astro keeps its content store and, for an output folder
  // outside the working directory, its intermediate build in folders every build shares. Two at
  // once (a test suite, a second terminal) read each other's write-ups, or none.
  const waiting = (pid: number) => {
    if (!options.quiet) console.error(`site build: waiting for another build of this site (pid ${pid}) to finish`);
  };
  await withFileLock(BUILD_LOCK, waiting, async () => {
    // Set while holding the lock: a second build in this process, waiting its turn, must not
    // change what the running one reads.
    beginBuild({
      db: path.resolve(options.db),
      writeupsDir: path.resolve(options.writeupsDir ?? path.join(SITE_ROOT, '..', 'data', 'writeups')),
      maxPoints: options.maxPoints ?? 1200,
    });
    // Astro keeps content entries between builds; a build from another database or write-ups
    // folder must not see the previous one's entries.
    fs.rmSync(path.join(SITE_ROOT, 'node_modules', '.astro', 'data-store.json'), { force: true });
    try {
      await build({ root: SITE_ROOT, outDir, base: options.base ?? '/', ...(options.siteUrl ? { site: options.siteUrl } : {}), logLevel: options.quiet ? 'error' : 'info', telemetry: false } as Parameters<typeof build>[0]);
    } finally {
      endBuild();
    }
  });
  // With an output folder outside the working directory, Astro builds in .astro/ and copies it
  // over with its server-side chunks (build-time code, not for the web): remove them.
  fs.rmSync(path.join(outDir, 'chunks'), { recursive: true, force: true });
  for (const file of fs.readdirSync(outDir)) if (/^manifest_.*\.mjs$/.test(file)) fs.rmSync(path.join(outDir, file));
  return outDir;
}

/**
 * The JavaScript a built page ships, its imports followed, gzipped: the page-weight budget that
 * the tests hold and `npm run bench:site` prints.
 */
export function pageJavaScriptBytes(outDir: string, htmlFile: string): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !fs.existsSync(file)) return;
    seen.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*["']([^"']+\.js)["']/g)) visit(path.resolve(path.dirname(file), m[1]!));
  };
  for (const m of fs.readFileSync(path.join(outDir, htmlFile), 'utf8').matchAll(/<script[^>]*src="\/([^"]+)"/g)) visit(path.join(outDir, m[1]!));
  return [...seen].reduce((n, f) => n + gzipSync(fs.readFileSync(f)).length, 0);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.xml': 'application/xml', '.txt': 'text/plain', '.csv': 'text/csv; charset=utf-8',
};

/** A static server for a built site, for previewing it the way any static host would serve it. */
export function serveSite(dir: string, port: number, host = '127.0.0.1', base = '/'): Promise<http.Server> {
  const root = path.resolve(dir);
  const prefix = base.replace(/\/$/, '');
  const server = http.createServer((req, res) => {
    let pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (prefix && pathname.startsWith(prefix)) pathname = pathname.slice(prefix.length) || '/';
    let file = path.join(root, pathname);
    if (!file.startsWith(root)) {
      res.writeHead(403).end('forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!fs.existsSync(file)) {
      // The site's own 404 page, as static hosts serve it.
      const notFound = path.join(root, '404.html');
      if (fs.existsSync(notFound)) fs.createReadStream(notFound).pipe(res.writeHead(404, { 'content-type': TYPES['.html']! }));
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
