import { c as createComponent, r as renderComponent, a as renderScript, b as renderTemplate, m as maybeRenderHead } from '../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { $ as $$Base } from '../chunks/Base_BFBYwccz.mjs';
import { a as allRuns } from '../chunks/data_esHvj2kJ.mjs';
export { renderers } from '../renderers.mjs';

const $$Index = createComponent(async ($$result, $$props, $$slots) => {
  const runs = allRuns().map(({ run }) => ({ id: run.id, name: run.name, backend: run.backend, startedMs: run.startedMs }));
  const base = "/".replace(/\/$/, "");
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": "Compare runs" }, { "default": async ($$result2) => renderTemplate` ${maybeRenderHead()}<h1>Compare runs</h1> ${renderComponent($$result2, "wsb-compare", "wsb-compare", { "data-runs": JSON.stringify(runs), "data-base": base }, { "default": () => renderTemplate` <fieldset> <legend>Runs</legend> <div data-role="choices"></div> </fieldset> <p> <label>Metric <select data-role="metric"> <option value="rssBytes">Server memory</option> <option value="cpuPct">Server CPU</option> <option value="connections">Connections</option> <option value="received">Messages received/s</option> <option value="latencyP99Ms">Latency p99</option> <option value="spreadMs">Tick spread</option> <option value="missing">Missing</option> </select></label> <label>Normalise <select data-role="norm"> <option value="none">none</option> <option value="perConn">per connection</option> </select></label> <button type="button" data-role="copy">Copy link</button> <input data-role="link" aria-label="Link to this view" readonly size="40"> </p> <canvas data-role="chart" role="img" aria-label="The chosen metric of each chosen run over elapsed time"></canvas> <h2>Headline figures</h2> <table data-role="figures"></table> <h2>Settings and environment</h2> <p class="note">Rows that differ are marked: a comparison is fair only where they match, or where the difference is the point.</p> <table data-role="diff"></table> ` })} ` })} ${renderScript($$result, "/work/main/site/src/pages/compare/index.astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/pages/compare/index.astro", void 0);
const $$file = "/work/main/site/src/pages/compare/index.astro";
const $$url = "/compare";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Index,
  file: $$file,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
