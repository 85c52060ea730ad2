// The built-in credential retrievers of New-PodeAuthScheme (src/Private/Authentication.ps1: Get-PodeAuthBasicType,
// Get-PodeAuthBearerType, Get-PodeAuthBearerPostValidator, Get-PodeAuthApiKeyType, Get-PodeAuthFormType). Each
// reads the current request and returns either the credentials for the method's validator (an array) or a
// failure (an object with Message, Code and Challenge), with Pode's messages and status codes.
// Request data is untrusted here: a header is read as text, decoded with a bounded, strict base64, and never
// grows anything; what reaches the WWW-Authenticate header is made safe by challenge.ts.
import { currentWebEvent } from '../http/context.ts';
import { getHeader } from '../http/respond.ts';
import { psString } from '../values/text.ts';
import { newChallenge, type ChallengeError } from './challenge.ts';
import type { AuthOutcome } from './types.ts';

/** An Authorization header longer than this is refused before any work (400); node:http itself answers 431 past 16 KiB of headers. */
export const MAX_AUTHORIZATION = 8 * 1024;

const fail = (Message: string, Code: number, error: ChallengeError = 'invalid_request', scopes?: readonly string[] | null): AuthOutcome => ({
  Message,
  Code,
  Challenge: newChallenge({ scopes, error, description: Message }),
});

/** .NET's Convert.FromBase64String: whitespace ignored, then whole 4-character groups with at most two `=`. */
function strictBase64(text: string): Buffer | undefined {
  const t = text.replace(/[\t\n\r ]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** The encodings .NET's Encoding.GetEncoding knows without a code-pages provider, by name (case-insensitive). */
const ENCODINGS: Record<string, BufferEncoding> = {
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'utf-8': 'utf8',
  'us-ascii': 'ascii',
  ascii: 'ascii',
  'utf-16': 'utf16le',
  'utf-16le': 'utf16le',
  unicode: 'utf16le',
};

/** Splits as PowerShell's `-isplit '\s+'` does: a leading space gives an empty first atom. */
const atomsOf = (header: string) => header.split(/\s+/);

export function basicCredentials(options: { HeaderTag: string; Encoding: string; AsCredential?: boolean }): unknown[] | AuthOutcome {
  const header = getHeader(currentWebEvent(), 'Authorization');
  if (header === undefined) return fail('No Authorization header found', 401);
  if (header.length > MAX_AUTHORIZATION) return fail('Invalid Authorization header format', 400);
  const atoms = atomsOf(header);
  if (atoms.length < 2) return fail('Invalid Authorization header format', 400);
  if (atoms[0]!.toLowerCase() !== options.HeaderTag.toLowerCase()) return fail(`Header is not for ${options.HeaderTag} Authorization`, 400);
  const encoding = ENCODINGS[options.Encoding.toLowerCase()];
  if (encoding === undefined) return fail('Invalid encoding specified for Authorization', 400);
  const bytes = strictBase64(atoms[1]!);
  if (bytes === undefined) return fail('Invalid Base64 string found in Authorization header', 400, 'invalid_token');
  // .NET's ASCII decoder turns bytes above 127 into '?'; Node's would strip the high bit.
  const decoded = encoding === 'ascii' ? bytes.toString('latin1').replace(/[\x80-\xff]/g, '?') : bytes.toString(encoding);
  const index = decoded.indexOf(':');
  if (index < 0) return fail('Invalid Authorization credential format', 400);
  const username = decoded.slice(0, index);
  const password = decoded.slice(index + 1);
  // -AsCredential: podets has no PSCredential; the one argument is an object with Pode's UserName and Password.
  return options.AsCredential ? [{ UserName: username, Password: password }] : [username, password];
}

export interface BearerOptions {
  HeaderTag: string;
  Scopes: string[] | null;
  Location: string;
  AsJWT?: boolean;
}

/**
 * The bearer token, from the Authorization header (RFC 6750 §2.1) or the `access_token` query parameter (§2.3).
 * `verify` decodes it when -AsJWT is given (returns the payload or throws a JWT error).
 */
export function bearerToken(options: BearerOptions, verify?: (token: string) => unknown): unknown[] | AuthOutcome | unknown {
  const event = currentWebEvent();
  const scopes = options.Scopes;
  let token: string | undefined;
  if (options.Location.toLowerCase() === 'query') {
    // Pode asks for an Authorization header even here, so a query token could never arrive without one; podets
    // reads the query alone (docs/sse.md's table of differences).
    const q = event.Query['access_token'];
    token = typeof q === 'string' ? q : undefined;
    if (token === undefined || token.trim() === '') return fail('No Bearer token found', 400, 'invalid_request', scopes);
  } else {
    const header = getHeader(event, 'Authorization');
    if (header === undefined) return fail('No Authorization header found', 401, 'invalid_request', scopes);
    if (header.length > MAX_AUTHORIZATION) return fail('Invalid Authorization header format', 400, 'invalid_request', scopes);
    const atoms = atomsOf(header);
    token = atoms[1];
    if (token === undefined || token.trim() === '') return fail('No Bearer token found', 400, 'invalid_request', scopes);
    if (atoms[0]!.toLowerCase() !== options.HeaderTag.toLowerCase()) return fail(`Authorization header is not ${options.HeaderTag}`, 401, 'invalid_request', scopes);
  }
  token = token.trim();
  if (!options.AsJWT || verify === undefined) return token;
  try {
    // In an array: the payload is one argument for the validator, not a result object (Pode's is a PSCustomObject).
    return [verify(token)];
  } catch (err) {
    const message = jwtMessage(err);
    if (message === undefined) throw err;
    return fail(message, 401, 'invalid_token', scopes);
  }
}

/** Pode turns a failure whose message mentions a JWT into a 401/400; anything else is the server's error. */
function jwtMessage(err: unknown): string | undefined {
  const message = err instanceof Error ? err.message : undefined;
  return message !== undefined && /jwt/i.test(message) ? message : undefined;
}

/** Get-PodeAuthBearerPostValidator: the validator's user, its error, and the token's scopes against the scheme's. */
export function bearerPostValidate(_token: unknown, result: AuthOutcome | null | undefined, options: { Scopes: string[] | null }): AuthOutcome {
  const scopes = options.Scopes;
  if (result === null || result === undefined || result.User === null || result.User === undefined) {
    return fail('User authentication failed', 401, 'invalid_token', scopes);
  }
  if (typeof result.Error === 'string' && result.Error.trim() !== '') {
    const description = psString(result.ErrorDescription ?? '');
    const error = (['invalid_request', 'invalid_token', 'insufficient_scope'].includes(result.Error) ? result.Error : 'invalid_token') as ChallengeError;
    return { Message: description, Code: 401, Challenge: newChallenge({ scopes, error, description }) };
  }
  const wanted = scopes ?? [];
  const granted = result.Scope === undefined || result.Scope === null ? [] : Array.isArray(result.Scope) ? result.Scope : [result.Scope];
  if (wanted.length > 0 && granted.length === 0) return fail('Token scope is missing or invalid', 403, 'insufficient_scope', scopes);
  // PowerShell's -in compares case-insensitively.
  const lower = new Set(granted.map((s) => String(s).toLowerCase()));
  if (wanted.length > 0 && !wanted.some((s) => lower.has(s.toLowerCase()))) return fail('Token scope is insufficient', 403, 'insufficient_scope', scopes);
  return result;
}

export interface ApiKeyOptions {
  Location: string;
  LocationName: string;
  AsJWT?: boolean;
}

export function apiKey(options: ApiKeyOptions, readCookie: (name: string) => string | undefined, verify?: (token: string) => unknown): unknown[] | AuthOutcome {
  const event = currentWebEvent();
  let key: unknown;
  switch (options.Location.toLowerCase()) {
    case 'header':
      key = getHeader(event, options.LocationName);
      break;
    case 'query':
      key = event.Query[options.LocationName];
      break;
    case 'cookie':
      key = readCookie(options.LocationName);
      break;
    default:
      return fail(`Invalid API key location: ${options.Location}`, 400);
  }
  const text = typeof key === 'string' ? key : Array.isArray(key) ? key.join(' ') : '';
  if (text.trim() === '') return fail(`API key missing in ${options.Location} location: ${options.LocationName}`, 400);
  if (text.length > MAX_AUTHORIZATION) return fail(`API key missing in ${options.Location} location: ${options.LocationName}`, 400);
  const trimmed = text.trim();
  if (!options.AsJWT || verify === undefined) return [trimmed];
  try {
    return [verify(trimmed)];
  } catch (err) {
    const message = jwtMessage(err);
    if (message === undefined) throw err;
    return fail(`Invalid JWT token: ${message}`, 400);
  }
}

export function formCredentials(options: { Fields: { Username: string; Password: string }; AsCredential?: boolean }): unknown[] | AuthOutcome {
  const data = currentWebEvent().Data;
  const field = (name: string) => {
    const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[name] : undefined;
    return value === undefined || value === null ? '' : psString(value);
  };
  const username = field(options.Fields.Username);
  const password = field(options.Fields.Password);
  if (username.trim() === '' && password.trim() === '') return fail('Username and password must be provided', 401);
  if (username.trim() === '') return fail('Username is required', 401);
  if (password.trim() === '') return fail('Password is required', 401);
  if (!/^[a-zA-Z0-9._-]{3,20}$/.test(username)) return fail('Invalid username format', 400);
  return options.AsCredential ? [{ UserName: username, Password: password }] : [username, password];
}
