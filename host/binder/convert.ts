// Argument conversion and validation, PowerShell style. Each parameter type gets one converter, chosen
// once when a declaration is compiled, so binding a value is a single function call.
import type { ParamType } from '../cmdlet/declare.ts';
import { isPlainObject } from '../values/hashtable.ts';
import { psString } from '../values/text.ts';
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
  // Never the value's own toString: PowerShell reports a failing ToString as this text too, and a script-given
  // object must not run code here.
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerToString });
};

function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const MULTIPLIERS: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };
// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter splits a run of digits in n ways, and a long non-number such as
// '1111…1x' then took quadratic time (20,000 digits: 3 s).
const NUMBER_TEXT = /^([+-]?)(?:0x([0-9a-f]+)|((?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?))(kb|mb|gb|tb|pb)?$/i;

/** A number in PowerShell's syntax (`0x10`, `1.5`, `1e3`, `2kb`), or undefined. */
export function parsePsNumber(text: string): number | undefined {
  const m = NUMBER_TEXT.exec(text);
  if (!m) return undefined;
  const magnitude = m[2] !== undefined ? parseInt(m[2], 16) : Number(m[3]);
  const scaled = magnitude * (m[4] ? MULTIPLIERS[m[4].toLowerCase()]! : 1);
  return m[1] === '-' ? -scaled : scaled;
}

const toInt32: Converter = (value, name, cmd) => {
  let n: number;
  let text: string;
  if (typeof value === 'number') {
    n = value;
    text = String(value);
  } else if (value === null || value === undefined) {
    return 0;
  } else if (typeof value === 'boolean') {
    return value ? 1 : 0;
  } else if (typeof value === 'string') {
    text = value;
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    const parsed = parsePsNumber(trimmed);
    if (parsed === undefined) throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerNotFormatted(value, 'System.Int32') });
    n = parsed;
  } else {
    throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerCannotConvert(psString(value), dotnetTypeOf(value), 'System.Int32') });
  }
  if (Number.isNaN(n)) throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerNotFormatted(text, 'System.Int32') });
  const rounded = roundHalfToEven(n);
  if (rounded > 2147483647 || rounded < -2147483648)
    throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerOverflow(text, 'System.Int32') });
  return rounded === 0 ? 0 : rounded;
};

function toBooleanOf(dotnet: string): Converter {
  return (value, name, cmd) => {
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (value === null || value === undefined) return false;
    throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerBoolean(dotnetTypeOf(value), dotnet) });
  };
}

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
  const inner = msg.innerCannotConvert(psString(value), dotnetTypeOf(value), DOTNET_TYPE.Hashtable);
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
};

const toScriptBlock: Converter = (value, name, cmd) => {
  if (value === null || value === undefined || typeof value === 'function') return value ?? null;
  const inner = msg.innerCannotConvert(psString(value), dotnetTypeOf(value), DOTNET_TYPE.ScriptBlock);
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner });
};

const toDateTime: Converter = (value, name, cmd) => {
  if (value === null || value === undefined) return null;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw binding.ParameterArgumentTransformationError(cmd, { name, inner: msg.innerDateTime(psString(value)) });
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
