// Each page's link image (og:image) as a PNG, made at build time (lib/og-images.ts, og-image.ts).
import type { APIRoute, GetStaticPaths } from 'astro';
import { checkedWriteups } from '../../lib/writeups';
import { imagePages, type ImagePage } from '../../lib/og-images';
import { pngOf, verdictSvg } from '../../lib/og-image';

export const getStaticPaths: GetStaticPaths = async () => imagePages(await checkedWriteups()).map((page) => ({ params: { name: page.name }, props: { page } }));

export const GET: APIRoute = async ({ props }) => {
  const png = await pngOf(verdictSvg((props.page as ImagePage).image()));
  return new Response(png, { headers: { 'content-type': 'image/png' } });
};
