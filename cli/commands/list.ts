// `wsbench list`: the runs in a database, newest first.
import { listRuns } from '../../collector/query.ts';
import { openDatabase, prepareToRead } from '../../collector/schema.ts';
import { dbOption, jsonOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { formatDuration, formatTime, table } from '../format.ts';

export const listCommand: Command = {
  name: 'list',
  summary: 'list the runs in a database',
  help: `Usage: wsbench list [options]

Options:
${DB_HELP}
  --backend NAME     only runs of this backend (uws, socketio)
  --scenario NAME    only runs of this scenario (quick, capacity, soak, seed-100k)
  --status STATUS    running, completed, aborted, crashed or failed
  --verdict VERDICT  stable, unstable, crashed, aborted or client-bound
  --series ID        only the runs of one series (wsbench run --repeat), in the order they ran
  --limit N          at most N runs
  --json             print the runs as JSON on stdout

Examples:
  wsbench list
  wsbench list --backend uws --scenario capacity --json
  wsbench list --series 20261203-101500-x5-quick-3f2a`,

  async run(argv) {
    const { values } = parse('list', argv, {
      ...dbOption,
      ...jsonOption,
      backend: { type: 'string' },
      scenario: { type: 'string' },
      status: { type: 'string' },
      verdict: { type: 'string' },
      series: { type: 'string' },
      limit: { type: 'string' },
    });
    const limit = numberFlag('limit', values.limit, { min: 1, integer: true });
    prepareToRead(dbPath(values.db));
    const db = openDatabase(dbPath(values.db), { readonly: true });
    try {
      const runs = listRuns(db, { backend: values.backend, scenario: values.scenario, status: values.status, verdict: values.verdict, series: values.series, limit });
      // A series column only where a run belongs to one.
      const series = runs.some((r) => r.seriesId !== null);
      if (values.json) {
        process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
      } else if (runs.length === 0) {
        process.stderr.write('no runs match\n');
      } else {
        process.stdout.write(
          table(
            ['ID', 'STARTED', 'BACKEND', 'SCENARIO', 'STATUS', 'VERDICT', 'DURATION', ...(series ? ['SERIES'] : []), 'NAME'],
            runs.map((r) => [
              r.id,
              formatTime(r.startedMs),
              r.backend,
              r.scenario,
              r.status,
              r.verdict ?? '–',
              formatDuration(r.endedMs === null ? null : r.endedMs - r.startedMs),
              ...(series ? [r.seriesId === null ? '–' : `${r.seriesId} #${(r.seriesSeq ?? 0) + 1}`] : []),
              r.name,
            ]),
          ),
        );
      }
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
