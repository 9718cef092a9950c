import { c as createComponent, r as renderComponent, a as renderScript, b as renderTemplate, e as createAstro, m as maybeRenderHead, d as addAttribute } from '../../chunks/astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import { r as renderEntry, c as checkedWriteups } from '../../chunks/writeups_Blo3N9PD.mjs';
import { $ as $$Base } from '../../chunks/Base_BFBYwccz.mjs';
import { a as allRuns } from '../../chunks/data_esHvj2kJ.mjs';
export { renderers } from '../../renderers.mjs';

const $$Astro = createAstro();
const getStaticPaths = async () => (await checkedWriteups()).map((entry) => ({ params: { slug: entry.id }, props: { entry } }));
const $$slug = createComponent(async ($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$slug;
  const { entry } = Astro2.props;
  const { Content } = await renderEntry(entry);
  const runs = new Map(allRuns().map(({ run }) => [run.id, run]));
  const base = "/".replace(/\/$/, "");
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": entry.data.title, "description": entry.data.description }, { "default": async ($$result2) => renderTemplate` ${maybeRenderHead()}<article> <h1>${entry.data.title}</h1> <p class="note"><time${addAttribute(entry.data.pubDate.toISOString(), "datetime")}>${entry.data.pubDate.toISOString().slice(0, 10)}</time></p> ${renderComponent($$result2, "wsb-writeup", "wsb-writeup", { "data-base": base }, { "default": () => renderTemplate`${renderComponent($$result2, "Content", Content, {})}` })} ${entry.data.runs.length > 0 && renderTemplate`<aside> <h2>Runs discussed</h2> <ul>${entry.data.runs.map((id) => renderTemplate`<li><a${addAttribute(`${base}/runs/${id}/`, "href")}>${runs.get(id)?.name}</a> (${runs.get(id)?.backend}, ${runs.get(id)?.host})</li>`)}</ul> </aside>`} </article> ` })} ${renderScript($$result, "/work/main/site/src/pages/writeups/[slug].astro?astro&type=script&index=0&lang.ts")}`;
}, "/work/main/site/src/pages/writeups/[slug].astro", void 0);
const $$file = "/work/main/site/src/pages/writeups/[slug].astro";
const $$url = "/writeups/[slug]";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$slug,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
