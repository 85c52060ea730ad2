// Argument conversion and validation, PowerShell style. Each parameter type gets one converter, chosen
// once when a declaration is compiled, so binding a value is a single function call.
import type { ParamType } from '../cmdlet/declare.ts';
import { ENUMS, type EnumDecl, type EnumName } from '../cmdlet/enums.ts';
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
  PSObject: 'System.Management.Automation.PSObject',
  'Object[]': 'System.Object[]',
  Hashtable: 'System.Collections.Hashtable',
  ScriptBlock: 'System.Management.Automation.ScriptBlock',
  DateTime: 'System.DateTime',
  ActionPreference: 'System.Management.Automation.ActionPreference',
  'Byte[]': 'System.Byte[]',
  TimeSpan: 'System.TimeSpan',
  X509Certificate: 'System.Security.Cryptography.X509Certificates.X509Certificate',
  X509Certificate2: 'System.Security.Cryptography.X509Certificates.X509Certificate2',
  SecureString: 'System.Security.SecureString',
  ...enumRecord((e) => e.fullName),
  ...enumRecord((e) => `${e.fullName}[]`, '[]'),
} as Record<ParamType, string>;

/** One entry per enum (or enum array) type name, for the records keyed by ParamType. */
function enumRecord<T>(make: (e: EnumDecl) => T, suffix: '' | '[]' = ''): Record<string, T> {
  return Object.fromEntries(Object.values(ENUMS).map((e) => [e.name + suffix, make(e)]));
}

export const ACTION_PREFERENCES = ['SilentlyContinue', 'Stop', 'Continue', 'Inquire', 'Ignore', 'Suspend', 'Break'] as const;
/** EnumName → its declaration, for the parameters typed with one (or an array of one). */
export const enumOf = (type: ParamType): EnumDecl | undefined => ENUMS[type.replace(/\[\]$/, '') as EnumName];

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

/**
 * String and number to enum, as LanguagePrimitives.ConvertStringToEnum does it: .NET's Enum.Parse first (a number,
 * or names separated by commas, each exact in any case, their values OR-ed), then EnumMinimumDisambiguation (a
 * unique prefix; a prefix several names share fails unless one of them equals it), then ThrowForUndefinedEnum
 * (the value must be one the enum defines). An array is joined with commas first (ConvertEnumerableToEnum). The
 * implementation is handed the member's name.
 * `kind` is how the parameter reports a failure: a script function's parameter (every Pode cmdlet's) through its
 * ArgumentTypeConverterAttribute, ParameterArgumentTransformationError; a compiled cmdlet's (the common
 * parameters), CannotConvertArgumentNoMessage.
 */
export function toEnum(e: Pick<EnumDecl, 'fullName' | 'members'>, kind: 'transformation' | 'noMessage' = 'transformation'): Converter {
  const names = e.members.map(([n]) => n);
  const lower = names.map((n) => n.toLowerCase());
  const byValue = new Map(e.members.map(([n, v]) => [v, n] as const));
  const fail = (inner: string, name: string, cmd: string) =>
    kind === 'noMessage' ? binding.CannotConvertArgumentNoMessage(cmd, { name, inner }) : binding.ParameterArgumentTransformationError(cmd, { name, inner });
  const undefinedValue = (text: string) => msg.innerEnumNoValue(text, e.fullName, names);
  const convert: Converter = (value, name, cmd) => {
    if (value === null || value === undefined) throw fail(msg.innerEnumNull(e.fullName, names), name, cmd);
    // LanguagePrimitives.ConvertEnumerableToEnum: the elements joined with commas (a string as it is, anything else
    // converted to the enum first, its failure the whole conversion's), then converted as that one text.
    if (Array.isArray(value)) value = value.map((v) => (typeof v === 'string' ? v : (convert(v, name, cmd) as string))).join(',');
    if (typeof value === 'number') {
      const n = int32Of(value);
      const member = n === undefined ? undefined : byValue.get(n);
      if (member !== undefined) return member;
      throw fail(n === undefined ? msg.innerCannotConvertWith(String(value), INT32, msg.OVERFLOW_INT32) : undefinedValue(psString(value)), name, cmd);
    }
    const text = psString(value);
    const parsed = enumParse(text, lower, e.members);
    if (parsed === 'overflow') throw fail(msg.innerCannotConvertWith(text, e.fullName, msg.OVERFLOW_INT32), name, cmd);
    if (parsed !== undefined) {
      const member = byValue.get(parsed);
      if (member === undefined) throw fail(undefinedValue(text), name, cmd);
      return member;
    }
    // Trimmed, and an empty text is no prefix of anything, as podets' binder has always had it.
    const t = text.trim().toLowerCase();
    const matches = t === '' ? [] : names.filter((_, i) => lower[i]!.startsWith(t));
    if (matches.length === 1) return matches[0];
    const exact = matches.find((m) => m.toLowerCase() === t);
    if (exact !== undefined) return exact;
    const inner = matches.length > 1 ? msg.innerAmbiguousEnum(text, e.fullName, matches) : msg.innerEnum(text, e.fullName, names);
    throw fail(inner, name, cmd);
  };
  return convert;
}

/** .NET's Enum.Parse(type, text, ignoreCase: true) for an Int32 enum: the value, undefined when it finds none. */
function enumParse(text: string, lower: readonly string[], members: EnumDecl['members']): number | 'overflow' | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[0-9+-]/.test(t)) {
    if (!/^[+-]?\d+$/.test(t)) return undefined;
    const n = Number(t);
    return n >= -2147483648 && n <= 2147483647 ? n : 'overflow';
  }
  let result = 0;
  for (const part of t.split(',')) {
    const i = lower.indexOf(part.trim().toLowerCase());
    if (i < 0) return undefined;
    result |= members[i]![1];
  }
  return result;
}

const toActionEnum = toEnum({ fullName: DOTNET_TYPE.ActionPreference, members: ACTION_PREFERENCES.map((n, i) => [n, i] as const) }, 'noMessage');

/**
 * The common parameters' ActionPreference. `Suspend` converts, then the property's setter refuses it: MshCommandRuntime's
 * preference setters throw NotSupportedException(ErrorPackage.ActionPreferenceReservedForFutureUseError) since
 * PowerShell 7.0 (PR #10317), ReflectionParameterBinder.BindParameter wraps that in ExceptionWhenSetting, and
 * ParameterBinderBase.BindParameter in ParameterBindingFailed.
 */
const toActionPreference: Converter = (value, name, cmd) => {
  const pref = toActionEnum(value, name, cmd);
  if (pref === 'Suspend') throw binding.ParameterBindingFailed(cmd, { name, inner: msg.innerSetter(name, msg.actionReserved(pref)) });
  return pref;
};

/** Byte[]: a Buffer, typed array, ArrayBuffer, or numbers 0…255 (each converted as PowerShell converts to Byte). */
const toBytes: Converter = (value, name, cmd) => {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value;
  if (ArrayBuffer.isView(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  const items = Array.isArray(value) ? value : [value];
  const out = Buffer.alloc(items.length);
  for (let i = 0; i < items.length; i++) {
    const n = typeof items[i] === 'number' ? int32Of(items[i] as number) : undefined;
    if (n === undefined || n < 0 || n > 255) {
      const inner = msg.innerCannotConvert(psString(items[i]), dotnetTypeOf(items[i]), 'System.Byte');
      throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
    }
    out[i] = n;
  }
  return out;
};

export const CONVERTERS: Record<ParamType, Converter> = {
  String: toStringValue,
  'String[]': arrayOf(toStringValue),
  Int32: toInt32,
  'Int32[]': arrayOf(toInt32),
  Boolean: toBooleanOf(DOTNET_TYPE.Boolean),
  SwitchParameter: toBooleanOf(DOTNET_TYPE.SwitchParameter),
  Object: toObject,
  PSObject: toObject,
  'Object[]': toObjectArray,
  Hashtable: toHashtable,
  ScriptBlock: toScriptBlock,
  DateTime: toDateTime,
  ActionPreference: toActionPreference,
  'Byte[]': toBytes,
  TimeSpan: toObject,
  X509Certificate: toObject,
  X509Certificate2: toObject,
  SecureString: toObject,
  ...enumRecord((e) => toEnum(e)),
  ...enumRecord((e) => arrayOf(toEnum(e)), '[]'),
} as Record<ParamType, Converter>;

/** Does a parameter of this type take a plain object as its value (the splat-or-value rule)? */
export const TAKES_OBJECTS: ReadonlySet<ParamType> = new Set(['Object', 'Object[]', 'Hashtable', 'PSObject']);
