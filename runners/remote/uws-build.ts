// Which uWebSockets.js binary fits a target, chosen from the builds installed here before
// anything is copied: a target no build fits is refused with what it has and what would fit.
import fs from 'node:fs';
import path from 'node:path';
import { BackendError } from '../backends/errors.ts';
import { UWS_CANDIDATES } from '../backends/uws-loader.ts';
import { packageDir, versionIn } from '../process/packages.ts';
import type { TargetFacts } from './probe.ts';

export interface UwsBuild {
  packageName: string;
  version: string;
  /** The .node file here, to be copied to the target. */
  file: string;
}

/** glibc each package's Linux binaries need (btc-vision: measured by its load error; trufflesuite: loads on 2.36). */
const MIN_GLIBC: Record<string, [number, number]> = {
  '@btc-vision/uwebsockets.js': [2, 38],
  '@trufflesuite/uws-js-unofficial': [2, 31],
};

const atLeast = (have: string | null, need: [number, number]) => {
  const m = /^(\d+)\.(\d+)/.exec(have ?? '');
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > need[0] || (major === need[0] && minor >= need[1]);
};

export function chooseUwsBuild(facts: TargetFacts): UwsBuild {
  const name = `uws_linux_${facts.arch}_${facts.nodeAbi}.node`;
  const tried: string[] = [];
  for (const candidate of UWS_CANDIDATES) {
    let dir: string;
    try {
      dir = packageDir(candidate.packageName);
    } catch {
      tried.push(`${candidate.packageName}: not installed here`);
      continue;
    }
    const file = path.join(dir, candidate.binaryDir, name);
    const need = MIN_GLIBC[candidate.packageName] ?? [2, 99];
    if (!fs.existsSync(file)) tried.push(`${candidate.packageName}: no ${name} (no build for ${facts.arch} with Node ABI ${facts.nodeAbi})`);
    else if (!atLeast(facts.glibc, need)) tried.push(`${candidate.packageName}: ${name} needs glibc >= ${need.join('.')}, the target has ${facts.glibc ?? 'no glibc'}`);
    else return { packageName: candidate.packageName, version: versionIn(dir), file };
  }
  throw new BackendError(
    'unavailable',
    [
      `uWebSockets.js: no installed build fits ${facts.host} (linux ${facts.arch}, Node ${facts.node} ABI ${facts.nodeAbi}, glibc ${facts.glibc ?? 'unknown'}):`,
      ...tried.map((t) => `  - ${t}`),
      'Fix: Raspberry Pi OS trixie (glibc 2.41) and Ubuntu 24.04 (2.39) take the official v20.57.0 builds with Node 20-25; on glibc < 2.38 (Raspberry Pi OS bookworm) use Node 20.',
    ].join('\n'),
  );
}
