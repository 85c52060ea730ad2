// Shared by the binder tests: bind in each call form and describe the result the way `podets bind` does.
import { bindArgs } from '../../../host/binder/bind.ts';
import { compile } from '../../../host/binder/compile.ts';
import { describeBinding, type BindingDescription } from '../../../host/binder/describe.ts';
import type { PodeError } from '../../../host/errors/error.ts';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { bindCommandLine } from '../../../host/cmdlet/template.ts';
import '../../../cmdlets/index.ts';
import '../../fixtures/cmdlets.ts';

type AnyDecl = CmdletDecl<readonly ParamDecl[], unknown>;

/** Form 1 and 2: JS arguments, the last one possibly a splat object. */
export function js(decl: { declaration: unknown }, ...args: unknown[]): BindingDescription {
  return describeBinding(bindArgs(compile(decl.declaration as AnyDecl), args));
}

/** Form 3: a PowerShell command line. */
export function ps(line: string): BindingDescription {
  return describeBinding(bindCommandLine(line));
}

export function failure(fn: () => unknown): PodeError {
  try {
    fn();
  } catch (err) {
    return err as PodeError;
  }
  throw new Error('expected the call to fail');
}
