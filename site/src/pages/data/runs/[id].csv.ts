// "Download the timeline": every second of the run as CSV, one column per series, units in the header.
import type { APIRoute, GetStaticPaths } from 'astro';
import { allRuns, csvOf, timelineOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run }) => ({ params: { id: run.id } }));

export const GET: APIRoute = ({ params }) => new Response(csvOf(timelineOf(params.id!)), { headers: { 'content-type': 'text/csv' } });
