// `defineGroup('SSE')` gives a cmdlets/ file its `cmdlet(...)` helper: it takes one declaration and returns
// the function scripts call, typed from that declaration, with `.pipe()` for pipeline input.
import { bindArgs, bindTokens } from '../binder/bind.ts';
import { compile } from '../binder/compile.ts';
import { binding } from '../binder/messages.ts';
import { errorText } from '../errors/error.ts';
import type { Token } from '../binder/tokenize.ts';
import type { CallSignatures, CmdletDecl, ParamDecl, PipeSignatures } from './declare.ts';
import { invoke } from './invoke.ts';
import { register } from './registry.ts';

export type CmdletFunction<P extends readonly ParamDecl[], R> = CallSignatures<P, R> & {
  /** Pipe values in, as `$values | Verb-PodeNoun …`: they bind to the ValueFromPipeline parameter. */
  readonly pipe: PipeSignatures<P, R>;
  readonly declaration: CmdletDecl<P, R>;
};

/** Runs a cmdlet from already-tokenized PowerShell arguments (the `pode` template and `podets bind`). */
export function invokeTokens(decl: CmdletDecl<readonly ParamDecl[], unknown>, tokens: readonly Token[]): unknown {
  return invoke(bindTokens(compile(decl), tokens));
}

/** Pipeline input as a list: an array or other iterable is enumerated, anything else is one value. */
function toInput(input: unknown, cmd: string): unknown[] {
  try {
    if (Array.isArray(input)) return input;
    if (input !== null && typeof input === 'object' && Symbol.iterator in input) return Array.from(input as Iterable<unknown>);
    return [input];
  } catch (err) {
    throw binding.BadEnumeration(cmd, { message: errorText(err) });
  }
}

export function defineGroup(group: string, options: { hidden?: boolean } = {}) {
  return function cmdlet<const P extends readonly ParamDecl[], R>(decl: CmdletDecl<P, R>): CmdletFunction<P, R> {
    const general = decl as unknown as CmdletDecl<readonly ParamDecl[], unknown>;
    const compiled = compile(general);
    const fn = (...args: unknown[]) => invoke(bindArgs(compiled, args));
    const pipe = (input: unknown, ...args: unknown[]) => invoke(bindArgs(compiled, args, true), toInput(input, decl.name));
    Object.defineProperty(fn, 'name', { value: decl.name.replace('-', '') });
    const out = Object.assign(fn, { pipe, declaration: decl }) as unknown as CmdletFunction<P, R>;
    register({ decl: general, group, fn: out as (...args: any[]) => unknown, hidden: options.hidden });
    return out;
  };
}
