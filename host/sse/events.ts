// Register-PodeSseEvent: scripts that run when a connection of a Name connects or disconnects, with
// $TriggeredEvent set for them. An error in one is logged and never reaches the server.
import { errors } from '../errors/catalog.ts';
import { NO_AUTH, type WebEventAuthFields } from '../http/webevent.ts';
import { logException } from '../log.ts';
import { ambient, runAmbient } from '../runtime/ambient.ts';
import type { PodeServer } from '../runtime/server.ts';
import { ignoreCaseKey } from '../values/ignorecase.ts';
import type { SseConnection } from './connection.ts';

export type SseEventType = 'Connect' | 'Disconnect';

/**
 * One registration, as Get-PodeSseEvent returns it: the fields of Pode's (src/Public/SSE.ps1,
 * Register-PodeSseEvent). UsingVariables is Pode's `$using:` values: a JavaScript closure has none.
 */
export interface SseEventRegistration {
  Name: string;
  EventName: string;
  Type: SseEventType;
  ScriptBlock: (...args: any[]) => unknown;
  UsingVariables: null;
  /** The -ArgumentList, splatted into the script; null when none was given. */
  Arguments: unknown[] | null;
}

/** $TriggeredEvent.Connection: a connection's fields when the event fired (null where not known, see fireOrphaned). */
export type ConnectionSnapshot = {
  [K in keyof ReturnType<SseConnection['toJSON']>]: ReturnType<SseConnection['toJSON']>[K] | (K extends 'ConnectionType' | 'Name' | 'Group' | 'ClientId' | 'Scope' | 'IsDisposed' | 'IsClosed' ? never : null);
};

export interface TriggeredEvent {
  Lockable: object;
  Name: string;
  Type: SseEventType;
  Timestamp: Date;
  Connection: ConnectionSnapshot;
  Metadata: Record<string, unknown>;
  /**
   * podets' addition: the $WebEvent.Auth of the request that opened the connection (User, Name…), so a Disconnect
   * script knows whose stream ended; an empty object when it was not authenticated.
   */
  Auth: WebEventAuthFields;
}

/** $TriggeredEvent: the event whose script is running. */
export function currentTriggeredEvent(): TriggeredEvent | undefined {
  return ambient()?.triggered;
}

const lockable = {};

/** One Name's registrations: Type -> EventName (case-insensitive) -> registration. */
type ByType = Map<SseEventType, Map<string, SseEventRegistration>>;

export class SseEvents {
  /** @param server whose scripts these are: they run in its ambient context. */
  constructor(private readonly server?: PodeServer) {}

  // Pode keeps them in hashtables ($PodeContext.Server.Sse.Connections[$n].Events[$Type][$EventName]), so a Name
  // and an EventName match whatever their case; a connection's own Name stays case-sensitive (the listener's).
  private readonly byName = new Map<string, ByType>();

  /**
   * Register-PodeSseEvent: every Name is checked before any is registered (Pode's two loops), so an error
   * leaves nothing half done. The registration keeps each Name as the caller wrote it.
   */
  register(names: readonly string[], reg: Omit<SseEventRegistration, 'Name'>, command: string): void {
    for (const name of names) {
      if (this.byName.get(ignoreCaseKey(name))?.get(reg.Type)?.has(ignoreCaseKey(reg.EventName)))
        throw errors.SseEventAlreadyRegistered(command, { type: reg.Type, eventName: reg.EventName, name });
    }
    for (const name of names) {
      const key = ignoreCaseKey(name);
      const types: ByType = this.byName.get(key) ?? new Map();
      const events = types.get(reg.Type) ?? new Map<string, SseEventRegistration>();
      // The same Name twice in one call: the later one replaces the earlier, as a hashtable assignment does.
      events.set(ignoreCaseKey(reg.EventName), { Name: name, ...reg });
      types.set(reg.Type, events);
      this.byName.set(key, types);
    }
  }

  /** Unregister-PodeSseEvent for one Name (Pode checks and removes Name by Name). */
  unregister(name: string, type: SseEventType, eventName: string, command: string): void {
    const events = this.byName.get(ignoreCaseKey(name))?.get(type);
    if (!events?.delete(ignoreCaseKey(eventName)))
      throw errors.SseEventNotRegistered(command, { type, eventName, name });
  }

  /**
   * Get-PodeSseEvent: for each Type in turn, the registrations of each Name (all Names when none is
   * given), narrowed to the EventNames when given; Names and EventNames match case-insensitively.
   */
  find(names: readonly string[] | undefined, types: readonly SseEventType[], eventNames: readonly string[] | undefined): SseEventRegistration[] {
    const wanted = eventNames && eventNames.length > 0 ? new Set(eventNames.map(ignoreCaseKey)) : null;
    const all = names && names.length > 0 ? names.map((n) => this.byName.get(ignoreCaseKey(n))) : [...this.byName.values()];
    const out: SseEventRegistration[] = [];
    for (const type of types) {
      for (const byType of all) {
        for (const [key, reg] of byType?.get(type) ?? []) if (!wanted || wanted.has(key)) out.push(reg);
      }
    }
    return out;
  }

  has(name: string): boolean {
    return this.byName.has(ignoreCaseKey(name));
  }

  /** Runs every script registered for the connection's Name and this type; never throws. */
  fire(type: SseEventType, conn: SseConnection): void {
    if (this.byName.size === 0) return; // (no key to compute: this runs for every connection opened and closed)
    const regs = this.byName.get(ignoreCaseKey(conn.Name))?.get(type);
    if (regs && regs.size > 0) this.run(type, conn.Name, conn.toJSON(), conn.auth);
  }

  /**
   * Disconnect for a connection another instance held and could not report (it died): only what the
   * shared presence knows of it is filled in (Name, Group, ClientId, Scope); the rest is null.
   */
  fireOrphaned(name: string, clientId: string, group: string | undefined): void {
    const regs = this.byName.get(ignoreCaseKey(name))?.get('Disconnect');
    if (!regs || regs.size === 0) return;
    this.run('Disconnect', name, {
      ConnectionType: 'SSE',
      Name: name,
      Group: group ?? '',
      ClientId: clientId,
      Scope: 'Global',
      Timestamp: null,
      LastActivity: null,
      IsDisposed: true,
      IsClosed: true,
      RetryDuration: null,
      AllowAllOrigins: null,
      LastEventId: null,
    });
  }

  private run(type: SseEventType, name: string, snapshot: ConnectionSnapshot, auth: WebEventAuthFields = NO_AUTH): void {
    const regs = this.byName.get(ignoreCaseKey(name))?.get(type);
    if (!regs) return;
    for (const reg of regs.values()) {
      const event: TriggeredEvent = { Lockable: lockable, Name: name, Type: type, Timestamp: new Date(), Connection: snapshot, Metadata: {}, Auth: auth };
      const where = `SSE ${type} event '${reg.EventName}' for '${name}'`;
      try {
        // Fired inside a request (Connect), the script still sees that request's $WebEvent.
        const outer = ambient();
        const result = runAmbient({ server: this.server ?? outer?.server, webEvent: outer?.webEvent, triggered: event }, () => reg.ScriptBlock(...(reg.Arguments ?? [])));
        if (result instanceof Promise) result.catch((err) => logException(where, err));
      } catch (err) {
        logException(where, err);
      }
    }
  }
}
