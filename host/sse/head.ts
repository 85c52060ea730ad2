// The response head of an SSE connection. Its X-Pode-Sse-* headers carry the Name, Group and ClientId,
// which may come from the request (a query string, a user name) and may hold any character, while a header
// value can only carry bytes, and node:http refuses anything past U+00FF (a 500 for `?group=日本`) and
// sends U+0080–U+00FF as single Latin-1 bytes that clients read differently. So a value that holds
// anything but printable ASCII, or a `%`, is sent UTF-8 percent-encoded: `café` → `caf%C3%A9`. A plain
// value (every generated id, every ASCII name) goes as it is, exactly as Pode sends it. The pode.open event
// carries the values unencoded, in its JSON data.

/** Bytes that go as they are: printable ASCII but `%`; a space only inside the value (edges would be trimmed). */
function plain(byte: number, at: number, last: number): boolean {
  if (byte === 0x25) return false;
  if (byte === 0x20) return at !== 0 && at !== last;
  return byte > 0x20 && byte < 0x7f;
}

/** The header form of `value`: unchanged when plain, else percent-encoded UTF-8 (decodeURIComponent reverses it). */
export function headerValue(value: string): string {
  let simple = true;
  for (let i = 0; i < value.length && simple; i++) simple = plain(value.charCodeAt(i), i, value.length - 1);
  if (simple) return value;
  const bytes = Buffer.from(value, 'utf8'); // a lone surrogate becomes U+FFFD
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out += plain(b, i, bytes.length - 1) ? String.fromCharCode(b) : `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  }
  return out;
}

/**
 * An X-PODE-SSE-* request header's value: percent-decoded, so a page may send back what it got (or
 * `encodeURIComponent` of what pode.open said); a value with a malformed escape is taken as it is.
 */
export function fromHeaderValue(value: string): string {
  if (value.indexOf('%') < 0) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export interface SseHeadFields {
  clientId: string;
  name: string;
  group: string | undefined;
  allowAllOrigins: boolean;
  /** HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2): no `Connection: keep-alive` there. */
  http2?: boolean;
  /** Set-PodeSecurityAccessControl's headers for this request (lower-case names), sent first. */
  accessControl?: Record<string, string>;
}

/**
 * Exactly the headers of an SSE response (Pode's set), after Set-PodeSecurityAccessControl's when it is in
 * force. -AllowAllOrigins then overrides the allowed origin with `*`, as Pode's head does.
 */
export function sseHead(f: SseHeadFields): Record<string, string> {
  // Assigned one by one, not spread: this runs once per connection accepted.
  const head: Record<string, string> = f.accessControl !== undefined ? { ...f.accessControl } : {};
  head['content-type'] = 'text/event-stream';
  head['cache-control'] = 'no-cache';
  if (f.http2 !== true) head.connection = 'keep-alive';
  head['x-accel-buffering'] = 'no';
  head['x-pode-sse-client-id'] = headerValue(f.clientId);
  head['x-pode-sse-name'] = headerValue(f.name);
  if (f.group) head['x-pode-sse-group'] = headerValue(f.group);
  if (f.allowAllOrigins) head['access-control-allow-origin'] = '*';
  return head;
}
