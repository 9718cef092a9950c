// `wsbench site` usage errors are one clear line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCliEach } from '../helpers/cli.ts';

test('site: a missing database, an unknown action and a bad --base are refused by name', async () => {
  const cases: [string[], number, RegExp][] = [
    [['site', 'build', '--db', '/no/such.db'], 1, /^wsbench site: \/no\/such\.db: no such database/],
    [['site', 'frob'], 2, /^wsbench site: say build or preview/],
    [['site', 'build', '--base', 'wsbench'], 2, /^wsbench site: --base must start with "\/", got "wsbench"/],
    [['site', 'build', '--url', 'not a url'], 2, /^wsbench site: --url must be an absolute URL/],
  ];
  const results = await runCliEach(cases.map(([args]) => args));
  for (const [i, [args, code, message]] of cases.entries()) {
    const res = results[i]!;
    assert.equal(res.code, code, `${args.join(' ')}: ${res.stderr}`);
    assert.match(res.stderr.trim(), message);
  }
});
