import { c as createComponent, r as renderComponent, a as renderScript, b as renderTemplate, m as maybeRenderHead, d as addAttribute } from '../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { B as BACKEND_COLORS } from '../chunks/consts_CZ1bvD_h.mjs';
import { $ as $$Base } from '../chunks/Base_BFBYwccz.mjs';
import { c as capacityPoints } from '../chunks/data_esHvj2kJ.mjs';
import { n as num, b as bytes } from '../chunks/format_ChIRFRnr.mjs';
export { renderers } from '../renderers.mjs';

const $$Capacity = createComponent(($$result, $$props, $$slots) => {
  const points = capacityPoints();
  const base = "/".replace(/\/$/, "");
  const backends = [...new Set(points.map((p) => p.backend))];
  const perConn = (b) => {
    const stable = points.filter((p) => p.backend === b && p.verdict === "stable" && p.connections > 0);
    const top = stable.sort((x, y) => y.connections - x.connections)[0];
    return top ? { top, bytesPerConn: top.rssBytes / top.connections } : void 0;
  };
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": "Capacity" }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<h1>Capacity</h1> <p class="note">Each point is a hold window or a capacity step of a real run; hosts and profiles are listed with it. Memory is the sum of the server processes' RSS.</p> ${renderComponent($$result2, "wsb-capacity", "wsb-capacity", { "data-points": JSON.stringify(points), "data-colors": JSON.stringify(BACKEND_COLORS) }, { "default": () => renderTemplate` <figure><figcaption>Server memory (MB) against connections held</figcaption><canvas data-axis="rssBytes" role="img" aria-label="Server memory against connections held, per backend"></canvas></figure> <figure><figcaption>Server CPU (% of one core) against connections held</figcaption><canvas data-axis="cpuPct" role="img" aria-label="Server CPU against connections held, per backend"></canvas></figure> ` })} <h2>Highest stable point per backend</h2> <table data-testid="capacity"> <thead><tr><th>Backend</th><th>Connections</th><th>Memory</th><th>Per connection</th><th>Run</th></tr></thead> <tbody>${backends.map((b) => {
    const c = perConn(b);
    return renderTemplate`<tr><td>${b}</td><td>${num(c?.top.connections)}</td><td>${bytes(c?.top.rssBytes)}</td><td>${bytes(c?.bytesPerConn)}</td><td>${c && renderTemplate`<a${addAttribute(`${base}/runs/${c.top.runId}/`, "href")}>${c.top.name}</a>`} ${c?.top.host}</td></tr>`;
  })}</tbody> </table> <h2>All points</h2> <table> <thead><tr><th>Run</th><th>Backend</th><th>Window</th><th>Connections</th><th>Memory</th><th>CPU</th><th>Verdict</th><th>Host / profile</th></tr></thead> <tbody>${points.map((p) => renderTemplate`<tr><td><a${addAttribute(`${base}/runs/${p.runId}/`, "href")}>${p.name}</a></td><td>${p.backend}</td><td>${p.phase}</td><td>${num(p.connections)}</td><td>${bytes(p.rssBytes)}</td><td>${num(p.cpuPct, 1)}%</td><td>${p.verdict ?? "–"}</td><td>${p.host}${p.profile && ` · ${p.profile} profile`}</td></tr>`)}</tbody> </table> ` })} ${renderScript($$result, "/work/main/site/src/pages/capacity.astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/pages/capacity.astro", void 0);
const $$file = "/work/main/site/src/pages/capacity.astro";
const $$url = "/capacity";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Capacity,
  file: $$file,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
