// Middleware then the route, for one request, with the request as the current WebEvent. The loop stays
// synchronous while everything returns plain values; only a returned promise costs a continuation,
// so a sync JSON route runs without allocating closures or promises.
import { runInRequest } from './context.ts';
import { failRequest, type ErrorHook } from './failure.ts';
import { sendFile } from './sendfile.ts';
import type { PodeServer } from '../runtime/server.ts';
import type { Middleware } from './types.ts';
import type { WebEvent } from './webevent.ts';
import { commit, writeEmpty } from './write.ts';

export interface PipelineContext {
  /** The server the requests belong to: cmdlets in handlers reach it through the ambient context. */
  server: PodeServer | undefined;
  /** Runs first, before any middleware: the server's own setup of the request, not a middleware of the script's. */
  prepare: ((event: WebEvent) => void) | undefined;
  /** Read on every request, so middleware added later is picked up. */
  middleware: Middleware[];
  onError: ErrorHook | undefined;
}

/**
 * Every request runs inside AsyncLocalStorage, whatever its handlers are: a plain function may return a
 * promise or leave a timer behind, and nothing can tell before it has run (issue 9). Measured, the store
 * costs no more than noise on bench:http (docs/benchmarks.md).
 */
export function runPipeline(ctx: PipelineContext, event: WebEvent): void {
  runInRequest(ctx.server, event, step, ctx, event, 0);
}

function step(ctx: PipelineContext, event: WebEvent, from: number): void {
  try {
    if (from === 0 && ctx.prepare !== undefined) ctx.prepare(event);
    const global = ctx.middleware;
    const own = event.Route !== null ? event.Route.middleware : event.StaticContent?.route.middleware;
    const total = global.length + (own === undefined ? 0 : own.length);
    for (let i = from; i < total; i++) {
      const mw = i < global.length ? global[i]! : own![i - global.length]!;
      const result = invokeMiddleware(mw, event);
      if (result === false) return finish(ctx, event);
      if (isThenable(result)) {
        const next = i + 1;
        result.then(
          // The callback runs in the request's store, as everything started from it does.
          (value) => (value === false ? finish(ctx, event) : step(ctx, event, next)),
          (err) => failRequest(event, err, ctx.onError),
        );
        return;
      }
    }
    const out = invokeTarget(event);
    if (isThenable(out)) {
      out.then(
        () => finish(ctx, event),
        (err) => fail(ctx, event, err),
      );
      return;
    }
    finish(ctx, event);
  } catch (err) {
    fail(ctx, event, err);
  }
}

/** Runs one middleware (a function, or a definition with its -Route filter and arguments). */
export function invokeMiddleware(mw: Middleware, event: WebEvent): unknown {
  if (typeof mw === 'function') return mw(event);
  if (mw.route !== undefined && !routeApplies(mw.route, event.Path)) return undefined;
  return mw.argumentList ? mw.logic(event, ...mw.argumentList) : mw.logic(event);
}

/** Add-PodeMiddleware -Route: `/` or empty = everything; `/api/*` = the prefix; else the exact path. */
function routeApplies(route: string, path: string): boolean {
  if (route === '' || route === '/' || route === '*' || route === '/*') return true;
  const r = route.toLowerCase();
  const p = path.toLowerCase();
  if (r.endsWith('/*')) return p === r.slice(0, -2) || p.startsWith(r.slice(0, -1));
  if (r.endsWith('*')) return p.startsWith(r.slice(0, -1));
  return p === r || p === r + '/';
}

function invokeTarget(event: WebEvent): unknown {
  const route = event.Route;
  if (route !== null) return route.argumentList ? route.handler(event, ...route.argumentList) : route.handler(event);
  const content = event.StaticContent;
  if (content !== null && commit(event, 'Static content')) {
    return sendFile(event, content.file, { download: content.route.download, maxAge: content.route.maxAge });
  }
  return undefined;
}

function settle(event: WebEvent): void {
  const hook = event.onSettled;
  if (hook === null) return;
  event.onSettled = null;
  hook();
}

function fail(ctx: PipelineContext, event: WebEvent, err: unknown): void {
  settle(event);
  failRequest(event, err, ctx.onError);
}

/** The handler is done: end the response as it stands, unless it was written or taken over. */
function finish(ctx: PipelineContext, event: WebEvent): void {
  if (event.onSettled !== null) settle(event);
  if (event.takenOver || event.ended) return;
  try {
    event.ended = true;
    const res = event.Response.raw;
    if (!res.headersSent) writeEmpty(event);
    else if (!res.writableEnded) res.end(); // the handler wrote through `raw` and forgot to end
  } catch (err) {
    failRequest(event, err, ctx.onError);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';
}
