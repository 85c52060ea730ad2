// Argument conversion and validation, PowerShell style. Each parameter type gets one converter, chosen
// once when a declaration is compiled, so binding a value is a single function call.
import type { ParamType } from '../cmdlet/declare.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { roundHalfToEven } from '../values/number.ts';
import { int32FromString } from './int32.ts';
import { dotnetToString, psString } from '../values/text.ts';
import { dotnetTypeOf } from '../values/typename.ts';
import * as msg from './messages.ts';
import { binding } from './messages.ts';

/** The .NET full names that binding messages print. */
export const DOTNET_TYPE: Record<ParamType, string> = {
  String: 'System.String',
  'String[]': 'System.String[]',
  Int32: 'System.Int32',
  'Int32[]': 'System.Int32[]',
  Boolean: 'System.Boolean',
  SwitchParameter: 'System.Management.Automation.SwitchParameter',
  Object: 'System.Object',
  'Object[]': 'System.Object[]',
  Hashtable: 'System.Collections.Hashtable',
  ScriptBlock: 'System.Management.Automation.ScriptBlock',
  DateTime: 'System.DateTime',
  ActionPreference: 'System.Management.Automation.ActionPreference',
};

export const ACTION_PREFERENCES = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend', 'Break'] as const;

export type Converter = (value: unknown, name: string, cmd: string) => unknown;

const toStringValue: Converter = (value, name, cmd) => {
  if (value === null || value === undefined) return '';
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return psString(value);
  }
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.toISOString();
    throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerCannotConvert('Invalid Date', DOTNET_TYPE.DateTime, DOTNET_TYPE.String) });
  }
  // A hashtable's ToString() is its type name, and PowerShell binds that (LanguagePrimitives.ConvertTo to String).
  if (isPlainObject(value) || value instanceof Map) return DOTNET_TYPE.Hashtable;
  // An array is refused (ArgumentTypeConverterAttribute.Transform: "Don't allow conversion from array to string in
  // script w/ cmdlet binding", InvalidCastCannotRetrieveString). Never any other object's own toString: a
  // script-given object must not run code here.
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerToString });
};

const INT32 = 'System.Int32';

/** `n` rounded half to even into an Int32, or undefined when it does not fit (Convert.ToInt32(double)). */
function int32Of(n: number): number | undefined {
  const rounded = roundHalfToEven(n);
  if (!(rounded >= -2147483648 && rounded <= 2147483647)) return undefined; // NaN too
  return rounded === 0 ? 0 : rounded;
}

const toInt32: Converter = (value, name, cmd) => {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const fail = (inner: string) => binding.ParameterArgumentTransformationError(cmd, { name, inner });
  if (typeof value === 'number') {
    const n = int32Of(value);
    if (n !== undefined) return n;
    // Convert.ToInt32(double) throws OverflowException for NaN too.
    throw fail(msg.innerCannotConvertWith(dotnetToString(value), INT32, msg.OVERFLOW_INT32));
  }
  if (typeof value === 'string') {
    // LanguagePrimitives.ConvertStringToInteger: the scan, the Int32Converter, then Double.Parse (host/binder/int32.ts).
    const n = int32FromString(value);
    if (typeof n === 'number') return n;
    throw fail(msg.innerCannotConvertWith(value, INT32, n));
  }
  throw fail(msg.innerCannotConvert(dotnetToString(value), dotnetTypeOf(value), INT32));
};

function toBooleanOf(dotnet: string): Converter {
  return (value, name, cmd) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (value === null || value === undefined) return false;
    throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerBoolean(dotnetTypeOf(value), dotnet) });
  };
}

/**
 * A common switch (-Verbose, -Debug): the common parameters are bound like a compiled cmdlet's, so the value goes
 * through ParameterBinderBase.CoerceTypeAsNeeded, which takes a bool or a number and refuses anything else with
 * CannotConvertArgument, not an advanced function's ArgumentTypeConverterAttribute text.
 */
export const toCommonSwitch: Converter = (value, name, cmd) => {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (value === null || value === undefined) return false;
  throw binding.CannotConvertArgument(cmd, { name, fromType: dotnetTypeOf(value), toType: DOTNET_TYPE.SwitchParameter });
};

function arrayOf(element: Converter): Converter {
  return (value, name, cmd) => {
    if (value === null || value === undefined) return value ?? null;
    if (!Array.isArray(value)) return [element(value, name, cmd)];
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = element(value[i], name, cmd);
    return out;
  };
}

const toObject: Converter = (value) => value;
const toObjectArray: Converter = (value) => (value === null || value === undefined ? null : Array.isArray(value) ? value.slice() : [value]);

const toHashtable: Converter = (value, name, cmd) => {
  if (value === null || value === undefined || isPlainObject(value)) return value ?? null;
  if (value instanceof Map) return Object.fromEntries(value);
  const inner = msg.innerCannotConvert(dotnetToString(value), dotnetTypeOf(value), DOTNET_TYPE.Hashtable);
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
};

const toScriptBlock: Converter = (value, name, cmd) => {
  if (value === null || value === undefined || typeof value === 'function') return value ?? null;
  const inner = msg.innerCannotConvert(dotnetToString(value), dotnetTypeOf(value), DOTNET_TYPE.ScriptBlock);
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
};

const toDateTime: Converter = (value, name, cmd) => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  // Not a string: LanguagePrimitives' generic InvalidCastException text, with the value's ToString().
  const inner =
    typeof value === 'string' || typeof value === 'number' || value instanceof Date
      ? msg.innerDateTime(psString(value))
      : msg.innerCannotConvert(dotnetToString(value), dotnetTypeOf(value), DOTNET_TYPE.DateTime);
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
};

/** Enum conversion: exact name (any case), then an unambiguous prefix. Common parameters report as CannotConvertArgumentNoMessage. */
export function toEnum(names: readonly string[], enumType: string): Converter {
  const lower = names.map((n) => n.toLowerCase());
  return (value, name, cmd) => {
    const text = psString(value);
    const t = text.trim().toLowerCase();
    const exact = lower.indexOf(t);
    if (exact >= 0) return names[exact];
    const matches = t === '' ? [] : names.filter((_, i) => lower[i]!.startsWith(t));
    if (matches.length === 1) return matches[0];
    const inner = matches.length > 1 ? msg.innerAmbiguousEnum(text, enumType, matches) : msg.innerEnum(text, enumType, names);
    throw binding.CannotConvertArgumentNoMessage(cmd, { name, inner });
  };
}

export const CONVERTERS: Record<ParamType, Converter> = {
  String: toStringValue,
  'String[]': arrayOf(toStringValue),
  Int32: toInt32,
  'Int32[]': arrayOf(toInt32),
  Boolean: toBooleanOf(DOTNET_TYPE.Boolean),
  SwitchParameter: toBooleanOf(DOTNET_TYPE.SwitchParameter),
  Object: toObject,
  'Object[]': toObjectArray,
  Hashtable: toHashtable,
  ScriptBlock: toScriptBlock,
  DateTime: toDateTime,
  ActionPreference: toEnum(ACTION_PREFERENCES, DOTNET_TYPE.ActionPreference),
};

/** Does a parameter of this type take a plain object as its value (the splat-or-value rule)? */
export const TAKES_OBJECTS: ReadonlySet<ParamType> = new Set(['Object', 'Object[]', 'Hashtable']);
