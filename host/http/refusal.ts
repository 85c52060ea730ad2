// A request the host turns away on purpose, with the status and headers of its answer: logged as a
// warning without a stack (nothing went wrong in the server), even when the status is a 5xx such as
// 503 while the server is busy.
import { PodeError } from '../binder/errors.ts';

export class RequestRefusal extends PodeError {
  constructor(
    id: string,
    message: string,
    status: number,
    /** Added to the error response, e.g. Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(id, '', message, { status });
  }
}
