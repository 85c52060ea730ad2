// What a server shares between its requests, timers and schedules: the state of Set-PodeState (store.ts) and the
// Lockables of Lock-PodeObject (lock.ts). One field of the server object (server.state). Under --workers or
// --redis a replica (replica.ts) keeps the store in step with the cluster and cluster-locks.ts takes the locks
// cluster-wide; without either both stay undefined and nothing of that runs.
import { systemClock, type Clock } from '../timers/clock.ts';
import { ClusterLocks } from './cluster-locks.ts';
import { Lockables } from './lock.ts';
import { StateReplica, type StateBackend } from './replica.ts';
import { StateStore } from './store.ts';

export class ServerState {
  readonly store = new StateStore();
  readonly lockables: Lockables;
  replica: StateReplica | undefined;
  locks: ClusterLocks | undefined;

  constructor(clock: Clock | undefined) {
    this.lockables = new Lockables(clock ?? systemClock);
  }

  /** The state becomes this process's replica of `backend`'s (a backplane replacing the cluster's replaces it). */
  replicaOf(backend: StateBackend, origin: string): StateReplica {
    return new StateReplica(this.store, backend, origin);
  }

  /** Called once `replica` has loaded its snapshot. */
  attach(replica: StateReplica, backend: StateBackend): void {
    const previous = this.replica;
    this.replica = replica;
    this.locks = new ClusterLocks(replica, backend, this.store);
    if (previous && previous !== replica) void previous.close();
  }

  /** The server stops: the state is this process's again (its connections to the ordering point end). */
  async close(): Promise<void> {
    const replica = this.replica;
    if (!replica) return;
    this.replica = undefined;
    this.locks = undefined;
    await replica.close();
  }

  /** Get-PodeState read `name` (a held cluster lock republishes what its script changed in place). */
  noteRead(name: string): void {
    this.locks?.noteRead(name);
  }
}
