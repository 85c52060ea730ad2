// The request side of sessions, as Pode's src/Private/Sessions.ps1 has it: the middleware (Get-PodeSessionMiddleware)
// that gives each request its $WebEvent.Session, the session cookie or header on the response (Set-PodeSession), the
// save at the end of the request (Save-PodeSessionInternal, from the middleware's OnEnd), and the removal
// (Revoke-PodeSession). The settings and the expiry schedule are host/session/engine.ts.
//
// $WebEvent.Session is Pode's hashtable: Name, Id, TabId, FullId, Extend, TimeStamp, Data, DataHash.
// - A request without a validly signed session id (none, a tampered or foreign one, or one whose store entry has
//   gone) gets a new session: a new id, TimeStamp now, empty Data. Nothing is logged for it.
// - The cookie/header is set on the response when the session is new, or on every request with -Extend.
// - At the end of the request the session is saved when its Data changed (the SHA-256 of its JSON, depth 10, is
//   compared with the one taken when it was loaded: Pode's Get-/Set-/Test-PodeSessionDataHash), or always with
//   -Extend, so the store's expiry moves too. So a new session whose Data stays empty is not stored, as in Pode.
// - "The end of the request" is when the route's handler has settled (the pipeline's onSettled), or, should that
//   never be heard (a taken-over response), when the response closes. A handler that writes its response and
//   goes on changing the session after an await gets the save when it settles, after the client has its answer.
import { createHash } from 'node:crypto';
import { errors } from '../errors/catalog.ts';
import { requestCookies, serializeCookie } from '../http/cookies.ts';
import { addHeader, getHeader, setHeader } from '../http/respond.ts';
import { signValue, strictContextOf, unsignValue } from '../http/sign.ts';
import type { WebEvent } from '../http/webevent.ts';
import { logException } from '../log.ts';
import { toPsJson } from '../values/json.ts';
import type { SessionConfig, SessionEngine } from './engine.ts';
import { isThenable, type SessionRecord, type SessionStore } from './store.ts';

/** Pode's $WebEvent.Session. */
export interface PodeSession {
  Name: string;
  Id: string;
  /** Always null: podets has the Browser scope only. */
  TabId: string | null;
  FullId: string;
  Extend: boolean;
  /** When the session was made; null until its stored data is read. */
  TimeStamp: Date | null;
  Data: Record<string, unknown>;
  DataHash?: string;
}

declare module '../http/webevent.ts' {
  interface WebEvent {
    /** Pode's $WebEvent.Session: set by the session middleware (Enable-PodeSessionMiddleware); null after Remove-PodeSession. */
    Session?: PodeSession | null;
  }
}

/** The name of the middleware, as Pode's. */
export const SESSION_MIDDLEWARE_NAME = '__pode_mw_sessions__';

type Maybe<T> = T | Promise<T>;
const then = <T, R>(value: Maybe<T>, fn: (v: T) => Maybe<R>): Maybe<R> => (isThenable(value) ? Promise.resolve(value).then(fn) : fn(value as T));

// ---- the data hash ---------------------------------------------------------------------------------------------

function dataHash(session: PodeSession): string {
  if (session.Data == null || typeof session.Data !== 'object') session.Data = {};
  const json = toPsJson(session.Data, { depth: 10, circular: () => errors.SessionDataCircular('') });
  return createHash('sha256').update(json).digest('base64');
}

/** Set-PodeSessionDataHash. */
function setDataHash(session: PodeSession): void {
  session.DataHash = dataHash(session);
}

/** Test-PodeSessionDataHash: true when the data is what it was at the last hash. */
function dataUnchanged(session: PodeSession): boolean {
  if (!session.DataHash) return false;
  return session.DataHash === dataHash(session);
}

// ---- expiry -------------------------------------------------------------------------------------------------

/** .NET's DateTime.MinValue, what Get-PodeSessionExpiry returns for a session without a TimeStamp. */
export const MIN_DATE = new Date(-62135596800000);

/** Get-PodeSessionExpiry: from now with Extend, else from the session's TimeStamp, plus the Duration. */
export function sessionExpiry(engine: SessionEngine, session: PodeSession): Date {
  if (session.TimeStamp == null) return MIN_DATE;
  const from = session.Extend ? engine.now() : session.TimeStamp.getTime();
  return new Date(from + engine.config!.Info.Duration * 1000);
}

// ---- reading the session id ---------------------------------------------------------------------------------


/** Get-PodeSession: the session id the request carries, validly signed; undefined when it carries none. */
function requestSessionId(config: SessionConfig, event: WebEvent): string | undefined {
  const strict = config.Info.Strict ? strictContextOf(event) : undefined;
  const raw = config.Info.UseHeaders ? getHeader(event, config.Name) : requestCookies(event).get(config.Name);
  if (raw === undefined || raw.trim() === '') return undefined;
  const id = unsignValue(raw, config.Secret, strict);
  return id === undefined || id === '' ? undefined : id;
}

function newSession(engine: SessionEngine): Maybe<PodeSession> {
  const config = engine.config!;
  return then(engine.generateId(), (id) => ({
    Name: config.Name,
    Id: id,
    TabId: null,
    FullId: id,
    Extend: config.Info.Extend,
    TimeStamp: engine.clock.now(),
    Data: {},
  }));
}

/** The session a stored record describes, as Pode's middleware reads it (Version 3 and before). */
function loadedSession(engine: SessionEngine, id: string, record: SessionRecord): PodeSession {
  const config = engine.config!;
  const session: PodeSession = { Name: config.Name, Id: id, TabId: null, FullId: id, Extend: config.Info.Extend, TimeStamp: null, Data: {} };
  if (!(record.Version >= 3)) {
    session.Data = record as unknown as Record<string, unknown>;
    session.TimeStamp = engine.clock.now();
  } else {
    session.Data = record.Data ?? {};
    const stamp = record.Metadata?.TimeStamp;
    session.TimeStamp = record.Metadata?.Tabbed ? engine.clock.now() : stamp instanceof Date ? stamp : stamp ? new Date(stamp) : null;
  }
  return session;
}

// ---- the middleware ---------------------------------------------------------------------------------------------

/** Get-PodeSessionMiddleware. */
export function sessionMiddleware(engine: SessionEngine): (event: WebEvent) => Maybe<boolean> {
  return (event) => {
    if (event.Session) return true;
    const config = engine.config!;
    const id = requestSessionId(config, event);
    const found: Maybe<{ session: PodeSession; isNew: boolean }> =
      id === undefined
        ? then(newSession(engine), (session) => ({ session, isNew: true }))
        : then(engine.store(), (store) =>
            then(store.get(id), (record) =>
              record !== undefined ? { session: loadedSession(engine, id, record), isNew: false } : then(newSession(engine), (session) => ({ session, isNew: true })),
            ),
          );
    return then(found, ({ session, isNew }) => {
      event.Session = session;
      setDataHash(session);
      // A loaded session's expiry is known from its TimeStamp, unless it extends (its save at the end says then).
      if (!isNew && !session.Extend && session.TimeStamp !== null) engine.touched(session.FullId, sessionExpiry(engine, session).getTime(), false);
      if (isNew || session.Extend) setSessionOnResponse(engine, event, 'Enable-PodeSessionMiddleware');
      atEnd(event, () => {
        // Never throws: this runs where the pipeline settles the request, after the handler's own errors.
        try {
          // As Save-PodeSession does: a login's $WebEvent.Auth (when its method keeps it) goes into the session.
          if (event.Session != null && event.Auth.Store === true && event.Auth.IsAuthenticated === true) event.Session.Data.Auth = event.Auth;
          if (event.Session != null) saveSession(engine, event, true);
        } catch (err) {
          logException('Saving a session at the end of a request', err);
        }
      });
      return true;
    });
  };
}

/** Runs `fn` once, when the route's handler has settled, or at the latest when the response closes. */
function atEnd(event: WebEvent, fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    fn();
  };
  const before = event.onSettled;
  event.onSettled = before
    ? () => {
        before();
        run();
      }
    : run;
  event.Response.raw.once('close', run);
}

// ---- on the response ------------------------------------------------------------------------------------------

/** Drops the Set-Cookie lines already queued for this cookie name: the last word on it is the one sent. */
function dropQueuedCookie(event: WebEvent, name: string): void {
  const queued = event.Response.Headers['set-cookie'];
  if (queued === undefined) return;
  const keep = [queued].flat().filter((line) => !line.startsWith(`${name}=`));
  if (keep.length === 0) delete event.Response.Headers['set-cookie'];
  else event.Response.Headers['set-cookie'] = keep.length === 1 ? keep[0]! : keep;
}

/** Set-PodeSession: the signed session id as a header (-UseHeaders) or a cookie (Path=/, expiring with the session). */
export function setSessionOnResponse(engine: SessionEngine, event: WebEvent, command: string): void {
  const session = event.Session;
  if (session == null) throw errors.NoSessionToSetOnResponse(command);
  const config = engine.config!;
  const strict = config.Info.Strict ? strictContextOf(event) : undefined;
  const signed = signValue(session.Id, config.Secret, strict);
  if (config.Info.UseHeaders) {
    setHeader(event, session.Name, signed);
    return;
  }
  dropQueuedCookie(event, session.Name);
  addHeader(
    event,
    'Set-Cookie',
    serializeCookie(session.Name, signed, { path: '/', expires: sessionExpiry(engine, session), httpOnly: config.Info.HttpOnly, secure: config.Info.Secure }),
  );
}

// ---- saving and removing ---------------------------------------------------------------------------------------

/**
 * Save-PodeSessionInternal. `check` (Save-PodeSession -Force, and the save at the end of the request): skipped when
 * the session does not -Extend and its Data is unchanged. The store's work may go on after this returns: the
 * engine tracks it (idle()), and a failure is logged.
 */
export function saveSession(engine: SessionEngine, event: WebEvent, check: boolean): Maybe<void> {
  const session = event.Session;
  if (session == null || !session.FullId) return;
  // Ended while this request was open (a logout elsewhere, its expiry): saving would bring it back.
  if (engine.hasEnded(session.FullId)) return;
  if (!session.Extend && check && dataUnchanged(session)) return;
  const expiry = sessionExpiry(engine, session);
  const record: SessionRecord = { Version: 3, Metadata: { TimeStamp: session.TimeStamp }, Data: session.Data };
  const id = session.FullId;
  const work = then(engine.store(), (store: SessionStore) => store.set(id, record, expiry));
  engine.touched(id, expiry.getTime(), session.Extend);
  setDataHash(session);
  if (isThenable(work)) engine.track(work, 'Saving a session');
  return work;
}

/** Revoke-PodeSession (from Remove-PodeSession): the cookie expired on the response, the store entry deleted, $WebEvent.Session null. */
export function removeSession(engine: SessionEngine, event: WebEvent): Maybe<void> {
  const session = event.Session;
  if (session == null) return;
  const config = engine.config!;
  if (!config.Info.UseHeaders) {
    // Remove-PodeCookie: the cookie again, discarded and expired two days ago.
    const raw = requestCookies(event).get(session.Name) ?? '';
    dropQueuedCookie(event, session.Name);
    addHeader(event, 'Set-Cookie', serializeCookie(session.Name, raw, { discard: true, path: '/', expires: new Date(engine.now() - 2 * 86_400_000) }));
  }
  const id = session.Id;
  // remove (where the store has it) also tells the other instances sharing the store.
  const work = then(engine.store(), (store: SessionStore) => (store.remove ? store.remove(id) : store.delete(id)));
  event.Session = null;
  engine.removed(id);
  if (isThenable(work)) engine.track(work, 'Removing a session');
  return work;
}

/**
 * A new id for the current session (after a login, against session fixation): the data kept and saved under the new
 * id, the old id deleted from the store, the new id on the response. onRegenerate hears (oldId, newId).
 */
export function regenerateSession(engine: SessionEngine, event: WebEvent, command: string): Maybe<string> {
  const session = event.Session;
  if (session == null) throw errors.NoSessionAvailableToSave(command);
  return then(engine.generateId(), (newId) => {
    const oldId = session.Id;
    session.Id = newId;
    session.FullId = newId;
    const removing = then(engine.store(), (store: SessionStore) => store.delete(oldId));
    if (isThenable(removing)) engine.track(removing, 'Removing a regenerated session id');
    engine.regenerated(oldId, newId);
    setSessionOnResponse(engine, event, command);
    return then(saveSession(engine, event, false), () => newId);
  });
}
