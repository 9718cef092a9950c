// Error values of the collector: one class per domain, each with a stable `code` that tests and
// the CLI read, and (for ingestion) the HTTP status the service answers with.
import { CodedError } from '../common/errors.ts';


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
export class IngestError extends CodedError<IngestErrorCode> {
  readonly status: number;
  /** 1-based NDJSON line the problem is on, when there is one. */
  readonly line: number | undefined;

  constructor(code: IngestErrorCode, message: string, line?: number) {
    super(code, line === undefined ? message : `line ${line}: ${message}`);
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

/** A database that cannot be opened, read or merged into as asked. */
export class DatabaseError extends CodedError<DatabaseErrorCode> {}
