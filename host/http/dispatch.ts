// One request, from node:http to the pipeline, in Pode's order: static route (which may fall through),
// route lookup (404/405 before any middleware runs), body parsing (400/413), then middleware and
// handler. The body is read only when the request has one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { logException } from '../log.ts';
import { emptyBody, hasBody, parseBody, readBody } from './body.ts';
import { BodyBudget, type BodyHold } from './bodybudget.ts';
import { refusedConnection } from './clienterror.ts';
import { failRequest, respondStatus, type ErrorHook } from './failure.ts';
import { resolveLimits } from './limits.ts';
import { runPipeline, type PipelineContext } from './pipeline.ts';
import { markRequestData } from './request-data.ts';
import { namesFile, type DefaultFolders } from './public.ts';
import { sendFile } from './sendfile.ts';
import { commit } from './write.ts';
import { requestLogEntry, type RequestLogHook } from './requestlog.ts';
import type { Router } from './router.ts';
import type { StaticMatch, StaticResolution, StaticRoutes } from './static.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { Middleware } from './types.ts';
import { isHttp2 } from './version.ts';
import { WebEvent, urlPath, urlQuery, type EndpointInfo } from './webevent.ts';

export interface DispatchOptions {
  /** The server the requests belong to (cmdlets in handlers reach it); none for the engine on its own. */
  server?: PodeServer;
  router: Router;
  statics?: StaticRoutes;
  /** The server's default folders: a file under its public folder is served before static routes and routes (host/http/public.ts). */
  publicFiles?: DefaultFolders;
  /** Global middleware, run in order before a route's own. The array is read per request. */
  middleware?: Middleware[];
  /** The server's own preparation of every routed request, before any middleware (e.g. $WebEvent.Sse). */
  prepare?: (event: WebEvent) => void;
  /** Sees every error that escapes a request (after it is logged); may write its own response. */
  onError?: ErrorHook;
  /** Called once per finished response. */
  onRequestLog?: RequestLogHook;
  /** Largest accepted request body in bytes (default 10 MiB; 413 above it). */
  bodyLimit?: number;
  /** Bytes of request bodies held at once across all requests (default 100 MiB; 503 over it). */
  bodyBudget?: number;
}

/**
 * `next`, when given (an embedding app's: Express, a plain node:http server of the user's), takes the
 * requests podets has no route for (404 and 405) instead of podets answering them.
 */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, endpoint: EndpointInfo, next?: () => void) => void;

/** Mutable state the server shares with its dispatcher. */
export interface DispatchState {
  /** Set by close(): responses then ask clients not to reuse the connection. */
  closing: boolean;
}

export function createDispatcher(options: DispatchOptions, state: DispatchState): RequestHandler {
  const { router, statics, onRequestLog, publicFiles } = options;
  const ctx: PipelineContext = { server: options.server, prepare: options.prepare, middleware: options.middleware ?? [], onError: options.onError };
  const { bodyLimit, bodyBudget } = resolveLimits(options);
  const budget = new BodyBudget(bodyBudget);
  const metrics = options.server?.metrics;

  function route(event: WebEvent, rawPath: string, next: (() => void) | undefined): void {
    const req = event.Request.raw;
    const found = router.match(req.method ?? 'GET', rawPath);
    if (found === null || (next !== undefined && 'notAllowed' in found)) return next !== undefined ? next() : respondStatus(event, 404);
    if ('notAllowed' in found) {
      event.Response.Headers['allow'] = found.notAllowed.join(', ');
      return respondStatus(event, 405);
    }
    event.Route = found.route;
    event.Parameters = markRequestData(found.params); // the client chose these: never a splat
    if (found.route.contentType !== undefined) event.ContentType = found.route.contentType;
    if (hasBody(req)) {
      const hold: BodyHold = { bytes: 0 };
      // The body lives as long as the request (in Data, or a Buffer a handler keeps): its share of the
      // budget comes back when the response is over, or the connection is gone.
      const res = event.Response.raw;
      res.once('close', () => budget.release(hold));
      // node leaves `Expect: 100-continue` to us (server.ts): the client is invited to send its body
      // only once the body is accepted, so a refused one is never sent at all.
      const invite = req.headers.expect?.toLowerCase() === '100-continue' ? () => res.writeContinue() : undefined;
      readBody(req, bodyLimit, { budget, hold }, invite).then(
        (body) => {
          try {
            event.Data = parseBody(body, event.ContentType);
          } catch (err) {
            return failRequest(event, err, ctx.onError);
          }
          runPipeline(ctx, event);
        },
        (err) => {
          // Cut by node for a timeout or a malformed body: answered and logged there (clienterror.ts).
          if (refusedConnection(req.socket)) return;
          failRequest(event, err, ctx.onError);
        },
      );
      return;
    }
    if (event.ContentType !== undefined) event.Data = emptyBody(event.ContentType);
    runPipeline(ctx, event);
  }

  function afterStatic(event: WebEvent, rawPath: string, found: StaticResolution, match: StaticMatch, next: (() => void) | undefined): void {
    try {
      if (found.kind === 'missing') return route(event, rawPath, next);
      if (found.kind === 'refused') return respondStatus(event, found.status);
      event.StaticContent = { route: match.route, file: found.file };
      runPipeline(ctx, event);
    } catch (err) {
      failRequest(event, err, ctx.onError);
    }
  }

  return function handle(req, res, endpoint, next) {
    const url = req.url ?? '/';
    const rawPath = urlPath(url);
    const event = new WebEvent(req, res, endpoint, rawPath, urlQuery(url));
    res.on('error', onResponseError);
    if (metrics !== undefined) metrics.begin(res, event); // Get-PodeServerRequestMetric, …ActiveRequestMetric
    // HTTP/2 has no Connection header: its session is closed with GOAWAY (server.ts).
    if (state.closing && !isHttp2(req)) res.setHeader('connection', 'close');
    // Set-PodeSecurityAccessControl's headers, queued before anything can answer: Pode's security middleware
    // runs ahead of route validation, so 404, 405, static files and errors carry them too (host/http/cors.ts).
    const cors = options.server?.accessControl;
    if (cors !== undefined && cors.active) Object.assign(event.Response.Headers, cors.responseHeaders(req.headers));
    if (onRequestLog !== undefined) watchForLog(event, onRequestLog);
    try {
      // Pode's public folder first (its static-content middleware runs before route validation), only for
      // a path naming a file: host/http/public.ts.
      if (publicFiles !== undefined && namesFile(rawPath)) {
        publicFiles.find(rawPath).then(
          (found) => (found === null ? afterPublic(event, rawPath, next) : servePublic(event, found.file)),
          (err) => failRequest(event, err, ctx.onError),
        );
        return;
      }
      afterPublic(event, rawPath, next);
    } catch (err) {
      failRequest(event, err, ctx.onError);
    }
  };

  function servePublic(event: WebEvent, file: string): void {
    try {
      if (!commit(event, 'Public content')) return;
      event.publicFile = true;
      sendFile(event, file).catch((err) => failRequest(event, err, ctx.onError));
    } catch (err) {
      failRequest(event, err, ctx.onError);
    }
  }

  function afterPublic(event: WebEvent, rawPath: string, next: (() => void) | undefined): void {
    try {
      const method = event.Request.raw.method;
      if (statics !== undefined && statics.size > 0 && (method === 'GET' || method === 'HEAD')) {
        const match = statics.find(rawPath);
        if (match !== null) {
          statics.resolve(match).then(
            (found) => afterStatic(event, rawPath, found, match, next),
            (err) => failRequest(event, err, ctx.onError),
          );
          return;
        }
      }
      route(event, rawPath, next);
    } catch (err) {
      failRequest(event, err, ctx.onError);
    }
  }
}

/**
 * Writing through `raw` after the end emits 'error' on the response; without a listener that would
 * take the whole server down for one careless handler.
 */
function onResponseError(this: ServerResponse, err: Error): void {
  logException(`Response to ${this.req?.method} ${this.req?.url}`, err);
}

function watchForLog(event: WebEvent, hook: RequestLogHook): void {
  const startedAt = performance.now();
  void event.Request.RemoteIPAddress; // read now: once the client has gone, the socket no longer knows it
  let logged = false;
  const done = () => {
    if (logged) return;
    logged = true;
    try {
      hook(requestLogEntry(event, startedAt));
    } catch (err) {
      logException('Request log hook', err);
    }
  };
  const res = event.Response.raw;
  res.once('finish', done);
  // A taken-over response (an SSE stream on its socket) never 'finish'es through node: it is over at 'close'.
  res.once('close', () => event.takenOver && done());
}
