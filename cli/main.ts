// The `wsbench` command: parses the subcommand, dispatches, and turns errors into one clear line
// on stderr with an exit code (2 for bad usage, 1 for anything else).
import { readFileSync } from 'node:fs';
import { DatabaseError, IngestError } from '../collector/errors.ts';
import { ConfigError } from '../common/errors.ts';
import { BackendError } from '../runners/backends/errors.ts';
import { EXIT, type Command } from './command.ts';
import { checkCommand } from './commands/check.ts';
import { collectorCommand } from './commands/collector.ts';
import { costCommand } from './commands/cost.ts';
import { listCommand } from './commands/list.ts';
import { runCommand } from './commands/run.ts';
import { serveCommand } from './commands/serve.ts';
import { showCommand } from './commands/show.ts';
import { siteCommand } from './commands/site.ts';
import { startCommand } from './commands/start.ts';
import { exportCommand, importCommand } from './commands/transfer.ts';

const commands: readonly Command[] = [startCommand, runCommand, serveCommand, collectorCommand, listCommand, showCommand, checkCommand, costCommand, exportCommand, importCommand, siteCommand];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `wsbench ${version()}: secure-WebSocket load benchmarks, recorded in SQLite, published as a static site

Usage: wsbench COMMAND [options]     (wsbench COMMAND --help for its options and examples)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Examples:
  wsbench start
  wsbench run --backend uws,socketio,ws,socketio-uws --scenario quick
  wsbench serve --backend uws --port 8443
  wsbench collector --port 7070
  wsbench list --json
  wsbench show RUN
  wsbench check NEW-SERIES --against baseline.json.gz
  wsbench export RUN -o run.json.gz && wsbench import --db other.db run.json.gz
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? topic.help + '\n' : usage());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(version() + '\n');
    return EXIT.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`wsbench: unknown command "${name}" (commands: ${commands.map((c) => c.name).join(', ')})\n`);
    return EXIT.usage;
  }
  // Every command has help with examples; asked for anywhere on the line, it is all that happens.
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.help + '\n');
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`wsbench ${name}: ${err.message.replace(`wsbench ${name}: `, '')}\n`);
      return EXIT.usage;
    }
    if (err instanceof DatabaseError || err instanceof IngestError || err instanceof BackendError) {
      process.stderr.write(`wsbench ${name}: ${err.message}\n`);
      return EXIT.error;
    }
    throw err;
  }
}
