// A value as PowerShell prints it when it needs a string ([string]$x, an argument quoted in a binding error,
// Write-PodeHost): True/False, $null as empty, an array's items joined by a space.
import { isPlainObject } from './hashtable.ts';
import { dotnetTypeOf } from './typename.ts';

/**
 * PowerShell's string form of a value: booleans are True/False, null is empty, an array joins its items with a
 * space. Like PowerShell, only one level is enumerated (PSObject.ToString in engine/MshObject.cs recurses with
 * `recurse: false`), so an array inside an array shows as its type name and a deeply nested value costs nothing.
 * It feeds error messages, so it never throws: an invalid Date reads `Invalid Date`, a value whose own toString
 * throws reads as its .NET type name.
 */
export function psString(value: unknown): string {
  try {
    if (!Array.isArray(value)) return scalarString(value);
    let text = '';
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (i > 0) text += ' ';
      text += Array.isArray(item) ? 'System.Object[]' : scalarString(item);
    }
    return text;
  } catch {
    return typeName(value);
  }
}

/**
 * A value's .NET ToString(), as PowerShell prints a value in conversion and binding errors (`Cannot convert the
 * "System.Object[]" value…`, PositionalParameterNotFound): an array is its type name, where psString joins it.
 */
export function dotnetToString(value: unknown): string {
  if (Array.isArray(value) || isPlainObject(value) || value instanceof Map) return typeName(value);
  return psString(value);
}

/** What .NET's Object.ToString() prints, the type name: the text of a value whose own toString throws. */
function typeName(value: unknown): string {
  try {
    return dotnetTypeOf(value);
  } catch {
    return 'System.Object';
  }
}

function scalarString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  return String(value);
}
