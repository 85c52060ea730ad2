// Scale-out: an SSE hub connects the SSE engines of several processes (node:cluster workers through the
// primary, or instances on many machines through Redis) into one SSE space. Every send and close goes
// through the hub, which hands it back to every instance (this one too) in one global order, with ids
// assigned in one place; presence (who is connected where) is mirrored on every instance so the list and
// test cmdlets stay synchronous; history lives in the hub so a client may reconnect to any instance.
import type { HistoryBound } from '../history.ts';

export interface HubSend {
  t: 'send';
  names: string[];
  groups?: string[];
  clientIds?: string[];
  /** The caller's -Id, if any. */
  id?: string;
  eventType?: string;
  /** Serialized once by the sender. */
  data: string;
  /** Names whose history is on, with their bounds: the hub numbers and keeps those events. */
  history?: Record<string, HistoryBound>;
  /** Filled by the hub: the id each Name's event carries. */
  ids?: Record<string, string>;
}

export interface HubClose {
  t: 'close';
  name: string;
  groups?: string[];
  clientIds?: string[];
}

export interface PresenceEntry {
  name: string;
  clientId: string;
  group?: string;
}

/** What an instance hears from the hub. */
export type HubDelivery = HubSend | HubClose;

export type ReplayAnswer =
  | { kind: 'none' }
  | { kind: 'events'; frames: Uint8Array[]; ids: string[] }
  | { kind: 'gap'; lastId: string };

export interface ReplayQuery {
  name: string;
  lastEventId: string;
  clientId: string;
  group?: string;
  bound: HistoryBound;
}

export interface SseHub {
  /** This instance's id in the shared space. */
  readonly instance: string;
  /** False while the hub is unreachable: the engine then delivers locally. */
  readonly connected: boolean;
  /** Hands a send or close to every instance, this one included, in the hub's order. */
  publish(message: HubDelivery): void;
  /** Called for every delivery, in order. */
  onDelivery(handler: (message: HubDelivery) => void): void;
  /** Another instance registered a connection: a local one with the same Name and ClientId is replaced. */
  onRemoteJoin(handler: (entry: PresenceEntry) => void): void;
  join(entry: PresenceEntry): void;
  leave(entry: PresenceEntry): void;
  /** The other instances' connections (this instance's own come from its registry). */
  readonly remote: RemotePresence;
  replay(query: ReplayQuery): Promise<ReplayAnswer>;
  close(): Promise<void>;
}

export interface RemotePresence {
  names(): Iterable<string>;
  has(name: string): boolean;
  groups(name: string): Iterable<string>;
  clientIds(name: string, groups?: readonly string[]): Iterable<string>;
  hasClientId(name: string, clientId: string, groups?: readonly string[]): boolean;
}
