import { c as createComponent, m as maybeRenderHead, r as renderComponent, a as renderScript, b as renderTemplate, e as createAstro, d as addAttribute } from '../../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { B as BACKEND_COLORS } from '../../chunks/consts_CZ1bvD_h.mjs';
import { $ as $$Base } from '../../chunks/Base_BFBYwccz.mjs';
import { t as timelineOf, a as allRuns } from '../../chunks/data_esHvj2kJ.mjs';
import { n as num, b as bytes, p as pct, m as ms, w as when } from '../../chunks/format_ChIRFRnr.mjs';
export { renderers } from '../../renderers.mjs';

const $$Astro$1 = createAstro();
const $$Chart = createComponent(async ($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro$1, $$props, $$slots);
  Astro2.self = $$Chart;
  const { title, src, metrics, unit, color } = Astro2.props;
  return renderTemplate`${maybeRenderHead()}<figure> <figcaption>${title}</figcaption> ${renderComponent($$result, "wsb-chart", "wsb-chart", { "data-src": src, "data-metrics": JSON.stringify(metrics), "data-unit": unit, "data-color": color }, { "default": () => renderTemplate` <canvas role="img"${addAttribute(`${title} over the run, in ${unit}`, "aria-label")}></canvas> ` })} </figure> ${renderScript($$result, "/work/main/site/src/components/Chart.astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/components/Chart.astro", void 0);

const $$Astro = createAstro();
const getStaticPaths = () => allRuns().map((card) => ({ params: { id: card.run.id }, props: card }));
const $$Index = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$Index;
  const { run, summary } = Astro2.props;
  const timeline = timelineOf(run.id);
  const base = "/".replace(/\/$/, "");
  const src = `${base}/data/runs/${run.id}.json`;
  const color = BACKEND_COLORS[run.backend] ?? "#000";
  const validity = run.validity ?? {};
  const valid = validity.valid === true;
  const scenario = run.scenarioParams;
  const profile = scenario.profile;
  const figures = [
    ["peak-connections", "Peak connections held", num(summary.peakConnections)],
    ["memory", "Server memory (steady)", bytes(summary.steadyRssBytes)],
    ["bytes-per-conn", "Memory per connection", bytes(summary.bytesPerConn)],
    ["cpu", "Server CPU (avg, 100% = one core)", `${num(summary.cpuPctAvg, 1)}%`],
    ["msgs", "Messages/s received vs expected", `${num(summary.msgsPerSecReceived, 1)} / ${num(summary.msgsPerSecExpected, 1)}`],
    ["delivered", "Delivered", pct(summary.deliveredPct)],
    ["p50", "Latency p50", ms(summary.latency.p50Ms)],
    ["p99", "Latency p99", ms(summary.latency.p99Ms)],
    ["spread", "Worst tick spread", ms(summary.worstSpreadMs)],
    ["missing", "Missing", num(summary.missing)],
    ["late", "Late", num(summary.late)]
  ];
  const setup = [
    ["Backend", [run.backend, run.backendVersion, run.backendBuild].filter(Boolean).join(" · ")],
    ["TLS", `${run.tlsVersion ?? "–"} ${run.tlsCipher ?? ""}`],
    ["Scenario", `${run.scenario}: ${num(scenario.connections)} connections, interval ${scenario.intervalMs} ms, hold ${scenario.holdSec} s, ${scenario.workers} workers, compression ${scenario.compression ? "on" : "off"}, clients ${scenario.bulkClient ?? "node"}`],
    ["Host", [run.host, run.cpuModel, run.cores && `${run.cores} cores`, bytes(run.memTotalBytes), run.os, run.kernel, run.nodeVersion].filter(Boolean).join(" · ")],
    ["Limits", JSON.stringify(run.limits ?? {})],
    ["Started", `${when(run.startedMs)}${run.endedMs ? `, lasted ${Math.round((run.endedMs - run.startedMs) / 1e3)} s` : ""}`]
  ];
  if (profile) setup.push(["Profile", `${profile.profile ?? "custom"} limits imposed on this host: ${bytes(profile.memoryBytes)} memory, ${profile.cpuCores ?? "no"} cores — not a run on that hardware`]);
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": run.name, "description": `${run.backend} ${run.scenario}: ${run.verdict ?? run.status}, ${num(summary.peakConnections)} connections` }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<h1 data-testid="run-name">${run.name}</h1> <p> <span${addAttribute(`badge ${run.verdict ?? run.status}`, "class")} data-testid="verdict">${run.verdict ?? run.status}</span> <span${addAttribute(`badge ${valid ? "stable" : "invalid"}`, "class")} data-testid="validity"${addAttribute(JSON.stringify(validity), "title")}>${valid ? "valid measurement" : "not a valid server measurement"}</span> ${run.verdictReason && renderTemplate`<span class="note"> ${run.verdictReason}</span>`} </p> <table data-testid="figures"> <tbody> ${figures.map(([key, label, value]) => renderTemplate`<tr><th scope="row">${label}</th><td${addAttribute(key, "data-figure")}>${value}</td></tr>`)} </tbody> </table> <p class="note">Over the ${summary.window.basis === "hold" ? "hold window" : "whole run"}; latency from each tick's scheduled time, from ${num(summary.latency.count)} probe deliveries.</p> <h2>Charts</h2> <div class="charts"> ${renderComponent($$result2, "Chart", $$Chart, { "title": "Connections", "src": src, "unit": "connections", "color": color, "metrics": [{ key: "connections", label: "client side" }, { key: "serverConnections", label: "server side" }] })} ${renderComponent($$result2, "Chart", $$Chart, { "title": "Server memory", "src": src, "unit": "MB", "color": color, "metrics": [{ key: "rssBytes", label: "RSS, all processes", scale: 1e-6 }] })} ${renderComponent($$result2, "Chart", $$Chart, { "title": "CPU", "src": src, "unit": "% of one core", "color": color, "metrics": [{ key: "cpuPct", label: "server" }, { key: "clientCpuPct", label: "busiest client shard" }] })} ${renderComponent($$result2, "Chart", $$Chart, { "title": "Messages per second", "src": src, "unit": "messages", "color": color, "metrics": [{ key: "received", label: "received" }, { key: "expected", label: "expected (judged)" }] })} ${renderComponent($$result2, "Chart", $$Chart, { "title": "Latency", "src": src, "unit": "ms", "color": color, "metrics": [{ key: "latencyP50Ms", label: "p50" }, { key: "latencyP99Ms", label: "p99" }] })} ${renderComponent($$result2, "Chart", $$Chart, { "title": "Tick spread and missing", "src": src, "unit": "ms / count", "color": color, "metrics": [{ key: "spreadMs", label: "spread (ms)" }, { key: "missing", label: "missing" }] })} </div> <h2>Events</h2> ${timeline.events.length === 0 ? renderTemplate`<p class="note">None.</p>` : renderTemplate`<ul data-testid="events">${timeline.events.map((e) => renderTemplate`<li><strong>${e.kind}</strong> at ${Math.floor((e.tMs - run.startedMs) / 1e3)} s: ${e.message}</li>`)}</ul>`}<h2>Setup</h2> <table><tbody>${setup.map(([k, v]) => renderTemplate`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}</tbody></table> ${run.notes && renderTemplate`<p data-testid="notes">${run.notes}</p>`}<p><a${addAttribute(`${base}/runs/${run.id}/replay/`, "href")}>Replay this run</a> · <a${addAttribute(`${base}/compare/?runs=${encodeURIComponent(run.id)}`, "href")}>Compare it with others</a></p> ` })}`;
}, "/work/main/site/src/pages/runs/[id]/index.astro", void 0);
const $$file = "/work/main/site/src/pages/runs/[id]/index.astro";
const $$url = "/runs/[id]";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Index,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
