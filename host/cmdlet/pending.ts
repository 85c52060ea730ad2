// A declared cmdlet whose engine has not landed yet fails clearly instead of doing nothing.
import type { CallContext } from './context.ts';

export function notImplemented(ctx: CallContext): never {
  throw ctx.error('NotImplemented', `${ctx.command} is declared but not implemented yet in this version of podets.`);
}
