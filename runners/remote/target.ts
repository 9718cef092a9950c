// Getting a target host ready for a run, in the order that refuses earliest: reach it, read what
// it is and allows, check that against the plan, pick the uWS build that fits, then copy the
// bundle. Nothing is started on the target here.
import dns from 'node:dns/promises';
import { ConfigError } from '../../common/errors.ts';
import type { Backend } from '../backends/types.ts';
import { autoWorkers } from '../run/environment.ts';
import { buildNativeClientOn, buildRemoteBundle, shipBundle, type RemoteBundle } from './bundle.ts';
import { checkClientHost, checkTarget, probeTarget, type TargetFacts } from './probe.ts';
import { SshHost, parseSshTarget } from './ssh.ts';
import { chooseUwsBuild } from './uws-build.ts';

/** A client host, checked and with the bundle copied. */
export interface PreparedHost {
  ssh: SshHost;
  facts: TargetFacts;
  bundle: RemoteBundle;
  /** Its bulk shards: the native client built there, or TypeScript (with why, when native was wanted). */
  bulkClient: { kind: 'native' | 'node'; why?: string };
}

export interface PreparedTarget {
  ssh: SshHost;
  facts: TargetFacts;
  bundle: RemoteBundle;
  /** The address the clients connect to (the target's host name resolved once). */
  address: string;
  /** Server processes: the user's --workers, or the target's cores (more if its file limit needs). */
  workers: number;
}

export async function prepareTarget(options: {
  url: string;
  sshConfig?: string;
  backends: readonly Backend[];
  connections: number;
  workers: number | undefined;
  progress: (line: string) => void;
}): Promise<PreparedTarget> {
  const ssh = new SshHost(parseSshTarget(options.url), { configFile: options.sshConfig });
  options.progress(`target ${options.url}: checking over ssh`);
  const facts = await probeTarget(ssh);
  options.progress(`target ${facts.host}: ${facts.model ?? facts.cpuModel ?? 'unknown CPU'}, ${facts.cores} cores, ${((facts.memTotalBytes ?? 0) / 1e9).toFixed(1)} GB, ${facts.os}, Node ${facts.node ?? 'none'}, glibc ${facts.glibc ?? '?'}, ${facts.arch}, open files ${facts.openFilesHard}`);
  const floor = options.workers ?? facts.cores ?? 1;
  const workers = options.workers ?? autoWorkers({ openFilesSoft: facts.openFilesHard, openFilesHard: facts.openFilesHard, ephemeralPorts: null, somaxconn: null, tcpMaxSynBacklog: null, memAvailableBytes: null, cgroup: 'none' }, options.connections, floor).workers;
  const errors = checkTarget(facts, { connections: options.connections, workers }).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ConfigError(`the target cannot run this:\n${errors.map((p) => `  - ${p.message}\n    fix: ${p.fix}`).join('\n')}`);
  const uws = options.backends.some((b) => b.needsUws) ? chooseUwsBuild(facts) : null;
  if (uws) options.progress(`target ${facts.host}: uWS from ${uws.packageName}@${uws.version} (${uws.file.split('/').pop()})`);
  const bundle = await buildRemoteBundle(uws);
  await shipBundle(ssh, bundle, options.progress);
  const address = (await dns.lookup(ssh.target.host)).address;
  return { ssh, facts, bundle, address, workers };
}

/** --clients: ssh:// URLs or user@host, comma-separated. */
export function parseClientHosts(text: string): string[] {
  const list = text.split(',').map((h) => h.trim()).filter(Boolean);
  if (list.length === 0) throw new ConfigError('--clients needs at least one host');
  const urls = list.map((h) => (h.startsWith('ssh://') ? h : `ssh://${h}`));
  for (const url of urls) parseSshTarget(url);
  if (new Set(urls).size !== urls.length) throw new ConfigError('--clients lists a host twice');
  return urls;
}

/** Checks every client host for its share of the connections, then copies the client bundle. */
export async function prepareClientHosts(options: {
  urls: string[];
  /** The target's bundle: it holds the client side too, and a host that is also the target has it already. */
  bundle: RemoteBundle;
  sshConfig?: string;
  connections: number;
  perShard: number;
  /** What the run uses here: each host builds the native client if it can, else says why not. */
  bulkClient: 'native' | 'node';
  progress: (line: string) => void;
}): Promise<PreparedHost[]> {
  const share = Math.ceil(options.connections / options.urls.length);
  const hosts = await Promise.all(
    options.urls.map(async (url) => {
      const ssh = new SshHost(parseSshTarget(url), { configFile: options.sshConfig });
      const facts = await probeTarget(ssh);
      options.progress(`client host ${facts.host}: ${facts.model ?? facts.cpuModel ?? 'unknown CPU'}, ${facts.cores} cores, ${((facts.memTotalBytes ?? 0) / 1e9).toFixed(1)} GB, Node ${facts.node ?? 'none'}, open files ${facts.openFilesHard}, ~${share} connections`);
      return { ssh, facts };
    }),
  );
  const errors = hosts.flatMap((h) => checkClientHost(h.facts, { connections: share, perShard: options.perShard })).filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new ConfigError(`the client hosts cannot run this:\n${errors.map((p) => `  - ${p.message}\n    fix: ${p.fix}`).join('\n')}`);
  const prepared: PreparedHost[] = [];
  for (const h of hosts) {
    await shipBundle(h.ssh, options.bundle, options.progress);
    prepared.push({ ...h, bundle: options.bundle, bulkClient: await bulkClientOn(h.ssh, h.facts, options.bundle, options.bulkClient, options.progress) });
  }
  return prepared;
}

/** The native client where it builds (npm run bench:client: the TypeScript client costs 2.6–3.4x its memory and 1.5–2.3x its CPU), said aloud where it does not. */
async function bulkClientOn(ssh: SshHost, facts: TargetFacts, bundle: RemoteBundle, wanted: 'native' | 'node', progress: (line: string) => void): Promise<PreparedHost['bulkClient']> {
  if (wanted === 'node') return { kind: 'node', why: 'asked for (--client node)' };
  const why = await buildNativeClientOn(ssh, bundle);
  if (why === null) {
    progress(`client host ${facts.host}: native client built`);
    return { kind: 'native' };
  }
  progress(`! client host ${facts.host}: the native client could not be built there (${why}); its shards run the TypeScript client, which costs about 3x the memory and up to 2.3x the CPU (fix: apt-get install gcc libssl-dev there)`);
  return { kind: 'node', why };
}
