// Browser side of the live pages. A run's page holds the run's JSON body as the built report
// fetches it (series, phases, events), grown by each event of the stream, and draws it through the
// report's chart module (site/src/lib/run-chart.ts). EventSource reconnects by itself and sends
// the last id it got, so a dropped connection resumes where it stopped.
import { formatValue, seriesDef } from '../../collector/metrics.ts';
import { escapeMarkup as esc } from '../src/lib/escape';
import { chartsWithData, type ReportChart } from '../src/lib/figures';
import { RunChart } from '../src/lib/run-chart';
import type { LiveDelta } from './feed';
import type { LiveAnswer, LiveRunEntry } from './server';

const text = (el: Element | null, s: string) => {
  if (el && el.textContent !== s) el.textContent = s;
};
const last = (xs: unknown): number | null => {
  if (!Array.isArray(xs)) return null;
  for (let i = xs.length - 1; i >= 0; i--) if (typeof xs[i] === 'number') return xs[i];
  return null;
};

class LiveRun extends HTMLElement {
  private body: { series: Record<string, any>; phases: LiveDelta['phases']; events: LiveDelta['events'] } = { series: { t: [], tickT: [] }, phases: [], events: [] };
  private readonly charts = new Map<string, RunChart>();
  private received = 0;

  connectedCallback() {
    const source = new EventSource(this.dataset.stream!);
    source.addEventListener('delta', (e) => this.apply(JSON.parse((e as MessageEvent).data) as LiveDelta, source));
    source.addEventListener('gone', (e) => {
      this.state('gone', `stopped: ${JSON.parse((e as MessageEvent).data).message}`);
      source.close();
    });
    source.addEventListener('open', () => this.dataset.finished !== 'true' && this.state('live', 'live'));
    // EventSource retries by itself, from the last id it got.
    source.addEventListener('error', () => this.dataset.finished !== 'true' && this.state('reconnecting', 'reconnecting…'));
  }

  private state(state: string, words: string) {
    const el = this.querySelector<HTMLElement>('[data-testid=live-state]')!;
    el.dataset.state = state;
    text(el.querySelector('[data-role=state-words]'), words);
  }

  private apply(d: LiveDelta, source: EventSource) {
    const s = this.body.series;
    for (const [key, column] of Object.entries(d.series)) {
      if (Array.isArray(column)) (s[key] ??= []).push(...column);
      else s[key] = column;
    }
    // Every delta carries every column of its grid; one that came without a key pads it.
    for (const key of Object.keys(s)) {
      const grid = key.startsWith('tick') && key !== 'tickBasis' ? s.tickT.length : s.t.length;
      if (Array.isArray(s[key]) && key !== 't' && key !== 'tickT') while (s[key].length < grid) s[key].push(null);
    }
    this.body.phases = d.phases;
    this.body.events = d.events;
    this.received += (d.series.received as (number | null)[] | undefined)?.reduce<number>((a, v) => a + (v ?? 0), 0) ?? 0;
    this.drawCharts();
    this.counters(d);
    if (d.figures) this.figures(d);
    this.eventsList(d);
    this.dataset.second = String(d.status.second);
    this.dataset.points = String(s.t.length);
    if (d.status.state === 'finished') {
      this.dataset.finished = 'true';
      this.classList.add('finished');
      this.querySelector<HTMLElement>('[data-testid=live-finished]')!.hidden = false;
      this.state('finished', 'finished');
    }
    if (d.final) source.close();
  }

  private drawCharts() {
    const box = this.querySelector('.charts')!;
    const specs = chartsWithData(JSON.parse(this.dataset.charts!) as ReportChart[], this.body.series);
    for (const spec of specs) {
      const existing = this.charts.get(spec.title);
      if (existing) {
        existing.setData(this.body);
        continue;
      }
      const figure = document.createElement('figure');
      figure.className = 'chart';
      figure.dataset.chart = spec.title;
      const caption = document.createElement('figcaption');
      caption.textContent = spec.title;
      const canvasBox = document.createElement('div');
      canvasBox.className = 'canvas-box';
      const canvas = document.createElement('canvas');
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${spec.title}: ${spec.series.map((m) => m.label).join(', ')}, against seconds since the run started`);
      canvasBox.append(canvas);
      figure.append(caption, canvasBox);
      // In the report's order, whichever chart got data first.
      const order = (JSON.parse(this.dataset.charts!) as ReportChart[]).map((c) => c.title);
      const after = [...box.children].find((c) => order.indexOf((c as HTMLElement).dataset.chart!) > order.indexOf(spec.title));
      box.insertBefore(figure, after ?? null);
      this.charts.set(spec.title, new RunChart(canvas, { metrics: spec.series as { key: string; label: string }[], color: this.dataset.color!, band: spec.band }, this.body));
    }
  }

  private counters(d: LiveDelta) {
    const s = this.body.series;
    const put = (name: string, value: string) => text(this.querySelector(`[data-counter=${name}]`), value);
    put('elapsed', formatValue('seconds', Math.max(0, d.status.second)));
    put('phase', d.status.phase ?? '–');
    // Each in its series' unit, as the charts beside them label it.
    const latest = (key: string) => formatValue(seriesDef(key)!.unit, last(s[key]));
    put('connections', latest('connections'));
    put('received', formatValue('count', this.received));
    put('rss', latest('rssBytes'));
    // CPU comes in bursts at each tick: the last 10 s's mean says more than the last second.
    const cpu = ((s.cpuPct ?? []) as (number | null)[]).slice(-10).filter((v): v is number => typeof v === 'number');
    put('cpu', formatValue(seriesDef('cpuPct')!.unit, cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : null));
  }

  private figures(d: LiveDelta) {
    const f = d.figures!;
    const badge = this.querySelector<HTMLElement>('[data-testid=verdict]')!;
    badge.className = `badge ${f.badge.cls}`;
    text(badge, f.badge.text);
    text(this.querySelector('[data-testid=verdict-reason]'), f.reason ?? '');
    const rows = f.rows.map((r) => `<tr><th scope="row" title="${esc(r.source ?? '')}">${esc(r.label)}</th><td data-figure="${esc(r.key)}">${esc(r.value)}</td></tr>`).join('');
    this.querySelector('[data-testid=figures] tbody')!.innerHTML = rows;
    text(this.querySelector('[data-testid=figures-as-of]'), f.final ? 'The run has ended: these are its report\'s figures.' : `As of second ${f.atSecond.toLocaleString('en-US')}, worked out again as the run goes (at most every 5 s), the way its report will.`);
    text(this.querySelector('[data-role=figures-note]'), f.note);
    this.querySelector('[data-testid=setup] tbody')!.innerHTML = f.setup.map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v)}</td></tr>`).join('');
  }

  private eventsList(d: LiveDelta) {
    const list = this.querySelector('[data-testid=events]')!;
    if (list.children.length === d.eventLines.length) return;
    list.innerHTML = d.eventLines.map((e) => `<li class="sev-${e.severity}"><span class="sev">${e.severity}</span> <strong>${esc(e.kind)}</strong> at ${e.second} s: ${esc(e.message)}</li>`).join('');
    (this.querySelector('[data-role=no-events]') as HTMLElement).hidden = d.eventLines.length > 0;
  }
}

/** The session page: polls the list of runs (a few, small) every 2 s. */
class LiveSession extends HTMLElement {
  connectedCallback() {
    void this.refresh();
    setInterval(() => void this.refresh(), 2000);
  }

  private async refresh() {
    const prefix = this.dataset.prefix!;
    const token = this.dataset.token;
    const q = token ? `?token=${encodeURIComponent(token)}` : '';
    const { runs, answers } = (await (await fetch(`${prefix}runs.json${q}`)).json()) as { runs: LiveRunEntry[]; answers: LiveAnswer[] };
    const started = (ms: number) => new Date(ms).toISOString().slice(11, 19) + ' UTC';
    this.querySelector('[data-testid=live-runs] tbody')!.innerHTML = runs
      .map((r) => `<tr data-run="${esc(r.id)}" data-status="${esc(r.status)}"><td data-label="Backend"><span><span style="color:${esc(r.color)}">■</span> ${esc(r.label)}</span></td><td data-label="Run"><a href="${prefix}runs/${encodeURIComponent(r.id)}/${q}">${esc(r.name)}</a></td><td data-label="Status"><span>${r.status === 'running' ? '<span class="live-dot"></span>running' : esc(r.verdict ?? r.status)}</span></td><td data-label="Started">${started(r.startedMs)}</td></tr>`)
      .join('');
    const done = runs.filter((r) => r.figures);
    this.querySelector('[data-testid=live-answer]')!.innerHTML = answers.flatMap((a) => a.sentences).map((s) => `<li>${esc(s)}</li>`).join('');
    (this.querySelector('[data-testid=live-comparison-empty]') as HTMLElement).hidden = done.length > 0;
    const table = this.querySelector('[data-testid=live-comparison]')!;
    if (done.length === 0) return void (table.innerHTML = '');
    const labels = done[0]!.figures!.map((f) => f.label);
    table.innerHTML = `<thead><tr><th></th>${done.map((r) => `<th scope="col"><span style="color:${esc(r.color)}">■</span> ${esc(r.label)}</th>`).join('')}</tr></thead><tbody>${labels
      .map((label, i) => `<tr><th scope="row">${esc(label)}</th>${done.map((r) => `<td data-figure="${esc(r.figures![i]?.key ?? '')}">${esc(r.figures!.find((f) => f.label === label)?.value ?? '–')}</td>`).join('')}</tr>`)
      .join('')}</tbody>`;
  }
}

customElements.define('wsb-live-run', LiveRun);
customElements.define('wsb-live-session', LiveSession);
