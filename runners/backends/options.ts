// Defaults and validation of the options every backend is started with.
import os from 'node:os';
import { ConfigError } from '../../common/errors.ts';
import { MAX_MESSAGE_BYTES } from '../../collector/scenario.ts';
import { resolveTls } from './tls.ts';
import type { ServeOptions } from './types.ts';

export const SERVE_DEFAULTS = {
  host: '127.0.0.1',
  port: 8443,
  intervalMs: 2000,
  symbols: ['AAPL'],
  compression: false,
  messageBytes: 0,
} as const;


export interface ServeInput {
  host?: string;
  port?: number;
  workers?: number;
  intervalMs?: number;
  t0Ms?: number;
  clockOffsetMs?: number;
  symbols?: string[];
  compression?: boolean;
  messageBytes?: number;
  certFile?: string;
  keyFile?: string;
  certDir?: string;
}

const SYMBOL = /^[A-Za-z0-9_.-]{1,32}$/;

/** Defaults first, then the caller's options, then one check of the whole. */
export function resolveServeOptions(input: ServeInput): ServeOptions {
  const workers = input.workers ?? os.availableParallelism();
  if (!Number.isInteger(workers) || workers < 1 || workers > 1024) throw new ConfigError(`--workers must be an integer from 1 to 1024, got ${workers}`);
  const intervalMs = input.intervalMs ?? SERVE_DEFAULTS.intervalMs;
  if (!Number.isInteger(intervalMs) || intervalMs < 10) throw new ConfigError(`--interval-ms must be an integer of at least 10, got ${intervalMs}`);
  const port = input.port ?? SERVE_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be an integer from 0 to 65535, got ${port}`);
  const symbols = input.symbols ?? [...SERVE_DEFAULTS.symbols];
  if (symbols.length === 0) throw new ConfigError('--symbols needs at least one symbol');
  const bad = symbols.find((s) => !SYMBOL.test(s));
  if (bad !== undefined) throw new ConfigError(`--symbols: "${bad}" is not a symbol (1-32 of A-Z a-z 0-9 _ . -)`);
  if (new Set(symbols).size !== symbols.length) throw new ConfigError('--symbols lists a symbol twice');
  const messageBytes = input.messageBytes ?? SERVE_DEFAULTS.messageBytes;
  if (!Number.isInteger(messageBytes) || messageBytes < 0 || messageBytes > MAX_MESSAGE_BYTES) throw new ConfigError(`--message-bytes must be a whole number from 0 (the seed's ~70 bytes) to ${MAX_MESSAGE_BYTES}, got ${messageBytes}`);
  const tls = resolveTls({ certFile: input.certFile, keyFile: input.keyFile, dir: input.certDir });
  return {
    host: input.host ?? SERVE_DEFAULTS.host,
    port,
    workers,
    certFile: tls.certFile,
    keyFile: tls.keyFile,
    intervalMs,
    t0Ms: input.t0Ms ?? Date.now(),
    clockOffsetMs: input.clockOffsetMs ?? 0,
    symbols,
    compression: input.compression ?? SERVE_DEFAULTS.compression,
    messageBytes,
  };
}
