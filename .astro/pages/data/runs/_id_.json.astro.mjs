import { t as timelineOf, s as seriesOf, a as allRuns } from '../../../chunks/data_esHvj2kJ.mjs';
export { renderers } from '../../../renderers.mjs';

const getStaticPaths = () => allRuns().map(({ run, summary }) => ({ params: { id: run.id }, props: { summary } }));
const GET = ({ params, props }) => {
  const timeline = timelineOf(params.id);
  const body = {
    run: timeline.run,
    summary: props.summary,
    series: seriesOf(timeline),
    events: timeline.events.map((e) => ({ t: Math.floor((e.tMs - timeline.run.startedMs) / 1e3), kind: e.kind, message: e.message })),
    phases: timeline.phases
  };
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
};

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  GET,
  getStaticPaths
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
