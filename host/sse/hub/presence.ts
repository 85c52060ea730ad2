// The other instances' SSE connections, mirrored locally from the hub's join/leave messages so the list
// and test cmdlets answer for the whole cluster without a round trip.
import type { PresenceEntry, RemotePresence } from './types.ts';

/** One connection's key across instances: its Name and ClientId (NUL cannot occur in either). */
export const presenceKey = (e: Pick<PresenceEntry, 'name' | 'clientId'>): string => `${e.name}\u0000${e.clientId}`;

interface Remote {
  clientId: string;
  group: string | undefined;
}

export class PresenceMirror implements RemotePresence {
  // instance -> name -> clientId -> entry
  private readonly byInstance = new Map<string, Map<string, Map<string, Remote>>>();

  add(instance: string, e: PresenceEntry): void {
    let names = this.byInstance.get(instance);
    if (!names) this.byInstance.set(instance, (names = new Map()));
    let ids = names.get(e.name);
    if (!ids) names.set(e.name, (ids = new Map()));
    ids.set(e.clientId, { clientId: e.clientId, group: e.group });
  }

  remove(instance: string, e: PresenceEntry): void {
    const names = this.byInstance.get(instance);
    const ids = names?.get(e.name);
    if (!ids?.delete(e.clientId)) return;
    if (ids.size === 0) names!.delete(e.name);
    if (names!.size === 0) this.byInstance.delete(instance);
  }

  /** An instance is gone (crashed worker, expired Redis presence): its connections vanish. */
  dropInstance(instance: string): void {
    this.byInstance.delete(instance);
  }

  /** Replaces one instance's whole view (a snapshot from the hub). */
  replaceInstance(instance: string, entries: readonly PresenceEntry[]): void {
    this.byInstance.delete(instance);
    for (const e of entries) this.add(instance, e);
  }

  instances(): string[] {
    return [...this.byInstance.keys()];
  }

  *names(): Iterable<string> {
    const seen = new Set<string>();
    for (const names of this.byInstance.values()) for (const n of names.keys()) if (!seen.has(n) && seen.add(n)) yield n;
  }

  has(name: string): boolean {
    for (const names of this.byInstance.values()) if (names.has(name)) return true;
    return false;
  }

  *groups(name: string): Iterable<string> {
    for (const names of this.byInstance.values()) for (const r of names.get(name)?.values() ?? []) if (r.group) yield r.group;
  }

  *clientIds(name: string, groups?: readonly string[]): Iterable<string> {
    const wanted = groups?.length ? new Set(groups.map((g) => g.toLowerCase())) : undefined;
    for (const names of this.byInstance.values())
      for (const r of names.get(name)?.values() ?? []) if (!wanted || (r.group && wanted.has(r.group.toLowerCase()))) yield r.clientId;
  }

  count(name?: string): number {
    let n = 0;
    for (const names of this.byInstance.values()) {
      if (name !== undefined) n += names.get(name)?.size ?? 0;
      else for (const ids of names.values()) n += ids.size;
    }
    return n;
  }

  hasClientId(name: string, clientId: string, groups?: readonly string[]): boolean {
    const wanted = groups?.length ? groups.map((g) => g.toLowerCase()) : undefined;
    for (const names of this.byInstance.values()) {
      const r = names.get(name)?.get(clientId);
      // A connection without a Group is in none (PodeClientConnection.IsForGroup).
      if (r && (!wanted || (r.group && wanted.includes(r.group.toLowerCase())))) return true;
    }
    return false;
  }
}
