// `wsbench site build|preview`: the static report site from a database.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../../common/errors.ts';
import { openDatabase } from '../../collector/schema.ts';
import { REFERENCE_DIR } from '../../collector/reference.ts';
import { prepareSiteDatabase } from '../site-data.ts';
import { buildSite, serveSite } from '../../site/build.ts';
import { dbOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';

export const siteCommand: Command = {
  name: 'site',
  summary: 'build the static report site from a database, or serve a built one',
  help: `Usage: wsbench site build [options]
       wsbench site preview [options]

build writes a self-contained static folder (any static host serves it as is); preview serves
it on http://127.0.0.1:PORT and prints the URL.

Options:
${DB_HELP}
  --out DIR          output folder (default site/dist)
  --base PATH        sub-path the site is served under, e.g. /wsbench/ for a project page
  --url URL          the site's public URL, for absolute links and Open Graph tags
  --port N           preview port (default 4321; 0 picks a free one)
  --writeups DIR     folder of Markdown write-ups (default data/writeups); an empty folder
                     for none
  --no-reference     build without first importing the reference runs of data/reference
                     (the write-ups in data/writeups cite them, so give the site other
                     write-ups with --writeups too, or none)

Examples:
  wsbench site build && wsbench site preview
  wsbench site build --base /wsbench/ --url https://example.github.io/wsbench/`,

  async run(argv) {
    const { values, positionals } = parse('site', argv, { ...dbOption, out: { type: 'string' }, base: { type: 'string' }, url: { type: 'string' }, port: { type: 'string' }, writeups: { type: 'string' }, 'no-reference': { type: 'boolean' } }, 1);
    const action = positionals[0];
    const out = values.out ?? 'site/dist';
    const base = values.base ?? '/';
    if (!base.startsWith('/')) throw new ConfigError(`--base must start with "/", got "${base}"`);
    if (values.url) {
      try {
        new URL(values.url);
      } catch {
        throw new ConfigError(`--url must be an absolute URL, got "${values.url}"`);
      }
    }
    if (action === 'build') {
      const db = dbPath(values.db);
      // A missing database fails here, by name; prepareSiteDatabase upgrades an older one (and names a broken one).
      if (!fs.existsSync(db)) openDatabase(db, { readonly: true });
      if (!values.url) process.stderr.write('wsbench site: warning: no --url, so the feed\'s links and the Open Graph URLs are relative, which most feed readers and link previews reject; pass --url https://your.host/path/\n');
      prepareSiteDatabase(db, { referenceDir: values['no-reference'] ? undefined : REFERENCE_DIR });
      if (values.writeups !== undefined && !fs.statSync(values.writeups, { throwIfNoEntry: false })?.isDirectory()) throw new ConfigError(`--writeups ${values.writeups}: no such folder`);
      const dir = await buildSite({ db, outDir: out, base, siteUrl: values.url, ...(values.writeups !== undefined ? { writeupsDir: values.writeups } : {}) });
      process.stdout.write(`${dir}\n`);
      return EXIT.ok;
    }
    if (action === 'preview') {
      const port = numberFlag('port', values.port, { min: 0, max: 65535, integer: true }) ?? 4321;
      const server = await serveSite(out, port, '127.0.0.1', base);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${base}`;
      process.stdout.write(`${url}\n`);
      process.stderr.write(`wsbench site: serving ${out}; Ctrl-C stops\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      server.close();
      return EXIT.ok;
    }
    throw new ConfigError(`wsbench site: say build or preview (see \`wsbench site --help\`)`);
  },
};
