// The WebEvent of the request being handled, reachable from anywhere in its async call chain, so
// cmdlets like Write-PodeJsonResponse need no explicit event argument. AsyncLocalStorage keeps it
// attached across awaits and separate between concurrent requests.
import { AsyncLocalStorage } from 'node:async_hooks';
import { PodeError } from '../binder/errors.ts';
import type { WebEvent } from './webevent.ts';

const storage = new AsyncLocalStorage<WebEvent>();

/** Runs `fn(...args)` with `event` as the current WebEvent (extra args spare the caller a closure). */
export function runInRequest<A extends unknown[], R>(event: WebEvent, fn: (...args: A) => R, ...args: A): R {
  return storage.run(event, fn, ...args);
}

/** The current request's WebEvent; throws when called outside a request (naming `command`, when given). */
export function currentWebEvent(command = ''): WebEvent {
  const event = storage.getStore();
  if (!event) {
    throw new PodeError(
      'NoCurrentWebEvent',
      command,
      'There is no current web request: this can only be used inside a route, middleware or other request handler.',
    );
  }
  return event;
}

/** The current request's WebEvent, or undefined outside a request. */
export function tryCurrentWebEvent(): WebEvent | undefined {
  return storage.getStore();
}
