// Each run's setup, summary and chartable timeline as a static JSON file the browser fetches
// (lib/run-report.ts runBody: the live page streams the same body), with each hold or capacity
// step as the figures its table gives.
import type { APIRoute, GetStaticPaths } from 'astro';
import { lookOf } from '../../../lib/backends';
import { runBody } from '../../../lib/run-report';
import { allRuns, holdsOf, seriesOf, timelineOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run, summary }) => ({ params: { id: run.id }, props: { summary } }));

export const GET: APIRoute = ({ params, props }) => {
  const timeline = timelineOf(params.id!);
  const body = runBody(timeline, lookOf(timeline.run.backend), seriesOf(timeline), { summary: props.summary, holds: holdsOf(timeline, props.summary) });
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
};
