// Pode's cookie cmdlets (file group "Cookies", src/Public/Cookies.ps1): request cookies are read from the Cookie
// header (host/http/cookies.ts, once per request), cookies set on the response are kept on the request as
// Pode's $WebEvent.PendingCookies and each write appends a Set-Cookie header, so one response may carry several.
// Signed values are Pode's `s:<value>.<signature>` (host/http/sign.ts); cookie secrets live on the server.
import { binding, innerNotNullOrEmpty } from '../host/binder/messages.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { isPodeError } from '../host/errors/error.ts';
import { currentWebEvent } from '../host/http/context.ts';
import {
  findRequestCookie,
  isExpired,
  NO_EXPIRY,
  quoteCookieText,
  pendingCookies,
  readSignedCookie,
  setCookieValue,
  signCookieValue,
  type Cookie,
} from '../host/http/cookies.ts';
import { addHeader } from '../host/http/respond.ts';
import { strictContextOf } from '../host/http/sign.ts';
import type { WebEvent } from '../host/http/webevent.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Cookies');

const strictHelp = "If supplied, the Secret will be extended using the client request's UserAgent and RemoteIPAddress.";
const WHY_RAW = 'podets has no System.Net.Cookie to return; the cookie is returned as the hashtable Get-PodeCookie gives without -Raw';

/** [string]::IsNullOrWhiteSpace. */
const blank = (text: string | undefined | null): boolean => text === undefined || text === null || text.trim() === '';

/** Pode's ConvertTo-PodeCookie: the hashtable the cmdlets return. */
function toPodeCookie(cookie: Cookie): Record<string, unknown> {
  return {
    Name: cookie.Name,
    Value: cookie.Value,
    Expires: cookie.Expires,
    Expired: isExpired(cookie),
    Discard: cookie.Discard,
    HttpOnly: cookie.HttpOnly,
    Secure: cookie.Secure,
    Path: cookie.Path,
    TimeStamp: cookie.TimeStamp,
    Signed: cookie.Value.startsWith('s:'),
  };
}

/** Queues the cookie on the response: PendingCookies[Name] and one more Set-Cookie header. */
function sendCookie(event: WebEvent, cookie: Cookie, command: string): void {
  let value: string;
  try {
    value = setCookieValue(cookie);
  } catch (err) {
    throw isPodeError(err) ? err.withCommand(command) : err;
  }
  pendingCookies(event).set(cookie.Name.toLowerCase(), cookie);
  addHeader(event, 'Set-Cookie', value);
}

/** Get-PodeCookie -Raw, as Remove-/Update- use it: a request cookie with a value that is not blank. */
function rawRequestCookie(event: WebEvent, name: string): Cookie | undefined {
  const cookie = findRequestCookie(event, name);
  return cookie === undefined || blank(cookie.Value) ? undefined : cookie;
}

/** The cookie set on this response, else the request's. */
function responseOrRequestCookie(event: WebEvent, name: string): Cookie | undefined {
  return pendingCookies(event).get(name.toLowerCase()) ?? rawRequestCookie(event, name);
}

/** -ExpiryDate, else -Duration seconds from now when above 0, else the expiry it has. */
function expiryOf(current: Date, expiryDate: Date | undefined, duration: number): Date {
  if (expiryDate !== undefined) return expiryDate;
  if (duration > 0) return new Date(Date.now() + duration * 1000);
  return current;
}

/** Get-PodeCookie's rule: null for a missing or blank cookie; with a Secret, null unless validly signed. */
function readCookie(event: WebEvent, name: string, secret: string | undefined, strict: boolean): Record<string, unknown> | null {
  const cookie = findRequestCookie(event, name);
  if (cookie === undefined || blank(cookie.Value)) return null;
  const shown = toPodeCookie(cookie);
  if (blank(secret)) return shown;
  const value = readSignedCookie(cookie.Value, secret!, strict ? strictContextOf(event) : undefined);
  // Pode keeps the signed text when unsigning fails; podets reads a cookie that fails its check as absent.
  if (value === undefined || blank(value)) return null;
  shown.Value = value;
  return shown;
}

export const SetPodeCookie = cmdlet({
  name: 'Set-PodeCookie',
  synopsis: 'Sets a cookie on the Response.',
  description:
    'Sets a cookie on the Response using the "Set-Cookie" header. You can also set cookies to expire, or being signed.\n' +
    'Each call adds one Set-Cookie header (Path=/); the expiry is written as Max-Age, in whole seconds. A name or value ' +
    'with a character a cookie may not carry (CR, LF, other control characters, \';\', \',\') is refused (CookieInvalidPart, 400).',
  examples: [
    { code: "Set-PodeCookie -Name 'Views' -Value 2" },
    { code: "Set-PodeCookie -Name 'Views' -Value 2 -Secret 'hunter2'" },
    { code: "Set-PodeCookie -Name 'Views' -Value 2 -Duration 3600" },
  ],
  defaultParameterSet: 'Duration',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie.' },
    { name: 'Value', type: 'String', help: 'The value of the cookie.' },
    { name: 'Secret', type: 'String', help: 'If supplied, the secret with which to sign the cookie.' },
    { name: 'Duration', type: 'Int32', sets: ['Duration'], default: 0, help: 'The duration, in seconds, before the cookie is expired.' },
    { name: 'ExpiryDate', type: 'DateTime', sets: ['ExpiryDate'], help: 'An explicit expiry date for the cookie.' },
    { name: 'HttpOnly', type: 'SwitchParameter', help: 'Only allow the cookie to be used in browsers.' },
    { name: 'Discard', type: 'SwitchParameter', help: 'Inform browsers to remove the cookie.' },
    { name: 'Secure', type: 'SwitchParameter', help: 'Only allow the cookie on secure (HTTPS) connections.' },
    { name: 'Strict', type: 'SwitchParameter', help: strictHelp },
  ],
  outputs: 'System.Collections.Hashtable',
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    let value = args.Value ?? '';
    if (!blank(args.Secret)) {
      // Invoke-PodeValueSign's -Value is [ValidateNotNullOrEmpty()].
      if (value === '') throw binding.ParameterArgumentValidationError(ctx.command, { name: 'Value', inner: innerNotNullOrEmpty });
      value = signCookieValue(value, args.Secret!, args.Strict ? strictContextOf(event) : undefined);
    }
    const cookie: Cookie = {
      Name: args.Name,
      Value: value,
      Expires: expiryOf(NO_EXPIRY, args.ExpiryDate, args.Duration ?? 0),
      Discard: args.Discard,
      HttpOnly: args.HttpOnly,
      Secure: args.Secure,
      Path: '/',
      TimeStamp: new Date(),
    };
    sendCookie(event, cookie, ctx.command);
    return toPodeCookie(cookie);
  },
});

export const GetPodeCookie = cmdlet({
  name: 'Get-PodeCookie',
  synopsis: 'Retrieves a cookie from the Request.',
  description:
    "Retrieves a cookie from the Request, with the option to supply a secret to unsign the cookie's value.\n" +
    'Returns $null when the cookie is absent or blank. With a Secret, the Value is the unsigned value, and a cookie ' +
    'that is not validly signed with that Secret reads as $null (Pode returns it with its signed text).',
  examples: [{ code: "Get-PodeCookie -Name 'Views'" }, { code: "Get-PodeCookie -Name 'Views' -Secret 'hunter2'" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to retrieve.' },
    { name: 'Secret', type: 'String', help: "The secret used to unsign the cookie's value." },
    { name: 'Strict', type: 'SwitchParameter', help: strictHelp },
    { name: 'Raw', type: 'SwitchParameter', unsupported: WHY_RAW, help: 'If supplied, the cookie returned will be the raw .NET Cookie object for manipulation.' },
  ],
  outputs: 'System.Collections.Hashtable',
  run: (args, ctx) => readCookie(currentWebEvent(ctx.command), args.Name, args.Secret, args.Strict),
});

export const GetPodeCookieValue = cmdlet({
  name: 'Get-PodeCookieValue',
  synopsis: 'Retrieves the value of a cookie from the Request.',
  description:
    "Retrieves the value of a cookie from the Request, with the option to supply a secret to unsign the cookie's value.\n" +
    '$null when Get-PodeCookie gives $null (absent, blank, or not validly signed with the Secret).',
  examples: [{ code: "Get-PodeCookieValue -Name 'Views'" }, { code: "Get-PodeCookieValue -Name 'Views' -Secret 'hunter2'" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to retrieve.' },
    { name: 'Secret', type: 'String', help: "The secret used to unsign the cookie's value." },
    { name: 'Strict', type: 'SwitchParameter', help: strictHelp },
  ],
  outputs: 'System.String',
  run: (args, ctx) => {
    const cookie = readCookie(currentWebEvent(ctx.command), args.Name, args.Secret, args.Strict);
    return cookie === null ? null : (cookie.Value as string);
  },
});

export const TestPodeCookie = cmdlet({
  name: 'Test-PodeCookie',
  synopsis: 'Tests if a cookie exists on the Request.',
  description: 'Tests if a cookie exists on the Request, with a value that is not empty or whitespace.',
  examples: [{ code: "Test-PodeCookie -Name 'Views'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to test for on the Request.' }],
  outputs: 'System.Boolean',
  run: (args, ctx) => {
    const cookie = findRequestCookie(currentWebEvent(ctx.command), args.Name);
    return cookie !== undefined && !blank(cookie.Value);
  },
});

export const RemovePodeCookie = cmdlet({
  name: 'Remove-PodeCookie',
  synopsis: 'Removes a cookie from the Response.',
  description:
    'Removes a cookie from the Response, this is done by immediately expiring the cookie and flagging it for discard.\n' +
    'The cookie set on this response, else the request\'s, is sent again with Discard, Path=/ and Max-Age=0; a cookie ' +
    'on neither is left alone.',
  examples: [{ code: "Remove-PodeCookie -Name 'Views'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to be removed.' }],
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    const found = responseOrRequestCookie(event, args.Name);
    if (found === undefined) return;
    const cookie: Cookie = { ...found, Discard: true, Expires: new Date(Date.now() - 2 * 86_400_000), Path: '/' };
    try {
      sendCookie(event, cookie, ctx.command);
    } catch (err) {
      // A request cookie whose value a Set-Cookie cannot carry is still removed: its value does not matter.
      if (!isPodeError(err) || err.ParameterName !== 'Value') throw err;
      sendCookie(event, { ...cookie, Value: '' }, ctx.command);
    }
  },
});

export const TestPodeCookieSigned = cmdlet({
  name: 'Test-PodeCookieSigned',
  synopsis: 'Tests if a cookie on the Request is validly signed.',
  description: 'Tests if a cookie on the Request is validly signed, by attempting to unsign it using some secret.',
  examples: [{ code: "Test-PodeCookieSigned -Name 'Views' -Secret 'hunter2'" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to test.' },
    { name: 'Secret', type: 'String', help: "A secret to use for attempting to unsign the cookie's value." },
    { name: 'Strict', type: 'SwitchParameter', help: strictHelp },
  ],
  outputs: 'System.Boolean',
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    const cookie = findRequestCookie(event, args.Name);
    if (cookie === undefined) return false;
    // Test-PodeValueSigned's -Secret is Mandatory and [ValidateNotNullOrEmpty()]: checked as it binds, before its
    // body returns $false for an empty value.
    if (!args.Secret) throw binding.ParameterArgumentValidationError(ctx.command, { name: 'Secret', inner: innerNotNullOrEmpty });
    if (cookie.Value === '') return false;
    const value = readSignedCookie(cookie.Value, args.Secret, args.Strict ? strictContextOf(event) : undefined);
    return value !== undefined && value !== '';
  },
});

export const UpdatePodeCookieExpiry = cmdlet({
  name: 'Update-PodeCookieExpiry',
  synopsis: 'Updates the exipry date of a cookie on the Response.',
  description:
    'Updates the exipry date of a cookie on the Response. This can either be done by suppling a duration, or and explicit expiry date.\n' +
    "The cookie set on this response, else the request's, is sent again with Path=/ and its new expiry (CookieNotFound when there is neither).",
  examples: [
    { code: "Update-PodeCookieExpiry -Name  'Views' -Duration 1800" },
    { code: "Update-PodeCookieExpiry -Name  'Views' -ExpiryDate ([datetime]::UtcNow.AddSeconds(1800))" },
  ],
  defaultParameterSet: 'Duration',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The name of the cookie to extend.' },
    { name: 'Duration', type: 'Int32', sets: ['Duration'], default: 0, help: "The duration, in seconds, to extend the cookie's expiry." },
    { name: 'ExpiryDate', type: 'DateTime', sets: ['ExpiryDate'], help: 'An explicit expiry date for the cookie.' },
  ],
  outputs: 'System.Collections.Hashtable',
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    const found = responseOrRequestCookie(event, args.Name);
    // Pode sets a property of $null here, which PowerShell refuses; podets says what is missing.
    if (found === undefined) throw errors.CookieNotFound(ctx.command, { name: quoteCookieText(args.Name) });
    const cookie: Cookie = { ...found, Expires: expiryOf(found.Expires, args.ExpiryDate, args.Duration ?? 0), Path: '/' };
    sendCookie(event, cookie, ctx.command);
    return toPodeCookie(cookie);
  },
});

export const SetPodeCookieSecret = cmdlet({
  name: 'Set-PodeCookieSecret',
  synopsis: 'Stores secrets that can be used to sign cookies.',
  description: 'Stores secrets that can be used to sign cookies. A global secret can be set for easier retrieval.',
  examples: [{ code: "Set-PodeCookieSecret -Name 'my-secret' -Value 'shhhh!'" }, { code: "Set-PodeCookieSecret -Value 'hunter2' -Global" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, sets: ['General'], help: 'The name of the secret to store.' },
    { name: 'Value', type: 'String', mandatory: true, help: 'The value of the secret to store.' },
    { name: 'Global', type: 'SwitchParameter', sets: ['Global'], help: 'If flagged, the secret being stored will be set as the global secret.' },
  ],
  run: (args, ctx) => {
    const name = args.Global ? 'global' : (args.Name ?? '');
    currentServer(ctx.command).cookieSecrets.set(name.toLowerCase(), args.Value);
  },
});

export const GetPodeCookieSecret = cmdlet({
  name: 'Get-PodeCookieSecret',
  synopsis: 'Retrieves a stored secret value.',
  description: 'Retrieves a stored secret value ($null when none is stored under that name).',
  examples: [{ code: "Get-PodeCookieSecret -Name 'my-secret'" }, { code: 'Get-PodeCookieSecret -Global' }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, sets: ['General'], help: 'The name of the secret to retrieve.' },
    { name: 'Global', type: 'SwitchParameter', sets: ['Global'], help: 'If flagged, will return the current global secret value.' },
  ],
  outputs: 'System.String',
  run: (args, ctx) => {
    const name = args.Global ? 'global' : (args.Name ?? '');
    return currentServer(ctx.command).cookieSecrets.get(name.toLowerCase()) ?? null;
  },
});
