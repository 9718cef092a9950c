// Runs the real `wsbench` command in a child process and collects what it printed. Children are
// started through spawnOwned: a test that fails or times out leaves none of them (or of theirs).
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { killOwned, spawnOwned } from './owned.ts';

export const BIN = path.resolve('bin/wsbench.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnOwned(process.execPath, [BIN, ...args], { env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      void killOwned(child); // the run and every server and shard it started
      reject(new Error(`wsbench ${args.join(' ')} did not finish in ${options.timeoutMs ?? 20_000} ms\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * runCli for each argument list, a few at a time, results in the same order: a test of twenty
 * refusals waits for the slowest few, not for twenty start-ups one after another.
 */
export async function runCliEach(argsList: string[][], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}, atOnce = 3): Promise<CliResult[]> {
  const results: CliResult[] = new Array(argsList.length);
  let next = 0;
  const lane = async () => {
    while (next < argsList.length) {
      const i = next++;
      results[i] = await runCli(argsList[i]!, options);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, argsList.length) }, lane));
  return results;
}

/** `wsbench collector --db DB --port PORT` in a child process, once it prints the URL it serves. */
export async function startCollectorCli(db: string, port = 0): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnOwned(process.execPath, [BIN, 'collector', '--db', db, '--port', String(port)]);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]!.trim());
    });
    child.once('exit', (code) => reject(new Error(`collector exited ${code}: ${stderr}`)));
  });
  return { child, url };
}
