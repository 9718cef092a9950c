// A stand-in for a Raspberry Pi: Debian's sshd in a network namespace made for the test, reached
// over a veth link, with keys and an ssh_config of the test's own (nothing in ~/.ssh is touched).
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { tempDir } from './fixtures.ts';
import { spawnOwned } from './owned.ts';

export const SSHD = '/usr/sbin/sshd';

/** Why the namespace cannot be made here, or null when it can. */
export function sshTargetUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (ip netns)';
  if (!fs.existsSync(SSHD)) return `no ${SSHD} (apt-get install openssh-server)`;
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch {
    return 'needs ssh and ip (openssh-client, iproute2)';
  }
  return null;
}

export interface SshdVariant {
  port: number;
  /** Hard and soft open-files limit of the sessions (sshd passes its own on without PAM). */
  nofile?: number;
  /** Sessions whose PATH holds the shell tools but no node (Debian's /bin is /usr/bin). */
  withoutNode?: boolean;
  /** The sessions' PATH, set by sshd (e.g. another Node first). */
  path?: string;
}

export interface SshTargetOptions {
  /**
   * A root file system the sessions run in (sshd's ChrootDirectory): the emulated arm64 Pi. It
   * gets /proc, /sys and /dev bound in a mount namespace of sshd's own, gone when sshd exits.
   */
  chroot?: string;
}

export interface SshTestTarget {
  address: string;
  runnerAddress: string;
  sshConfig: string;
  url(port: number): string;
  /** Runs a command inside the namespace (the target's view). */
  exec(args: string[]): string;
  /** The processes on the target: those in its network namespace (not other tests' servers). */
  pids(): Set<number>;
  /**
   * An ssh_config whose connections carry `ms` of extra delay each way, made by a ProxyCommand
   * that holds each chunk back (this kernel has no netem for tc).
   */
  delayedSshConfig(ms: number): string;
  close(): Promise<void>;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

export async function startSshTarget(variants: SshdVariant[], options: SshTargetOptions = {}): Promise<SshTestTarget> {
  const id = `${process.pid % 10000}`;
  const ns = `wsb-test-${id}`;
  const hostIf = `wsbh${id}`;
  const nsIf = `wsbt${id}`;
  const net24 = `10.213.${process.pid % 250}`;
  const address = `${net24}.2`;
  const runnerAddress = `${net24}.1`;
  const dir = tempDir('wsbench-sshd-');
  const daemons: ChildProcess[] = [];
  const cleanup = () => {
    for (const d of daemons) d.kill('SIGKILL');
    try { run('ip', ['link', 'del', hostIf]); } catch { /* gone with the namespace */ }
    try { run('ip', ['netns', 'del', ns]); } catch { /* never made */ }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    cleanupLeftovers(ns, hostIf);
    run('ip', ['netns', 'add', ns]);
    run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
    run('ip', ['link', 'set', nsIf, 'netns', ns]);
    run('ip', ['addr', 'add', `${runnerAddress}/30`, 'dev', hostIf]);
    run('ip', ['link', 'set', hostIf, 'up']);
    run('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${address}/30`, 'dev', nsIf]);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
    run('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
    fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
    fs.mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
    const nodeless = path.join(dir, 'bin-without-node');
    fs.mkdirSync(nodeless);
    for (const tool of ['sh', 'awk', 'getconf', 'uname', 'tr', 'cut', 'cat', 'test', 'env']) {
      const found = run('sh', ['-c', `command -v ${tool} || true`]).trim();
      if (found.startsWith('/')) fs.symlinkSync(found, path.join(nodeless, tool));
    }
    for (const v of variants) {
      const config = path.join(dir, `sshd_${v.port}`);
      fs.writeFileSync(
        config,
        [
          `Port ${v.port}`, `ListenAddress ${address}`, `HostKey ${path.join(dir, 'host_key')}`, `PidFile ${path.join(dir, `sshd_${v.port}.pid`)}`,
          `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
          'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', ...(v.withoutNode ? [`SetEnv PATH=${nodeless}`] : []),
          ...(v.path ? [`SetEnv PATH=${v.path}`] : []), ...(options.chroot ? [`ChrootDirectory ${options.chroot}`] : []), '',
        ].join('\n'),
      );
      const prefix = [...(v.nofile ? ['prlimit', `--nofile=${v.nofile}:${v.nofile}`, '--'] : []), ...(options.chroot ? chrootMounts(options.chroot) : [])];
      const daemon = spawnOwned('ip', ['netns', 'exec', ns, ...prefix, SSHD, '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      daemons.push(daemon);
      await waitForPort(address, v.port, daemon);
    }
    const sshConfig = path.join(dir, 'ssh_config');
    fs.writeFileSync(sshConfig, [`Host ${address}`, `  IdentityFile ${path.join(dir, 'client_key')}`, '  IdentitiesOnly yes', '  UserKnownHostsFile /dev/null', '  StrictHostKeyChecking no', '  LogLevel ERROR', ''].join('\n'));
    return {
      address,
      runnerAddress,
      sshConfig,
      url: (port) => `ssh://root@${address}:${port}`,
      exec: (args) => run('ip', ['netns', 'exec', ns, ...args]),
      pids: () => new Set(run('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number)),
      delayedSshConfig: (ms) => {
        const proxy = path.join(dir, 'delay-proxy.mjs');
        fs.writeFileSync(
          proxy,
          [
            "import net from 'node:net';",
            "import { performance } from 'node:perf_hooks';",
            'const [host, port, ms] = process.argv.slice(2);',
            'const s = net.connect(Number(port), host);',
            // One queue per direction, in order; each chunk leaves once its full delay has passed by
            // the monotonic clock (setTimeout alone can fire a fraction of a millisecond early).
            'const queue = () => { const q = []; let timer = null; const drain = () => { timer = null; while (q.length && q[0].due <= performance.now()) q.shift().f(); if (q.length) timer = setTimeout(drain, Math.max(1, Math.ceil(q[0].due - performance.now()))); }; return (f) => { q.push({ due: performance.now() + Number(ms), f }); if (!timer) timer = setTimeout(drain, Number(ms)); }; };',
            'const up = queue();',
            'const down = queue();',
            'process.stdin.on("data", (b) => up(() => s.write(b)));',
            'process.stdin.on("end", () => up(() => s.end()));',
            's.on("data", (b) => down(() => process.stdout.write(b)));',
            's.on("close", () => process.exit(0));',
          ].join('\n'),
        );
        const config = path.join(dir, `ssh_config_delay_${ms}`);
        fs.writeFileSync(config, fs.readFileSync(sshConfig, 'utf8') + `  ProxyCommand ${process.execPath} ${proxy} %h %p ${ms}\n`);
        return config;
      },
      close: async () => cleanup(),
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/** A command prefix that binds /proc, /sys and /dev into the root file system, in a mount namespace of its own. */
function chrootMounts(root: string): string[] {
  const script = ['proc', 'sys', 'dev'].map((d) => `mount --rbind /${d} ${root}/${d}`).join(' && ');
  return ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', `${script} && exec "$@"`, 'sh'];
}

/** A namespace left by a test that was killed: remove it so the names are free. */
function cleanupLeftovers(ns: string, hostIf: string): void {
  try { run('ip', ['link', 'del', hostIf]); } catch { /* none */ }
  try { run('ip', ['netns', 'del', ns]); } catch { /* none */ }
}

async function waitForPort(host: string, port: number, daemon: ChildProcess): Promise<void> {
  let stderr = '';
  daemon.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  for (let i = 0; i < 100; i++) {
    if (daemon.exitCode !== null) throw new Error(`sshd exited: ${stderr}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on ${host}:${port} did not listen: ${stderr}`);
}
