// Scale-out: an SSE hub connects the SSE engines of several processes (node:cluster workers through the
// primary, or instances on many machines through Redis) into one SSE space. Every send and close goes
// through the hub, which hands it back to every instance (this one too) in one global order, with each
// Name's positions (seqs, the automatic ids) assigned in one place; presence (who is connected where) is
// mirrored on every instance so the list and test cmdlets stay synchronous; history lives in the hub so a
// client may reconnect to any instance.
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
  /** Filled by the hub: each history Name's position for this event (also its id when no -Id was given). */
  seqs?: Record<string, number>;
  /**
   * Set when the hub could not carry the send (cut off, or its queue was full) and hands it back to this
   * instance alone: it has no position and reached no other instance.
   */
  local?: boolean;
}

export interface HubClose {
  t: 'close';
  name: string;
  groups?: string[];
  clientIds?: string[];
}

/** Another instance delivered events of these Names to its own clients only: every other instance's connections of them missed events. */
export interface HubLost {
  t: 'lost';
  names: string[];
}

export interface PresenceEntry {
  name: string;
  clientId: string;
  group?: string;
}

/** What an instance hears from the hub. */
export type HubDelivery = HubSend | HubClose | HubLost;

export type ReplayAnswer =
  | { kind: 'none' }
  /** `head`: the seq of the newest event of the Name that the hub held when it answered. */
  | { kind: 'events'; frames: Uint8Array[]; ids: string[]; seqs: number[]; head: number }
  | { kind: 'gap'; lastId: string };

export interface ReplayQuery {
  name: string;
  lastEventId: string;
  clientId: string;
  group?: string;
  bound: HistoryBound;
}

/** One missed event, for a catch-up after the hub was cut off; narrowed per connection by the engine. */
export interface MissedEvent {
  frame: Uint8Array;
  id: string;
  seq: number;
  /** Lower-cased. */
  groups: string[] | null;
  clientIds: string[] | null;
}

export type CatchUp = { kind: 'none' } | { kind: 'events'; events: MissedEvent[]; head: number } | { kind: 'gap' };

/** The hub is back after it was cut off from the others. */
export interface Resync {
  /** Sends or closes went over the hub meanwhile: this instance's connections may have missed them. */
  missed: boolean;
  /** A history Name's events since this instance last heard of it; 'gap' when they are no longer all held. */
  catchUp(name: string, bound: HistoryBound): Promise<CatchUp>;
}

/** What the engine hands the hub: called by the hub, never throwing back into it. */
export interface HubListener {
  /** Every delivery, in the hub's order. */
  delivery(message: HubDelivery): void;
  /** Another instance registered a connection: a local one with the same Name and ClientId is replaced. */
  remoteJoin(entry: PresenceEntry): void;
  /** The hub is reachable again: hold live events for every connection until `resync`. */
  hold(): void;
  resync(plan: Resync): void;
  /** Connections of an instance that died without closing them: this instance fires their Disconnect. */
  orphaned(entries: PresenceEntry[]): void;
}

/** Settles once a published message has its place in the hub's order; it never rejects. */
export type Ordered = PromiseLike<void>;

/** Already ordered (or delivered here only). */
export const ORDERED: Ordered = Promise.resolve();

export interface SseHub {
  /** This instance's id in the shared space. */
  readonly instance: string;
  /** False while the hub cannot carry sends: the engine then delivers locally. */
  readonly connected: boolean;
  listen(listener: HubListener): void;
  /** Told, for each of this instance's sends that came back in the hub's order, how long that took (ms). */
  onLag?: ((ms: number) => void) | undefined;
  /**
   * Hands a send or close to every instance, this one included, in the hub's order. The answer settles
   * (never rejects) once the message has its place in that order, or was delivered here only: whatever
   * is published after that, on any instance, comes later.
   */
  publish(message: HubSend | HubClose): Ordered;
  /** The engine delivered these Names' events locally only while the hub was cut off. */
  deliveredLocally(names: readonly string[]): void;
  join(entry: PresenceEntry): void;
  leave(entry: PresenceEntry): void;
  /** The other instances' connections (this instance's own come from its registry). */
  readonly remote: RemotePresence;
  replay(query: ReplayQuery): Promise<ReplayAnswer>;
  close(): Promise<void>;
  /** Carries each process's figures to the others (host/metrics/peers.ts); absent on a hub that cannot. */
  readonly peers?: PeerLink;
}

/** What a hub offers the metrics exchange: publishing this process's snapshot and hearing the others'. */
export interface PeerLink {
  /** This process's latest snapshot (a plain JSON-able object), for every other process of the space. */
  publish(snapshot: object): void;
  /** `heard`: another process's snapshot, unchecked; `gone`: that process is known to have left. */
  listen(listener: PeerListener): void;
}

export interface PeerListener {
  heard(snapshot: unknown): void;
  gone(instance: string): void;
}

export interface RemotePresence {
  names(): Iterable<string>;
  has(name: string): boolean;
  groups(name: string): Iterable<string>;
  clientIds(name: string, groups?: readonly string[]): Iterable<string>;
  hasClientId(name: string, clientId: string, groups?: readonly string[]): boolean;
  /** How many connections the other instances hold (of one Name, when given). */
  count(name?: string): number;
}
