// Runs a cmdlet's implementation on a finished binding: defaults, the call context, pipeline input, and the
// real effects of the common parameters (ErrorAction, -Verbose, the *Variable ones, …).
import type { Binding } from '../binder/bind.ts';
import type { CompiledCmdlet, CompiledParam } from '../binder/compile.ts';
import { bindArgument } from '../binder/validate.ts';
import { errors } from '../errors/catalog.ts';
import type { PodeError } from '../errors/error.ts';
import { log } from '../log.ts';
import type { ActionPreference } from './declare.ts';
import type { CallContext } from './context.ts';
import { openVariable } from './variables.ts';

/** Index of each common parameter after the cmdlet's own ones (see binder/common.ts). */
const enum Common {
  Verbose,
  Debug,
  ErrorAction,
  WarningAction,
  InformationAction,
  ProgressAction,
  ErrorVariable,
  WarningVariable,
  InformationVariable,
  OutVariable,
  OutBuffer,
  PipelineVariable,
}

interface Streams {
  verbose: boolean;
  debug: boolean;
  errorAction: ActionPreference;
  warningAction: ActionPreference;
  informationAction: ActionPreference;
  progressAction: ActionPreference | undefined;
  errors: unknown[] | undefined;
  warnings: unknown[] | undefined;
  information: unknown[] | undefined;
  out: unknown[] | undefined;
}

const DEFAULT_STREAMS: Streams = Object.freeze({
  verbose: false,
  debug: false,
  errorAction: 'Continue',
  warningAction: 'Continue',
  informationAction: 'Continue',
  progressAction: undefined,
  errors: undefined,
  warnings: undefined,
  information: undefined,
  out: undefined,
});

// Valid in PowerShell, refused by podets: both need an interactive host (a prompt, a debugger). Suspend is refused by
// the binder, as PowerShell refuses it (host/binder/convert.ts).
const INTERACTIVE_ONLY = new Set(['Inquire', 'Break']);

/** Reads the common parameters of a binding; most calls bind none, and then share one frozen object. */
function streamsOf(b: Binding): Streams {
  const base = b.cmdlet.ownCount;
  const values = b.values;
  let any = false;
  for (let i = base; i < values.length; i++) if (values[i] !== undefined) any = true;
  if (!any) return DEFAULT_STREAMS;

  const cmd = b.cmdlet.name;
  const v = (k: Common) => values[base + k];
  for (const [k, name] of [
    [Common.ErrorAction, 'ErrorAction'],
    [Common.WarningAction, 'WarningAction'],
    [Common.InformationAction, 'InformationAction'],
    [Common.ProgressAction, 'ProgressAction'],
  ] as const) {
    const pref = v(k) as string | undefined;
    if (pref && INTERACTIVE_ONLY.has(pref))
      throw errors.ActionPreferenceNotSupported(cmd, { value: pref, parameter: name });
  }
  if (v(Common.OutBuffer) !== undefined) throw errors.CommonParameterNotSupported(cmd, { parameter: 'OutBuffer' });
  if (v(Common.PipelineVariable) !== undefined) throw errors.CommonParameterNotSupported(cmd, { parameter: 'PipelineVariable' });
  const variable = (k: Common) => {
    const name = v(k) as string | undefined;
    return name ? openVariable(name) : undefined;
  };
  return {
    verbose: v(Common.Verbose) === true,
    debug: v(Common.Debug) === true,
    errorAction: (v(Common.ErrorAction) as ActionPreference) ?? 'Continue',
    warningAction: (v(Common.WarningAction) as ActionPreference) ?? 'Continue',
    informationAction: (v(Common.InformationAction) as ActionPreference) ?? 'Continue',
    progressAction: v(Common.ProgressAction) as ActionPreference | undefined,
    errors: variable(Common.ErrorVariable),
    warnings: variable(Common.WarningVariable),
    information: variable(Common.InformationVariable),
    out: variable(Common.OutVariable),
  };
}

function actionStop(cmd: string, preference: string, message: string): PodeError {
  return errors.ActionPreferenceStop(cmd, { preference, message });
}

class Context implements CallContext {
  constructor(
    private readonly b: Binding,
    private readonly streams: Streams,
    readonly expectingInput: boolean,
  ) {}
  get command() {
    return this.b.cmdlet.name;
  }
  get parameterSetName() {
    return this.b.setName;
  }
  get bound(): ReadonlySet<string> {
    const names = new Set<string>();
    const { params } = this.b.cmdlet;
    for (let i = 0; i < params.length; i++) if (this.b.values[i] !== undefined) names.add(params[i]!.name);
    return names;
  }
  verbose(message: string) {
    log('verbose', message, this.streams.verbose);
  }
  debug(message: string) {
    log('debug', message, this.streams.debug);
  }
  warning(message: string) {
    const pref = this.streams.warningAction;
    if (pref === 'Ignore') return;
    this.streams.warnings?.push(message);
    if (pref === 'Stop') throw actionStop(this.command, 'WarningPreference', message);
    if (pref === 'Continue') log('warn', message);
  }
  information(message: string) {
    const pref = this.streams.informationAction;
    if (pref === 'Ignore') return;
    this.streams.information?.push(message);
    if (pref === 'Stop') throw actionStop(this.command, 'InformationPreference', message);
    if (pref === 'Continue') log('info', message);
  }
  progress(activity: string, status: string) {
    const pref = this.streams.progressAction;
    if (pref === 'SilentlyContinue' || pref === 'Ignore') return;
    if (pref === 'Stop') throw actionStop(this.command, 'ProgressPreference', `${activity}: ${status}`);
    // Progress is chatty: shown at verbose level unless the call asked for it with -ProgressAction Continue.
    log(pref === 'Continue' ? 'info' : 'verbose', `${activity}: ${status}`);
  }
}

/** The implementation's argument object: bound values, else defaults, switches always boolean. */
function argsOf(c: CompiledCmdlet, b: Binding): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (let i = 0; i < c.ownCount; i++) {
    const p = c.params[i]!;
    const value = b.values[i];
    if (value !== undefined) args[p.name] = value;
    else if (p.isSwitch) args[p.name] = p.decl.default ?? false;
    else if (p.decl.default !== undefined) args[p.name] = p.decl.default;
  }
  return args;
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function';
}

type Run = (args: Record<string, unknown>, ctx: CallContext) => unknown;

export function invoke(b: Binding, input?: readonly unknown[]): unknown {
  const c = b.cmdlet;
  const run = c.decl.run as Run;
  const streams = streamsOf(b);
  const p = b.pipelineParam;
  const ctx = new Context(b, streams, p !== undefined);
  if (streams === DEFAULT_STREAMS && !p) return run(argsOf(c, b), ctx); // the common case: nothing to wrap

  const done = (value: unknown) => {
    streams.out?.push(value);
    return value;
  };
  const fail = (err: unknown): undefined => {
    if (streams.errorAction === 'Ignore') return undefined;
    streams.errors?.push(err);
    if (streams.errorAction === 'SilentlyContinue') return undefined;
    throw err;
  };
  try {
    const result = p ? runPipeline(c, b, p, input ?? [], ctx, run) : run(argsOf(c, b), ctx);
    return isThenable(result) ? Promise.resolve(result).then(done, fail) : done(result);
  } catch (err) {
    return fail(err);
  }
}

/** Pipeline input: object parameters take all values at once (one JSON array for Send-PodeSseEvent); others run once per value. */
function runPipeline(c: CompiledCmdlet, b: Binding, p: CompiledParam, input: readonly unknown[], ctx: CallContext, run: Run): unknown {
  if (input.length === 0) return undefined;
  const bindInput = (value: unknown) => {
    const args = argsOf(c, b);
    args[p.name] = bindArgument(p, value, c.name);
    return run(args, ctx);
  };
  if (p.decl.type === 'Object' || p.decl.type === 'PSObject' || p.decl.type === 'Object[]') return bindInput(input.length === 1 ? input[0] : input);
  const results = input.map(bindInput);
  return results.some(isThenable) ? Promise.all(results) : results.length === 1 ? results[0] : results;
}
