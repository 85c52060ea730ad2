// How a transport hears that its response is over: shared 'close'/'error' listeners on node's response
// object (HTTP/1.1 ServerResponse or HTTP/2 compatibility response: both emit them, the latter when its
// stream closes), and a WeakMap from response to owner instead of two closures per connection.
import type { EventEmitter } from 'node:events';
import type { TransportOwner } from './types.ts';

const owners = new WeakMap<EventEmitter, TransportOwner>();

function onClose(this: EventEmitter): void {
  // 'close' also fires after the owner's own end(); the owner is done then and ignores it.
  owners.get(this)?.finish('client');
}

function onError(this: EventEmitter, err: Error): void {
  owners.get(this)?.finish('error', err);
}

/** `res`'s end reaches `owner` once; without an 'error' listener a stray response error would crash the process. */
export function listenForEnd(res: EventEmitter & { destroyed: boolean; closed?: boolean }, owner: TransportOwner): void {
  owners.set(res, owner);
  res.on('close', onClose);
  res.on('error', onError);
  // A client that left before the take-over: its 'close' is already past, so report it on the next tick,
  // once the caller has finished setting the connection up (and registered it).
  if (res.destroyed || res.closed) process.nextTick(() => owner.finish('client'));
}
