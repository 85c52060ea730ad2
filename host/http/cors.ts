// The Access-Control-* headers of Set-PodeSecurityAccessControl (cmdlets/security.ts): what a server keeps,
// and what each response gets. Pode keeps them with its other security headers in Server.Security.Headers and
// sets them all on every response in its inbuilt __pode_mw_security__ middleware, which runs before route
// validation; so they are on 404 and 405 answers, static files and errors too. podets sets them when the
// request arrives (host/http/dispatch.ts), before anything can answer it, and on the SSE head
// (host/sse/engine.ts), which Pode's C# writes after clearing every queued header (PodeResponse.SetSseConnection:
// `Headers.Clear()`), so Pode's SSE responses carry none; podets' do.
//
// Beyond Pode, one rule a browser enforces: `Access-Control-Allow-Origin: *` never admits a credentialed
// request (an EventSource with withCredentials, fetch with credentials: 'include'). So with -Origin '*' and
// -Credentials, the request's own Origin is sent back instead (with `Vary: Origin`, as the response now depends
// on it), and only when it is a valid serialized origin: an Origin with CR/LF, a path, `null`, or anything the
// URL parser would change is not echoed, and the response then has no Access-Control-Allow-Origin at all.
// A named -Origin is sent as it is, as Pode sends it.

/** Pode's header names, in the order Set-PodeSecurityAccessControl adds them. */
export const ACCESS_CONTROL_HEADERS = [
  'Access-Control-Allow-Origin',
  'Access-Control-Allow-Methods',
  'Access-Control-Allow-Headers',
  'Access-Control-Max-Age',
  'Access-Control-Allow-Credentials',
] as const;
export type AccessControlHeader = (typeof ACCESS_CONTROL_HEADERS)[number];

/** Longer than any origin a browser sends (a scheme, a 253-byte host and a port). */
const MAX_ORIGIN = 300;

/**
 * Whether `value` is an origin as a browser serializes it in the Origin header: `scheme://host[:port]`,
 * printable ASCII, exactly what the URL parser gives back as that URL's origin (so no path, no user info, no
 * default port, nothing the parser strips such as tabs or newlines). `null` (a sandboxed or file: page) is not.
 */
export function isSerializedOrigin(value: string): boolean {
  if (value.length === 0 || value.length > MAX_ORIGIN) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.origin !== 'null' && url.origin === value;
}

/** What node:http accepts in a header value (its checkInvalidHeaderChar): tab, printable ASCII, U+0080–U+00FF. */
export function isHeaderValue(value: string): boolean {
  return !/[^\t\x20-\x7e\x80-\xff]/.test(value);
}

/** The Origin request header, when there is exactly one. */
function requestOrigin(headers: Record<string, string | string[] | undefined>): string | undefined {
  const value = headers.origin;
  return typeof value === 'string' ? value : undefined;
}

/**
 * One server's Access-Control headers (PodeServer.accessControl). `headers` is Pode's
 * $PodeContext.Server.Security.Headers restricted to the five names above: name → value, kept across calls
 * (a second Set-PodeSecurityAccessControl replaces the values it sets and leaves the others), cleared by
 * Remove-PodeSecurityAccessControl.
 */
export class AccessControl {
  private readonly headers = new Map<AccessControlHeader, string>();
  /** -AutoHeaders was given: Pode then appends OpenAPI header parameters (not ported) to the allowed headers. */
  autoHeaders = false;
  /** -AutoMethods was given: every route added afterwards appends its method (Add-PodeRoute). */
  autoMethods = false;

  get active(): boolean {
    return this.headers.size > 0;
  }

  get(name: AccessControlHeader): string | undefined {
    return this.headers.get(name);
  }

  /**
   * Pode's Add-PodeSecurityHeader: a blank value is ignored; -Append adds the value to a comma-separated list
   * unless it is already there (case-insensitively), keeping each entry once; else the value replaces.
   */
  add(name: AccessControlHeader, value: string, append = false): void {
    if (value.trim() === '') return;
    const current = this.headers.get(name);
    if (!append || current === undefined) {
      this.headers.set(name, value);
      return;
    }
    const items = current.split(',').map((s) => s.trim());
    if (items.some((s) => s.toLowerCase() === value.toLowerCase())) return;
    items.push(value.trim());
    this.headers.set(name, unique(items).join(', '));
  }

  /** Remove-PodeSecurityAccessControl: the five headers go; the Auto switches stay set, as in Pode. */
  clear(): void {
    this.headers.clear();
  }

  /** Add-PodeRoute with -AutoMethods in force: the route's method, upper-cased, joins the allowed methods. */
  routeAdded(method: string): void {
    if (this.autoMethods) this.add('Access-Control-Allow-Methods', method.toUpperCase(), true);
  }

  /** The headers one response gets (lower-case names), for a request with these headers. */
  responseHeaders(request: Record<string, string | string[] | undefined>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of this.headers) {
      if (name === 'Access-Control-Allow-Origin') continue;
      out[name.toLowerCase()] = value;
    }
    const origin = this.headers.get('Access-Control-Allow-Origin');
    if (origin === undefined) return out;
    if (origin.trim() !== '*' || this.headers.get('Access-Control-Allow-Credentials') !== 'true') {
      out['access-control-allow-origin'] = origin;
      return out;
    }
    // `*` with credentials: the browser would refuse it, so the request's origin, checked, or nothing.
    const given = requestOrigin(request);
    if (given !== undefined && isSerializedOrigin(given)) out['access-control-allow-origin'] = given;
    out['vary'] = 'Origin';
    return out;
  }
}

/** Select-Object -Unique on strings: the first of each, compared case-sensitively. */
export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
