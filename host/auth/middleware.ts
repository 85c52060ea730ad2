// The middleware Add-PodeRoute -Authentication and Add-PodeAuthMiddleware put before a route: Pode's
// Test-PodeAuthInternal and Set-PodeAuthStatus (src/Private/Authentication.ps1). Logout ends the session and
// redirects (or answers 401 with header sessions); a session that already holds a user passes; a login page's GET
// passes; otherwise the method is validated, and a failure answers with its status (401 with WWW-Authenticate,
// 400, 403…) or redirects to the -FailureUrl; a success sets $WebEvent.Auth and may redirect to the -SuccessUrl.
import { requestCookies, serializeCookie } from '../http/cookies.ts';
import { redirect, setHeader, addHeader, status } from '../http/respond.ts';
import { NO_AUTH, type WebEvent } from '../http/webevent.ts';
import { logException } from '../log.ts';
import type { AuthMethods } from './registry.ts';
import type { AuthMethod, FailureInfo, SuccessInfo, WebEventAuth } from './types.ts';
import { invokeValidation, isEmptyValue, type MiddlewareRunner } from './validate.ts';

/** What authentication needs from sessions (host/session/): Pode's Test-PodeSessionsInUse, Revoke-PodeSession… */
export interface AuthSessions {
  /** Sessions are enabled and this request has one. */
  inUse(event: WebEvent): boolean;
  /** The session's stored authentication (`$WebEvent.Session.Data.Auth`), if any. */
  storedAuth(event: WebEvent): WebEventAuth | undefined;
  /** Revoke-PodeSession: the session removed from the store and from the response. */
  revoke(event: WebEvent): void | Promise<void>;
  /** A new id for the session, its data kept (after a login: no session fixation). */
  regenerate(event: WebEvent): unknown;
  /** Session cookies or headers (`Enable-PodeSessionMiddleware -UseHeaders`). */
  readonly useHeaders: boolean;
}

export interface AuthContext {
  methods: AuthMethods;
  sessions: AuthSessions | undefined;
  runMiddleware: MiddlewareRunner;
}

export interface AuthRouteOptions {
  Name: string;
  Login?: boolean;
  Logout?: boolean;
  Anon?: boolean;
}

const REDIRECT_COOKIE = 'pode.redirecturl';

const sessionsInUse = (ctx: AuthContext, event: WebEvent) => ctx.sessions !== undefined && ctx.sessions.inUse(event);

/** Pode's Test-PodeAuthUser: an authenticated user on $WebEvent.Auth, else (unless ignored) in the session. */
export function authUser(event: WebEvent, sessions: AuthSessions | undefined, ignoreSession = false): unknown {
  let auth: WebEventAuth | undefined;
  if (event.Auth.IsAuthenticated === true) auth = event.Auth as WebEventAuth;
  else if (!ignoreSession && sessions !== undefined && sessions.inUse(event)) {
    const stored = sessions.storedAuth(event);
    if (stored !== undefined && stored !== null && stored.IsAuthenticated) auth = stored;
  }
  return auth === undefined || auth.User === null || auth.User === undefined ? undefined : auth.User;
}

/** Test-PodeAuthInternal: true lets the request go on; false means the response has been answered. */
export async function authenticate(ctx: AuthContext, options: AuthRouteOptions, event: WebEvent): Promise<boolean> {
  const auth = ctx.methods.get(options.Name);
  if (auth === undefined) return setStatus(ctx, event, options.Name, { statusCode: 500 });

  if (options.Logout) {
    await removeAuthSession(ctx, event);
    if (ctx.sessions?.useHeaders) return setStatus(ctx, event, options.Name, { statusCode: 401, noSuccessRedirect: true });
    // Pode sets the method's failure URL to this path when it has none (and keeps it: a Pode quirk kept).
    if (auth.Failure.Url === '') auth.Failure.Url = event.Path;
    return setStatus(ctx, event, options.Name, { statusCode: 302, noSuccessRedirect: true });
  }

  if (sessionsInUse(ctx, event)) {
    const stored = ctx.sessions!.storedAuth(event);
    if (authUser(event, ctx.sessions) !== undefined && stored !== undefined) {
      event.Auth = stored;
      return setStatus(ctx, event, options.Name, { loginRoute: options.Login, noSuccessRedirect: true });
    }
    if (options.Anon) {
      if (!isEmptyValue(stored)) await ctx.sessions!.revoke(event);
      return true;
    }
  }

  if (options.Login && !(ctx.sessions?.useHeaders ?? false) && event.Method === 'get') {
    if (ctx.sessions !== undefined && ctx.sessions.inUse(event) && !isEmptyValue(ctx.sessions.storedAuth(event))) await ctx.sessions.revoke(event);
    return true;
  }

  let result;
  try {
    result = await invokeValidation(ctx.methods, options.Name, event, ctx.runMiddleware);
  } catch (err) {
    logException(`Authentication '${options.Name}' failed`, err);
    return setStatus(ctx, event, options.Name, { statusCode: 500, description: err instanceof Error ? err.message : String(err) });
  }

  if (result.Redirected) {
    setRedirectUrl(event, successInfo(ctx, options.Name).UseOrigin);
    return false;
  }
  if (!result.Success && options.Anon) return true;
  if (!result.Success) {
    return setStatus(ctx, event, options.Name, {
      statusCode: result.StatusCode ?? 401,
      ...(result.Description !== undefined && { description: result.Description }),
      ...(result.Headers && { headers: result.Headers }),
      loginRoute: options.Login,
      noFailureRedirect: result.FailureRedirect === true,
    });
  }

  event.Auth = {
    User: result.User,
    IsAuthenticated: true,
    IsAuthorised: true,
    Store: !auth.Sessionless,
    Name: result.Auth ?? auth.Name,
  };
  // A login into a session: the session gets a new id (the one the client held before is forgotten), so an id
  // planted before the login is worth nothing after it. Pode keeps the id; podets' addition (docs/authentication.md).
  if (!auth.Sessionless && sessionsInUse(ctx, event)) await ctx.sessions!.regenerate(event);
  const authName = auth.Merged && !auth.PassOne ? options.Name : [result.Auth ?? auth.Name].flat()[0]!;
  return setStatus(ctx, event, authName, { ...(result.Headers && { headers: result.Headers }), loginRoute: options.Login });
}

/** Remove-PodeAuthSession: $WebEvent.Auth blanked, the session's Auth dropped, the session revoked. */
async function removeAuthSession(ctx: AuthContext, event: WebEvent): Promise<void> {
  event.Auth = NO_AUTH;
  if (ctx.sessions !== undefined && ctx.sessions.inUse(event)) await ctx.sessions.revoke(event);
}

interface StatusOptions {
  statusCode?: number;
  description?: string;
  headers?: Record<string, string>;
  loginRoute?: boolean | undefined;
  noSuccessRedirect?: boolean;
  noFailureRedirect?: boolean;
}

/** Set-PodeAuthStatus. */
function setStatus(ctx: AuthContext, event: WebEvent, name: string, o: StatusOptions): boolean {
  if (o.headers !== undefined) for (const [key, value] of Object.entries(o.headers)) setHeader(event, key, value);
  const success = successInfo(ctx, name);
  const code = o.statusCode ?? 0;
  if (code > 0) {
    const failure = failureInfo(ctx, name);
    const description = failure.Message !== '' ? failure.Message : o.description;
    // Pode also adds the description as an 'auth-error' flash message on a login route: flash messages are not ported.
    if (!o.noFailureRedirect && failure.Url.trim() !== '') {
      setRedirectUrl(event, success.UseOrigin);
      redirect(event, failure.Url);
    } else {
      status(event, code, description);
    }
    return false;
  }
  if (!o.noSuccessRedirect || o.loginRoute) {
    const url = redirectUrl(event, success.Url, success.UseOrigin);
    if (url.trim() !== '') {
      redirect(event, url);
      return false;
    }
  }
  return true;
}

/** Get-PodeAuthFailureInfo: the method's failure URL and message, falling back to its merged parents'. */
function failureInfo(ctx: AuthContext, name: string): FailureInfo {
  const info: FailureInfo = { Url: '', Message: '' };
  for (let auth: AuthMethod | undefined = ctx.methods.get(name); auth !== undefined; auth = auth.Parent ? ctx.methods.get(auth.Parent) : undefined) {
    if (info.Url === '') info.Url = auth.Failure.Url;
    if (info.Message === '') info.Message = auth.Failure.Message;
    if ((info.Url !== '' && info.Message !== '') || !auth.Parent) break;
  }
  return info;
}

/** Get-PodeAuthSuccessInfo: likewise for the success URL and -SuccessUseOrigin. */
function successInfo(ctx: AuthContext, name: string): SuccessInfo {
  const info: SuccessInfo = { Url: '', UseOrigin: false };
  for (let auth: AuthMethod | undefined = ctx.methods.get(name); auth !== undefined; auth = auth.Parent ? ctx.methods.get(auth.Parent) : undefined) {
    if (info.Url === '') info.Url = auth.Success.Url;
    if (!info.UseOrigin) info.UseOrigin = auth.Success.UseOrigin;
    if ((info.Url !== '' && info.UseOrigin) || !auth.Parent) break;
  }
  return info;
}

/** Set-PodeAuthRedirectUrl: with -SuccessUseOrigin, a GET's path and query kept in the `pode.redirecturl` cookie. */
function setRedirectUrl(event: WebEvent, useOrigin: boolean): void {
  if (!useOrigin || event.Method !== 'get') return;
  const url = event.Request.Url;
  // Encoded, so a query's ';' or ',' cannot end the cookie (serializeCookie refuses them).
  addHeader(event, 'Set-Cookie', serializeCookie(REDIRECT_COOKIE, encodeURIComponent(url.pathname + url.search), { path: '/' }));
}

/**
 * Get-PodeAuthRedirectUrl: the origin kept by setRedirectUrl (then cleared), else the success URL. Only a local
 * path is taken from the cookie (it comes back from the client): `/x`, never `//host` or a full URL.
 */
function redirectUrl(event: WebEvent, url: string, useOrigin: boolean): string {
  if (!useOrigin) return url;
  const raw = requestCookies(event).get(REDIRECT_COOKIE);
  addHeader(event, 'Set-Cookie', serializeCookie(REDIRECT_COOKIE, '', { path: '/', expires: new Date(0) }));
  let kept: string | undefined;
  try {
    kept = raw === undefined ? undefined : decodeURIComponent(raw);
  } catch {
    kept = undefined;
  }
  return kept !== undefined && /^\/(?![/\\])[^\r\n]*$/.test(kept) ? kept : url;
}
