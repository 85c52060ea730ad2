// The messages between node:cluster workers and the primary (advanced serialization, so frames travel
// as bytes). Every podets message is wrapped as `{ podets: … }` to stay apart from anything else on IPC.
import type { BoundEndpoint } from '../../http/endpoints.ts';
import type { HubClose, HubSend, PresenceEntry, ReplayAnswer, ReplayQuery } from './types.ts';

export type ToPrimary =
  | HubSend
  | HubClose
  /** The worker's hub listens now: the primary answers with the presence snapshot (and any orphans). */
  | { t: 'hello' }
  | { t: 'join'; entry: PresenceEntry }
  | { t: 'leave'; entry: PresenceEntry }
  | { t: 'replay'; req: number; query: ReplayQuery }
  /** Answered with `synced` once everything this worker sent before it has its place in the order. */
  | { t: 'sync'; req: number }
  | { t: 'listening'; endpoints: BoundEndpoint[] }
  | { t: 'stop-cluster' }
  /** This worker's figures (host/metrics/snapshot.ts), about once a second: relayed to the other workers. */
  | { t: 'peer'; snapshot: object };

export type ToWorker =
  /** `from`: the instance whose send it is (that worker times its hub lag by it). */
  | { t: 'deliver'; message: HubSend | HubClose; from?: string }
  | { t: 'presence'; instance: string; op: 'join' | 'leave'; entry: PresenceEntry }
  | { t: 'gone'; instance: string }
  | { t: 'snapshot'; presence: Record<string, PresenceEntry[]> }
  /** Connections of a worker that died: this worker fires their Disconnect events. */
  | { t: 'orphaned'; entries: PresenceEntry[] }
  | { t: 'replayed'; req: number; answer: ReplayAnswer }
  | { t: 'synced'; req: number }
  /** Another worker's figures; after hello, the latest of every other worker at once. */
  | { t: 'peer'; snapshot: object }
  | { t: 'peers'; snapshots: object[] }
  /** Workers the primary started to replace ones that exited (after hello, and at each replacement). */
  | { t: 'replacements'; count: number };

export interface Envelope<T> {
  podets: T;
}

export function unwrap<T>(message: unknown): T | undefined {
  return message !== null && typeof message === 'object' && 'podets' in message ? (message as Envelope<T>).podets : undefined;
}

/** Worker env: set by the primary. */
export const WORKER_ENV = 'PODETS_WORKER_ID';
/** Worker env: '1' for the worker that runs timers and schedules (once per cluster, as in Pode). */
export const LEADER_ENV = 'PODETS_TIMER_LEADER';
