// "Download this run": the run exactly as `wsbench export` writes it; `wsbench import` reads it back.
import type { APIRoute, GetStaticPaths } from 'astro';
import { allRuns, exportOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run }) => ({ params: { id: run.id } }));

export const GET: APIRoute = ({ params }) => new Response(JSON.stringify(exportOf(params.id!)), { headers: { 'content-type': 'application/json' } });
