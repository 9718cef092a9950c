// `wsbench collector`: the long-running ingestion service that runners stream samples into.
import { ConfigError } from '../../common/errors.ts';
import { openDatabase } from '../../collector/schema.ts';
import { CollectorService, SERVICE_DEFAULTS } from '../../collector/service.ts';
import { CollectorRuns } from '../../site/live/catalogs.ts';
import { LivePages } from '../../site/live/server.ts';
import { bytesFlag, dbOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';

export const collectorCommand: Command = {
  name: 'collector',
  summary: 'run the ingestion service that runners stream samples to',
  help: `Usage: wsbench collector [options]

Starts the ingestion service: runners POST NDJSON batches to /v1/batches; GET /v1/health
answers with counters. Prints the service URL on stdout, then runs until Ctrl-C.

Live pages: URL/live/ lists the runs streaming in (and the latest finished), each with a page
that follows it second by second with its report's charts and figures. Read-only; with a token,
open them as URL/live/?token=TOKEN.

Options:
${DB_HELP}
  --host ADDR        address to bind (default ${SERVICE_DEFAULTS.host}; anything else needs --token)
  --port N           port (default ${SERVICE_DEFAULTS.port}; 0 picks a free one)
  --token TOKEN      require "Authorization: Bearer TOKEN" (default: $WSBENCH_TOKEN)
  --max-body SIZE    largest batch accepted (default 16m)
  --max-rate N       batches per second per sender address (default ${SERVICE_DEFAULTS.maxBatchesPerSec})

Examples:
  wsbench collector
  wsbench collector --db /srv/wsbench.db --host 0.0.0.0 --port 7070 --token "$(openssl rand -hex 16)"`,

  async run(argv) {
    const { values } = parse('collector', argv, {
      ...dbOption,
      host: { type: 'string' },
      port: { type: 'string' },
      token: { type: 'string' },
      'max-body': { type: 'string' },
      'max-rate': { type: 'string' },
    });
    const token = values.token ?? process.env.WSBENCH_TOKEN;
    if (token !== undefined && token.length < 8) throw new ConfigError('--token must be at least 8 characters');
    const options = {
      host: values.host ?? SERVICE_DEFAULTS.host,
      port: numberFlag('port', values.port, { min: 0, max: 65535, integer: true }) ?? SERVICE_DEFAULTS.port,
      token,
      maxBodyBytes: bytesFlag('max-body', values['max-body'], 1024),
      maxBatchesPerSec: numberFlag('max-rate', values['max-rate'], { min: 1 }),
    };
    const file = dbPath(values.db);
    const db = openDatabase(file);
    const service = new CollectorService(db, options);
    const live = new LivePages(new CollectorRuns(db), { prefix: '/live/', token, title: `collector writing to ${file}` });
    service.mount((req, res) => live.handle(req, res));
    let url: string;
    try {
      url = await service.listen();
    } catch (err) {
      live.close();
      db.close();
      const e = err as NodeJS.ErrnoException;
      if (e.code === 'EADDRINUSE') throw new ConfigError(`--port ${options.port} is already in use on ${options.host}`);
      if (e.code === 'EADDRNOTAVAIL') throw new ConfigError(`--host ${options.host} is not an address of this machine`);
      throw err;
    }
    process.stdout.write(`${url}\n`);
    process.stderr.write(`wsbench collector: writing to ${file}; live pages at ${url}/live/${token ? '?token=TOKEN' : ''}; Ctrl-C stops\n`);
    const status = process.stderr.isTTY
      ? setInterval(() => {
          const s = service.stats;
          process.stderr.write(`\r${s.batches} batches, ${s.records} records, ${s.duplicates} retries deduplicated, ${s.rejected} refused   `);
        }, 1000)
      : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    if (status) clearInterval(status);
    live.close();
    await service.close();
    db.close();
    process.stderr.write(`\nwsbench collector: stopped after ${service.stats.batches} batches\n`);
    return EXIT.ok;
  },
};
