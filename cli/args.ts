// Flag parsing for every command: node's parseArgs, with its errors turned into ConfigErrors that
// name the command and the option, and typed readers for numbers.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError } from '../common/errors.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export const dbOption = { db: { type: 'string' } } as const satisfies Options;
export const jsonOption = { json: { type: 'boolean' } } as const satisfies Options;

export function parse<T extends Options>(command: string, argv: string[], options: T, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new ConfigError(`wsbench ${command}: ${message} (see \`wsbench ${command} --help\`)`);
  }
  if (parsed.positionals.length > positionals) {
    throw new ConfigError(`wsbench ${command}: unexpected argument "${parsed.positionals[positionals]}" (see \`wsbench ${command} --help\`)`);
  }
  return parsed;
}

/** Reads a numeric flag; `undefined` when absent, ConfigError naming the flag when malformed. */
export function numberFlag(
  name: string,
  value: string | undefined,
  { min = -Infinity, max = Infinity, integer = false } = {},
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new ConfigError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`);
  }
  if (n < min || n > max) {
    throw new ConfigError(`--${name} must be between ${min} and ${max}, got ${n}`);
  }
  return n;
}

/** Byte sizes as plain numbers or with a unit: 512k, 16m, 1g. */
export function bytesFlag(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]i?b?)?$/i.exec(value.trim());
  if (!match) throw new ConfigError(`--${name} must be a size such as 1048576, 512k or 16m, got "${value}"`);
  const unit = (match[2] ?? '').toLowerCase()[0];
  const scale = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const bytes = Math.round(Number(match[1]) * scale);
  if (bytes < min) throw new ConfigError(`--${name} must be at least ${min} bytes, got ${bytes}`);
  return bytes;
}
