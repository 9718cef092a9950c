// A host reached with the system's own `ssh`, so the user's keys, agent and ~/.ssh/config apply
// as they do everywhere else. BatchMode: a run never stops in the middle for a password prompt.
import { spawn, type ChildProcess } from 'node:child_process';
import { ConfigError } from '../../common/errors.ts';
import { BackendError } from '../backends/errors.ts';

export interface SshTarget {
  /** What the user wrote, e.g. ssh://ubuntu@pi.local. */
  url: string;
  user: string | null;
  host: string;
  port: number | null;
}

/** Parses ssh://[user@]host[:port]; anything else is refused with what was expected. */
export function parseSshTarget(text: string): SshTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`--target must look like ssh://user@host or ssh://user@host:port, got "${text}"`);
  }
  if (url.protocol !== 'ssh:') throw new ConfigError(`--target must start with ssh://, got "${text}"`);
  if (!url.hostname) throw new ConfigError(`--target names no host: "${text}"`);
  if (url.pathname && url.pathname !== '/' ) throw new ConfigError(`--target takes no path, got "${url.pathname}" in "${text}"`);
  if (url.password) throw new ConfigError('--target must not carry a password: wsbench uses your SSH keys (ssh-copy-id user@host)');
  return {
    url: text,
    user: url.username ? decodeURIComponent(url.username) : null,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : null,
  };
}

export interface SshOptions {
  /** An ssh_config file used instead of ~/.ssh/config (-F), e.g. for tests or a bastion setup. */
  configFile?: string;
}

export class SshHost {
  constructor(
    readonly target: SshTarget,
    private readonly options: SshOptions = {},
  ) {}

  /** ssh's arguments up to and including the destination. */
  private args(): string[] {
    const args = ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=5', '-o', 'ServerAliveCountMax=3'];
    if (this.options.configFile) args.push('-F', this.options.configFile);
    if (this.target.port) args.push('-p', String(this.target.port));
    args.push(this.target.user ? `${this.target.user}@${this.target.host}` : this.target.host);
    return args;
  }

  /**
   * Starts `command` on the host. Its own process group: a Ctrl-C in the terminal reaches the
   * runner, which stops the remote side in order, not ssh, which would cut it off.
   */
  spawn(command: string): ChildProcess {
    return spawn('ssh', [...this.args(), command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  }

  /** Runs `command` to the end; rejects with ssh's or the command's own words when it fails. */
  exec(command: string, options: { input?: Buffer | string; timeoutMs?: number } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = this.spawn(command);
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (b: Buffer) => out.push(b));
      child.stderr!.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new BackendError('target', `ssh ${this.target.url}: no answer within ${(options.timeoutMs ?? 60_000) / 1000} s (${command.slice(0, 60)})`));
      }, options.timeoutMs ?? 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new BackendError('target', `ssh could not start (${e.message}): install an OpenSSH client`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const stderr = Buffer.concat(err).toString().trim();
        if (code === 0) return resolve(Buffer.concat(out).toString());
        // 255 is ssh's own failure (unreachable, refused key, unknown host), not the command's.
        if (code === 255) return reject(new BackendError('target', `cannot reach ${this.target.url} over ssh: ${stderr || 'ssh failed'} (check that \`ssh ${this.args().slice(-1)[0]}\` logs in without a password)`));
        reject(new BackendError('target', `on ${this.target.host}: \`${command.slice(0, 80)}\` failed (exit ${code}): ${stderr}`));
      });
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(options.input ?? '');
    });
  }
}
