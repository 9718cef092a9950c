// Each run's setup, summary and chartable timeline as a static JSON file the browser fetches.
import type { APIRoute, GetStaticPaths } from 'astro';
import { allRuns, seriesOf, timelineOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run, summary }) => ({ params: { id: run.id }, props: { summary } }));

export const GET: APIRoute = ({ params, props }) => {
  const timeline = timelineOf(params.id!);
  const body = {
    run: timeline.run,
    summary: props.summary,
    series: seriesOf(timeline),
    events: timeline.events.map((e) => ({ t: Math.floor((e.tMs - timeline.run.startedMs) / 1000), kind: e.kind, message: e.message })),
    phases: timeline.phases,
  };
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
};
