// The live pages over HTTP, read-only: a session page listing the runs (and the finished ones side
// by side), a page per run with the report's charts and figures, its event stream, and the page
// script. Served by `wsbench run --live` on a port of its own, and by `wsbench collector` under
// /live/. With a token, every request carries it (an "Authorization: Bearer" header, or ?token=
// since a browser's EventSource sends no header); the pages pass it on.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getSummary, type RunInfo, type RunSummary } from '../../collector/query.ts';
import { pairRows } from '../src/lib/figures.ts';
import { reportFigureRows } from '../src/lib/run-report.ts';
import { parseCursor } from './feed.ts';
import { LiveHub, type HubOptions, type LiveCatalog } from './hub.ts';
import { liveScript, runPage, sessionPage } from './page.ts';

export interface LivePagesOptions extends HubOptions {
  /** Where the pages live on their server: '/' (a runner's own port) or '/live/' (the collector's). */
  prefix: string;
  token?: string;
  /** Where a finished run's report will be, as a link (null: in words only). */
  reportUrl?: (run: RunInfo) => string | null;
  /** What the session page calls itself ("wsbench run", "collector at …"). */
  title: string;
}

/** A run on the session page: its status and, once it has ended, the report's headline figures. */
export interface LiveRunEntry {
  id: string;
  name: string;
  backend: string;
  label: string;
  color: string;
  status: string;
  verdict: string | null;
  startedMs: number;
  endedMs: number | null;
  figures: { key: string; label: string; value: string }[] | null;
}

/** The session page's answer so far: the first finished run set against each later one, in the compare page's sentences. */
export interface LiveAnswer {
  a: string;
  b: string;
  sentences: string[];
}

export class LivePages {
  readonly hub: LiveHub;
  /** Finished runs' summaries, worked out once each. */
  private readonly finished = new Map<string, RunSummary | null>();

  constructor(private readonly catalog: LiveCatalog, readonly options: LivePagesOptions) {
    this.hub = new LiveHub(catalog, options);
  }

  /** Answers a request under the prefix; false when the path is not the live pages'. */
  handle(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const url = new URL(req.url ?? '/', 'http://live');
    const { prefix } = this.options;
    if (url.pathname === prefix.replace(/\/$/, '') && prefix !== '/') return redirect(res, prefix + url.search);
    if (!url.pathname.startsWith(prefix)) return false;
    const rest = url.pathname.slice(prefix.length);
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'text/plain', `${req.method} ${url.pathname}: the live pages are read-only (GET)`);
    if (!this.authorized(req, url)) return reply(res, 401, 'text/plain', this.options.token && (url.searchParams.has('token') || req.headers.authorization) ? 'wrong token' : 'this collector needs its token: open the page with ?token=TOKEN');
    const token = url.searchParams.get('token');
    try {
      if (rest === '') return reply(res, 200, 'text/html', sessionPage({ prefix, title: this.options.title, token }));
      if (rest === 'runs.json') return reply(res, 200, 'application/json', JSON.stringify(this.session()));
      if (rest === 'live.js') {
        liveScript().then(
          (js) => reply(res, 200, 'text/javascript', js),
          (err: Error) => reply(res, 500, 'text/plain', `the live page's script did not build: ${err.message}`),
        );
        return true;
      }
      const page = /^runs\/([^/]+)\/(stream)?$/.exec(rest);
      if (!page) return reply(res, 404, 'text/plain', `no live page at ${url.pathname} (${prefix}, ${prefix}runs/RUN_ID/)`);
      const id = decodeURIComponent(page[1]!);
      if (!this.hub.knows(id)) return reply(res, 404, 'text/plain', `no run ${id} here (the runs are listed at ${prefix})`);
      if (page[2]) {
        const from = parseCursor(req.headers['last-event-id'] as string | undefined) ?? parseCursor(url.searchParams.get('from'));
        this.hub.watch(id, res, from);
        return true;
      }
      const run = this.catalog.runs().find((r) => r.id === id) ?? null;
      return reply(res, 200, 'text/html', runPage({ prefix, token, id, name: run?.name ?? id, color: run ? this.catalog.look(run).color : '#444444', reportUrl: run ? (this.options.reportUrl?.(run) ?? null) : null }));
    } catch (err) {
      return reply(res, 500, 'text/plain', (err as Error).message);
    }
  }

  close(): void {
    this.hub.close();
  }

  /** What the session page shows: the runs, and the finished ones' comparison. */
  session(): { runs: LiveRunEntry[]; answers: LiveAnswer[] } {
    const runs = this.catalog.runs();
    const done: { label: string; summary: RunSummary }[] = [];
    const entries = runs.map((run) => {
      const look = this.catalog.look(run);
      const summary = run.status === 'running' ? null : this.summaryOf(run.id);
      if (summary) done.push({ label: look.label, summary });
      const figures = summary ? reportFigureRows(summary).map(({ key, label, value }) => ({ key, label, value })) : null;
      return { id: run.id, name: run.name, backend: run.backend, label: look.label, color: look.color, status: run.status, verdict: run.verdict, startedMs: run.startedMs, endedMs: run.endedMs, figures };
    });
    // The compare page's lead sentences, from the same code (figures.ts pairRows).
    const answers = done.slice(1).map((b) => {
      const a = done[0]!;
      const rows = pairRows({ name: a.label, summary: a.summary }, { name: b.label, summary: b.summary });
      return { a: a.label, b: b.label, sentences: rows.filter((r) => r.lead).map((r) => r.comparison.phrase) };
    });
    return { runs: entries, answers };
  }

  private summaryOf(id: string): RunSummary | null {
    if (!this.finished.has(id)) {
      const db = this.catalog.dbOf(id);
      this.finished.set(id, db ? getSummary(db, id) : null);
    }
    return this.finished.get(id)!;
  }

  private authorized(req: http.IncomingMessage, url: URL): boolean {
    const token = this.options.token;
    if (!token) return true;
    const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? url.searchParams.get('token') ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

function reply(res: http.ServerResponse, status: number, type: string, body: string): true {
  res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
  res.end(body);
  return true;
}

function redirect(res: http.ServerResponse, to: string): true {
  res.writeHead(302, { location: to });
  res.end();
  return true;
}

/** A server of its own for the live pages (`wsbench run --live`): 127.0.0.1, the port given or a free one. */
export async function startLiveServer(catalog: LiveCatalog, options: Omit<LivePagesOptions, 'prefix'> & { host?: string; port?: number }): Promise<{ url: string; pages: LivePages; close(): Promise<void> }> {
  const pages = new LivePages(catalog, { ...options, prefix: '/' });
  const server = http.createServer((req, res) => {
    if (!pages.handle(req, res)) reply(res, 404, 'text/plain', 'not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Not a reason to keep the process alive: the run is.
  server.unref();
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}/`,
    pages,
    close: () =>
      new Promise<void>((resolve) => {
        pages.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
