// Running an authentication method on the current request, as Pode's Invoke-PodeAuthValidation and
// Test-PodeAuthValidation do (src/Private/Authentication.ps1): the scheme's middleware, its inner schemes, the
// scheme's script (credentials or a failure), the method's validator with those credentials, the scheme's
// post-validator, then a success with a User or a failure with a status code, description and WWW-Authenticate.
// Merged methods (Merge-PodeAuth) run their members: One passes at the first success, All needs every one.
// Scripts may be async; everything here awaits them.
import type { WebEvent } from '../http/webevent.ts';
import { logException } from '../log.ts';
import { wwwAuthenticate } from './challenge.ts';
import type { AuthMethods } from './registry.ts';
import type { AuthOutcome, AuthScheme, MergedAuthMethod, SingleAuthMethod, ValidationResult } from './types.ts';

export type MiddlewareRunner = (list: AuthScheme['Middleware'], event: WebEvent) => Promise<boolean>;

/** Pode's Test-PodeIsEmpty: null, blank text, an empty array or an object without keys. */
export function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return value.trim() === '';
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return Object.keys(value).length === 0;
  return false;
}

const isOutcome = (value: unknown): value is AuthOutcome =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;

/** A script's arguments from its scheme's Arguments, as Merge-PodeScriptblockArguments builds them. */
const argsOf = (scheme: AuthScheme): unknown[] => (scheme.Arguments === null || scheme.Arguments === undefined ? [] : [scheme.Arguments]);

/** The credentials a script returned, spread as PowerShell splats `@($result)`. */
const spread = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

export async function invokeValidation(methods: AuthMethods, name: string, event: WebEvent, runMiddleware: MiddlewareRunner): Promise<ValidationResult> {
  const auth = methods.get(name);
  if (auth === undefined) return { Success: false, StatusCode: 500 };
  if (auth.Merged) return invokeMerged(methods, auth, event, runMiddleware);
  const result = await validateSingle(auth, event, runMiddleware);
  result.Auth = auth.Name;
  return result;
}

async function invokeMerged(methods: AuthMethods, auth: MergedAuthMethod, event: WebEvent, runMiddleware: MiddlewareRunner): Promise<ValidationResult> {
  const results = new Map<string, ValidationResult>();
  let result: ValidationResult | undefined;
  for (const authName of auth.Authentications) {
    result = await invokeValidation(methods, authName, event, runMiddleware);
    if (result.Redirected) return result;
    if (result.Success && auth.PassOne) return result;
    if (!result.Success && !auth.PassOne) return result;
    if (!auth.PassOne) results.set(authName, result);
  }
  if (result !== undefined && !result.Success && auth.PassOne) return result;
  if (result !== undefined && result.Success && !auth.PassOne) {
    let merged: ValidationResult;
    if (auth.ScriptBlock.Script !== null) {
      // The script gets a hashtable of every member's result, keyed by method name.
      const all = Object.fromEntries(results);
      const out = await auth.ScriptBlock.Script(all);
      merged = { ...(isOutcome(out) ? out : {}), Success: true };
    } else {
      merged = { ...(results.get(auth.MergeDefault) ?? { Success: true }), Success: true };
    }
    merged.Auth = [...results.keys()];
    return merged;
  }
  return { Success: false, StatusCode: 500 };
}

async function validateSingle(auth: SingleAuthMethod, event: WebEvent, runMiddleware: MiddlewareRunner): Promise<ValidationResult> {
  try {
    const scheme = auth.Scheme;
    if (scheme.Middleware.length > 0 && !(await runMiddleware(scheme.Middleware, event))) return { Success: false };

    let result: unknown = null;
    let args = argsOf(scheme);
    if (scheme.InnerScheme !== null && scheme.InnerScheme !== undefined) {
      const inner: AuthScheme[] = [];
      for (let s: AuthScheme | null = scheme.InnerScheme; s !== null && s !== undefined; s = s.InnerScheme) inner.push(s);
      const schemes: unknown[] = [];
      // Innermost first; each gets the credentials the ones before it returned.
      for (let i = inner.length - 1; i >= 0; i--) {
        result = await inner[i]!.ScriptBlock.Script!(...argsOf(inner[i]!), schemes);
        if (isOutcome(result)) break;
        schemes.push(result);
        result = null;
      }
      args = [...args, schemes];
    }
    if (result === null) result = await scheme.ScriptBlock.Script!(...args);

    if (!isOutcome(result)) {
      const original = result;
      result = await auth.ScriptBlock(...spread(result), ...auth.Arguments);
      const code = isOutcome(result) ? result.Code : undefined;
      if ((code === undefined || code === null) && scheme.PostValidator !== null && scheme.PostValidator.Script !== null) {
        result = await scheme.PostValidator.Script(original, result, ...argsOf(scheme));
      }
    }

    const outcome = isOutcome(result) ? result : null;
    if (outcome?.IsRedirected) return { Success: false, Redirected: true };
    if (outcome === null || Object.keys(outcome).length === 0 || isEmptyValue(outcome.User)) {
      const code = typeof outcome?.Code === 'number' && outcome.Code > 0 ? outcome.Code : 401;
      const headers: Record<string, string> = { ...(outcome?.Headers ?? {}) };
      const challenge = outcome?.Challenge;
      if ((code === 401 || (challenge !== undefined && challenge !== '')) && scheme.Name.trim() !== '' && !hasHeader(headers, 'WWW-Authenticate')) {
        headers['WWW-Authenticate'] = wwwAuthenticate(scheme.Name, scheme.Realm, challenge);
      }
      return {
        Success: false,
        StatusCode: code,
        ...(typeof outcome?.Message === 'string' && { Description: outcome.Message }),
        Headers: headers,
        FailureRedirect: outcome?.IsErrored === true,
      };
    }
    return { Success: true, User: outcome.User, ...(outcome.Headers && { Headers: outcome.Headers }) };
  } catch (err) {
    logException(`Authentication '${auth.Name}' failed`, err);
    return { Success: false, StatusCode: 500 };
  }
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name.toLowerCase());
