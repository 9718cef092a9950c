// "Download this run": the run exactly as `wsbench export --gzip` writes it; `wsbench import`
// reads it back. Gzipped: a long run's per-second histograms make tens of MB of JSON.
import type { APIRoute, GetStaticPaths } from 'astro';
import { serializeExport } from '../../../../../collector/transfer.ts';
import { allRuns, exportOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run }) => ({ params: { id: run.id } }));

export const GET: APIRoute = ({ params }) => new Response(serializeExport(exportOf(params.id!), true), { headers: { 'content-type': 'application/gzip' } });
