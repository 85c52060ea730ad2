// The WebEvent of the request being handled, reachable from anywhere in its async call chain, so
// cmdlets like Write-PodeJsonResponse need no explicit event argument. It lives in the ambient context
// (host/runtime/ambient.ts), beside the server the request came to.
import { errors } from '../errors/catalog.ts';
import { ambient, runAmbient } from '../runtime/ambient.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { WebEvent } from './webevent.ts';

/** Runs `fn(...args)` with `event` as the current WebEvent of `server` (extra args spare the caller a closure). */
export function runInRequest<A extends unknown[], R>(server: PodeServer | undefined, event: WebEvent, fn: (...args: A) => R, ...args: A): R {
  return runAmbient({ server, webEvent: event }, fn, ...args);
}

/** The current request's WebEvent; throws when called outside a request (naming `command`, when given). */
export function currentWebEvent(command = ''): WebEvent {
  const event = ambient()?.webEvent;
  if (!event) throw errors.NoCurrentWebEvent(command);
  return event;
}

/** The current request's WebEvent, or undefined outside a request. */
export function tryCurrentWebEvent(): WebEvent | undefined {
  return ambient()?.webEvent;
}
