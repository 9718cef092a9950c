// `wsbench start` (what `npm start` runs): the main job on its embedded default. Until the run
// orchestrator and the site exist it prepares the database and serves the collector, so a runner
// on this machine or another can stream into it.
import { openDatabase, schemaVersionOf } from '../../../collector/schema.ts';
import { listRuns } from '../../../collector/query.ts';
import { dbOption, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { collectorCommand } from './collector.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'the main job on its defaults (what `npm start` runs)',
  help: `Usage: wsbench start [options]

Opens (and creates or upgrades) the database, says what it holds, then serves the collector on
http://127.0.0.1:7070 until Ctrl-C. The quick uWS-vs-Socket.IO run and the site join this
command when \`wsbench run\` and \`wsbench site\` land (see README.md, "Status").

Options:
${DB_HELP}
  --port N           collector port (default 7070; 0 picks a free one)

Examples:
  npm start
  wsbench start --db /tmp/try.db --port 0`,

  async run(argv) {
    const { values } = parse('start', argv, { ...dbOption, port: { type: 'string' } });
    if (values.help) {
      process.stdout.write(this.help + '\n');
      return EXIT.ok;
    }
    const file = dbPath(values.db);
    const db = openDatabase(file);
    const runs = listRuns(db);
    process.stderr.write(`wsbench: ${file} (schema ${schemaVersionOf(db)}) holds ${runs.length} run(s)\n`);
    db.close();
    return collectorCommand.run(['--db', file, ...(values.port ? ['--port', values.port] : [])]);
  },
};
