import { c as createComponent, r as renderComponent, a as renderScript, b as renderTemplate, e as createAstro, m as maybeRenderHead, d as addAttribute } from '../../../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { B as BACKEND_COLORS } from '../../../chunks/consts_CZ1bvD_h.mjs';
import { $ as $$Base } from '../../../chunks/Base_BFBYwccz.mjs';
import { a as allRuns } from '../../../chunks/data_esHvj2kJ.mjs';
/* empty css                                        */
export { renderers } from '../../../renderers.mjs';

const $$Astro = createAstro();
const getStaticPaths = () => allRuns().map(({ run }) => ({ params: { id: run.id }, props: { run } }));
const $$Replay = createComponent(async ($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$Replay;
  const { run } = Astro2.props;
  const base = "/".replace(/\/$/, "");
  const counters = [
    ["connections", "Connections"],
    ["rssBytes", "Server memory"],
    ["cpuPct", "Server CPU"],
    ["received", "Received /s"],
    ["expected", "Judged /s"],
    ["missing", "Missing /s"],
    ["latencyP99Ms", "Latency p99"]
  ];
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": `Replay: ${run.name}`, "data-astro-cid-a5q76ci3": true }, { "default": async ($$result2) => renderTemplate` ${maybeRenderHead()}<h1 data-astro-cid-a5q76ci3>Replay: <span data-testid="run-name" data-astro-cid-a5q76ci3>${run.name}</span></h1> <p data-astro-cid-a5q76ci3><a${addAttribute(`${base}/runs/${run.id}/`, "href")} data-astro-cid-a5q76ci3>Back to the report</a></p> ${renderComponent($$result2, "wsb-replay", "wsb-replay", { "data-src": `${base}/data/runs/${run.id}.json`, "data-color": BACKEND_COLORS[run.backend] ?? "#000", "data-astro-cid-a5q76ci3": true }, { "default": () => renderTemplate` <p data-astro-cid-a5q76ci3> <button type="button" data-role="play" aria-pressed="false" data-astro-cid-a5q76ci3>Play</button> <label data-astro-cid-a5q76ci3>Speed <select data-role="speed" data-astro-cid-a5q76ci3><option value="1" data-astro-cid-a5q76ci3>1x</option><option value="10" selected data-astro-cid-a5q76ci3>10x</option><option value="60" data-astro-cid-a5q76ci3>60x</option><option value="600" data-astro-cid-a5q76ci3>600x</option></select></label> <label data-astro-cid-a5q76ci3>Time <input type="range" data-role="scrub" min="0" max="0" step="1" value="0" aria-describedby="replay-time" data-astro-cid-a5q76ci3></label> <output id="replay-time" data-role="time" data-astro-cid-a5q76ci3>0 s</output> </p> <dl class="counters" data-astro-cid-a5q76ci3> ${counters.map(([key, label]) => renderTemplate`<div data-astro-cid-a5q76ci3><dt data-astro-cid-a5q76ci3>${label}</dt><dd${addAttribute(key, "data-counter")} data-astro-cid-a5q76ci3>–</dd></div>`)} </dl> <div class="charts" data-astro-cid-a5q76ci3> <figure data-astro-cid-a5q76ci3><figcaption data-astro-cid-a5q76ci3>Connections</figcaption><canvas data-chart="connections" role="img" aria-label="Connections over the run, cursor at the replay time" data-astro-cid-a5q76ci3></canvas></figure> <figure data-astro-cid-a5q76ci3><figcaption data-astro-cid-a5q76ci3>Server memory (MB)</figcaption><canvas data-chart="rssBytes" data-scale="1e-6" role="img" aria-label="Server memory over the run" data-astro-cid-a5q76ci3></canvas></figure> <figure data-astro-cid-a5q76ci3><figcaption data-astro-cid-a5q76ci3>Messages received /s</figcaption><canvas data-chart="received" role="img" aria-label="Messages received per second" data-astro-cid-a5q76ci3></canvas></figure> <figure data-astro-cid-a5q76ci3><figcaption data-astro-cid-a5q76ci3>Latency p99 (ms)</figcaption><canvas data-chart="latencyP99Ms" role="img" aria-label="Latency p99" data-astro-cid-a5q76ci3></canvas></figure> </div> <h2 data-astro-cid-a5q76ci3>Events so far</h2> <ol data-role="events" aria-live="polite" data-astro-cid-a5q76ci3></ol> ` })}  ` })} ${renderScript($$result, "/work/main/site/src/pages/runs/[id]/replay.astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/pages/runs/[id]/replay.astro", void 0);
const $$file = "/work/main/site/src/pages/runs/[id]/replay.astro";
const $$url = "/runs/[id]/replay";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Replay,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
