// The per-request object Pode scripts know as $WebEvent, with Pode's field names. It is a class so
// every request gets the same object shape (fast property access); the costly parts (query string,
// full URL) are built only when first read.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { markRequestData } from './request-data.ts';
import { decodeSegment } from './routepath.ts';
import type { Route, StaticRoute } from './types.ts';
import { parseUrlEncoded, type UrlEncodedData } from './urlencoded.ts';

export type Protocol = 'http' | 'https';

/** The endpoint a request arrived on, as Pode's $WebEvent.Endpoint. */
export interface WebEndpoint {
  /** The Host header as sent (Pode's `$Request.Host`), else the bound address. */
  Address: string;
  Protocol: Protocol;
  Port?: number;
  Name?: string;
}

/**
 * $WebEvent.Auth before (or without) authentication: an empty hashtable in Pode, shared and frozen here so a
 * request costs no allocation. Authentication replaces it with User, IsAuthenticated, IsAuthorised, Store, Name.
 */
export const NO_AUTH: Readonly<Record<string, never>> = Object.freeze({});

/** What the authentication of the request set (host/auth/middleware.ts); NO_AUTH until then. */
export interface WebEventAuthFields {
  User?: unknown;
  IsAuthenticated?: boolean;
  IsAuthorised?: boolean;
  Store?: boolean;
  Name?: string | string[];
}

/** What the dispatcher knows about a listening endpoint before any request arrives. */
export interface EndpointInfo {
  address: string;
  port: number;
  protocol: Protocol;
  name?: string;
}

/**
 * State of a request turned into an SSE connection. Empty here on purpose: the SSE module declares
 * its fields by merging into this interface (`declare module '.../webevent.ts'`).
 */
export interface WebEventSse {}

export class WebRequest {
  /** Node's header object: keys are already lower-case. Marked as request data: never a splat. */
  readonly Headers: IncomingHttpHeaders;
  readonly raw: IncomingMessage;
  private url: URL | undefined;
  private remote: string | undefined;
  private readonly protocol: Protocol;

  constructor(req: IncomingMessage, protocol: Protocol) {
    this.raw = req;
    this.Headers = markRequestData(req.headers);
    this.protocol = protocol;
    this.url = undefined;
    this.remote = undefined;
  }

  /** The client's address, as the socket reports it. Read on first use: it costs a system call (getpeername). */
  get RemoteIPAddress(): string {
    return (this.remote ??= this.raw.socket.remoteAddress ?? '');
  }

  /** The User-Agent header, or ''. */
  get UserAgent(): string {
    return this.Headers['user-agent'] ?? '';
  }

  /** The full request URL (built on first use). */
  get Url(): URL {
    if (!this.url) {
      try {
        this.url = new URL(this.raw.url ?? '/', `${this.protocol}://${this.Headers.host ?? 'localhost'}`);
      } catch {
        // A Host header that is not a valid authority: fall back to a neutral origin.
        this.url = new URL(this.raw.url ?? '/', 'http://localhost');
      }
    }
    return this.url;
  }
}

export class WebResponse {
  /** Headers to send, lower-case keys; merged into the head when the response is written. */
  Headers: Record<string, string | string[]> = {};
  StatusCode = 200;
  StatusDescription: string | undefined = undefined;
  /** The body size our writers declared (for the request log); undefined when unknown. */
  ContentLength: number | undefined = undefined;
  readonly raw: ServerResponse;

  constructor(res: ServerResponse) {
    this.raw = res;
  }
}

export class WebEvent {
  /** Lower-case, as in Pode (`get`, `post`, ...). */
  readonly Method: string;
  /** The URL path, percent-decoded, without the query string. */
  readonly Path: string;
  readonly Endpoint: WebEndpoint;
  /** Route placeholders: `/users/:id` → `{ id: '42' }`. */
  Parameters: Record<string, string> = {};
  /** The parsed body. */
  Data: unknown = {};
  readonly Request: WebRequest;
  readonly Response: WebResponse;
  /** When the request arrived (a Date is UTC-based; format with toISOString for UTC text). */
  readonly Timestamp: Date;
  /** The request's Content-Type header, or the matched route's -ContentType (which decides body parsing). */
  ContentType: string | undefined;
  /** null until the request becomes an SSE connection. */
  Sse: WebEventSse | null = null;
  /** The matched route; null for static content and unmatched requests. */
  Route: Route | null = null;
  /** Set when a static route serves the request. */
  StaticContent: { route: StaticRoute; file: string } | null = null;
  /** Internal: a file of the public folder answers the request (the Prometheus route label says static). */
  publicFile = false;
  /** Pode's $WebEvent.Auth: the authenticated user and method, set by a route's -Authentication (host/auth/). */
  Auth: WebEventAuthFields = NO_AUTH;
  /** Free space for middleware to pass values along (Pode's $WebEvent.Metadata). */
  Metadata: Record<string, unknown> = {};

  /**
   * Set by takeOver (host/http/takeover.ts) when a handler takes the response over (an SSE connection):
   * the pipeline then neither ends the response when the handler returns, nor writes a default body or
   * an error page; it only calls onSettled.
   */
  takenOver = false;
  /** The taken-over response's owner hears here, once, that the route's handler has settled. */
  onSettled: (() => void) | null = null;
  /** Internal: the response has been committed; any further write is an error. */
  ended = false;

  private readonly rawQuery: string;
  private query: UrlEncodedData | undefined = undefined;

  constructor(req: IncomingMessage, res: ServerResponse, endpoint: EndpointInfo, rawPath: string, rawQuery: string) {
    this.Method = (req.method ?? 'GET').toLowerCase();
    this.Path = decodeSegment(rawPath);
    const host = req.headers.host;
    this.Endpoint = { Address: host ?? endpoint.address, Protocol: endpoint.protocol, Port: endpoint.port, Name: endpoint.name };
    this.Request = new WebRequest(req, endpoint.protocol);
    this.Response = new WebResponse(res);
    this.Timestamp = new Date();
    this.ContentType = req.headers['content-type'];
    this.rawQuery = rawQuery;
  }

  /** The query string as an object; repeated keys become arrays (parsed on first use). */
  get Query(): UrlEncodedData {
    return (this.query ??= parseUrlEncoded(this.rawQuery));
  }
  set Query(value: UrlEncodedData) {
    this.query = value;
  }
}

/** Splits `req.url` into its raw path and query string without building a URL object. */
export function splitUrl(url: string): [path: string, query: string] {
  const q = url.indexOf('?');
  if (q < 0) return [url, ''];
  return [url.slice(0, q), url.slice(q + 1)];
}

/** Like splitUrl, for the hot path: the path alone (no array allocated). */
export function urlPath(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** Like splitUrl, for the hot path: the query string alone. */
export function urlQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : url.slice(q + 1);
}
