// The .NET type a PowerShell script would see for a JavaScript value, by its full name (`System.Object[]`),
// as error messages and Write-PodeHost -ShowType print it.
import { isPlainObject } from './hashtable.ts';

/** The .NET type name PowerShell would report for a JS value. */
export function dotnetTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return 'System.String';
    case 'number':
      return Number.isInteger(value) && Math.abs(value) <= 2147483647 ? 'System.Int32' : 'System.Double';
    case 'boolean':
      return 'System.Boolean';
    case 'bigint':
      return 'System.Int64';
    case 'function':
      return 'System.Management.Automation.ScriptBlock';
  }
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof Date) return 'System.DateTime';
  if (isPlainObject(value)) return 'System.Collections.Hashtable';
  return 'System.Object';
}
