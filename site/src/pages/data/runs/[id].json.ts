// Each run's setup, summary and chartable timeline as a static JSON file the browser fetches:
// series on the seconds-since-start grid, phases and events on the same axis, events with the
// severity they are drawn with, and each hold or capacity step as the figures its table gives.
import type { APIRoute, GetStaticPaths } from 'astro';
import { eventSeverity } from '../../../../../collector/events.ts';
import { secondOf } from '../../../../../collector/stats.ts';
import { colorOf, labelOf } from '../../../lib/backends';
import { allRuns, holdsOf, seriesOf, timelineOf } from '../../../lib/data';

export const getStaticPaths: GetStaticPaths = () => allRuns().map(({ run, summary }) => ({ params: { id: run.id }, props: { summary } }));

export const GET: APIRoute = ({ params, props }) => {
  const timeline = timelineOf(params.id!);
  const zero = secondOf(timeline.run.startedMs);
  const at = (ms: number) => Math.round((ms - zero) / 100) / 10;
  const body = {
    // A run from before schema 4 recorded no label or colour: the site's, as every page names it
    // (the compare page read "uws used 12.2x less" where the pair page said "uWS").
    run: { ...timeline.run, backendLabel: labelOf(timeline.run.backend), backendColor: colorOf(timeline.run.backend) },
    summary: props.summary,
    series: seriesOf(timeline),
    events: timeline.events.map((e) => ({ t: Math.floor(at(e.tMs)), kind: e.kind, message: e.message, severity: eventSeverity(e.kind, e.data) })),
    // Each hold or step as one point per series, for charts against connections.
    holds: holdsOf(timeline, props.summary),
    phases: timeline.phases.map((p) => ({ name: p.name, step: p.step, targetConnections: p.targetConnections, from: at(p.startedMs), to: p.endedMs === null ? null : at(p.endedMs), verdict: p.verdict })),
  };
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
};
