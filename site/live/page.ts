// The live pages' HTML and their script. The HTML is a frame the script fills from the stream:
// the site's stylesheet (site/src/styles/base.css), the report's sections (charts first: while a
// run runs, the curves are the news),
// and the report's chart list (figures.ts reportCharts). The script is site/live/client.ts,
// bundled once per process with esbuild: it draws through the report's own chart module.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { seriesDef } from '../../collector/metrics.ts';
import { SEVERITY_COLORS } from '../../collector/events.ts';
import { escapeMarkup as escape } from '../src/lib/escape.ts';
import { reportCharts } from '../src/lib/figures.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASE_CSS = fs.readFileSync(path.join(here, '../src/styles/base.css'), 'utf8');

// What the live page adds to the site's look: the counters, and the live/finished banner.
const LIVE_CSS = `
.counters { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: 0.6rem; margin: 1rem 0; padding: 0; }
.counters div { border: 1px solid #e3e3e0; border-radius: 0.4rem; padding: 0.4rem 0.6rem; }
.counters dt { font-size: 0.8rem; color: #555; } .counters dd { margin: 0; font-size: 1.25rem; font-variant-numeric: tabular-nums; }
.live-dot { display: inline-block; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: #009e73; margin-right: 0.3rem; animation: pulse 2s infinite; }
.finished .live-dot { background: #777; animation: none; }
@keyframes pulse { 50% { opacity: 0.3; } }
.banner { border-left: 4px solid #0b5394; background: #f2f6fb; padding: 0.5rem 0.8rem; margin: 0.8rem 0; }
.running { color: #0b5394; }
.answer { padding-left: 1.2rem; font-size: 1.05rem; } .answer li { margin: 0.2rem 0; }
.side-by-side th[scope=row] { max-width: 12rem; } .side-by-side td { white-space: nowrap; }
`;

const withToken = (href: string, token: string | null) => (token ? `${href}${href.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}` : href);

function frame(title: string, prefix: string, token: string | null, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<link rel="icon" href="data:," />
<title>${escape(title)} · wsbench live</title>
<style>${BASE_CSS}${LIVE_CSS}</style>
</head>
<body>
<header><nav aria-label="Main"><strong><a href="${escape(withToken(prefix, token))}">wsbench live</a></strong><a href="${escape(withToken(prefix, token))}">Runs</a></nav></header>
<main>
${body}
</main>
<script type="module" src="${escape(withToken(`${prefix}live.js`, token))}"></script>
</body>
</html>
`;
}

/** The session's page: every run so far, and the finished ones side by side. */
export function sessionPage(o: { prefix: string; title: string; token: string | null }): string {
  return frame(o.title, o.prefix, o.token, `<h1>Live: ${escape(o.title)}</h1>
<p class="note">Each backend's run appears here as it starts; its page follows it second by second with the report's charts and figures. This page updates itself.</p>
<wsb-live-session data-prefix="${escape(o.prefix)}" data-token="${escape(o.token ?? '')}">
<table data-testid="live-runs" class="stack"><thead><tr><th>Backend</th><th>Run</th><th>Status</th><th>Started</th></tr></thead><tbody></tbody></table>
<h2>Done so far, side by side</h2>
<p class="note" data-testid="live-comparison-empty">No run has finished yet.</p>
<ul data-testid="live-answer" class="answer"></ul>
<div class="table-scroll" tabindex="0" role="region" aria-label="Finished runs side by side"><table data-testid="live-comparison" class="side-by-side"></table></div>
</wsb-live-session>`);
}

/** A run's live page: the report's sections, filled and kept up to date by the script. */
export function runPage(o: { prefix: string; token: string | null; id: string; name: string; color: string; reportUrl: string | null }): string {
  const charts = reportCharts().map((c) => ({ ...c, series: c.series.map((s) => ({ key: s.key, label: s.label ?? seriesDef(s.key)!.label })) }));
  const report = o.reportUrl ? `<a href="${escape(o.reportUrl)}">${escape(o.reportUrl)}</a>` : `<code>runs/${escape(o.id)}/</code> of the site <code>wsbench site build</code> makes`;
  return frame(o.name, o.prefix, o.token, `<wsb-live-run data-stream="${escape(withToken(`${o.prefix}runs/${encodeURIComponent(o.id)}/stream`, o.token))}" data-color="${escape(o.color)}" data-charts="${escape(JSON.stringify(charts))}">
<h1 data-testid="run-name">${escape(o.name)}</h1>
<p><span class="badge running" data-testid="verdict">running</span> <span data-testid="live-state" data-state="connecting"><span class="live-dot"></span><span data-role="state-words">connecting…</span></span> <span class="note" data-testid="verdict-reason"></span></p>
<p class="banner" data-testid="live-finished" hidden>This run has finished. Its report: ${report}. The charts below hold all of it.</p>
<dl class="counters" data-testid="live-counters">
<div><dt>Seconds since start</dt><dd data-counter="elapsed">–</dd></div>
<div><dt>Phase</dt><dd data-counter="phase">–</dd></div>
<div><dt>Connections open</dt><dd data-counter="connections">–</dd></div>
<div><dt>Messages received</dt><dd data-counter="received">–</dd></div>
<div><dt>Server memory (RSS)</dt><dd data-counter="rss">–</dd></div>
<div><dt>Server CPU, last 10 s</dt><dd data-counter="cpu">–</dd></div>
</dl>
<h2>Charts</h2>
<p class="note chart-key" data-testid="chart-key">Shaded boxes are the run's phases (green: held, amber: ramp, red: not stable). Vertical lines are events: <span style="color:${SEVERITY_COLORS.error}">solid red</span> an error, <span style="color:${SEVERITY_COLORS.warning}">solid brown</span> a warning, <span style="color:${SEVERITY_COLORS.info}">dotted grey</span> information. A chart appears once its series has data; a second is drawn once every sender has reported it.</p>
<div class="charts"></div>
<h2>Headline figures</h2>
<p class="note" data-testid="figures-as-of">Worked out as the run goes (at most every 5 s), the way its report will.</p>
<table data-testid="figures"><tbody></tbody></table>
<p class="note" data-role="figures-note"></p>
<h2>Events</h2>
<p class="note" data-role="no-events">None yet.</p>
<ul data-testid="events" class="events"></ul>
<h2>Setup</h2>
<table data-testid="setup"><tbody></tbody></table>
</wsb-live-run>`);
}

let bundled: Promise<string> | null = null;

/** The page script, bundled on first use and kept. */
export function liveScript(): Promise<string> {
  bundled ??= import('esbuild').then(async (esbuild) => {
    const out = await esbuild.build({ entryPoints: [path.join(here, 'client.ts')], bundle: true, write: false, format: 'esm', platform: 'browser', minify: true, target: 'es2022', logLevel: 'silent' });
    return out.outputFiles[0]!.text;
  });
  bundled.catch(() => (bundled = null));
  return bundled;
}
