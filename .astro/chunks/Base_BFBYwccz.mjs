import { c as createComponent, d as addAttribute, b as renderTemplate, i as renderHead, j as renderSlot, e as createAstro } from './astro/server_YBCHUQ4X.mjs';
import 'piccolore';
import 'clsx';
import { a as SITE_DESCRIPTION, S as SITE_TITLE } from './consts_CZ1bvD_h.mjs';
/* empty css                            */

const $$Astro = createAstro();
const $$Base = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$Base;
  const { title, description = SITE_DESCRIPTION } = Astro2.props;
  const base = "/".replace(/\/$/, "");
  const canonical = Astro2.site ? new URL(Astro2.url.pathname, Astro2.site).toString() : void 0;
  return renderTemplate`<html lang="en"> <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ${SITE_TITLE}</title><meta name="description"${addAttribute(description, "content")}><meta property="og:title"${addAttribute(title, "content")}><meta property="og:description"${addAttribute(description, "content")}><meta property="og:type" content="article">${canonical && renderTemplate`<meta property="og:url"${addAttribute(canonical, "content")}>`}${canonical && renderTemplate`<link rel="canonical"${addAttribute(canonical, "href")}>`}${renderHead()}</head> <body> <header> <nav aria-label="Main"> <strong><a${addAttribute(`${base}/`, "href")}>${SITE_TITLE}</a></strong> <a${addAttribute(`${base}/`, "href")}>Runs</a> <a${addAttribute(`${base}/compare/`, "href")}>Compare</a> <a${addAttribute(`${base}/capacity/`, "href")}>Capacity</a> </nav> </header> <main>${renderSlot($$result, $$slots["default"])}</main> </body></html>`;
}, "/work/main/site/src/layouts/Base.astro", void 0);

export { $$Base as $ };
