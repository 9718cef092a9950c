// The emulated Raspberry Pi: a Debian trixie arm64 root file system (built once by
// arm64-rootfs.sh, cached under ~/.cache/wsbench/emulated) whose programs run under qemu-user,
// served by sshd with ChrootDirectory in a network namespace. Every session on it is arm64
// user space: its node, its glibc, its uname; only the kernel is this machine's.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../../runners/process/compile.ts';
import { sshTargetUnavailable, startSshTarget, type SshdVariant, type SshTestTarget } from './ssh-target.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'test/helpers/arm64-rootfs.sh');

/** Node inside the root file system: trixie's own 20 and two from the npm registry's arm64 packages. */
export const ARM64_NODE_PATHS = {
  trixie: '/usr/local/bin:/usr/bin:/bin',
  node24: '/opt/node24/bin:/usr/local/bin:/usr/bin:/bin',
  node18: '/opt/node18/bin:/usr/local/bin:/usr/bin:/bin',
} as const;

export type Arm64Prepared = { root: string; seconds: number } | { skip: string };

/**
 * Builds (first time, ~12 minutes) or finds the root file system. Returns why it cannot be
 * used here instead, in one line, so the tests skip with it.
 */
export function prepareArm64Rootfs(): Arm64Prepared {
  const started = Date.now();
  // The script's progress goes to our stderr as it happens (a cold build is long).
  const res = spawnSync('bash', [SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 40 * 60_000 });
  const seconds = Math.round((Date.now() - started) / 1000);
  const last = res.stdout.toString().trim().split('\n').pop() ?? '';
  if (res.status === 3) return { skip: last };
  if (res.status !== 0) throw new Error(`arm64-rootfs.sh failed (exit ${res.status ?? res.signal})`);
  // Checked after the script, which installs sshd, ssh and ip when they are missing.
  const unavailable = sshTargetUnavailable();
  if (unavailable) return { skip: `emulated arm64 unavailable: ${unavailable}` };
  return { root: last, seconds };
}

export function startArm64Target(root: string, variants: SshdVariant[]): Promise<SshTestTarget> {
  return startSshTarget(variants, { chroot: root });
}
