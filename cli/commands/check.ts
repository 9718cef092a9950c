// `wsbench check CANDIDATE --against BASELINE`: did a change make a server slower or bigger? Each
// side is a run, a series or exported run files; every checked figure is compared by
// collector/check.ts, and anything that regressed makes the exit code 6.
import fs from 'node:fs';
import { checkSides, CHECK_THRESHOLDS, parseThresholds, type CheckRow, type SideValues } from '../../collector/check.ts';
import { HEADLINE, headlineValues, type HeadlineKey } from '../../collector/metrics.ts';
import { getRun, getSummary, listRuns } from '../../collector/query.ts';
import { isSeries } from '../../collector/repeats.ts';
import { openDatabase, prepareToRead, type Db } from '../../collector/schema.ts';
import { importRun, parseExport } from '../../collector/transfer.ts';
import { ConfigError } from '../../common/errors.ts';
import { dbOption, jsonOption, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { table } from '../format.ts';

/** Exit code when any figure regressed (wsbench run uses 0, 2, 3, 4, 5 and 130). */
export const CHECK_REGRESSED = 6;

export const checkCommand: Command = {
  name: 'check',
  summary: 'check a run or series against a baseline: exit 6 when a figure regressed',
  help: `Usage: wsbench check CANDIDATE --against BASELINE [options]

Each side is a run id (or a unique prefix), a series id (wsbench run --repeat), or exported run
files (wsbench export), comma-separated. Backends are compared with themselves: uws against
uws, socketio against socketio. A figure regressed when the candidate's median is worse than the
baseline's by more than its threshold and outside the range the baseline's own runs covered.

Checked by default (threshold, from the metric catalogue):
${Object.entries(CHECK_THRESHOLDS).map(([key, t]) => `  ${key.padEnd(22)} ${(t! * 100).toFixed(2).replace(/\.?0+$/, '')}%  ${HEADLINE[key as HeadlineKey].label}`).join('\n')}

Options:
  --against BASELINE         what to compare with (required)
  --threshold METRIC=PCT     a threshold of your own, or a figure to check too (repeatable)
  --markdown                 print a Markdown summary (for a CI comment) instead of the table
  --json                     print every row as JSON on stdout
${DB_HELP}

Exit codes: 0 nothing regressed, ${CHECK_REGRESSED} something regressed, 1 a side cannot be read,
2 bad usage.

Examples:
  wsbench check 20261203-101500-x5-quick-3f2a --against baseline.json.gz
  wsbench check new-uws.json.gz --against data/reference/20261203-030023-uws-quick-4b61.json.gz --threshold latencyP99Ms=50%`,

  async run(argv) {
    const { values, positionals } = parse('check', argv, { ...dbOption, ...jsonOption, against: { type: 'string' }, threshold: { type: 'string', multiple: true }, markdown: { type: 'boolean' } }, 1);
    const candidate = positionals[0];
    if (!candidate) throw new ConfigError('wsbench check: what to check? give a run, a series or exported files (see `wsbench check --help`)');
    if (!values.against) throw new ConfigError('wsbench check: --against BASELINE is required: the run, series or exported files to compare with');
    if (values.json && values.markdown) throw new ConfigError('--json and --markdown exclude each other');
    let own: ReturnType<typeof parseThresholds>;
    try {
      own = parseThresholds(values.threshold ?? []);
    } catch (err) {
      throw new ConfigError((err as Error).message);
    }
    const rows = checkSides(readSide(values.against, values.db), readSide(candidate, values.db), { ...CHECK_THRESHOLDS, ...own });
    if (rows.length === 0) throw new ConfigError(`wsbench check: ${candidate} and ${values.against} have no backend in common`);
    process.stdout.write(values.json ? JSON.stringify(rows, null, 2) + '\n' : values.markdown ? markdownOf(rows, candidate, values.against) : tableOf(rows));
    return rows.some((r) => r.outcome === 'regressed') ? CHECK_REGRESSED : EXIT.ok;
  },
};

/** Every figure of each run of a side, by backend. Files are read into a database of their own. */
function readSide(side: string, dbFlag: string | undefined): SideValues {
  const parts = side.split(',').map((p) => p.trim()).filter(Boolean);
  const files = parts.filter((p) => fs.existsSync(p) && fs.statSync(p).isFile());
  if (files.length > 0 && files.length < parts.length) throw new ConfigError(`${side}: mixes files and ids; give exported files, or one run or series id`);
  let db: Db;
  let ids: string[];
  if (files.length > 0) {
    db = openDatabase(':memory:');
    ids = files.map((file) => importRun(db, parseExport(fs.readFileSync(file), file)).runId);
  } else {
    if (parts.length !== 1) throw new ConfigError(`${side}: give one run or series id (exported files may be comma-separated)`);
    prepareToRead(dbPath(dbFlag));
    db = openDatabase(dbPath(dbFlag), { readonly: true });
    ids = isSeries(db, parts[0]!) ? listRuns(db, { series: parts[0]! }).map((r) => r.id) : [getRun(db, parts[0]!).id];
  }
  try {
    const values: SideValues = {};
    for (const id of ids) {
      const mine = (values[getRun(db, id).backend] ??= {});
      for (const [key, value] of Object.entries(headlineValues(getSummary(db, id) as never)) as [HeadlineKey, number | null][]) (mine[key] ??= []).push(value);
    }
    return values;
  } finally {
    db.close();
  }
}

const MARK: Record<CheckRow['outcome'], string> = { regressed: 'REGRESSED', improved: 'improved', unchanged: 'ok', 'not measured': '–' };

function tableOf(rows: CheckRow[]): string {
  const regressed = rows.filter((r) => r.outcome === 'regressed');
  return `${table(['BACKEND', 'RESULT', 'FIGURE'], rows.map((r) => [r.backend, MARK[r.outcome], r.words]))}\n${regressed.length ? `${regressed.length} regressed: ${regressed.map((r) => `${r.backend} ${r.key}`).join(', ')}` : 'nothing regressed'}\n`;
}

function markdownOf(rows: CheckRow[], candidate: string, baseline: string): string {
  const regressed = rows.filter((r) => r.outcome === 'regressed').length;
  const cell = (t: string) => t.replace(/\|/g, '\\|');
  return [
    `### wsbench check: ${regressed ? `${regressed} regressed` : 'nothing regressed'}`,
    '',
    `\`${cell(candidate)}\` against \`${cell(baseline)}\``,
    '',
    '| backend | result | figure |',
    '|---|---|---|',
    ...rows.map((r) => `| ${cell(r.backend)} | ${r.outcome === 'regressed' ? '**regressed**' : MARK[r.outcome]} | ${cell(r.words)} |`),
    '',
  ].join('\n');
}
