// The primary's side of the cluster state under --workers (docs/state.md "Across workers and instances"): the
// one ordering point. It keeps the authoritative copy (JSON per name) and its version, numbers every write and
// hands it to every worker in that order, gives a worker that starts (or replaces a dead one) the snapshot, and
// keeps the cluster-wide lock queues (host/state/lock-queues.ts). A worker's write and its unlock travel on one
// channel, so the write is broadcast before the next holder is granted.
import type { Worker } from 'node:cluster';
import { ignoreCaseKey } from '../values/ignorecase.ts';
import { systemClock } from '../timers/clock.ts';
import { LockQueues } from '../state/lock-queues.ts';
import { unwrapState, type StateToPrimary, type StateToWorker } from '../state/ipc-state.ts';
import type { StateOp, WireEntry } from '../state/replica.ts';

export class PrimaryState {
  private version = 0;
  private readonly entries = new Map<string, WireEntry>();
  /** Workers whose replica listens (said hello): only those get writes. */
  private readonly listening = new Set<Worker>();
  private readonly locks = new LockQueues<Worker>(systemClock);

  /** Handles a state message; false when `raw` is not one. */
  receive(w: Worker, raw: unknown): boolean {
    const m = unwrapState<StateToPrimary>(raw);
    if (!m) return false;
    switch (m.t) {
      case 'hello':
        this.send(w, { t: 'snapshot', snapshot: { v: this.version, entries: [...this.entries.values()] } });
        this.listening.add(w);
        break;
      case 'op':
        this.apply(m.op);
        for (const to of this.listening) this.send(to, { t: 'ordered', m: { v: this.version, origin: m.origin, op: m.op } });
        break;
      case 'lock':
        this.locks.acquire(m.key, w, m.timeoutMs, (ok) => this.send(w, { t: 'locked', req: m.req, grant: { ok, v: this.version } }));
        break;
      case 'unlock':
        this.locks.release(m.key, w);
        break;
    }
    return true;
  }

  /** A worker gone: its locks go to the next in line, its waits are dropped. */
  dropWorker(w: Worker): void {
    this.listening.delete(w);
    this.locks.dropOwner(w);
  }

  private apply(op: StateOp): void {
    this.version++;
    switch (op.k) {
      case 'set':
        this.entries.set(ignoreCaseKey(op.name), { name: this.entries.get(ignoreCaseKey(op.name))?.name ?? op.name, value: op.value, scope: op.scope });
        return;
      case 'remove':
        this.entries.delete(ignoreCaseKey(op.name));
        return;
      case 'replace':
        this.entries.clear();
        for (const e of op.entries) this.entries.set(ignoreCaseKey(e.name), e);
        return;
    }
  }

  private send(w: Worker, m: StateToWorker): void {
    if (w.isConnected()) w.send({ podetsState: m }, undefined, undefined, () => {});
  }
}
