// Error values of the collector: one class per domain, each with a stable `code` that tests and
// the CLI read, and (for ingestion) the HTTP status the service answers with.

export type IngestErrorCode =
  | 'bad-json'
  | 'bad-encoding'
  | 'too-deep'
  | 'bad-header'
  | 'bad-record'
  | 'unknown-run'
  | 'run-exists'
  | 'out-of-order'
  | 'duplicate-sample'
  | 'batch-id-reused'
  | 'body-too-large'
  | 'bad-content-type'
  | 'unauthorized'
  | 'rate-limited'
  | 'not-found'
  | 'method-not-allowed';

const statusOf: Record<IngestErrorCode, number> = {
  'bad-json': 400,
  'bad-encoding': 400,
  'too-deep': 400,
  'bad-header': 400,
  'bad-record': 400,
  'unknown-run': 404,
  'run-exists': 409,
  'out-of-order': 409,
  'duplicate-sample': 409,
  'batch-id-reused': 409,
  'body-too-large': 413,
  'bad-content-type': 415,
  unauthorized: 401,
  'rate-limited': 429,
  'not-found': 404,
  'method-not-allowed': 405,
};

/** A batch (or request) the collector refuses; nothing of it was written. */
export class IngestError extends Error {
  readonly code: IngestErrorCode;
  readonly status: number;
  /** 1-based NDJSON line the problem is on, when there is one. */
  readonly line: number | undefined;

  constructor(code: IngestErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'IngestError';
    this.code = code;
    this.status = statusOf[code];
    this.line = line;
  }
}

export type DatabaseErrorCode =
  | 'not-a-database'
  | 'not-wsbench'
  | 'schema-too-new'
  | 'migration-failed'
  | 'unknown-run'
  | 'bad-export'
  | 'import-conflict';

/** An error with a stable `code` that tests and the CLI read; one subclass per domain. */
export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A database that cannot be opened, read or merged into as asked. */
export class DatabaseError extends CodedError<DatabaseErrorCode> {}

/** A bad flag, option or scenario value; the message names the option. */
export class ConfigError extends Error {
  readonly code = 'bad-option';

  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
