// What a target needs to run a backend and its sampler, built here and copied over SSH: the
// agent and the server processes as self-contained bundles (every package inside, since the
// target has no node_modules) and the one uWS binary that fits it. The folder on the target is
// named by a hash of its content, so an unchanged bundle is copied once and reused.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serverEntries } from '../backends/registry.ts';
import { NATIVE_CLIENT_BINARY, nativeClientCcArgs } from '../client/native.ts';
import { BUILD_CACHE_DIR, bundleName, PROJECT_ROOT } from '../process/compile.ts';
import { BUNDLED_VERSIONS_FILE, packageVersion } from '../process/packages.ts';
import type { SshHost } from './ssh.ts';
import type { UwsBuild } from './uws-build.ts';

const root = PROJECT_ROOT;
export const AGENT_ENTRY = 'runners/remote/agent.ts';
export const CLIENT_AGENT_ENTRY = 'runners/remote/client-agent.ts';
const NATIVE_CLIENT_SOURCE = 'runners/client/native/wsclient.c';
const NATIVE_CLIENT_FILE = 'wsclient.c';
const BUNDLED_PACKAGES = ['socket.io', 'engine.io', 'ws', '@socket.io/cluster-adapter', 'hdr-histogram-js'];
// Server side (the agent and every backend's server processes) and client side (client agent, TypeScript shard).
const entries = () => [AGENT_ENTRY, ...serverEntries(), CLIENT_AGENT_ENTRY, 'runners/client/shard.ts'];

// Bundled CommonJS packages (socket.io, ws) call require() for Node's own modules.
const BANNER = "import { createRequire as __wsbenchRequire } from 'node:module'; const require = __wsbenchRequire(import.meta.url);";

export interface RemoteBundle {
  /** Local folder with everything to copy. */
  dir: string;
  hash: string;
  /** Relative to the bundle folder, when a uWS binary is included. */
  uwsBinary: string | null;
}

export async function buildRemoteBundle(uws: UwsBuild | null): Promise<RemoteBundle> {
  const staging = path.join(BUILD_CACHE_DIR, `remote-${process.pid}-${Date.now()}`);
  fs.mkdirSync(staging, { recursive: true });
  for (const entry of entries()) {
    await build({
      entryPoints: [path.join(root, entry)],
      outfile: path.join(staging, bundleName(entry)),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      banner: { js: BANNER },
      // Optional speed-ups of ws that are not installed (and not wanted: every backend runs without them).
      external: ['bufferutil', 'utf-8-validate'],
      logLevel: 'silent',
    });
  }
  // The bundled packages' versions, for the build string each backend records.
  const versions = Object.fromEntries(BUNDLED_PACKAGES.map((name) => [name, packageVersion(name)]));
  fs.writeFileSync(path.join(staging, BUNDLED_VERSIONS_FILE), JSON.stringify(versions, null, 1));
  // The native bulk client's source: a client host with a C compiler and OpenSSL headers builds it.
  fs.copyFileSync(path.join(root, NATIVE_CLIENT_SOURCE), path.join(staging, NATIVE_CLIENT_FILE));
  let uwsBinary: string | null = null;
  if (uws) {
    fs.mkdirSync(path.join(staging, 'uws'));
    uwsBinary = path.join('uws', path.basename(uws.file));
    fs.copyFileSync(uws.file, path.join(staging, uwsBinary));
    // The loader reads the version beside the binary; the build string then names the package.
    fs.writeFileSync(path.join(staging, 'uws', 'package.json'), JSON.stringify({ name: uws.packageName, version: uws.version }));
  }
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(staging, { recursive: true }).map(String).sort()) {
    const full = path.join(staging, file);
    if (fs.statSync(full).isFile()) hash.update(file).update(fs.readFileSync(full));
  }
  const digest = hash.digest('hex').slice(0, 16);
  const dir = path.join(BUILD_CACHE_DIR, `remote-${digest}`);
  if (fs.existsSync(dir)) fs.rmSync(staging, { recursive: true, force: true });
  else fs.renameSync(staging, dir);
  return { dir, hash: digest, uwsBinary };
}

/** The bundle's folder on the target (under the login user's home). */
export const remoteDir = (bundle: RemoteBundle) => `.cache/wsbench/${bundle.hash}`;

/** Copies the bundle with tar over SSH unless the target has it complete already. */
export async function shipBundle(ssh: SshHost, bundle: RemoteBundle, progress: (line: string) => void): Promise<void> {
  const dir = remoteDir(bundle);
  const present = await ssh.exec(`test -f ${dir}/.complete && echo yes || echo no`, { timeoutMs: 30_000 });
  if (present.trim() === 'yes') return progress(`target has bundle ${bundle.hash} already`);
  const tarball = execFileSync('tar', ['-C', bundle.dir, '-czf', '-', '.'], { maxBuffer: 512 * 1024 * 1024 });
  progress(`copying ${(tarball.length / 1e6).toFixed(1)} MB to ${ssh.target.host}:~/${dir}`);
  await ssh.exec(`rm -rf ${dir}.tmp && mkdir -p ${dir}.tmp && tar -xzf - -C ${dir}.tmp && touch ${dir}.tmp/.complete && rm -rf ${dir} && mv ${dir}.tmp ${dir}`, { input: tarball, timeoutMs: 300_000 });
}

/**
 * Builds the native bulk client on a host, in the bundle's folder (once per bundle), with the
 * host's own C compiler and OpenSSL. Returns null when built, or why it could not be.
 */
export async function buildNativeClientOn(ssh: SshHost, bundle: RemoteBundle): Promise<string | null> {
  const dir = remoteDir(bundle);
  const out = await ssh.exec(
    `cd "$HOME/${dir}" && if test -x ${NATIVE_CLIENT_BINARY}; then echo built; elif \${CC:-cc} ${nativeClientCcArgs(`${NATIVE_CLIENT_BINARY}.tmp`, NATIVE_CLIENT_FILE).join(' ')} 2>build.log && mv ${NATIVE_CLIENT_BINARY}.tmp ${NATIVE_CLIENT_BINARY}; then echo built; else echo "failed: $( (grep -m1 -i error build.log || head -n1 build.log || echo 'no C compiler') | cut -c1-200)"; fi`,
    { timeoutMs: 120_000 },
  );
  const line = out.trim().split('\n').pop() ?? '';
  return line === 'built' ? null : line.replace(/^failed: /, '') || 'the build printed nothing';
}
