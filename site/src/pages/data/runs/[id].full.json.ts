// Each run's series at full resolution (one point a second), fetched only when a reader zooms.
import type { APIRoute, GetStaticPaths } from 'astro';
import { allRuns, seriesOf, timelineOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run }) => ({ params: { id: run.id } }));

export const GET: APIRoute = ({ params }) =>
  new Response(JSON.stringify({ series: seriesOf(timelineOf(params.id!), Infinity) }), { headers: { 'content-type': 'application/json' } });
