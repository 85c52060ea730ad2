// What authentication asks of sessions (AuthSessions, host/auth/middleware.ts), answered by the server's session
// engine (host/session/): whether this request has a session, the user a login stored in it, and revoking it.
// Undefined while Enable-PodeSessionMiddleware has not run, as Pode's Test-PodeSessionsEnabled is false then.
import type { WebEvent } from '../http/webevent.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { SessionEngine } from '../session/engine.ts';
import { regenerateSession, removeSession } from '../session/middleware.ts';
import type { AuthSessions } from './middleware.ts';
import type { WebEventAuth } from './types.ts';

/** One adapter per engine, made once: authentication asks for it on every request of a protected route. */
const adapters = new WeakMap<SessionEngine, AuthSessions>();

export function authSessionsOf(server: PodeServer): AuthSessions | undefined {
  const engine = server.sessions;
  if (!engine.enabled) return undefined;
  let adapter = adapters.get(engine);
  if (adapter === undefined) adapters.set(engine, (adapter = makeAdapter(engine)));
  return adapter;
}

function makeAdapter(engine: SessionEngine): AuthSessions {
  return {
    inUse: (event: WebEvent) => event.Session != null,
    storedAuth: (event: WebEvent) => {
      const auth = event.Session?.Data?.Auth;
      return auth !== null && typeof auth === 'object' ? (auth as WebEventAuth) : undefined;
    },
    revoke: (event: WebEvent) => removeSession(engine, event),
    regenerate: (event: WebEvent) => regenerateSession(engine, event, 'Add-PodeRoute'),
    get useHeaders() {
      return engine.config?.Info.UseHeaders ?? false;
    },
  };
}
