// A request the host turns away on purpose, with the status and headers of its answer: logged as a
// warning without a stack (nothing went wrong in the server), even when the status is a 5xx such as
// 503 while the server is busy.
import { PodeError } from '../errors/error.ts';

export class RequestRefusal extends PodeError {
  constructor(
    /** The catalog's error for the refusal (host/errors/catalog.ts), with its id, text and status. */
    error: PodeError,
    /** Added to the error response, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(error.Id, '', error.message, { status: error.StatusCode, parameter: error.ParameterName });
  }
}
