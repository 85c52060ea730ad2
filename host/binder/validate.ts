// Converting and validating one argument, in PowerShell's order (ParameterBinderBase.BindParameter in
// src/System.Management.Automation/engine/ParameterBinderBase.cs): the type conversion, then every validation
// attribute, then, for a parameter mandatory in some set, the null-and-empty checks (ValidateNullOrEmptyArgument).
// Defaults never come here: PowerShell validates no default value.
import { dotnetToString } from '../values/text.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { errorText, PodeError } from '../errors/error.ts';
import type { CompiledParam } from './compile.ts';
import * as msg from './messages.ts';
import { binding } from './messages.ts';

/**
 * Converts and validates one argument for `p`. A failure is always a PodeError naming the parameter: an error
 * thrown by the value's own code (a getter or Proxy trap reached while converting) becomes a
 * ParameterArgumentTransformationError with PowerShell's InvalidCastExceptionNoStringForConversion text.
 */
export function bindArgument(p: CompiledParam, value: unknown, cmd: string): unknown {
  try {
    const converted = p.convert(value, p.name, cmd);
    return p.validates ? validateValue(p, converted, cmd) : converted;
  } catch (err) {
    if (err instanceof PodeError) throw err;
    throw binding.ParameterArgumentTransformationError(cmd, { name: p.name, inner: msg.innerNoStringForConversion(p.dotnetType, errorText(err)) });
  }
}

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;

/**
 * Checks a converted value against the parameter's attributes and returns what the implementation gets: the value
 * itself, except that a string matching a ValidateSet member in another casing becomes the member as declared.
 * PowerShell compares case-insensitively and keeps the caller's string (ValidateSetAttribute.ValidateElement in
 * engine/Attributes.cs); podets hands implementations the declared casing, so no cmdlet has to compare again,
 * except for a parameter declared `keepCase` (a value the cmdlet stores and gives back as the caller wrote it).
 *
 * The attributes run in the order PowerShell runs Pode's: a script parameter's attributes are reversed
 * (Compiler.cs, GetRuntimeDefinedParameter: `attributes.Reverse()`), and Pode writes `[ValidateNotNullOrEmpty()]`
 * above `[ValidateSet(…)]` (Enable-PodeErrorLogging -Levels), so ValidateSet (and ValidateRange) first, then
 * ValidateNotNullOrEmpty; the mandatory checks after all of them.
 */
export function validateValue(p: CompiledParam, value: unknown, cmd: string): unknown {
  const d = p.decl;
  if (p.setLower) value = Array.isArray(value) ? checkSetEach(p, value, cmd) : checkSet(p, value, cmd);
  if (d.validateRange) {
    if (Array.isArray(value)) for (const v of value) checkRange(p, v, cmd);
    else checkRange(p, value, cmd, true);
  }
  if (d.validateNotNullOrEmpty) checkNotNullOrEmpty(p, value, cmd);
  // Mandatory in any of its sets, whichever set the call ends in: CompiledCommandParameter.IsMandatoryInSomeParameterSet,
  // set for any [Parameter(Mandatory)] (ProcessParameterAttribute), is what BindParameter checks.
  if (p.mandatoryMask !== 0) {
    // A string is the common case, and only '' for a String parameter fails (no call for it: this is every call's path).
    if (typeof value !== 'string') checkMandatory(p, value, cmd);
    else if (value === '' && d.type === 'String') throw binding.ParameterArgumentValidationErrorEmptyStringNotAllowed(cmd, { name: p.name });
  }
  return value;
}

const invalid = (p: CompiledParam, cmd: string, inner: string) => binding.ParameterArgumentValidationError(cmd, { name: p.name, inner });

/**
 * ValidateSet and ValidateRange enumerate the value (ValidateEnumeratedArgumentsAttribute.Validate): a null value
 * itself is ValidateNotNullOrEmptyCollectionFailure, a null element ValidateNotNullFailure (ValidateElement).
 */
function nullForEnumerated(p: CompiledParam, v: unknown, cmd: string, whole: boolean): void {
  if (isNull(v)) throw invalid(p, cmd, whole ? msg.innerNotNullOrEmptyCollection : msg.innerNotNull);
}

/** Each element, in declared casing; a new array only when one changes (the caller's array is never written). */
function checkSetEach(p: CompiledParam, values: readonly unknown[], cmd: string): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = checkSet(p, values[i], cmd, false);
    if (v !== values[i]) (out ??= values.slice())[i] = v;
  }
  return out ?? values;
}

/** The member `v` matches (declared casing, for a string), or a ValidateSetFailure. */
function checkSet(p: CompiledParam, v: unknown, cmd: string, whole?: false): unknown {
  const set = p.decl.validateSet!;
  // Exact casing is the common case and needs no lower-casing.
  if (typeof v === 'string' && set.includes(v)) return v;
  nullForEnumerated(p, v, cmd, whole !== false);
  const text = typeof v === 'string' ? v : dotnetToString(v);
  const i = p.setLower!.indexOf(text.toLowerCase());
  if (i >= 0) return typeof v === 'string' && !p.decl.keepCase ? set[i] : v;
  throw invalid(p, cmd, msg.innerValidateSet(text, set));
}

function checkRange(p: CompiledParam, v: unknown, cmd: string, whole = false): void {
  nullForEnumerated(p, v, cmd, whole);
  const [min, max] = p.decl.validateRange!;
  const n = v as number;
  if (n < min) throw invalid(p, cmd, msg.innerRangeLow(n, min));
  if (n > max) throw invalid(p, cmd, msg.innerRangeHigh(n, max));
}

/**
 * ValidateNotNullOrEmptyAttribute.Validate (engine/Attributes.cs): null or '' is ValidateNotNullOrEmptyFailure; a
 * collection that is empty or holds a null or '' element, and an empty hashtable, ValidateNotNullOrEmptyCollectionFailure.
 */
function checkNotNullOrEmpty(p: CompiledParam, v: unknown, cmd: string): void {
  if (isNull(v) || v === '') throw invalid(p, cmd, msg.innerNotNullOrEmpty);
  if (Array.isArray(v)) {
    if (v.length === 0 || v.some((e) => isNull(e) || e === '')) throw invalid(p, cmd, msg.innerNotNullOrEmptyCollection);
  } else if (v instanceof Map ? v.size === 0 : isPlainObject(v) && isEmptyObject(v)) {
    throw invalid(p, cmd, msg.innerNotNullOrEmptyCollection);
  }
}

function isEmptyObject(o: Record<string, unknown>): boolean {
  for (const _ in o) return false;
  return true;
}

/**
 * ParameterBinderBase.ValidateNullOrEmptyArgument, for a parameter mandatory in some set: null (without
 * [AllowNull()]), '' for a String, and for an array type each element against the element type (a null element;
 * '' in a String[]) and then emptiness. Int32[], Byte[] and enum-array elements are value types and never checked
 * for null (an enum's converter refuses a null element first), but the array's emptiness is. A scalar type (Object,
 * Hashtable) is no collection there, so an empty array given to an Object parameter binds.
 */
function checkMandatory(p: CompiledParam, v: unknown, cmd: string): void {
  const d = p.decl;
  if (isNull(v)) {
    if (d.allowNull !== true) throw binding.ParameterArgumentValidationErrorNullNotAllowed(cmd, { name: p.name });
    return;
  }
  if (d.type === 'String') {
    if (v === '') throw binding.ParameterArgumentValidationErrorEmptyStringNotAllowed(cmd, { name: p.name });
    return;
  }
  // Every array type is ParameterCollectionType.Array; its converter made an array (a Buffer for Byte[]).
  if (!d.type.endsWith('[]')) return;
  if (Array.isArray(v) && (d.type === 'String[]' || d.type === 'Object[]')) {
    for (const e of v) {
      if (isNull(e)) {
        if (d.allowNull !== true) throw binding.ParameterArgumentValidationErrorNullNotAllowed(cmd, { name: p.name });
      } else if (e === '' && d.type === 'String[]') throw binding.ParameterArgumentValidationErrorEmptyStringNotAllowed(cmd, { name: p.name });
    }
  }
  if ((v as { length?: unknown }).length === 0) throw binding.ParameterArgumentValidationErrorEmptyArrayNotAllowed(cmd, { name: p.name });
}
