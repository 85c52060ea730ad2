// One Pode server: everything a script registers (endpoints, routes, static routes, middleware, timers,
// schedules, the SSE engine) and its lifecycle. Cmdlets reach their server through currentServer(): the
// server of the ambient context (its requests, timers, schedules, SSE events, createPodeServer's block and
// pode.run), else the one `podets serve` or StartPodeServer is configuring.
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { errors } from '../errors/catalog.ts';
import { AccessControl } from '../http/cors.ts';
import { createPodeHttpServer, type PodeHttpServer, type PodeHttpServerOptions } from '../http/server.ts';
import { createEmbeddedDispatch, type EmbeddedDispatch, type PodeRequestHandler } from '../http/handler.ts';
import type { BoundEndpoint, EndpointConfig } from '../http/endpoints.ts';
import { Router } from '../http/router.ts';
import { StaticRoutes } from '../http/static.ts';
import type { Middleware } from '../http/types.ts';
import type { RequestLogHook } from '../http/requestlog.ts';
import { resolveLimits, type RequestLimits } from '../http/limits.ts';
import { logException } from '../log.ts';
import { systemClock, type Clock } from '../timers/clock.ts';
import { ServerMetrics } from '../metrics/metrics.ts';
import { PeerExchange } from '../metrics/peers.ts';
import type { PrometheusState } from '../metrics/endpoint.ts';
import { Schedules, type ScheduleEvent } from '../timers/schedules.ts';
import { Timers, type TimerEvent } from '../timers/timers.ts';
import { Tasks, type TaskEvent } from '../tasks/tasks.ts';
import { SseEngine } from '../sse/engine.ts';
import { SessionEngine } from '../session/engine.ts';
import { ambient, runAmbient } from './ambient.ts';
import { attachSseReference } from '../sse/attach.ts';
import type { RedisHub } from '../sse/hub/redis.ts';
import { AuthMethods } from '../auth/registry.ts';
import { StreamIdentities } from '../auth/identity.ts';
import { processLogSettings, type LogSettings } from '../log.ts';
import { ServerState } from '../state/shared.ts';
import { DefaultFolders } from '../http/public.ts';
import type { StatusPage } from '../metrics/status.ts';

export interface ServerOptions {
  /** The folder views/ and relative paths are resolved from (the script's folder). */
  rootPath?: string;
  /** `--address`: applies when the script adds no endpoint, and overrides the first one's address. */
  address?: string;
  /** `--port`: likewise (0 = a free port). */
  port?: number;
  /** What timers and schedules wait on (tests pass a ManualClock); the system clock by default. */
  clock?: Clock;
  /** `--body-limit`: largest request body in bytes (default 10 MiB). */
  bodyLimit?: number;
  /** `--body-budget`: request body bytes held at once across all requests (default 100 MiB). */
  bodyBudget?: number;
  /** `--request-timeout`, in ms (default 30 s, Pode's Server.Request.Timeout). */
  requestTimeoutMs?: number;
  /** `--headers-timeout`, in ms (default: the request timeout). */
  headersTimeoutMs?: number;
  /** `--task-queue-limit`: task processes that may wait for a slot at once (default 10,000). */
  taskQueueLimit?: number;
  /** `--watch` restarts: endpoint i asking for port 0 binds pinnedPorts[i], the port it had before. */
  pinnedPorts?: readonly number[];
  /**
   * Log settings to use instead of a copy of the process's: `podets serve` gives its one server the
   * process's own, so the script's top level (outside any request) and the server agree.
   */
  log?: LogSettings;
}

/** Runs a teardown step when the server stops; the SSE engine and others hook in here. */
export type StopHook = () => void | Promise<void>;

/** The event of the timer or schedule whose script is running. */
export function currentTrigger(): TimerEvent | ScheduleEvent | undefined {
  return ambient()?.trigger;
}
/** Pode's $TimerEvent: set while a timer's script runs (across awaits). */
export function currentTimerEvent(): TimerEvent | undefined {
  const event = ambient()?.trigger;
  return event !== undefined && 'Interval' in event.Sender ? (event as TimerEvent) : undefined;
}
/** Pode's $TaskEvent: set while a task's script runs (across awaits). */
export function currentTaskEvent(): TaskEvent | undefined {
  return ambient()?.task;
}
/** Pode's $ScheduleEvent: set while a schedule's script runs (across awaits). */
export function currentScheduleEvent(): ScheduleEvent | undefined {
  const event = ambient()?.trigger;
  return event !== undefined && 'Cron' in event.Sender ? (event as ScheduleEvent) : undefined;
}

export class PodeServer {
  readonly router = new Router();
  readonly statics = new StaticRoutes();
  readonly middleware: Middleware[] = [];
  readonly endpoints: EndpointConfig[] = [];
  readonly timers: Timers;
  readonly schedules: Schedules;
  /** Add-PodeTask's tasks and their processes (host/tasks/tasks.ts); the stop waits for running ones. */
  readonly tasks: Tasks;
  readonly sse = new SseEngine(this);
  /** Set-PodeSecurityAccessControl's headers, set on every response (host/http/cors.ts). */
  readonly accessControl = new AccessControl();
  /** Enable-PodeSessionMiddleware's sessions: settings, store, expiry schedule, onEnd/onExtend (host/session/engine.ts). */
  readonly sessions = new SessionEngine(this);
  readonly rootPath: string;
  /** Set-/Get-PodeDefaultFolder's Views, Public and Errors; public/ is served as static content (host/http/public.ts). */
  readonly defaultFolders: DefaultFolders;
  readonly options: ServerOptions;
  /** What one request may cost while it is received (body sizes, timeouts); see setLimits. */
  limits: RequestLimits;
  private givenLimits: Partial<RequestLimits>;
  /** Get-PodeServerDefaultSecret: random per server start, as in Pode. */
  readonly defaultSecret = randomBytes(32).toString('base64');
  /** Its log level, --quiet and error log (host/log.ts reads the running server's). */
  readonly log: LogSettings;
  /** What -ErrorVariable, -OutVariable… write to (`variables` / PodeVariables read the running server's). */
  readonly variables = new Map<string, unknown[]>();
  /** Authentication methods (Add-PodeAuth, Merge-PodeAuth…), by name, case-insensitive. */
  readonly auth = new AuthMethods();
  /** SSE streams bound to the session or JWT that authenticated them, ended when it ends (host/auth/identity.ts). */
  readonly identities = new StreamIdentities(this);
  /** Set-/Get-PodeState… and Lock-PodeObject's Lockables (host/state/): Pode's Server.State and Threading.Lockables; cluster-wide under --workers and --redis. */
  readonly state: ServerState;
  /** Set-/Get-PodeCookieSecret: Pode's $PodeContext.Server.Cookies.Secrets, by lower-cased name ('global' for -Global). */
  readonly cookieSecrets = new Map<string, string>();
  /** The Redis backplane given to this server (--redis, Set-PodeSseBackplane); its SSE engine's hub too. */
  backplane: RedisHub | undefined = undefined;
  /** Set by Enable-PodeRequestLogging (off by default, as in Pode); read when the server starts. */
  requestLog: RequestLogHook | undefined;
  /** False on cluster workers other than the timer leader: timers and schedules run once per cluster. */
  runsTimers = true;
  /** Close-PodeServer: stops this server; a cluster worker asks the primary to stop them all instead. */
  requestClose: () => void = () => void this.stop();
  /** Start-PodeServer blocks still running when the script's top level finished; the host awaits them. */
  readonly setup: Promise<unknown>[] = [];
  /** Pode's $PodeContext.Metrics, this process's share (host/metrics/metrics.ts): requests, in flight, uptime. */
  readonly metrics: ServerMetrics;
  /** `--status` / Enable-PodeStatusPage's live page (host/metrics/status.ts); undefined while off. */
  statusPage: StatusPage | undefined = undefined;
  /** True once start() or startDetached() has run its setup: what is added from then on must install itself. */
  started = false;
  /** Scaled out: the other processes' latest figures, and this one's published to them (host/metrics/peers.ts). */
  readonly peers = new PeerExchange(this);
  /** The Prometheus endpoint and its registry (host/metrics/endpoint.ts), once --metrics or Enable-PodeMetricsEndpoint asked; else none. */
  prometheus: PrometheusState | undefined = undefined;
  private http: PodeHttpServer | undefined;
  private embedded: EmbeddedDispatch | undefined;
  private readonly stopHooks: StopHook[] = [];
  private stopping: Promise<void> | undefined;
  private readonly onClosed: Array<() => void> = [];

  constructor(options: ServerOptions = {}) {
    this.options = options;
    this.metrics = new ServerMetrics(options.clock ?? systemClock);
    this.log = options.log ?? processLogSettings();
    this.rootPath = resolve(options.rootPath ?? process.cwd());
    this.defaultFolders = new DefaultFolders(this.rootPath);
    this.givenLimits = {
      bodyLimit: options.bodyLimit,
      bodyBudget: options.bodyBudget,
      requestTimeoutMs: options.requestTimeoutMs,
      headersTimeoutMs: options.headersTimeoutMs,
    };
    this.limits = resolveLimits(this.givenLimits);
    this.state = new ServerState(options.clock);
    // A timer's or schedule's script runs in this server's ambient context, with its event as the trigger.
    const runner = <R>(trigger: TimerEvent | ScheduleEvent, run: () => R): R => runAmbient({ server: this, trigger }, run);
    this.timers = new Timers({ clock: options.clock, runner });
    this.schedules = new Schedules({ clock: options.clock, runner });
    // Registered first, so it runs last: tasks and Disconnect scripts still share their state writes while they finish.
    this.onStop(() => this.state.close());
    this.onStop(() => this.sse.shutdown());
    // A task's script runs in this server's ambient context with its $TaskEvent (no request's $WebEvent).
    // Its stop hook runs before the SSE engine's (hooks run last-added first): tasks still send while it waits.
    this.tasks = new Tasks({ clock: options.clock, queueLimit: options.taskQueueLimit, runner: (task: TaskEvent, run) => runAmbient({ server: this, task }, run) });
    this.onStop(() => this.tasks.stop());
  }

  /**
   * For a server the embedding app listens with (createPodeServer): `(req, res, next?)` serves this
   * server's routes, static content and SSE. Built on first use, after the script has registered them.
   */
  get handler(): PodeRequestHandler {
    this.embedded ??= createEmbeddedDispatch(this.dispatchOptions());
    return this.embedded.handler;
  }

  /** What the dispatcher needs, whoever listens; read when it is built, after the script registered it all. */
  private dispatchOptions(): PodeHttpServerOptions {
    return {
      server: this,
      router: this.router,
      statics: this.statics,
      publicFiles: this.defaultFolders,
      middleware: this.middleware,
      // X-PODE-SSE-* headers re-attach a normal request to its SSE connection before any middleware runs.
      prepare: (event) => attachSseReference(this.sse, event),
      // Only when enabled: the dispatcher then skips the per-request bookkeeping entirely.
      onRequestLog: this.requestLog,
      ...this.limits,
    };
  }

  /** Starts what runs without a listener of its own: the setup blocks, then timers and schedules (once). */
  async startDetached(): Promise<void> {
    await Promise.all(this.setup);
    this.statusPage?.install();
    this.started = true;
    this.startTimers();
  }

  private timersStarted = false;
  private startTimers(): void {
    if (!this.runsTimers || this.timersStarted) return;
    this.timersStarted = true;
    this.timers.start();
    this.schedules.start();
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

  /** Changes some limits (the CLI flags), keeping the others given; refuses combinations that cannot work. */
  setLimits(changes: Partial<RequestLimits>): void {
    // From what was given, not from this.limits: a default derived from another limit (the budget from
    // the body limit, the headers timeout from the request timeout) follows that limit's change.
    const given = { ...this.givenLimits, ...changes };
    this.limits = resolveLimits(given);
    this.givenLimits = given;
  }

  onStop(hook: StopHook): void {
    this.stopHooks.push(hook);
  }

  /** Endpoints to bind: the script's, with --address/--port applied, or one from the flags. */
  private endpointsToBind(): EndpointConfig[] {
    const { address, port, pinnedPorts = [] } = this.options;
    const pin = (e: EndpointConfig, i: number): EndpointConfig => (e.port === 0 && pinnedPorts[i] ? { ...e, port: pinnedPorts[i]! } : e);
    if (this.endpoints.length === 0) return [pin({ address: address ?? '127.0.0.1', port: port ?? 8080, protocol: 'http' }, 0)];
    const [first, ...rest] = this.endpoints;
    return [{ ...first!, ...(address !== undefined && { address }), ...(port !== undefined && { port }) }, ...rest].map(pin);
  }

  async start(): Promise<readonly BoundEndpoint[]> {
    if (this.http) throw errors.ServerAlreadyRunning('');
    // Work the script started (Start-PodeServer blocks, -FilePath scripts loading) finishes first.
    await Promise.all(this.setup);
    this.statusPage?.install();
    this.started = true;
    const http = createPodeHttpServer(this.dispatchOptions());
    const bound = await http.listen(this.endpointsToBind());
    this.http = http;
    this.startTimers();
    return bound;
  }

  /** Graceful stop: teardown hooks (SSE sends pode.close), timers and schedules, then in-flight requests (bounded). */
  stop(graceMs = 5000): Promise<void> {
    this.stopping ??= (async () => {
      this.embedded?.closing();
      this.peers.stop();
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

// Every copy of podets loaded into this process. The server being configured is module state, so a script
// that imports another copy than the one `podets serve` runs (source beside dist, or a CommonJS
// recompilation) would configure nothing: when another copy has a server and this one has none,
// currentServer() names the copies instead of blaming the CLI.
interface LoadedCopy {
  readonly url: string;
  configuring(): boolean;
}
const COPIES = Symbol.for('podets.loadedCopies');
const copies: LoadedCopy[] = ((globalThis as { [COPIES]?: LoadedCopy[] })[COPIES] ??= []);
const thisCopy: LoadedCopy = {
  url: import.meta.url ?? `a CommonJS copy (${typeof __filename === 'string' ? __filename : 'unknown file'})`,
  configuring: () => current !== undefined,
};
copies.push(thisCopy);

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
  const own = ambient()?.server;
  if (own) return own;
  if (!current && copies.some((copy) => copy !== thisCopy && copy.configuring()))
    throw errors.PodetsLoadedTwice(command, { count: copies.length, urls: copies.map((c) => c.url) });
  if (!current) throw errors.NoPodeServer(command);
  return current;
}

export function tryCurrentServer(): PodeServer | undefined {
  return ambient()?.server ?? current;
}

/** One line per endpoint, always printed (even with --quiet): scripts and tests find the port here. */
export function announce(endpoints: readonly BoundEndpoint[]): void {
  for (const e of endpoints) process.stdout.write(`Listening on ${e.url}/\n`);
}
