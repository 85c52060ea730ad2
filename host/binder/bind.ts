// The binding algorithm, in PowerShell's order: pairing, named binding, positional binding, set conflicts,
// left-over arguments, parameter-set resolution, mandatory parameters, pipeline input. The three call
// forms (JS positional, trailing splat object, tagged template) each turn their input into named and
// positional arguments and share this core.
import { isRequestData } from '../http/request-data.ts';
import { ALL_SETS, type CompiledCmdlet, type CompiledParam } from './compile.ts';
import { bindArgument, validateValue } from './validate.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { dotnetToString } from '../values/text.ts';
import { TAKES_OBJECTS } from './convert.ts';
import { errorText, PodeError } from '../errors/error.ts';
import { binding } from './messages.ts';
import { errors } from '../errors/catalog.ts';
import type { Token } from './tokenize.ts';

export interface Binding {
  readonly cmdlet: CompiledCmdlet;
  /** Bound values by parameter index (own parameters, then common ones); `undefined` = not bound. */
  readonly values: unknown[];
  readonly setName: string;
  readonly setMask: number;
  /** The parameter that pipeline input binds to, when input is expected. */
  readonly pipelineParam: CompiledParam | undefined;
}

interface Named {
  param: CompiledParam | null;
  /** A name with a value of its own (`-n:v`, a splat key) that matches several: AmbiguousParameter when bound. */
  ambiguous?: readonly string[];
  typed: string;
  /**
   * The name ParameterAlreadyBound reports: the argument's ParameterName (ParameterBinderController.BindParameter),
   * which is the name as typed, except for a `-name value` pair that ReparseUnboundArguments joined: that one it
   * renames to the parameter's own name.
   */
  reported: string;
  value: unknown;
  order: number;
}

interface State {
  c: CompiledCmdlet;
  values: unknown[];
  candidates: number;
  leftover: { order: number; error: () => Error } | undefined;
}

function newState(c: CompiledCmdlet): State {
  return { c, values: new Array(c.params.length), candidates: c.allMask, leftover: undefined };
}

function bindValue(s: State, p: CompiledParam, value: unknown): void {
  const cmd = s.c.name;
  // Strings to String and whole numbers to Int32 are most calls: no converter call for them.
  const bound =
    (typeof value === 'string' && p.takesStringAsIs) || (typeof value === 'number' && p.takesIntAsIs && (value | 0) === value)
      ? p.validates
        ? validateValue(p, value, cmd)
        : value
      : bindArgument(p, value, cmd);
  s.values[p.index] = bound === undefined ? null : bound; // undefined marks "not bound"
  s.candidates &= p.mask;
}

function noteLeftover(s: State, order: number, error: () => Error): void {
  if (!s.leftover || order < s.leftover.order) s.leftover = { order, error };
}

function bindNamed(s: State, named: readonly Named[]): void {
  for (const n of named) {
    if (n.ambiguous) throw binding.AmbiguousParameter(s.c.name, { typed: n.typed, matches: n.ambiguous });
    const p = n.param;
    if (!p) {
      noteLeftover(s, n.order, () => binding.NamedParameterNotFound(s.c.name, { typed: n.typed }));
      continue;
    }
    if (s.values[p.index] !== undefined) throw binding.ParameterAlreadyBound(s.c.name, { name: n.reported });
    bindValue(s, p, n.value);
  }
}

/**
 * Positional values go to unbound positional parameters, in position order, within the candidate sets. Parameters
 * that share a position are alternatives in different sets: the first one the candidate sets allow takes the
 * value, and the next value goes to a later position.
 */
function bindPositional(s: State, values: readonly unknown[], count: number, orders?: readonly number[]): void {
  const positional = s.c.positional;
  let next = 0;
  let taken: number | undefined;
  for (let i = 0; i < count; i++) {
    // Sets as binding so far left them; when those conflict, the conflict is reported after positional errors.
    const sets = s.candidates || s.c.allMask;
    let p: CompiledParam | undefined;
    while (next < positional.length) {
      const q = positional[next++]!;
      if (q.position === taken) continue;
      if (s.values[q.index] === undefined && (q.positionMask & sets) !== 0) {
        p = q;
        break;
      }
    }
    if (!p) {
      const value = values[i];
      noteLeftover(s, orders ? orders[i]! : i, () => binding.PositionalParameterNotFound(s.c.name, { text: leftoverText(value) }));
      return;
    }
    bindValue(s, p, values[i]);
    taken = p.position;
  }
}

/**
 * A left-over value as PositionalParameterNotFound quotes it: `$null`, else the value's ToString(), so an array is
 * `System.Object[]` (CmdletParameterBinderController, the unbound positional arguments after binding).
 */
function leftoverText(value: unknown): string {
  return value === null || value === undefined ? '$null' : dotnetToString(value);
}

function finish(s: State, expectingInput: boolean): Binding {
  const c = s.c;
  if (c.unsupported.length > 0) refuseUnsupported(s);
  if (s.candidates === 0) throw binding.AmbiguousParameterSet(c.name);
  if (s.leftover) throw s.leftover.error();

  const setMask = resolveSet(s, expectingInput);
  let missing: string[] | undefined;
  for (let i = 0; i < c.ownCount; i++) {
    const p = c.params[i]!;
    if ((p.mandatoryMask & setMask) !== 0 && s.values[i] === undefined && !(expectingInput && (p.pipelineMask & setMask) !== 0))
      (missing ??= []).push(p.name);
  }
  if (missing) throw binding.MissingMandatoryParameter(c.name, { names: missing });

  let pipelineParam: CompiledParam | undefined;
  if (expectingInput) {
    pipelineParam = c.pipelineParams.find((p) => s.values[p.index] === undefined && (p.pipelineMask & setMask) !== 0);
    if (!pipelineParam) throw binding.InputObjectNotBound(c.name);
  }
  const setName = c.setNames.length === 0 ? ALL_SETS : c.setNames[31 - Math.clz32(setMask)]!;
  return { cmdlet: c, values: s.values, setName, setMask, pipelineParam };
}

/**
 * A parameter declared `unsupported` may be bound only to its default (a switch: $false, a parameter without a
 * default: $null, '' or an empty array), which asks for nothing podets cannot do; any other value is refused
 * with its reason, before the set and the mandatory checks, whichever call form bound it.
 */
function refuseUnsupported(s: State): void {
  for (const p of s.c.unsupported) {
    const v = s.values[p.index];
    if (v !== undefined && !isDefaultValue(p, v))
      throw errors.ParameterNotSupported(s.c.name, { command: s.c.name, parameter: p.name, why: p.unsupported! });
  }
}

function isDefaultValue(p: CompiledParam, v: unknown): boolean {
  if (p.isSwitch) return v === false;
  const d = p.decl.default;
  if (d === undefined || d === null) return v === null || v === '' || (Array.isArray(v) && v.length === 0);
  return JSON.stringify(v) === JSON.stringify(d);
}

function resolveSet(s: State, expectingInput: boolean): number {
  const c = s.c;
  const cand = s.candidates;
  if ((cand & (cand - 1)) === 0) return cand;
  if ((cand & c.defaultMask) !== 0) return c.defaultMask;
  let viable = 0;
  for (let bit = 1; bit <= cand; bit <<= 1) {
    if ((cand & bit) === 0) continue;
    const complete = c.params.every(
      (p) => (p.mandatoryMask & bit) === 0 || s.values[p.index] !== undefined || (expectingInput && (p.pipelineMask & bit) !== 0),
    );
    if (complete) viable |= bit;
  }
  if (viable !== 0 && (viable & (viable - 1)) === 0) return viable;
  throw binding.AmbiguousParameterSet(c.name);
}

/**
 * Every failure of a call form is a PodeError. What is not one already was thrown by script code the binder
 * reached while reading the arguments (a Proxy trap, say): it becomes a ParameterBindingException.
 */
function asBindingError(c: CompiledCmdlet, err: unknown): PodeError {
  return err instanceof PodeError ? err : binding.ParameterBindingException(c.name, { message: errorText(err) });
}

// ---- Call form 1 and 2: JS arguments with an optional trailing splat object -------------------------

export function bindArgs(c: CompiledCmdlet, args: readonly unknown[], expectingInput = false): Binding {
  try {
    return bindArgList(c, args, expectingInput);
  } catch (err) {
    throw asBindingError(c, err);
  }
}

function bindArgList(c: CompiledCmdlet, args: readonly unknown[], expectingInput: boolean): Binding {
  let count = args.length;
  const last = count > 0 ? args[count - 1] : undefined;
  const splat = last !== undefined && isPlainObject(last) && isSplat(c, last, count - 1) ? last : undefined;
  if (splat) count--;
  const s = newState(c);
  if (splat && !bindSplatFast(s, splat)) {
    // Something in the splat failed: redo it in the full order so the error PowerShell would report wins.
    Object.assign(s, newState(c));
    bindNamed(s, splatToNamed(c, splat, count));
  }
  if (count > 0) bindPositional(s, args, count);
  return finish(s, expectingInput);
}

/**
 * A trailing plain object is a splat, unless podets built it from a request (request data is data: a client never
 * chooses parameters), or the parameter it would bind to takes objects and it does not look like one.
 */
function isSplat(c: CompiledCmdlet, obj: Record<string, unknown>, position: number): boolean {
  if (isRequestData(obj)) return false;
  const target = c.positional[position];
  if (!target || !TAKES_OBJECTS.has(target.decl.type)) return true;
  // No key array or closure: `Write-PodeJsonResponse @{ … }` takes this path on every request.
  // Only whole names and aliases count, not prefixes: `{ status: 'ok' }` is data, not -StatusCode.
  let any = false;
  for (const key in obj) {
    if (!c.isName(key)) return false;
    any = true;
  }
  return any;
}

/** The common case in one pass; returns false (leaving the state dirty) at the first problem of any kind. */
function bindSplatFast(s: State, splat: Record<string, unknown>): boolean {
  const c = s.c;
  try {
    for (const key in splat) {
      const value = splat[key];
      if (value === undefined) continue;
      const p = c.match(key);
      if (p === null || 'ambiguous' in p || s.values[p.index] !== undefined) return false;
      bindValue(s, p, value);
    }
    return true;
  } catch {
    return false;
  }
}

function splatToNamed(c: CompiledCmdlet, obj: Record<string, unknown>, firstOrder: number): Named[] {
  const named: Named[] = [];
  let order = firstOrder;
  for (const key of Object.keys(obj)) {
    let value: unknown;
    try {
      value = obj[key];
    } catch (err) {
      throw binding.ExceptionWhenGetting(c.name, { key, message: errorText(err) });
    }
    if (value === undefined) continue; // JS callers forward optional values as undefined: not given
    named.push({ ...lookUp(c, key), typed: key, reported: key, value, order: order++ });
  }
  return named;
}

/**
 * A name that comes with its value: its match, or its ambiguity kept for named binding, where PowerShell reports
 * it in argument order (ReparseUnboundArguments looks up only the names that still need a value).
 */
function lookUp(c: CompiledCmdlet, typed: string): { param: CompiledParam | null; ambiguous?: readonly string[] } {
  const m = c.match(typed);
  return m && 'ambiguous' in m ? { param: null, ambiguous: m.ambiguous } : { param: m };
}

function resolveName(c: CompiledCmdlet, typed: string): CompiledParam | null {
  const m = c.match(typed);
  if (m && 'ambiguous' in m) throw binding.AmbiguousParameter(c.name, { typed, matches: m.ambiguous });
  return m;
}

// ---- Call form 3: a PowerShell command line (tokens from the tagged template) ----------------------

export function bindTokens(c: CompiledCmdlet, tokens: readonly Token[], expectingInput = false): Binding {
  try {
    return bindTokenList(c, tokens, expectingInput);
  } catch (err) {
    throw asBindingError(c, err);
  }
}

function bindTokenList(c: CompiledCmdlet, tokens: readonly Token[], expectingInput: boolean): Binding {
  const named: Named[] = [];
  const positional: unknown[] = [];
  const orders: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'value') {
      positional.push(t.value);
      orders.push(i);
      continue;
    }
    if (t.colonArg) {
      named.push({ ...lookUp(c, t.name), typed: t.name, reported: t.name, value: t.colonArg.value, order: i });
      continue;
    }
    const p = resolveName(c, t.name);
    if (!p) {
      named.push({ param: null, typed: t.name, reported: t.name, value: undefined, order: i });
      continue;
    }
    let value: unknown;
    let reported = t.name;
    if (p.isSwitch) value = true; // a switch never consumes the next token
    else {
      // ParameterBinderController.ReparseUnboundArguments: the next token is the value, unless there is none, or it
      // is a dash-token that names a parameter (an ambiguous one is AmbiguousParameter, for that token) or carries
      // its own `-name:value`; a dash-token that names nothing is the value, as typed.
      const next = tokens[i + 1];
      if (!next || (next.kind === 'parameter' && (next.colonArg !== undefined || resolveName(c, next.name) !== null)))
        throw binding.MissingArgument(c.name, { name: p.name, dotnetType: p.dotnetType });
      value = next.kind === 'value' ? next.value : next.text;
      reported = p.name;
      i++;
    }
    named.push({ param: p, typed: t.name, reported, value, order: i });
  }
  const s = newState(c);
  bindNamed(s, named);
  bindPositional(s, positional, positional.length, orders);
  return finish(s, expectingInput);
}
