// `wsbench start` (what `npm start` runs): the main job on its embedded default, a short local
// uWS-vs-Socket.IO run into the default database, then the site built from it and served.
import type { AddressInfo } from 'node:net';
import { listRuns } from '../../collector/query.ts';
import { openDatabase, prepareToRead } from '../../collector/schema.ts';
import { REFERENCE_DIR } from '../../collector/reference.ts';
import { prepareSiteDatabase } from '../site-data.ts';
import { buildSite, serveSite } from '../../site/build.ts';
import { dbOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { RUN_EXIT, runCommand } from './run.ts';

function listRunsIn(file: string) {
  prepareToRead(file);
  const db = openDatabase(file, { readonly: true });
  try {
    return listRuns(db);
  } finally {
    db.close();
  }
}

export const startCommand: Command = {
  name: 'start',
  summary: 'the main job on its defaults: a quick uWS-vs-Socket.IO run (what `npm start` runs)',
  help: `Usage: wsbench start [options]

Runs the "quick" scenario against uws, then socketio (about two minutes here) with their live
pages on a free local port (the URL is printed first: open it to watch the runs as they go),
stores both runs in the database, prints their comparison, adds the reference runs of data/reference (measured
by the project, machine recorded) to the database, builds the site and serves it on
http://127.0.0.1:4321 until Ctrl-C (the URL, with the comparison's, is printed).

Options:
${DB_HELP}
  --port N           site port (default 4321; 0 picks a free one)
  --no-run           skip the run: build and serve the site from what the database holds

Examples:
  npm start
  wsbench start --db /tmp/try.db --port 0
  wsbench start --no-run`,

  async run(argv) {
    const { values } = parse('start', argv, { ...dbOption, port: { type: 'string' }, 'no-run': { type: 'boolean' } });
    const db = dbPath(values.db);
    const port = numberFlag('port', values.port, { min: 0, max: 65535, integer: true }) ?? 4321;
    // The runs' live pages link a finished run to its report on the site served next (a port
    // picked later has no address yet: the pages then name the report's path instead).
    const reportUrl = port === 0 ? [] : ['--report-url', `http://127.0.0.1:${port}/`];
    const code = values['no-run'] ? EXIT.ok : await runCommand.run(['--scenario', 'quick', '--db', db, '--live', ...reportUrl]);
    if (code === RUN_EXIT.aborted) return code;
    process.stderr.write(`\nwsbench start: runs stored in ${db}; building the site\n`);
    const server = await serveSite('site/dist', port);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    prepareSiteDatabase(db, { referenceDir: REFERENCE_DIR, quiet: true });
    // A site on this machine has no public address: 127.0.0.1 in a feed or a link preview would
    // point a reader at their own machine. So no absolute links, said once.
    process.stderr.write('wsbench start: built without a public URL: the feed\'s and Open Graph links are relative (wsbench site build --url https://your.host/ makes them absolute)\n');
    await buildSite({ db, outDir: 'site/dist', quiet: true });
    const newest = listRunsIn(db).slice(0, 2).map((r) => r.id);
    process.stdout.write(`${url}\n`);
    process.stderr.write(`wsbench start: the site is served at ${url} (compare the two runs: ${url}compare/?runs=${newest.join(',')}); Ctrl-C stops\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    server.close();
    return code;
  },
};
