// What every `wsbench` subcommand provides: a one-line summary for the index, full help with
// examples, and a run function that returns the process exit code.
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

/** Exit codes shared by all commands (`wsbench run` adds its verdict codes). */
export const EXIT = { ok: 0, error: 1, usage: 2 } as const;

export const DB_HELP = '  --db PATH          database file (default: data/wsbench.db, or $WSBENCH_DB)';

export function dbPath(value: string | undefined): string {
  return value ?? process.env.WSBENCH_DB ?? 'data/wsbench.db';
}
