import { S as SITE_TITLE, a as SITE_DESCRIPTION } from '../chunks/consts_CZ1bvD_h.mjs';
import { c as checkedWriteups } from '../chunks/writeups_Blo3N9PD.mjs';
export { renderers } from '../renderers.mjs';

const xml = (s) => s.replace(/[<>&'"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", "'": "&apos;", '"': "&quot;" })[c]);
const GET = async ({ site }) => {
  const base = "/".replace(/\/$/, "");
  const link = (path) => site ? new URL(`${base}${path}`, site).toString() : `${base}${path}`;
  const items = (await checkedWriteups()).map(
    (w) => `<item><title>${xml(w.data.title)}</title><link>${xml(link(`/writeups/${w.id}/`))}</link><guid>${xml(link(`/writeups/${w.id}/`))}</guid><pubDate>${w.data.pubDate.toUTCString()}</pubDate><description>${xml(w.data.description)}</description></item>`
  );
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>${xml(SITE_TITLE)}</title><link>${xml(link("/"))}</link><description>${xml(SITE_DESCRIPTION)}</description>${items.join("")}</channel></rss>
`;
  return new Response(body, { headers: { "content-type": "application/rss+xml" } });
};

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  GET
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
