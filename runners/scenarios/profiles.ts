// Hardware profiles a run can impose on the server under test on this machine. A profile is
// recorded with the run and never makes it a result of the hardware it imitates.
import { ConfigError } from '../../common/errors.ts';

export interface Profile {
  name: string;
  memoryBytes: number;
  cpuCores: number;
  workers: number;
  description: string;
}

export const PROFILES: Readonly<Record<string, Profile>> = {
  pi4: {
    name: 'pi4',
    // The seed's Pi 4: 3.70 GB available, of which the system kept 0.29 GB.
    memoryBytes: Math.round((3.7 - 0.29) * 1e9),
    // Four Cortex-A72 cores at 1.5 GHz, taken as about 0.3 of a current x86 server core each.
    // An estimate, not a measurement: override with --cpu-limit.
    cpuCores: 1.2,
    workers: 4,
    description: 'Raspberry Pi 4 (4 GB) imitated by cgroup limits: 3.41 GB memory, 1.2 cores of CPU, 4 server workers',
  },
};

export function getProfile(name: string): Profile {
  const profile = PROFILES[name];
  if (!profile) throw new ConfigError(`--profile: unknown profile "${name}" (choose from ${Object.keys(PROFILES).join(', ')})`);
  return profile;
}
