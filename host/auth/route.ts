// The authentication step a route runs first (Add-PodeRoute -Authentication, Add-PodeStaticRoute -Authentication,
// Add-PodeAuthMiddleware): the middleware Pode builds from Get-PodeAuthMiddlewareScript, bound to its server.
import { invokeMiddleware } from '../http/pipeline.ts';
import type { Middleware, MiddlewareFn } from '../http/types.ts';
import type { WebEvent } from '../http/webevent.ts';
import type { PodeServer } from '../runtime/server.ts';
import { authenticate, type AuthContext, type AuthRouteOptions } from './middleware.ts';
import { authSessionsOf } from './sessions.ts';

/** Invoke-PodeMiddleware for a scheme's -Middleware: each in turn; $false from one stops the rest. */
export async function runMiddlewareList(list: readonly Middleware[], event: WebEvent): Promise<boolean> {
  for (const mw of list) if ((await invokeMiddleware(mw, event)) === false) return false;
  return true;
}

export function authContext(server: PodeServer): AuthContext {
  return { methods: server.auth, sessions: authSessionsOf(server), runMiddleware: runMiddlewareList };
}

/** The middleware: it reads the server's sessions at request time, so the order of the script's calls is free. */
export function authMiddleware(server: PodeServer, options: AuthRouteOptions): MiddlewareFn {
  return (event) => authenticate(authContext(server), options, event);
}
