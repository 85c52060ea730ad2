// The worker side of the cluster state under --workers: writes and lock requests go to the primary over the
// node:cluster IPC channel (host/cluster/state.ts keeps the authoritative copy and the lock queues), which
// answers in one order. Messages are wrapped as `{ podetsState: … }`, apart from the SSE hub's `{ podets: … }`.
import { logException } from '../log.ts';
import type { LockGrant, OrderedOp, StateBackend, StateOp, StateSnapshot } from './replica.ts';

export type StateToPrimary =
  /** This worker's replica listens: answered with the snapshot, then every write in order. */
  | { t: 'hello' }
  | { t: 'op'; origin: string; op: StateOp }
  | { t: 'lock'; req: number; key: string; timeoutMs: number }
  | { t: 'unlock'; key: string };

export type StateToWorker = { t: 'snapshot'; snapshot: StateSnapshot } | { t: 'ordered'; m: OrderedOp } | { t: 'locked'; req: number; grant: LockGrant };

export interface StateEnvelope<T> {
  podetsState: T;
}

export function unwrapState<T>(message: unknown): T | undefined {
  return message !== null && typeof message === 'object' && 'podetsState' in message ? (message as StateEnvelope<T>).podetsState : undefined;
}

export interface IpcStateListener {
  snapshot(s: StateSnapshot): void;
  ordered(m: OrderedOp): void;
}

export class IpcStateBackend implements StateBackend {
  readonly kind = 'workers';
  readonly where = 'the cluster primary';
  private listener: IpcStateListener | undefined;
  private nextReq = 1;
  private readonly pending = new Map<number, { resolve: (g: LockGrant) => void; reject: (e: Error) => void }>();
  private readonly onMessage = (raw: unknown) => {
    const m = unwrapState<StateToWorker>(raw);
    if (!m) return;
    try {
      this.receive(m);
    } catch (err) {
      logException('Cluster state message from the primary', err);
    }
  };
  private readonly onDisconnect = () => {
    for (const p of this.pending.values()) p.reject(new Error('the cluster primary is gone'));
    this.pending.clear();
  };

  constructor() {
    process.on('message', this.onMessage);
    process.on('disconnect', this.onDisconnect);
  }

  get connected(): boolean {
    return process.connected === true;
  }

  /**
   * Asks for the snapshot; resolves once `listener` has loaded it. It is loaded synchronously as it arrives:
   * writes after it may come in the same read from the channel, before any promise continuation.
   */
  start(listener: IpcStateListener): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.connected) return reject(new Error('the cluster primary is gone'));
      this.listener = {
        snapshot: (s) => {
          listener.snapshot(s);
          resolve();
        },
        ordered: (m) => listener.ordered(m),
      };
      this.post({ t: 'hello' });
    });
  }

  private post(m: StateToPrimary): void {
    if (!process.send || !process.connected) return;
    process.send({ podetsState: m }, undefined, undefined, () => {});
  }

  publish(origin: string, op: StateOp): void {
    this.post({ t: 'op', origin, op });
  }

  lock(key: string, timeoutMs: number): Promise<LockGrant> {
    if (!this.connected) return Promise.reject(new Error('the cluster primary is gone'));
    const req = this.nextReq++;
    return new Promise((resolve, reject) => {
      this.pending.set(req, { resolve, reject });
      this.post({ t: 'lock', req, key, timeoutMs });
    });
  }

  unlock(key: string): void {
    this.post({ t: 'unlock', key });
  }

  async close(): Promise<void> {
    process.off('message', this.onMessage);
    process.off('disconnect', this.onDisconnect);
    this.onDisconnect();
  }

  private receive(m: StateToWorker): void {
    switch (m.t) {
      case 'snapshot':
        this.listener?.snapshot(m.snapshot);
        return;
      case 'ordered':
        this.listener?.ordered(m.m);
        return;
      case 'locked': {
        const p = this.pending.get(m.req);
        this.pending.delete(m.req);
        p?.resolve(m.grant);
        return;
      }
    }
  }
}
