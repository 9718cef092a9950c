// Which Node runs the servers under test on this machine. Normally the one running wsbench; with
// `--server-node PATH` another; and when no uWebSockets.js build loads in this Node (the
// official builds need glibc >= 2.38, the older one Node <= 20), Node 20 from the npm registry's
// `node-linux-<arch>` package, fetched once into ~/.cache/wsbench/node and said aloud. The choice
// travels to child processes in the environment and is recorded with every run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../common/errors.ts';

export const SERVER_NODE_ENV = 'WSBENCH_SERVER_NODE';
const SOURCE_ENV = 'WSBENCH_SERVER_NODE_SOURCE';
/** The registry's Node for servers when this one has no uWS build: 20 has a build on every glibc the project meets. */
export const FALLBACK_NODE_MAJOR = 20;

export interface ServerNode {
  path: string;
  version: string;
  /** Native-module ABI (process.versions.modules), which picks the uWS binary. */
  abi: string;
  /** this: the Node running wsbench; flag: --server-node; registry: fetched because this Node has no uWS build. */
  source: 'this' | 'flag' | 'registry';
}

const self = (): ServerNode => ({ path: process.execPath, version: process.version, abi: process.versions.modules, source: 'this' });
const facts = new Map<string, { version: string; abi: string }>();

/** Version and ABI of a Node binary, by running it; refuses anything that is not a working Node. */
export function inspectNode(file: string): { version: string; abi: string } {
  const known = facts.get(file);
  if (known) return known;
  if (!fs.existsSync(file)) throw new ConfigError(`--server-node: ${file} does not exist`);
  let out: string;
  try {
    out = execFileSync(file, ['-p', 'process.version + " " + process.versions.modules + " " + process.platform + " " + process.arch'], { timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  } catch (err) {
    throw new ConfigError(`--server-node: ${file} does not run as Node.js (${((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n')[0]})`);
  }
  const [version, abi, platform, arch] = out.split(' ');
  if (!/^v\d+\./.test(version ?? '') || !abi) throw new ConfigError(`--server-node: ${file} printed "${out.slice(0, 80)}", not a Node version`);
  if (platform !== process.platform || arch !== process.arch) throw new ConfigError(`--server-node: ${file} is Node for ${platform} ${arch}; this machine is ${process.platform} ${process.arch}`);
  if (Number(/^v(\d+)/.exec(version!)![1]) < 20) throw new ConfigError(`--server-node: ${file} is Node ${version}, older than 20`);
  const found = { version: version!, abi };
  facts.set(file, found);
  return found;
}

/** The Node the servers run on, as set for this process and its children. */
export function serverNode(): ServerNode {
  const file = process.env[SERVER_NODE_ENV];
  if (!file || path.resolve(file) === process.execPath) return self();
  const source = process.env[SOURCE_ENV] === 'registry' ? 'registry' : 'flag';
  return { path: path.resolve(file), ...inspectNode(path.resolve(file)), source };
}

export function setServerNode(file: string, source: 'flag' | 'registry'): ServerNode {
  const resolved = path.resolve(file);
  inspectNode(resolved);
  process.env[SERVER_NODE_ENV] = resolved;
  process.env[SOURCE_ENV] = source;
  return serverNode();
}

/** Where the registry's Node 20 is kept (one folder per architecture). */
export const registryNodeDir = () => path.join(os.homedir(), '.cache', 'wsbench', 'node', `node-linux-${process.arch}-${FALLBACK_NODE_MAJOR}`);

/**
 * The registry's Node 20 binary, fetched by fetch-node.sh the first time (about 30 MB). Throws
 * with what failed; the caller names the other ways out.
 */
export function registryNode(say: (line: string) => void): string {
  const dir = registryNodeDir();
  const binary = path.join(dir, 'bin', 'node');
  // fetch-node.sh fetches again when either is missing (a Node 20 kept by an older wsbench has no headers).
  if (!fs.existsSync(path.join(dir, '.complete')) || !fs.existsSync(path.join(dir, 'include', 'node'))) say(`fetching Node ${FALLBACK_NODE_MAJOR} for the servers from the npm registry (node-linux-${process.arch}@${FALLBACK_NODE_MAJOR}, about 30 MB, once) into ${dir}`);
  try {
    execFileSync('bash', [fileURLToPath(new URL('./fetch-node.sh', import.meta.url)), process.arch, String(FALLBACK_NODE_MAJOR), dir], { timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    throw new Error(((err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message).split('\n').pop()!);
  }
  inspectNode(binary);
  return binary;
}
