// `wsbench export RUN` and `wsbench import FILE`: hand a run to someone else, with everything its
// report, `show` and `check` read (histograms per second, not per shard: collector/compact.ts).
import fs from 'node:fs';
import { ConfigError } from '../../common/errors.ts';
import { openDatabase, prepareToRead } from '../../collector/schema.ts';
import { exportRun, importRun, parseExport, serializeExport } from '../../collector/transfer.ts';
import { dbOption, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'write one run (setup, samples, ticks, phases, events) as JSON',
  help: `Usage: wsbench export RUN [options]

Writes the run as JSON to stdout, or to a file with -o (gzipped when it ends in .gz). Every
sample, tick, phase and event is kept; latency and jitter histograms are merged per second over
the client shards at 2 significant digits (within 0.8%), which is all any figure reads of them:
a 10-minute 100k run exports in about 2 MB (npm run bench:storage).

Options:
${DB_HELP}
  -o, --output FILE  write to FILE instead of stdout
  --gzip             gzip the output

Examples:
  wsbench export 20261128-0930-uws > run.json
  wsbench export 20261128-0930-uws -o run.json.gz`,

  async run(argv) {
    const { values, positionals } = parse('export', argv, { ...dbOption, output: { type: 'string', short: 'o' }, gzip: { type: 'boolean' } }, 1);
    const id = positionals[0];
    if (!id) throw new ConfigError('wsbench export: which run? give its id (see `wsbench list`)');
    const gzip = values.gzip ?? values.output?.endsWith('.gz') ?? false;
    if (!values.output && gzip && process.stdout.isTTY) throw new ConfigError('--gzip would write binary to the terminal: redirect stdout or use -o FILE');
    prepareToRead(dbPath(values.db));
    const db = openDatabase(dbPath(values.db), { readonly: true });
    let bytes: Buffer;
    try {
      bytes = serializeExport(exportRun(db, id), gzip);
    } finally {
      db.close();
    }
    if (values.output) fs.writeFileSync(values.output, bytes);
    else await new Promise<void>((resolve, reject) => process.stdout.write(bytes, (err) => (err ? reject(err) : resolve())));
    return EXIT.ok;
  },
};

export const importCommand: Command = {
  name: 'import',
  summary: 'merge exported runs into a database',
  help: `Usage: wsbench import FILE... [options]

Reads files written by \`wsbench export\` (plain or gzipped). A run already present with the
same content is skipped; with different content it is refused unless --replace is given.

Options:
${DB_HELP}
  --replace          overwrite a run that exists with different content

Examples:
  wsbench import run.json.gz
  wsbench import --db data/reference.db data/reference/*.json.gz`,

  async run(argv) {
    const { values, positionals } = parse('import', argv, { ...dbOption, replace: { type: 'boolean' } }, Infinity);
    if (positionals.length === 0) throw new ConfigError('wsbench import: give at least one file written by `wsbench export`');
    const exports = positionals.map((file) => {
      if (!fs.existsSync(file)) throw new ConfigError(`wsbench import: no such file ${file}`);
      return { file, data: parseExport(fs.readFileSync(file), file) };
    });
    const db = openDatabase(dbPath(values.db));
    try {
      for (const { file, data } of exports) {
        const result = importRun(db, data, { replace: values.replace });
        process.stdout.write(`${result.runId}: ${result.action}${result.rows ? ` (${result.rows} rows)` : ''} from ${file}\n`);
      }
    } finally {
      db.close();
    }
    return EXIT.ok;
  },
};
