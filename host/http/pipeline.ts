// Middleware then the route, for one request, with the request as the current WebEvent (inside
// AsyncLocalStorage when any of its code can await). The loop stays
// synchronous while everything returns plain values; only a returned promise costs a continuation,
// so a sync JSON route runs without allocating closures or promises.
import { runInRequest, runInRequestSync } from './context.ts';
import { failRequest, type ErrorHook } from './failure.ts';
import { sendFile } from './sendfile.ts';
import type { Middleware } from './types.ts';
import type { WebEvent } from './webevent.ts';
import { commit, writeEmpty } from './write.ts';

export interface PipelineContext {
  /** Read on every request, so middleware added later is picked up. */
  middleware: Middleware[];
  onError: ErrorHook | undefined;
}

export function runPipeline(ctx: PipelineContext, event: WebEvent): void {
  if (needsAsyncContext(ctx, event)) runInRequest(event, step, ctx, event, 0);
  else runInRequestSync(event, step, ctx, event, 0);
}

/** An async function, a generator or anything not a plain function may resume later: it needs ALS. */
const mayResume = (fn: unknown): boolean => typeof fn !== 'function' || fn.constructor !== Function;
const logicOf = (mw: Middleware) => (typeof mw === 'function' ? mw : mw.logic);

/** $WebEvent must follow the request across awaits only when some of its code can await. */
function needsAsyncContext(ctx: PipelineContext, event: WebEvent): boolean {
  const route = event.Route;
  if (route !== null && (route.asyncContext === true || mayResume(route.handler))) return true;
  for (const mw of ctx.middleware) if (mayResume(logicOf(mw))) return true;
  const own = route !== null ? route.middleware : event.StaticContent?.route.middleware;
  if (own !== undefined) for (const mw of own) if (mayResume(logicOf(mw))) return true;
  return false;
}

function step(ctx: PipelineContext, event: WebEvent, from: number): void {
  try {
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
          // Resumed inside AsyncLocalStorage: a plain pipeline that met a promise continues there.
          (value) => (value === false ? finish(ctx, event) : runInRequest(event, step, ctx, event, next)),
          (err) => failRequest(event, err, ctx.onError),
        );
        return;
      }
    }
    const out = invokeTarget(event);
    if (isThenable(out)) {
      // A plain function that returned a promise: its later requests run inside AsyncLocalStorage.
      if (event.Route !== null) event.Route.asyncContext = true;
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

function invokeMiddleware(mw: Middleware, event: WebEvent): unknown {
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
  if (event.keepOpen || event.ended) return;
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
