// `a=1&b=2&a=3` → { a: ['1', '3'], b: '2' }: the shape Pode gives query strings and form posts.
// Shared by body parsing and WebEvent.Query so both treat repeated keys the same way. The result is marked as
// request data, so the binder never takes it as a splat.
import { markRequestData } from './request-data.ts';

export type UrlEncodedData = Record<string, string | string[]>;

export function parseUrlEncoded(text: string): UrlEncodedData {
  const out: UrlEncodedData = markRequestData({});
  if (text === '') return out;
  for (const [key, value] of new URLSearchParams(text)) {
    if (!Object.hasOwn(out, key)) {
      // defineProperty, so a key named `__proto__` is stored as data rather than changing the prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
      continue;
    }
    const prev = out[key]!;
    if (Array.isArray(prev)) prev.push(value);
    else out[key] = [prev, value];
  }
  return out;
}
