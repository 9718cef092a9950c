// The one shape of every error wsbench reports on purpose: a stable `code` that tests and the
// CLI read, and a message that names the problem. Each domain (the collector's database and
// ingestion, the backends, flags and scenarios) subclasses it with its own codes; runners,
// collector and site all import it from here, so no part depends on another for its errors.

export class CodedError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A bad flag, option or scenario value; the message names the option. */
export class ConfigError extends CodedError<'bad-option'> {
  constructor(message: string) {
    super('bad-option', message);
  }
}
