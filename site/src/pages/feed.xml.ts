// An RSS 2.0 feed of the write-ups, with absolute links when the site's URL is known.
import type { APIRoute } from 'astro';
import { SITE_DESCRIPTION, SITE_TITLE } from '../consts';
import { escapeMarkup as xml } from '../lib/escape';
import { checkedWriteups } from '../lib/writeups';

export const GET: APIRoute = async ({ site }) => {
  const base = import.meta.env.BASE_URL.replace(/\/$/, '');
  const link = (path: string) => (site ? new URL(`${base}${path}`, site).toString() : `${base}${path}`);
  const items = (await checkedWriteups()).map(
    (w) => `<item><title>${xml(w.data.title)}</title><link>${xml(link(`/writeups/${w.id}/`))}</link><guid>${xml(link(`/writeups/${w.id}/`))}</guid><pubDate>${w.data.pubDate.toUTCString()}</pubDate><description>${xml(w.data.description)}</description></item>`,
  );
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>${xml(SITE_TITLE)}</title><link>${xml(link('/'))}</link><description>${xml(SITE_DESCRIPTION)}</description>${items.join('')}</channel></rss>\n`;
  return new Response(body, { headers: { 'content-type': 'application/rss+xml' } });
};
