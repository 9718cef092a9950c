// Errors of the backends under test, with a stable code the CLI and tests read.

export type BackendErrorCode = 'unavailable' | 'start-failed' | 'port-in-use' | 'crashed' | 'timeout';

/** A backend that cannot be loaded, started or asked for its status. */
export class BackendError extends Error {
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}
