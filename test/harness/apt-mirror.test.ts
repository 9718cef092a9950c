// test:arm64's Debian mirror is the one this machine's apt uses (a user behind a mirror gets
// theirs), read from sources.list or deb822 .sources; a machine with none is told what to set.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../helpers/fixtures.ts';

const SCRIPT = path.resolve('test/helpers/apt-mirror.sh');

function mirrorOf(files: Record<string, string>): { code: number | null; out: string } {
  const etc = tempDir('wsbench-apt-');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(etc, name)), { recursive: true });
    fs.writeFileSync(path.join(etc, name), text);
  }
  const res = spawnSync('bash', [SCRIPT], { env: { ...process.env, WSBENCH_APT_ETC: etc }, encoding: 'utf8', timeout: 10_000 });
  return { code: res.status, out: res.stdout.trim() };
}

const OS = { 'os-release': 'ID=debian\nVERSION_CODENAME=bookworm\n' };

test('one-line sources: the first deb line of our release, options skipped; security and other releases are not it', { timeout: 20_000 }, () => {
  const list = [
    '# a comment',
    'deb-src http://src.example/debian bookworm main',
    'deb http://sec.example/debian-security bookworm-security main',
    'deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib',
    'deb http://other.example/debian bookworm main',
  ].join('\n');
  assert.deepEqual(mirrorOf({ ...OS, 'apt/sources.list': list }), { code: 0, out: 'http://mirror.example/debian' });
});

test('deb822 sources: the URIs of the first deb stanza whose suites hold our release', { timeout: 20_000 }, () => {
  const sources = [
    'Types: deb', 'URIs: https://vendor.example/apt', 'Suites: nodistro', 'Components: main', '',
    'Types: deb deb-src', 'URIs: http://local-mirror:3142/debian', 'Suites: bookworm bookworm-updates', 'Components: main', '',
  ].join('\n');
  assert.deepEqual(mirrorOf({ ...OS, 'apt/sources.list.d/debian.sources': sources }), { code: 0, out: 'http://local-mirror:3142/debian' });
});

test('no Debian source for this release: exit 1 and nothing printed', { timeout: 20_000 }, () => {
  assert.deepEqual(mirrorOf({ ...OS, 'apt/sources.list': 'deb http://archive.ubuntu.com/ubuntu noble main\n' }), { code: 1, out: '' });
  assert.deepEqual(mirrorOf({ 'apt/sources.list': 'deb http://x/debian bookworm main\n' }), { code: 1, out: '' });
});
