// CPU lists ("0-1,3", as the kernel and taskset write them) and this process's CPU affinity:
// --server-cpus gives the server its own cores, and the runner with its load generator (forked
// after) keeps to the rest, so a busy harness cannot take the server's CPU time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ConfigError } from '../../common/errors.ts';

/** "0-2,5" → [0, 1, 2, 5]; throws on anything else. */
export function parseCpuList(text: string, flag = '--server-cpus'): number[] {
  const cpus = new Set<number>();
  for (const part of text.trim().split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new ConfigError(`${flag}: "${text}" is not a CPU list (write it like 1 or 2-3 or 1,3)`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new ConfigError(`${flag}: "${part}" counts down; write ${to}-${from}`);
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

export const formatCpuList = (cpus: readonly number[]): string => cpus.join(',');

/** The CPUs a process (this one by default) may run on (/proc/PID/status Cpus_allowed_list: a cpuset or an affinity). */
export function allowedCpus(pid: number | 'self' = 'self'): number[] {
  const m = /^Cpus_allowed_list:\s*(\S+)$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? parseCpuList(m[1]!, 'Cpus_allowed_list') : [];
}

/**
 * The server's CPUs and the harness's (the rest of those allowed here), or a refusal naming what
 * is wrong: a CPU this process may not use, or none left for the load generator.
 */
export function splitCpus(serverList: string): { server: number[]; harness: number[] } {
  const server = parseCpuList(serverList);
  const allowed = allowedCpus();
  const unknown = server.filter((c) => !allowed.includes(c));
  if (unknown.length) throw new ConfigError(`--server-cpus: CPU ${unknown.join(', ')} is not available here (this process may use ${formatCpuList(allowed)})`);
  const harness = allowed.filter((c) => !server.includes(c));
  if (harness.length === 0) throw new ConfigError(`--server-cpus ${serverList} leaves no CPU for the load generator and runner (this machine has ${formatCpuList(allowed)}): give the server fewer`);
  return { server, harness };
}

/** Pins every thread of this process to `cpus` (children forked later inherit it); returns how to undo it. */
export function pinThisProcess(cpus: readonly number[]): () => void {
  const before = allowedCpus();
  const pin = (list: readonly number[]) => {
    const r = spawnSync('taskset', ['-a', '-p', '-c', formatCpuList(list), String(process.pid)], { encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new ConfigError(`--server-cpus: could not keep the runner off the server's CPUs (taskset: ${r.error?.message ?? r.stderr.trim()}): install util-linux`);
  };
  pin(cpus);
  return () => pin(before);
}
