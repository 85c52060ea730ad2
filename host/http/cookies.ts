// Cookies on the wire: the request's Cookie header read into a map (RFC 6265 section 5.4, bounded), and a
// Set-Cookie value written the way Pode's ConvertTo-PodeCookieString writes a System.Net.Cookie
// (`Name=Value; Discard; HttpOnly; Secure; Domain=…; Path=…; Max-Age=…`), refusing what a cookie may not carry.
// Signed cookies use the one signed-value format of host/http/sign.ts (`s:<value>.<signature>`).
import { errors } from '../errors/catalog.ts';
import type { StrictContext } from '../sse/signing.ts';
import { signValue, unsignValue } from './sign.ts';
import type { WebEvent } from './webevent.ts';

/** Only the first 8 KiB of a Cookie header is read; pairs that do not end inside it are ignored. */
export const COOKIE_HEADER_LIMIT = 8192;
/** At most this many cookies are kept from one Cookie header. */
export const COOKIE_COUNT_LIMIT = 100;

/** OWS around a pair and its value: space and horizontal tab (RFC 6265 section 5.2). */
function trimOws(text: string): string {
  let from = 0;
  let to = text.length;
  while (from < to && (text.charCodeAt(from) === 0x20 || text.charCodeAt(from) === 0x09)) from++;
  while (to > from && (text.charCodeAt(to - 1) === 0x20 || text.charCodeAt(to - 1) === 0x09)) to--;
  return text.slice(from, to);
}

function decodeValue(raw: string): string {
  const unquoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!unquoted.includes('%')) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return unquoted; // not valid percent-encoding: the raw text
  }
}

/**
 * The cookies of a request's Cookie header: name → value. The first occurrence of a name wins; a pair without
 * `=` or with an empty name is skipped; a quoted value is unquoted and a value is percent-decoded when that is
 * valid. Bounded: the first {@link COOKIE_HEADER_LIMIT} characters, at most {@link COOKIE_COUNT_LIMIT} cookies.
 * Never throws (this reads untrusted input).
 */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  if (typeof header !== 'string' || header === '') return cookies;
  let text = header;
  if (text.length > COOKIE_HEADER_LIMIT) {
    // A pair cut by the limit is not read at all: keep up to the last separator inside the limit.
    const cut = text.slice(0, COOKIE_HEADER_LIMIT);
    text = text.charCodeAt(COOKIE_HEADER_LIMIT) === 0x3b ? cut : cut.slice(0, Math.max(0, cut.lastIndexOf(';')));
  }
  let start = 0;
  while (start <= text.length && cookies.size < COOKIE_COUNT_LIMIT) {
    let end = text.indexOf(';', start);
    if (end < 0) end = text.length;
    const pair = text.slice(start, end);
    start = end + 1;
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = trimOws(pair.slice(0, eq));
    if (name === '' || cookies.has(name)) continue;
    cookies.set(name, decodeValue(trimOws(pair.slice(eq + 1))));
  }
  return cookies;
}

export interface CookieOptions {
  expires?: Date;
  maxAge?: number;
  path?: string;
  domain?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
  discard?: boolean;
}

/** A character shown in an error: printable ASCII as itself, anything else as U+XXXX (never a raw CR/LF). */
function showChar(code: number): string {
  return code > 0x20 && code < 0x7f ? `'${String.fromCharCode(code)}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A text quoted for an error message: control characters and lone surrogates escaped, its length bounded. */
export function quoteCookieText(text: string): string {
  const shown = text.length > 64 ? `${text.slice(0, 64)}…` : text;
  return `'${shown.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029']|\p{Cs}/gu, (c) => (c === "'" ? "''" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}'`;
}

function refuse(part: string, value: string, reason: string): never {
  const parameter = part === 'Name' || part === 'Value' ? part : undefined;
  throw errors.CookieInvalidPart('', { part, value: quoteCookieText(value), reason, ...(parameter ? { parameter } : {}) });
}

/** RFC 6265's cookie-name is an RFC 2616 token: visible ASCII but for the separators. */
const SEPARATORS = '()<>@,;:\\"/[]?={} \t';

function checkName(name: string): void {
  if (name === '') refuse('Name', name, 'a cookie needs a name');
  if (name.startsWith('$')) refuse('Name', name, "a cookie's name may not start with '$'");
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f || SEPARATORS.includes(name[i]!)) refuse('Name', name, `a cookie's name may not carry ${showChar(code)}`);
  }
}

/** CTLs, ';' and ',' end a cookie's value on the wire (and CR/LF would end the header): refused in any part. */
function checkAttributeText(part: string, text: string, alsoSpace: boolean): void {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x3b || code === 0x2c || (alsoSpace && code === 0x20) || (code >= 0x80 && part !== 'Value')) {
      refuse(part, text, `a cookie's ${part.toLowerCase()} may not carry ${showChar(code)}`);
    }
  }
}

/**
 * RFC 6265's cookie-octet is %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E. The ones outside it that are not
 * refused (space, '"', '\', and any non-ASCII character), and '%' itself, are percent-encoded (UTF-8), so the
 * header is valid and parseCookies reads back the same text.
 */
function encodeValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    // A lone surrogate has no UTF-8 form (encodeURIComponent would throw a URIError).
    if (code >= 0xd800 && code <= 0xdfff) refuse('Value', value, `a cookie's value may not carry ${showChar(code)} (a lone surrogate)`);
    out += code === 0x20 || code === 0x22 || code === 0x25 || code === 0x5c || code > 0x7e ? encodeURIComponent(ch) : ch;
  }
  return out;
}

/**
 * A Set-Cookie header value, attributes in the order Pode's ConvertTo-PodeCookieString writes them (Discard,
 * HttpOnly, Secure, Domain, Path, Max-Age), then Expires and SameSite, which Pode does not write. Throws
 * CookieInvalidPart for a name, value, path or domain a cookie may not carry (CR, LF, other control characters,
 * ';', ','), so nothing a caller passes can add a header or an attribute.
 */
export function serializeCookie(name: string, value: string, o: CookieOptions = {}): string {
  checkName(name);
  checkAttributeText('Value', value, false);
  let out = `${name}=${encodeValue(value)}`;
  if (o.discard) out += '; Discard';
  if (o.httpOnly) out += '; HttpOnly';
  if (o.secure) out += '; Secure';
  if (o.domain !== undefined && o.domain !== '') {
    checkAttributeText('Domain', o.domain, true);
    out += `; Domain=${o.domain}`;
  }
  if (o.path !== undefined && o.path !== '') {
    checkAttributeText('Path', o.path, false);
    out += `; Path=${o.path}`;
  }
  if (o.maxAge !== undefined) {
    if (!Number.isFinite(o.maxAge)) refuse('Max-Age', String(o.maxAge), 'a cookie\'s max-age must be a finite number of seconds');
    out += `; Max-Age=${Math.max(0, Math.round(o.maxAge))}`;
  }
  if (o.expires !== undefined) {
    if (Number.isNaN(o.expires.getTime())) refuse('Expires', String(o.expires), "a cookie's expiry must be a valid date");
    out += `; Expires=${o.expires.toUTCString()}`;
  }
  if (o.sameSite !== undefined) {
    if (o.sameSite !== 'Strict' && o.sameSite !== 'Lax' && o.sameSite !== 'None') refuse('SameSite', String(o.sameSite), 'SameSite is Strict, Lax or None');
    out += `; SameSite=${o.sameSite}`;
  }
  return out;
}

/** A cookie's value signed as Pode signs it (`s:<value>.<signature>`); -Strict binds it to the client. */
export function signCookieValue(value: string, secret: string, strict?: StrictContext): string {
  return signValue(value, secret, strict);
}

/**
 * The original value of a signed cookie, or undefined when it is absent or not validly signed with this secret
 * (a tampered cookie reads as absent, never as an error). The signature is compared in constant time
 * (host/sse/signing.ts, crypto.timingSafeEqual).
 */
export function readSignedCookie(value: string | undefined, secret: string, strict?: StrictContext): string | undefined {
  return unsignValue(value, secret, strict);
}

// ---- a request's cookies and the cookies set on its response (cmdlets/cookies.ts) ----------------------------

/** .NET's DateTime.MinValue: a System.Net.Cookie's Expires when none is set (ConvertTo-PodeCookie shows it). */
export const NO_EXPIRY = new Date('0001-01-01T00:00:00.000Z');

/**
 * A cookie as Pode holds one (a System.Net.Cookie): read from the request (Path '', no expiry) or set on the
 * response by Set-PodeCookie, Update-PodeCookieExpiry or Remove-PodeCookie (Path '/').
 */
export interface Cookie {
  Name: string;
  Value: string;
  /** NO_EXPIRY when none is set. */
  Expires: Date;
  Discard: boolean;
  HttpOnly: boolean;
  Secure: boolean;
  Path: string;
  /** When the cookie object was made, as System.Net.Cookie.TimeStamp. */
  TimeStamp: Date;
}

declare module './webevent.ts' {
  interface WebEvent {
    /**
     * Pode's $WebEvent.Cookies: the request's cookies (parseCookies of its Cookie header), read on first use by
     * requestCookies. Undefined until then.
     */
    Cookies?: Map<string, string>;
    /** Pode's $WebEvent.PendingCookies: the cookies set on this response, by lower-cased name. */
    PendingCookies?: Map<string, Cookie>;
  }
}

/** The request's cookies, parsed once per request (HTTP/2's several `cookie` fields are joined with '; '). */
export function requestCookies(event: WebEvent): Map<string, string> {
  if (event.Cookies === undefined) {
    const header = event.Request.Headers.cookie as string | string[] | undefined;
    event.Cookies = parseCookies(Array.isArray(header) ? header.join('; ') : header);
  }
  return event.Cookies;
}

/**
 * A request cookie by name, as Pode's `$WebEvent.Cookies[$Name]` (a case-insensitive hashtable): the exact name
 * first, else the first cookie whose name differs only in case. Undefined when there is none.
 */
export function findRequestCookie(event: WebEvent, name: string): Cookie | undefined {
  const cookies = requestCookies(event);
  let found = cookies.has(name) ? name : undefined;
  if (found === undefined) {
    const lower = name.toLowerCase();
    for (const key of cookies.keys()) {
      if (key.toLowerCase() === lower) {
        found = key;
        break;
      }
    }
  }
  if (found === undefined) return undefined;
  return { Name: found, Value: cookies.get(found)!, Expires: NO_EXPIRY, Discard: false, HttpOnly: false, Secure: false, Path: '', TimeStamp: new Date() };
}

export function pendingCookies(event: WebEvent): Map<string, Cookie> {
  return (event.PendingCookies ??= new Map());
}

/** Whether a cookie's expiry has passed (System.Net.Cookie.Expired). */
export function isExpired(cookie: Cookie, now = Date.now()): boolean {
  return cookie.Expires.getTime() !== NO_EXPIRY.getTime() && cookie.Expires.getTime() <= now;
}

/**
 * The Set-Cookie value of a cookie, as ConvertTo-PodeCookieString writes it: the expiry as Max-Age, the seconds
 * left (0 once passed). Pode writes them as a fraction (`TotalSeconds`, e.g. 3599.9987); podets writes whole
 * seconds, which is what RFC 6265 reads (a Max-Age that is not all digits is ignored).
 */
export function setCookieValue(cookie: Cookie, now = Date.now()): string {
  const maxAge = cookie.Expires.getTime() === NO_EXPIRY.getTime() ? undefined : Math.max(0, (cookie.Expires.getTime() - now) / 1000);
  return serializeCookie(cookie.Name, cookie.Value, {
    discard: cookie.Discard,
    httpOnly: cookie.HttpOnly,
    secure: cookie.Secure,
    path: cookie.Path,
    ...(maxAge !== undefined && { maxAge }),
  });
}
