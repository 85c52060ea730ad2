// Shapes shared by the router, the static routes and the dispatcher. Kept apart so that the modules
// can refer to each other's types without import cycles.
import type { WebEvent } from './webevent.ts';

// MERGE is in Pode's list (OData); node:http parses it like any other method.
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'MERGE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];
/** `*` is Pode's "any method". */
export type RouteMethod = HttpMethod | '*';

/** Pode middleware: returning `false` stops the chain (the response is then ended as it stands). */
export type MiddlewareFn = (event: WebEvent, ...args: any[]) => boolean | void | Promise<boolean | void>;

/** Add-PodeMiddleware's richer form: a name, arguments, and an optional path filter. */
export interface MiddlewareDefinition {
  name?: string;
  logic: MiddlewareFn;
  /** Splatted after the WebEvent, like Pode's -ArgumentList. */
  argumentList?: unknown[];
  /** Only run for this path: exact (case-insensitive), or a prefix when it ends in `*` (e.g. `/api/*`). */
  route?: string;
}

export type Middleware = MiddlewareFn | MiddlewareDefinition;

export type RouteHandler = (event: WebEvent, ...args: any[]) => unknown;

export interface Route {
  method: RouteMethod;
  /** Pode style: `/users/:userId/messages/:id` (`{id}` is accepted too; a whole `*` segment is a wildcard). */
  path: string;
  handler: RouteHandler;
  /** Runs after the global middleware, before the handler. */
  middleware?: Middleware[];
  /** Splatted after the WebEvent when the handler is called (Pode's -ArgumentList). */
  argumentList?: unknown[];
  /** Where the route was registered (e.g. `server.ps1:12`), quoted in duplicate-route errors. */
  source?: string;
  /** Pode's -ContentType: bodies are parsed as this type, whatever the request's Content-Type says. */
  contentType?: string;
  /** Free space for the cmdlet layer (ContentType, ErrorContentType, Authentication, ...). */
  metadata?: Record<string, unknown>;
}

export interface StaticRoute {
  /** URL prefix, e.g. `/assets`. */
  path: string;
  /** The folder served under the prefix (Pode's -Source). */
  folder: string;
  /** Index files tried, in order, when a folder is requested. Pode's defaults when omitted. */
  defaults?: string[];
  middleware?: Middleware[];
  /** Pode's -DownloadOnly: send files as attachments. */
  download?: boolean;
  /** Cache-Control max-age in seconds; no Cache-Control header when omitted. */
  maxAge?: number;
  /** Where the route was registered, quoted in duplicate errors. */
  source?: string;
}
