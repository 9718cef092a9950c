// Getting a target host ready for a run, in the order that refuses earliest: reach it, read what
// it is and allows, check that against the plan, pick the uWS build that fits, then copy the
// bundle. Nothing is started on the target here.
import dns from 'node:dns/promises';
import { ConfigError } from '../../collector/errors.ts';
import type { BackendName } from '../backends/types.ts';
import { autoWorkers } from '../run/environment.ts';
import { buildRemoteBundle, shipBundle, type RemoteBundle } from './bundle.ts';
import { checkTarget, probeTarget, type TargetFacts } from './probe.ts';
import { SshHost, parseSshTarget } from './ssh.ts';
import { chooseUwsBuild } from './uws-build.ts';

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
  backends: BackendName[];
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
  const uws = options.backends.includes('uws') ? chooseUwsBuild(facts) : null;
  if (uws) options.progress(`target ${facts.host}: uWS from ${uws.packageName}@${uws.version} (${uws.file.split('/').pop()})`);
  const bundle = await buildRemoteBundle(uws);
  await shipBundle(ssh, bundle, options.progress);
  const address = (await dns.lookup(ssh.target.host)).address;
  return { ssh, facts, bundle, address, workers };
}
