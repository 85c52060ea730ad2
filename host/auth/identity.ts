// SSE streams that know who is on them, and end when that identity does (issue 13). A connection converted on an
// authenticated request keeps its $WebEvent.Auth (for $TriggeredEvent.Auth in Connect and Disconnect scripts) and
// is bound to what made it authenticated:
// - a session (a login stored the user in it): the stream ends with `pode.close` when the session ends, removed
//   (Remove-PodeSession, a -Logout route) or expired (the session engine's one expiry schedule reports it; with
//   -Extend, activity on the session moves the expiry, and the stream lives on). A regenerated id carries its
//   streams over.
// - a JWT (Bearer or ApiKey -AsJWT with an `exp`): the stream ends at `exp`, by one timer on the server's clock.
// Whichever comes first ends it. Reconnecting afterwards meets the route's authentication again (401).
import type { WebEvent } from '../http/webevent.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { SseConnection } from '../sse/connection.ts';
import { PODE_CLOSE } from '../sse/framing.ts';
import { MAX_TIMEOUT_MS, systemClock, type Clock, type ClockHandle } from '../timers/clock.ts';

/** When the credential a request authenticated with stops being valid (ms since the epoch), noted as it is checked. */
const credentialExpiry = new WeakMap<WebEvent, number>();

/** A JWT's `exp` (seconds) for this request: the earliest one noted wins. */
export function noteCredentialExpiry(event: WebEvent, expiresAtMs: number): void {
  const known = credentialExpiry.get(event);
  if (known === undefined || expiresAtMs < known) credentialExpiry.set(event, expiresAtMs);
}

interface Binding {
  sessionId: string | undefined;
  timer: ClockHandle | undefined;
}

export class StreamIdentities {
  private readonly bySession = new Map<string, Set<SseConnection>>();
  private readonly bindings = new Map<SseConnection, Binding>();
  private listening = false;

  constructor(private readonly server: PodeServer) {}

  private ownClock: Clock | undefined;

  /** What `exp` is waited for on: the server's clock (ServerOptions.clock) unless set; tests may set a ManualClock. */
  get clock(): Clock {
    return this.ownClock ?? this.server.options?.clock ?? systemClock;
  }
  set clock(clock: Clock) {
    this.ownClock = clock;
  }

  /** Called by the SSE engine once the connection is open: binds it to the request's identity, if any. */
  bind(event: WebEvent, conn: SseConnection): void {
    const auth = event.Auth;
    if (auth.IsAuthenticated !== true) return;
    conn.auth = auth;
    const session = event.Session;
    // The user came from the session (stored there by a login), or is stored in it at the end of this request.
    const sessionId = session != null && (auth.Store === true || session.Data?.Auth === auth) ? session.FullId || session.Id : undefined;
    const expiry = credentialExpiry.get(event);
    if (sessionId === undefined && expiry === undefined) return;
    const binding: Binding = { sessionId, timer: undefined };
    this.bindings.set(conn, binding);
    if (sessionId !== undefined) {
      this.listen();
      let set = this.bySession.get(sessionId);
      if (set === undefined) this.bySession.set(sessionId, (set = new Set()));
      set.add(conn);
    }
    if (expiry !== undefined) this.arm(conn, binding, expiry);
  }

  /** Called by the SSE engine when the connection is over, whatever ended it. */
  release(conn: SseConnection): void {
    const binding = this.bindings.get(conn);
    if (binding === undefined) return;
    this.bindings.delete(conn);
    if (binding.timer !== undefined) this.clock.clearTimeout(binding.timer);
    if (binding.sessionId !== undefined) {
      const set = this.bySession.get(binding.sessionId);
      set?.delete(conn);
      if (set !== undefined && set.size === 0) this.bySession.delete(binding.sessionId);
    }
  }

  /** How many streams are bound to an identity (for tests and the docs' figures). */
  get size(): number {
    return this.bindings.size;
  }

  private arm(conn: SseConnection, binding: Binding, expiry: number): void {
    const wait = expiry - this.clock.now().getTime();
    if (wait <= 0) return this.end(conn);
    binding.timer = this.clock.setTimeout(() => {
      binding.timer = undefined;
      if (wait > MAX_TIMEOUT_MS) this.arm(conn, binding, expiry);
      else this.end(conn);
    }, Math.min(wait, MAX_TIMEOUT_MS));
  }

  private end(conn: SseConnection): void {
    if (!conn.writer.closed) conn.writer.close(PODE_CLOSE);
    this.release(conn);
  }

  private listen(): void {
    if (this.listening) return;
    this.listening = true;
    const sessions = this.server.sessions;
    sessions.onEnd((id) => {
      const set = this.bySession.get(id);
      if (set !== undefined) for (const conn of [...set]) this.end(conn);
    });
    sessions.onRegenerate((oldId, newId) => {
      const set = this.bySession.get(oldId);
      if (set === undefined) return;
      this.bySession.delete(oldId);
      this.bySession.set(newId, set);
      for (const conn of set) this.bindings.get(conn)!.sessionId = newId;
    });
  }
}
