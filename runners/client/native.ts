// Builds the native bulk client (native/wsclient.c) once per source version, with the system's C
// compiler and OpenSSL, into node_modules/.cache/wsbench/. Nothing is downloaded.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../common/errors.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const source = path.join(here, 'native', 'wsclient.c');
const outDir = path.resolve(here, '..', '..', 'node_modules', '.cache', 'wsbench');

/** The native client's file name where a client host builds it, in the remote bundle's folder. */
export const NATIVE_CLIENT_BINARY = 'wsclient';

/** The compiler's arguments for the native client, here and on a client host alike. */
export const nativeClientCcArgs = (out: string, source: string): string[] => ['-O2', '-Wall', '-o', out, source, '-lssl', '-lcrypto', '-lm'];

let built: string | undefined;

export function nativeClientBinary(): string {
  if (built) return built;
  const code = fs.readFileSync(source);
  const binary = path.join(outDir, `wsclient-${createHash('sha256').update(code).digest('hex').slice(0, 12)}`);
  if (!fs.existsSync(binary)) {
    fs.mkdirSync(outDir, { recursive: true });
    const temp = `${binary}.${process.pid}.tmp`;
    const cc = process.env.CC ?? 'cc';
    const result = spawnSync(cc, nativeClientCcArgs(temp, source), { encoding: 'utf8' });
    if (result.error || result.status !== 0) {
      const why = result.error ? result.error.message : (result.stderr.split('\n').find((l) => /error/.test(l)) ?? result.stderr.trim().split('\n')[0] ?? `exit ${result.status}`);
      throw new ConfigError(`the native client could not be built (${why}): install a C compiler and OpenSSL headers (apt-get install gcc libssl-dev), or use --client node`);
    }
    fs.renameSync(temp, binary);
  }
  built = binary;
  return binary;
}
