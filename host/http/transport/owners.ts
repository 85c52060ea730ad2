// How a transport hears that its response is over: shared 'close'/'error' listeners on node's response
// object (HTTP/1.1 ServerResponse or HTTP/2 compatibility response: both emit them, the latter when its
// stream closes), the owner kept on the response under a symbol, instead of two closures per connection.
// (A symbol, not a WeakMap: a WeakMap entry per connection is an ephemeron the garbage collector revisits
// on every full collection, for as long as the stream lives.)
import type { EventEmitter } from 'node:events';
import type { TransportOwner } from './types.ts';

const OWNER = Symbol('podets.transportOwner');
type Owned = EventEmitter & { [OWNER]?: TransportOwner };

function onClose(this: Owned): void {
  // 'close' also fires after the owner's own end(); the owner is done then and ignores it.
  this[OWNER]?.finish('client');
}

function onError(this: Owned, err: Error): void {
  this[OWNER]?.finish('error', err);
}

/** `res`'s end reaches `owner` once; without an 'error' listener a stray response error would crash the process. */
export function listenForEnd(res: EventEmitter & { destroyed: boolean; closed?: boolean }, owner: TransportOwner): void {
  (res as Owned)[OWNER] = owner;
  res.on('close', onClose);
  res.on('error', onError);
  // A client that left before the take-over: its 'close' is already past, so report it on the next tick,
  // once the caller has finished setting the connection up (and registered it).
  if (res.destroyed || res.closed) process.nextTick(() => owner.finish('client'));
}
