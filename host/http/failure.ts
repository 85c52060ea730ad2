// What happens when a request goes wrong: the error is logged for the operator (with its stack for
// server faults), the optional onError hook gets a look, and the client gets a short status body.
// Nothing here may throw: it is the last line of defence for a request.
import { STATUS_CODES } from 'node:http';
import { isPodeError } from '../errors/error.ts';
import { logException, logFailure } from '../log.ts';
import { RequestRefusal } from './refusal.ts';
import type { WebEvent } from './webevent.ts';
import { commit, writeError } from './write.ts';

export type ErrorHook = (err: unknown, event: WebEvent) => void;

/** A status-only answer (404, 405, ...) from the dispatcher itself. */
export function respondStatus(event: WebEvent, status: number): void {
  event.Response.StatusCode = status;
  if (commit(event, 'Dispatcher')) writeError(event, status);
}

/**
 * A PodeError with a StatusCode keeps that status, and its message when it was written for the client (any
 * status but 500); anything else is a 500 with no detail beyond the status text.
 */
export function failRequest(event: WebEvent, err: unknown, onError: ErrorHook | undefined): void {
  const status = isPodeError(err) && err.StatusCode !== undefined ? err.StatusCode : 500;
  const where = `${event.Method.toUpperCase()} ${event.Path}`;
  const refusal = err instanceof RequestRefusal;
  if (status >= 500 && !refusal) logException(where, err);
  // A client error or a refusal: one line, no stack (here or in the item Enable-PodeErrorLogging
  // -Levels Warning gets): where the host refused the request is not news. log.ts escapes what the
  // client sent.
  else logFailure('warn', where, err, `${where}: ${status} ${(err as Error).message}`, false);

  if (onError) {
    try {
      onError(err, event);
    } catch (hookErr) {
      logException(`onError hook for ${where}`, hookErr);
    }
  }

  const res = event.Response.raw;
  try {
    // A taken-over response (SSE) belongs to its owner, who decides its fate.
    if (event.takenOver || res.writableEnded) return;
    if (res.headersSent) {
      // Part of a body is out: the only honest signal left is cutting the connection.
      res.destroy();
      return;
    }
    event.ended = false; // the error body replaces whatever was (not) written
    event.Response.StatusDescription = undefined;
    if (refusal) Object.assign(event.Response.Headers, err.headers);
    if (commit(event, 'Error response')) {
      // A 500 is the server's fault (a script calling a cmdlet wrongly, say): its message is for the
      // operator's log, and may quote request values, so the client gets the status text only.
      const message = isPodeError(err) && err.StatusCode !== undefined && status !== 500 ? err.message : STATUS_CODES[status];
      try {
        writeError(event, status, message);
      } catch {
        // Most likely a queued header node refuses (e.g. a newline in a value): send the error without them.
        event.Response.Headers = {};
        writeError(event, status, message);
      }
    }
  } catch (writeErr) {
    logException(`Writing the error response for ${where}`, writeErr);
    res.destroy();
  }
}
