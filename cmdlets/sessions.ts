// Pode's session cmdlets (file group "Sessions", src/Public/Sessions.ps1). The engine is host/session/: the settings,
// stores and expiry schedule in engine.ts, the request side ($WebEvent.Session, cookie or header, the save at the
// end of the request) in middleware.ts.
import { NO_AUTH } from '../host/http/webevent.ts';
import { binding } from '../host/binder/messages.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { currentWebEvent, tryCurrentWebEvent } from '../host/http/context.ts';
import { signValue, strictContextOf } from '../host/http/sign.ts';
import { addMiddleware } from '../host/runtime/middleware.ts';
import { currentServer } from '../host/runtime/server.ts';
import { defaultGenerator, type SessionEngine } from '../host/session/engine.ts';
import {
  MIN_DATE,
  SESSION_MIDDLEWARE_NAME,
  removeSession,
  saveSession,
  sessionExpiry,
  sessionMiddleware,
  setSessionOnResponse,
} from '../host/session/middleware.ts';
import { missingStorageMembers } from '../host/session/store.ts';
import type { MiddlewareFn } from '../host/http/types.ts';

const cmdlet = defineGroup('Sessions');

const WHY_TAB = "podets has the Browser scope only: the Tab scope's per-tab data (X-PODE-SESSION-TAB-ID) is not ported";

const sessions = (command: string): SessionEngine => currentServer(command).sessions;

/** Test-PodeSessionsEnabled's check, for the cmdlets that refuse without sessions. */
function enabledSessions(command: string): SessionEngine {
  const engine = sessions(command);
  if (!engine.enabled) throw errors.SessionsNotConfigured(command);
  return engine;
}

/** Pode's Test-PodeIsEmpty for -Storage: $null, or an object with nothing in it. */
function isEmptyStorage(storage: unknown): boolean {
  if (storage === null || storage === undefined) return true;
  if (typeof storage === 'string') return storage.trim() === '';
  if (Array.isArray(storage)) return storage.length === 0;
  if (typeof storage === 'object') return Object.keys(storage).length === 0 && Object.getPrototypeOf(storage) === Object.prototype;
  return false;
}

export const EnablePodeSessionMiddleware = cmdlet({
  name: 'Enable-PodeSessionMiddleware',
  synopsis: 'Enables Middleware for creating, retrieving and using Sessions within Pode.',
  description:
    'Enables Middleware for creating, retrieving and using Sessions within Pode; with support for defining Session duration, and custom Storage.\n' +
    "If you're storing sessions outside of Pode, you must supply a Secret value so sessions aren't corrupted.\n" +
    'Sessions are kept in memory (bounded: 100 000, the least recently saved evicted first), or in Redis when the server has a Redis backplane ' +
    '(--redis, Set-PodeSseBackplane), so that every instance sharing it knows every session, or in the -Storage given. ' +
    "A session's data is saved at the end of each request that changed it (and on every request with -Extend); " +
    "Duration 0, Pode's default, makes a session that expires at once: give a Duration for sessions that last.",
  examples: [
    { code: 'Enable-PodeSessionMiddleware -Duration 120' },
    { code: 'Enable-PodeSessionMiddleware -Duration 120 -Extend -Generator { return [System.IO.Path]::GetRandomFileName() }' },
    { code: "Enable-PodeSessionMiddleware -Secret 'schwifty' -Duration 120 -UseHeaders -Strict" },
  ],
  defaultParameterSet: 'Cookies',
  parameters: [
    { name: 'Secret', type: 'String', help: 'An optional Secret to use when signing Sessions (Default: random GUID).' },
    { name: 'Name', type: 'String', validateNotNullOrEmpty: true, default: 'pode.sid', help: 'The name of the cookie/header used for the Session.' },
    { name: 'Duration', type: 'Int32', default: 0, help: 'The duration a Session should last for, before being expired.' },
    { name: 'Generator', type: 'ScriptBlock', help: 'A custom ScriptBlock to generate a random unique SessionId. The value returned must be a String.' },
    {
      name: 'Storage',
      type: 'PSObject',
      default: null,
      help: 'A custom PSObject that defines methods for Delete, Get, and Set. This allow you to store Sessions in custom Storage such as Redis. A Secret is required.',
    },
    {
      name: 'Scope',
      type: 'String',
      validateSet: ['Browser', 'Tab'],
      default: 'Browser',
      unsupported: WHY_TAB,
      help: 'The Scope that the Session applies to, possible values are Browser and Tab (Default: Browser).',
    },
    { name: 'Extend', type: 'SwitchParameter', help: 'If supplied, the Sessions will have their durations extended on each successful Request.' },
    { name: 'HttpOnly', type: 'SwitchParameter', sets: ['Cookies'], help: 'If supplied, the Session cookie will only be accessible to browsers.' },
    { name: 'Secure', type: 'SwitchParameter', sets: ['Cookies'], help: 'If supplied, the Session cookie will only be accessible over HTTPS Requests.' },
    { name: 'Strict', type: 'SwitchParameter', help: "If supplied, the Secret will be extended using the client request's UserAgent and RemoteIPAddress." },
    { name: 'UseHeaders', type: 'SwitchParameter', sets: ['Headers'], help: 'If supplied, Sessions will be sent back in a header on the Response with the Name supplied.' },
  ],
  run: (args, ctx) => {
    const command = ctx.command;
    // -Duration's [ValidateScript()]: PowerShell puts its text after "Cannot validate argument on parameter 'Duration'."
    if (args.Duration < 0) {
      const inner = errors.SessionDurationMustBeZeroOrGreater(command, { duration: args.Duration }).message;
      throw binding.ParameterArgumentValidationError(command, { name: 'Duration', inner });
    }
    const server = currentServer(command);
    const engine = server.sessions;
    if (engine.enabled) throw errors.SessionMiddlewareAlreadyInitialized(command);
    const storage = isEmptyStorage(args.Storage) ? undefined : (args.Storage as object);
    if (storage !== undefined) {
      const missing = typeof storage === 'object' || typeof storage === 'function' ? missingStorageMembers(storage) : ['delete'];
      if (missing.length > 0) throw errors.CustomSessionStorageMethodNotImplemented(command, { method: missing[0]! });
    }
    let secret = args.Secret;
    if (!secret) {
      if (storage !== undefined) throw errors.SecretRequiredForCustomSessionStorage(command);
      secret = server.defaultSecret;
    }
    const generator = args.Generator ?? defaultGenerator;
    engine.enable({
      Name: args.Name,
      Secret: secret,
      GenerateId: () => generator(),
      Storage: storage,
      Info: {
        Duration: args.Duration,
        Extend: args.Extend,
        Secure: args.Secure,
        Strict: args.Strict,
        HttpOnly: args.HttpOnly,
        UseHeaders: args.UseHeaders,
        Scope: { Type: args.Scope.toLowerCase(), IsBrowser: args.Scope.toLowerCase() === 'browser' },
      },
    });
    addMiddleware(server.middleware, { name: SESSION_MIDDLEWARE_NAME, logic: sessionMiddleware(engine) as MiddlewareFn }, command);
  },
});

export const RemovePodeSession = cmdlet({
  name: 'Remove-PodeSession',
  synopsis: 'Remove the current Session, logging it out.',
  description:
    'Remove the current Session, logging it out. This will remove the session from Storage, and Cookies.\n' +
    'Listeners of server.sessions.onEnd hear (sessionId, "removed"). With an asynchronous store (Redis, or a -Storage whose Delete is async), ' +
    'the returned promise resolves once the store has deleted it.',
  examples: [{ code: 'Remove-PodeSession' }],
  parameters: [],
  run: (_args, ctx) => {
    const engine = enabledSessions(ctx.command);
    const event = tryCurrentWebEvent();
    if (event?.Session == null) return;
    // Pode's Remove-PodeAuthSession: the auth blanked, and taken out of the session, before the session goes.
    event.Auth = NO_AUTH;
    delete event.Session.Data.Auth;
    return removeSession(engine, event);
  },
});

export const SavePodeSession = cmdlet({
  name: 'Save-PodeSession',
  synopsis: "Saves the current Session's data.",
  description:
    "Saves the current Session's data.\n" +
    'As in Pode\'s code (Save-PodeSessionInternal), -Force saves only when the data changed since it was loaded or last saved, or when the ' +
    'session extends; without -Force it always saves. With an asynchronous store the returned promise resolves once it has saved.',
  examples: [{ code: 'Save-PodeSession -Force' }],
  parameters: [{ name: 'Force', type: 'SwitchParameter', help: 'If supplied, the data will be saved even if nothing has changed.' }],
  run: (args, ctx) => {
    const engine = enabledSessions(ctx.command);
    const event = tryCurrentWebEvent();
    if (event?.Session == null) throw errors.NoSessionAvailableToSave(ctx.command);
    if (event.Auth.Store === true) event.Session.Data.Auth = event.Auth;
    return saveSession(engine, event, args.Force);
  },
});

export const GetPodeSessionId = cmdlet({
  name: 'Get-PodeSessionId',
  synopsis: 'Returns the currently authenticated SessionId.',
  description:
    "Returns the currently authenticated SessionId. If there's no session, or it's not authenticated, then null is returned instead.\n" +
    'You can also have the SessionId returned as signed as well.',
  examples: [{ code: '$sessionId = Get-PodeSessionId' }],
  parameters: [
    { name: 'Signed', type: 'SwitchParameter', help: 'If supplied, the returned SessionId will also be signed.' },
    { name: 'Force', type: 'SwitchParameter', help: 'If supplied, the sessionId will be returned regardless of authentication.' },
  ],
  outputs: 'System.String',
  run: (args, ctx) => {
    const event = tryCurrentWebEvent();
    const session = event?.Session ?? null;
    const auth = session?.Data?.Auth as { User?: unknown; IsAuthenticated?: unknown } | undefined;
    const userEmpty = auth?.User == null || (typeof auth.User === 'object' && Object.keys(auth.User).length === 0) || auth.User === '';
    if (!args.Force && (userEmpty || !auth?.IsAuthenticated)) return null;
    const id = session?.FullId ?? null;
    if (!args.Signed || id === null) return id;
    const config = sessions(ctx.command).config;
    if (!config) return id;
    return signValue(id, config.Secret, config.Info.Strict && event ? strictContextOf(event) : undefined);
  },
});

export const GetPodeSessionTabId = cmdlet({
  name: 'Get-PodeSessionTabId',
  synopsis: "Returns the current request's session Tab ID.",
  description: 'Returns the X-PODE-SESSION-TAB-ID header of the request for the Tab scope; $null for the Browser scope (the only scope podets has).',
  examples: [{ code: '$tabId = Get-PodeSessionTabId' }],
  parameters: [],
  outputs: 'System.String',
  run: (_args, ctx) => {
    const config = sessions(ctx.command).config;
    if (!config || config.Info.Scope.IsBrowser) return null;
    const value = currentWebEvent(ctx.command).Request.Headers['x-pode-session-tab-id'];
    return (Array.isArray(value) ? value.join(', ') : value) ?? null;
  },
});

export const ResetPodeSessionExpiry = cmdlet({
  name: 'Reset-PodeSessionExpiry',
  synopsis: "Resets the current Session's expiry date.",
  description:
    "Resets the current Session's expiry date, to be from the current time plus the defined Session duration.\n" +
    'The session extends for the rest of the request: the cookie (or header) is set again now, and the store saves the new expiry at the end of the request.',
  examples: [{ code: 'Reset-PodeSessionExpiry' }],
  parameters: [],
  run: (_args, ctx) => {
    const engine = enabledSessions(ctx.command);
    const event = tryCurrentWebEvent();
    if (event?.Session == null) throw errors.NoSessionAvailableToSave(ctx.command);
    event.Session.Extend = true;
    setSessionOnResponse(engine, event, ctx.command);
  },
});

export const GetPodeSessionDuration = cmdlet({
  name: 'Get-PodeSessionDuration',
  synopsis: 'Returns the defined Session duration.',
  description: 'Returns the defined Session duration that all Session are created using (0 when sessions are not enabled).',
  examples: [{ code: '$duration = Get-PodeSessionDuration' }],
  parameters: [],
  outputs: 'System.Int32',
  run: (_args, ctx) => sessions(ctx.command).config?.Info.Duration ?? 0,
});

export const GetPodeSessionExpiry = cmdlet({
  name: 'Get-PodeSessionExpiry',
  synopsis: "Returns the datetime on which the current Session's will expire.",
  description: "Returns the datetime on which the current Session's will expire: from now with -Extend, else from when the session was made, plus the Duration.",
  examples: [{ code: '$expiry = Get-PodeSessionExpiry' }],
  parameters: [],
  outputs: 'System.DateTime',
  run: (_args, ctx) => {
    const event = tryCurrentWebEvent();
    if (event?.Session == null) throw errors.NoSessionAvailableToSave(ctx.command);
    const engine = sessions(ctx.command);
    if (event.Session.TimeStamp == null || !engine.config) return MIN_DATE;
    return sessionExpiry(engine, event.Session);
  },
});

export const TestPodeSessionsEnabled = cmdlet({
  name: 'Test-PodeSessionsEnabled',
  synopsis: 'Tests whether sessions are enabled.',
  description: 'Returns $true once Enable-PodeSessionMiddleware has been called on the server, else $false.',
  examples: [{ code: 'if (Test-PodeSessionsEnabled) { … }' }],
  parameters: [],
  outputs: 'System.Boolean',
  run: (_args, ctx) => sessions(ctx.command).enabled,
});

export const GetPodeSessionInfo = cmdlet({
  name: 'Get-PodeSessionInfo',
  synopsis: "Returns the sessions' settings.",
  description: 'Returns the settings sessions were enabled with (Duration, Extend, Secure, Strict, HttpOnly, UseHeaders, Scope), or $null when they are not enabled.',
  examples: [{ code: '$info = Get-PodeSessionInfo' }],
  parameters: [],
  outputs: 'System.Collections.Hashtable',
  run: (_args, ctx) => sessions(ctx.command).config?.Info ?? null,
});

export const TestPodeSessionScopeIsBrowser = cmdlet({
  name: 'Test-PodeSessionScopeIsBrowser',
  synopsis: "Tests whether the sessions' scope is Browser.",
  description: "Returns $true when sessions are enabled with the Browser scope (podets' only one), else $false.",
  examples: [{ code: 'Test-PodeSessionScopeIsBrowser' }],
  parameters: [],
  outputs: 'System.Boolean',
  run: (_args, ctx) => Boolean(sessions(ctx.command).config?.Info.Scope.IsBrowser),
});
