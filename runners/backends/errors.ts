// Errors of the backends under test, with a stable code the CLI and tests read.
import { CodedError } from '../../common/errors.ts';

export type BackendErrorCode = 'unavailable' | 'start-failed' | 'port-in-use' | 'crashed' | 'timeout' | 'target';

/** A backend that cannot be loaded, started or asked for its status. */
export class BackendError extends CodedError<BackendErrorCode> {}
