import { c as createComponent, r as renderComponent, a as renderScript, b as renderTemplate, e as createAstro, m as maybeRenderHead, d as addAttribute } from '../../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { $ as $$Base } from '../../chunks/Base_BFBYwccz.mjs';
import { a as allRuns } from '../../chunks/data_esHvj2kJ.mjs';
import { n as num, b as bytes, p as pct, m as ms } from '../../chunks/format_ChIRFRnr.mjs';
export { renderers } from '../../renderers.mjs';

const $$Astro = createAstro();
const getStaticPaths = () => {
  const latest = /* @__PURE__ */ new Map();
  for (const card of allRuns()) {
    const byBackend = latest.get(card.run.scenario) ?? /* @__PURE__ */ new Map();
    if (!byBackend.has(card.run.backend)) byBackend.set(card.run.backend, card);
    latest.set(card.run.scenario, byBackend);
  }
  return [...latest].filter(([, byBackend]) => byBackend.has("uws") && byBackend.has("socketio")).map(([scenario, byBackend]) => ({ params: { pair: `${scenario}-uws-vs-socketio` }, props: { scenario, cards: [byBackend.get("uws"), byBackend.get("socketio")] } }));
};
const $$pair = createComponent(async ($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$pair;
  const { scenario, cards } = Astro2.props;
  const base = "/".replace(/\/$/, "");
  const [a, b] = cards;
  const ratio = (x, y) => x && y ? `${(y / x).toFixed(1)}x` : "–";
  const rows = [
    ["Connections held", (c) => num(c.summary.peakConnections), (c) => c.summary.peakConnections],
    ["Server memory", (c) => bytes(c.summary.steadyRssBytes), (c) => c.summary.steadyRssBytes],
    ["Memory per connection", (c) => bytes(c.summary.bytesPerConn), (c) => c.summary.bytesPerConn],
    ["Server CPU", (c) => `${num(c.summary.cpuPctAvg, 1)}%`, (c) => c.summary.cpuPctAvg],
    ["Delivered", (c) => pct(c.summary.deliveredPct), (c) => c.summary.deliveredPct],
    ["Latency p99", (c) => ms(c.summary.latency.p99Ms), (c) => c.summary.latency.p99Ms]
  ];
  const title = `uWebSockets.js vs Socket.IO: ${scenario}`;
  const description = `${num(a.summary.peakConnections)} secure WebSockets: ${bytes(a.summary.bytesPerConn)} vs ${bytes(b.summary.bytesPerConn)} per connection on ${a.run.host}.`;
  const interactive = `${base}/compare/?runs=${a.run.id},${b.run.id}&metric=rssBytes&norm=none`;
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": title, "description": description }, { "default": async ($$result2) => renderTemplate` ${maybeRenderHead()}<h1>${title}</h1> <p>${description} <a${addAttribute(interactive, "href")}>Open the interactive comparison</a>.</p> <table data-testid="pair"> <thead><tr><th>Figure</th><th>${a.run.name} (uws)</th><th>${b.run.name} (socketio)</th><th>socketio / uws</th></tr></thead> <tbody>${rows.map(([label, show, value]) => renderTemplate`<tr><th scope="row">${label}</th><td>${show(a)}</td><td>${show(b)}</td><td>${ratio(value(a), value(b))}</td></tr>`)}</tbody> </table> ${renderComponent($$result2, "wsb-pair", "wsb-pair", { "data-base": base, "data-runs": `${a.run.id},${b.run.id}` }, { "default": () => renderTemplate` <figure><figcaption>Server memory over the run</figcaption><canvas role="img" aria-label="Server memory of both runs over elapsed time"></canvas></figure> ` })} ` })} ${renderScript($$result, "/work/main/site/src/pages/compare/[pair].astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/pages/compare/[pair].astro", void 0);
const $$file = "/work/main/site/src/pages/compare/[pair].astro";
const $$url = "/compare/[pair]";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$pair,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
