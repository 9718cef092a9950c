// `wsbench start` (what `npm start` runs): the main job on its embedded default, a short local
// uWS-vs-Socket.IO run into the default database. The site is built and served after it once
// `wsbench site` exists (README, "Status").
import { dbOption, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { runCommand } from './run.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'the main job on its defaults: a quick uWS-vs-Socket.IO run (what `npm start` runs)',
  help: `Usage: wsbench start [options]

Runs the "quick" scenario against uws, then socketio (about two minutes here), stores both runs
in the database and prints their comparison; \`wsbench list\` and \`wsbench show RUN\` read them.

Options:
${DB_HELP}

Examples:
  npm start
  wsbench start --db /tmp/try.db`,

  async run(argv) {
    const { values } = parse('start', argv, { ...dbOption });
    const db = dbPath(values.db);
    const code = await runCommand.run(['--backend', 'uws,socketio', '--scenario', 'quick', '--db', db]);
    process.stderr.write(`\nwsbench start: runs stored in ${db}; see them with \`npx wsbench list\` and \`npx wsbench show RUN\`\n`);
    return code;
  },
};
