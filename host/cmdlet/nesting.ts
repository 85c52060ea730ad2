// A cmdlet that turns a script's value into text (JSON for a response or an SSE event, Write-Host's text) walks
// it once per level of nesting, natively (JSON.stringify) or in JavaScript; a value nested deeply enough runs
// out of stack on the way. Values from requests cannot (a body nested more than 1024 levels is refused, see
// host/http/request-data.ts), but one a script builds can. That failure is the call's PodeError, never a
// RangeError: a limit checked beforehand would cost a walk over every value on the hot path, and the engine's
// own stack check is exact.
import { errors } from '../errors/catalog.ts';
import type { CallContext } from './context.ts';

function isStackOverflow(err: unknown): boolean {
  return err instanceof RangeError && /call stack/i.test(err.message);
}

/** Runs `convert`; a stack overflow in it becomes ValueNestedTooDeep for parameter `parameter`. */
export function convertNested<T>(ctx: CallContext, parameter: string, target: string, convert: () => T): T {
  try {
    return convert();
  } catch (err) {
    if (!isStackOverflow(err)) throw err;
    throw errors.ValueNestedTooDeep(ctx.command, { parameter, target });
  }
}
