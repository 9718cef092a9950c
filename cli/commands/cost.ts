// `wsbench cost`: machines per backend for N clients and an update interval, from the measured
// costs in the database (collector/cost.ts), the reference runs included.
import { ConfigError } from '../../common/errors.ts';
import { CostError, costOf, type MachineChoice } from '../../collector/cost.ts';
import { limitWords, machineCount as n, machineRange } from '../../collector/cost-model.ts';
import { format, HEADLINE } from '../../collector/metrics.ts';
import { REFERENCE_DIR } from '../../collector/reference.ts';
import { openDatabase, prepareToRead } from '../../collector/schema.ts';
import { dbOption, jsonOption, numberFlag, parse } from '../args.ts';
import { DB_HELP, dbPath, EXIT, type Command } from '../command.ts';
import { table } from '../format.ts';
import { prepareSiteDatabase } from '../site-data.ts';

/** --machine: a profile's name, "measured", or CORES,GB. */
function machineOf(value: string | undefined): MachineChoice {
  if (value === undefined || value === 'measured') return { kind: 'measured' };
  const custom = /^(\d+(?:\.\d+)?),(\d+(?:\.\d+)?)$/.exec(value);
  if (custom) {
    const cores = Number(custom[1]);
    const gb = Number(custom[2]);
    if (!(cores > 0) || !(gb > 0)) throw new ConfigError(`--machine ${value}: cores and GB must be above 0`);
    return { kind: 'custom', cores, memoryBytes: Math.round(gb * 1e9) };
  }
  if (!/^[a-z0-9-]+$/.test(value)) throw new ConfigError(`--machine must be a profile (pi4), "measured", or CORES,GB such as 4,8; got "${value}"`);
  return { kind: 'profile', name: value };
}

export const costCommand: Command = {
  name: 'cost',
  summary: 'machines each backend needs for N clients, from the measured costs',
  help: `Usage: wsbench cost --connections N [options]

How many machines each backend needs to hold N connections with an update every interval, and
which limit binds: memory (idle server + memory per added connection), CPU (per 1,000 messages a
second) or the capacity a search measured on that machine. Every figure comes from runs in the
database, the reference runs of data/reference included; nothing is typed in.

Options:
  --connections N    clients to hold (required)
  --interval-ms N    one update to every client every N ms (default 2000, the seed's)
  --machine M        pi4 (or another profile: its runs' recorded limits), measured (the
                     machine the runs without a profile ran on; default), or CORES,GB of your
                     own (e.g. 4,8) at the costs measured without a profile
  --price P          per machine and month: the answer adds a monthly cost
  --no-reference     leave data/reference out (only the database's own runs)
${DB_HELP}
  --json             the answer as JSON on stdout

Examples:
  wsbench cost --connections 1000000 --interval-ms 2000 --machine pi4
  wsbench cost --connections 100000 --machine 4,8 --price 40 --json`,

  async run(argv) {
    const { values } = parse('cost', argv, { ...dbOption, ...jsonOption, connections: { type: 'string' }, 'interval-ms': { type: 'string' }, machine: { type: 'string' }, price: { type: 'string' }, 'no-reference': { type: 'boolean' } });
    const connections = numberFlag('connections', values.connections, { min: 1, integer: true });
    if (connections === undefined) throw new ConfigError('--connections is required (how many clients to hold)');
    const intervalMs = numberFlag('interval-ms', values['interval-ms'], { min: 1 }) ?? 2000;
    const price = numberFlag('price', values.price, { min: 0 }) ?? null;
    const machine = machineOf(values.machine);
    const file = dbPath(values.db);
    if (!values['no-reference']) prepareSiteDatabase(file, { referenceDir: REFERENCE_DIR, quiet: true });
    else prepareToRead(file);
    const db = openDatabase(file, { readonly: true });
    try {
      let answer;
      try {
        answer = costOf(db, { connections, intervalMs, machine, pricePerMonth: price });
      } catch (err) {
        if (err instanceof CostError) throw new ConfigError(err.message);
        throw err;
      }
      if (values.json) {
        process.stdout.write(JSON.stringify(answer, null, 2) + '\n');
        return EXIT.ok;
      }
      process.stdout.write(`${connections.toLocaleString('en-US')} connections, an update every ${intervalMs.toLocaleString('en-US')} ms, on ${answer.machine.words}\n\n`);
      process.stdout.write(
        table(
          ['BACKEND', 'MACHINES', 'BINDS', 'BY MEMORY', 'BY CPU', 'BY CAPACITY', 'PER ADDED CONN', 'IDLE', 'CPU PER 1K MSG/S', ...(price !== null ? ['PER MONTH'] : []), 'RUN'],
          answer.backends.map((b) => [
            b.backend,
            `${n(b.machines.value)}${machineRange(b)}`,
            limitWords(b.binds),
            n(b.machinesBy.memory),
            n(b.machinesBy.cpu),
            b.capacity?.atLeast ? `– (held ≥ ${n(b.capacity.connections)})` : n(b.machinesBy.capacity),
            format(HEADLINE[b.perConnKey], b.perConnBytes.value),
            format(HEADLINE.idleRssBytes, b.idleBytes),
            format(HEADLINE.cpuPctPerKMsgs, b.cpuPerKMsgs.value),
            ...(price !== null ? [b.monthly === null ? '–' : b.monthly.toLocaleString('en-US', { maximumFractionDigits: 2 })] : []),
            b.runId,
          ]),
        ),
      );
      process.stdout.write(`\n${answer.assumptions.map((a) => `- ${a}`).join('\n')}\n`);
      return EXIT.ok;
    } finally {
      db.close();
    }
  },
};
