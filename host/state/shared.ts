// What a server shares between its requests, timers and schedules: the state of Set-PodeState (store.ts) and the
// Lockables of Lock-PodeObject (lock.ts). One field of the server object (server.state).
import { systemClock, type Clock } from '../timers/clock.ts';
import { Lockables } from './lock.ts';
import { StateStore } from './store.ts';

export class ServerState {
  readonly store = new StateStore();
  readonly lockables: Lockables;

  constructor(clock: Clock | undefined) {
    this.lockables = new Lockables(clock ?? systemClock);
  }
}
