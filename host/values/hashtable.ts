// What PowerShell would take for a hashtable: a plain object (an object literal, JSON.parse output, a
// null-prototype object). Class instances, arrays, Dates and Maps are not: they are objects of their own type.

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
