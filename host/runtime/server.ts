// One Pode server: everything a script registers (endpoints, routes, static routes, middleware, timers,
// schedules) and its lifecycle. Cmdlets reach the server being configured through currentServer().
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { PodeError } from '../binder/errors.ts';
import { createPodeHttpServer, type PodeHttpServer } from '../http/server.ts';
import type { BoundEndpoint, EndpointConfig } from '../http/endpoints.ts';
import { Router } from '../http/router.ts';
import { StaticRoutes } from '../http/static.ts';
import type { Middleware } from '../http/types.ts';
import { formatRequestLog, type RequestLogEntry } from '../http/requestlog.ts';
import { log, logException } from '../log.ts';
import { Schedules, type ScheduleEvent } from '../timers/schedules.ts';
import { Timers, type TimerEvent } from '../timers/timers.ts';

export interface ServerOptions {
  /** The folder views/ and relative paths are resolved from (the script's folder). */
  rootPath?: string;
  /** `--address`: applies when the script adds no endpoint, and overrides the first one's address. */
  address?: string;
  /** `--port`: likewise (0 = a free port). */
  port?: number;
}

/** Runs a teardown step when the server stops; the SSE engine and others hook in here. */
export type StopHook = () => void | Promise<void>;

const triggers = new AsyncLocalStorage<TimerEvent | ScheduleEvent>();

/** The event of the timer or schedule whose script is running ($TimerEvent / $ScheduleEvent in Pode). */
export function currentTrigger(): TimerEvent | ScheduleEvent | undefined {
  return triggers.getStore();
}

export class PodeServer {
  readonly router = new Router();
  readonly statics = new StaticRoutes();
  readonly middleware: Middleware[] = [];
  readonly endpoints: EndpointConfig[] = [];
  readonly timers = new Timers({ runner: (event, run) => triggers.run(event, run) });
  readonly schedules = new Schedules({ runner: (event, run) => triggers.run(event, run) });
  readonly rootPath: string;
  readonly options: ServerOptions;
  /** Get-PodeServerDefaultSecret: random per server start, as in Pode. */
  readonly defaultSecret = randomBytes(32).toString('base64');
  requestLogging = false;
  /** Start-PodeServer blocks still running when the script's top level finished; the host awaits them. */
  readonly setup: Promise<unknown>[] = [];
  private http: PodeHttpServer | undefined;
  private readonly stopHooks: StopHook[] = [];
  private stopping: Promise<void> | undefined;
  private readonly onClosed: Array<() => void> = [];

  constructor(options: ServerOptions = {}) {
    this.options = options;
    this.rootPath = resolve(options.rootPath ?? process.cwd());
  }

  get running(): boolean {
    return this.http !== undefined;
  }

  get boundEndpoints(): readonly BoundEndpoint[] {
    return this.http?.endpoints ?? [];
  }

  /** Resolves a script-relative path (Pode resolves relative paths from the server root). */
  path(p: string): string {
    return resolve(this.rootPath, p);
  }

  onStop(hook: StopHook): void {
    this.stopHooks.push(hook);
  }

  /** Endpoints to bind: the script's, with --address/--port applied, or one from the flags. */
  private endpointsToBind(): EndpointConfig[] {
    const { address, port } = this.options;
    if (this.endpoints.length === 0) return [{ address: address ?? '127.0.0.1', port: port ?? 8080, protocol: 'http' }];
    const [first, ...rest] = this.endpoints;
    return [{ ...first!, ...(address !== undefined && { address }), ...(port !== undefined && { port }) }, ...rest];
  }

  async start(): Promise<readonly BoundEndpoint[]> {
    if (this.http) throw new PodeError('ServerAlreadyRunning', '', 'The server is already running.');
    const http = createPodeHttpServer({
      router: this.router,
      statics: this.statics,
      middleware: this.middleware,
      onRequestLog: (entry: RequestLogEntry) => {
        if (this.requestLogging) log('info', formatRequestLog(entry));
      },
    });
    const bound = await http.listen(this.endpointsToBind());
    this.http = http;
    this.timers.start();
    this.schedules.start();
    return bound;
  }

  /** Graceful stop: teardown hooks (SSE sends pode.close), timers and schedules, then in-flight requests (bounded). */
  stop(graceMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      for (const hook of this.stopHooks.splice(0).reverse()) {
        try {
          await hook();
        } catch (err) {
          logException('Stopping the server', err);
        }
      }
      await Promise.all([this.timers.stop(), this.schedules.stop(), this.http?.close(graceMs)]);
      this.http = undefined;
      for (const fn of this.onClosed.splice(0)) fn();
    })();
    return this.stopping;
  }

  /** Resolves when the server has stopped (Close-PodeServer, a signal, or stop()). */
  closed(): Promise<void> {
    return new Promise((done) => this.onClosed.push(done));
  }
}

let current: PodeServer | undefined;
let hosted = false;

/** `podets serve` owns the server; Start-PodeServer then only runs its block (no second server). */
export function setHosted(value: boolean): void {
  hosted = value;
}
export function isHosted(): boolean {
  return hosted;
}

export function setCurrentServer(server: PodeServer | undefined): void {
  current = server;
}

export function currentServer(command = ''): PodeServer {
  if (!current)
    throw new PodeError(
      'NoPodeServer',
      command,
      'No podets server is being configured: run the script with `podets serve`, or call it inside StartPodeServer(() => { … }).',
    );
  return current;
}

export function tryCurrentServer(): PodeServer | undefined {
  return current;
}

/** One line per endpoint, always printed (even with --quiet): scripts and tests find the port here. */
export function announce(endpoints: readonly BoundEndpoint[]): void {
  for (const e of endpoints) process.stdout.write(`Listening on ${e.url}/\n`);
}
