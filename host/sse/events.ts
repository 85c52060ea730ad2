// Register-PodeSseEvent: scripts that run when a connection of a Name connects or disconnects, with
// $TriggeredEvent set for them. An error in one is logged and never reaches the server.
import { errors } from '../errors/catalog.ts';
import { logException } from '../log.ts';
import { ambient, runAmbient } from '../runtime/ambient.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { SseConnection } from './connection.ts';

export type SseEventType = 'Connect' | 'Disconnect';

export interface SseEventRegistration {
  Name: string;
  Type: SseEventType;
  EventName: string;
  ScriptBlock: (...args: any[]) => unknown;
  ArgumentList: unknown[];
}

/** $TriggeredEvent.Connection: a connection's fields when the event fired (null where not known, see fireOrphaned). */
export type ConnectionSnapshot = {
  [K in keyof ReturnType<SseConnection['toJSON']>]: ReturnType<SseConnection['toJSON']>[K] | (K extends 'Name' | 'ClientId' | 'Scope' | 'IsLocal' | 'IsGlobal' | 'IsClosed' ? never : null);
};

export interface TriggeredEvent {
  Lockable: object;
  Name: string;
  Type: SseEventType;
  Timestamp: Date;
  Connection: ConnectionSnapshot;
  Metadata: Record<string, unknown>;
}

/** $TriggeredEvent: the event whose script is running. */
export function currentTriggeredEvent(): TriggeredEvent | undefined {
  return ambient()?.triggered;
}

const lockable = {};

export class SseEvents {
  /** @param server whose scripts these are: they run in its ambient context. */
  constructor(private readonly server?: PodeServer) {}

  // Name -> Type -> EventName -> registration; the Type keys are canonical ('Connect' | 'Disconnect').
  private readonly byName = new Map<string, Map<SseEventType, Map<string, SseEventRegistration>>>();

  register(reg: SseEventRegistration, command: string): void {
    const types = this.byName.get(reg.Name) ?? new Map<SseEventType, Map<string, SseEventRegistration>>();
    const names = types.get(reg.Type) ?? new Map<string, SseEventRegistration>();
    if (names.has(reg.EventName))
      throw errors.SseEventAlreadyRegistered(command, { type: reg.Type, eventName: reg.EventName, name: reg.Name });
    names.set(reg.EventName, reg);
    types.set(reg.Type, names);
    this.byName.set(reg.Name, types);
  }

  unregister(name: string, type: SseEventType, eventName: string, command: string): void {
    const names = this.byName.get(name)?.get(type);
    if (!names?.delete(eventName))
      throw errors.SseEventNotRegistered(command, { type, eventName, name });
  }

  /** Registrations matching the filters (every Name / EventName when not given). */
  find(names: readonly string[] | undefined, types: readonly SseEventType[], eventNames: readonly string[] | undefined): SseEventRegistration[] {
    const out: SseEventRegistration[] = [];
    for (const [name, byType] of this.byName) {
      if (names && !names.includes(name)) continue;
      for (const type of types) {
        for (const reg of byType.get(type)?.values() ?? []) if (!eventNames || eventNames.includes(reg.EventName)) out.push(reg);
      }
    }
    return out;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Runs every script registered for the connection's Name and this type; never throws. */
  fire(type: SseEventType, conn: SseConnection): void {
    const regs = this.byName.get(conn.Name)?.get(type);
    if (regs && regs.size > 0) this.run(type, conn.Name, conn.toJSON());
  }

  /**
   * Disconnect for a connection another instance held and could not report (it died): only what the
   * shared presence knows of it is filled in (Name, Group, ClientId, Scope); the rest is null.
   */
  fireOrphaned(name: string, clientId: string, group: string | undefined): void {
    const regs = this.byName.get(name)?.get('Disconnect');
    if (!regs || regs.size === 0) return;
    this.run('Disconnect', name, {
      Name: name,
      Group: group ?? null,
      ClientId: clientId,
      Scope: 'Global',
      RetryDuration: null,
      AllowAllOrigins: null,
      LastEventId: null,
      Timestamp: null,
      LastActivity: null,
      IsLocal: false,
      IsGlobal: true,
      IsClosed: true,
    });
  }

  private run(type: SseEventType, name: string, snapshot: ConnectionSnapshot): void {
    const regs = this.byName.get(name)?.get(type);
    if (!regs) return;
    for (const reg of regs.values()) {
      const event: TriggeredEvent = { Lockable: lockable, Name: name, Type: type, Timestamp: new Date(), Connection: snapshot, Metadata: {} };
      const where = `SSE ${type} event '${reg.EventName}' for '${name}'`;
      try {
        // Fired inside a request (Connect), the script still sees that request's $WebEvent.
        const outer = ambient();
        const result = runAmbient({ server: this.server ?? outer?.server, webEvent: outer?.webEvent, triggered: event }, () => reg.ScriptBlock(...reg.ArgumentList));
        if (result instanceof Promise) result.catch((err) => logException(where, err));
      } catch (err) {
        logException(where, err);
      }
    }
  }
}
