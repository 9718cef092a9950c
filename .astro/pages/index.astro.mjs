import { c as createComponent, r as renderComponent, b as renderTemplate, m as maybeRenderHead, d as addAttribute } from '../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { $ as $$Base } from '../chunks/Base_BFBYwccz.mjs';
import { a as allRuns } from '../chunks/data_esHvj2kJ.mjs';
import { n as num, p as pct, m as ms, b as bytes, w as when } from '../chunks/format_ChIRFRnr.mjs';
import { c as checkedWriteups } from '../chunks/writeups_Blo3N9PD.mjs';
export { renderers } from '../renderers.mjs';

const $$Index = createComponent(async ($$result, $$props, $$slots) => {
  const runs = allRuns();
  const writeups = await checkedWriteups();
  const base = "/".replace(/\/$/, "");
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": "Runs" }, { "default": async ($$result2) => renderTemplate`${writeups.length > 0 && renderTemplate`${maybeRenderHead()}<section> <h1>Write-ups</h1> <ul data-testid="writeups"> ${writeups.map((w) => renderTemplate`<li><a${addAttribute(`${base}/writeups/${w.id}/`, "href")}>${w.data.title}</a> <span class="note">${w.data.pubDate.toISOString().slice(0, 10)}: ${w.data.description}</span></li>`)} </ul> <p class="note"><a${addAttribute(`${base}/feed.xml`, "href")}>Feed</a></p> </section>`}<h1>Runs</h1> <p class="note">Every run is a real run of wsbench, with the machine it ran on. Figures cover each run's hold window.</p> ${runs.length === 0 ? renderTemplate`<p>No runs yet: <code>npx wsbench run</code> records one.</p>` : renderTemplate`<table data-testid="runs"> <thead><tr><th>Run</th><th>Backend</th><th>Verdict</th><th>Connections</th><th>Delivered</th><th>p99</th><th>Server memory</th><th>Per connection</th><th>Host</th><th>Started</th></tr></thead> <tbody> ${runs.map(({ run, summary }) => renderTemplate`<tr> <td><a${addAttribute(`${base}/runs/${run.id}/`, "href")}>${run.name}</a></td> <td>${run.backend}</td> <td><span${addAttribute(`badge ${run.verdict ?? run.status}`, "class")}>${run.verdict ?? run.status}</span></td> <td>${num(summary.peakConnections)}</td> <td>${pct(summary.deliveredPct)}</td> <td>${ms(summary.latency.p99Ms)}</td> <td>${bytes(summary.steadyRssBytes)}</td> <td>${bytes(summary.bytesPerConn)}</td> <td>${run.host} (${run.cores} cores)</td> <td>${when(run.startedMs)}</td> </tr>`)} </tbody> </table>`}` })}`;
}, "/work/main/site/src/pages/index.astro", void 0);
const $$file = "/work/main/site/src/pages/index.astro";
const $$url = "";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Index,
  file: $$file,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
