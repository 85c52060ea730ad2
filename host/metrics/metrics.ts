// Pode's $PodeContext.Metrics for one server, in this process only (a --workers cluster or --redis instances
// each count their own; the cmdlets add the other processes' latest, host/metrics/peers.ts): requests by
// status code, requests in flight, uptime and restarts. The request path
// pays one `res.on('close', …)` with a function made once per server, and at the end a Map increment.
//
// Pode counts a request in the `finally` after its middleware and route ran (src/Private/PodeServer.ps1,
// Update-PodeServerRequestMetric), with the status the response has then: every request the listener hands
// to PowerShell, 404/405, static files, refusals and 500s included. podets counts at the same moment a
// response is over (node's 'close': after its last byte, or when the client went away first); a response
// taken over as an SSE stream is counted when it is taken over, as 200, and is no longer in flight, as
// Pode's route returns and its context leaves the listener's queue while the stream stays open.
import type { ServerResponse } from 'node:http';
import type { WebEvent } from '../http/webevent.ts';
import type { Clock } from '../timers/clock.ts';

/** Told of each request at the moment this counts it (the Prometheus endpoint's, host/metrics/prometheus.ts). */
export interface ResponseObserver {
  begin(res: ServerResponse, event: WebEvent): void;
  counted(res: ServerResponse, status: number): void;
}

/** Set by `podets serve --watch` on each child: how many restarts came before it, and when the first child started. */
export const WATCH_RESTARTS_ENV = 'PODETS_WATCH_RESTARTS';
export const WATCH_LOADED_ENV = 'PODETS_WATCH_LOADED_AT';

export class ServerMetrics {
  /** Pode's Metrics.Requests.Total. */
  total = 0;
  /** Pode's Metrics.Requests.StatusCodes (keyed by the code; Pode keys by its text). */
  readonly statusCodes = new Map<number, number>();
  /** Requests received whose response is not over (nor taken over): Pode's Listener.Contexts.Count. */
  active = 0;
  /** Pode's Metrics.Server.InitialLoadTime, StartTime (ms since the epoch, on the server's clock) and RestartCount. */
  initialLoadTime: number;
  startTime: number;
  readonly restartCount: number;
  /** Under --workers: the workers the primary started in place of ones that exited (it tells every worker). */
  workerReplacements = 0;
  /** Listens for a response's end; `this` is the response. Made once, so a request allocates no closure for it. */
  readonly onResponseClose: (this: ServerResponse) => void;
  /** Set only while metrics are exposed (--metrics): without it a request pays nothing more. */
  observer: ResponseObserver | undefined = undefined;

  constructor(private clock: Clock, env: NodeJS.ProcessEnv = process.env) {
    this.startTime = clock.now().getTime();
    const restarts = Number(env[WATCH_RESTARTS_ENV]);
    const loaded = Number(env[WATCH_LOADED_ENV]);
    this.restartCount = Number.isSafeInteger(restarts) && restarts > 0 ? restarts : 0;
    this.initialLoadTime = this.restartCount > 0 && Number.isFinite(loaded) && loaded <= this.startTime ? loaded : this.startTime;
    const self = this;
    this.onResponseClose = function (this: ServerResponse) {
      self.active--;
      self.count(this.statusCode, this);
    };
  }

  /** A request arrived: in flight until its response closes (or is taken over). */
  begin(res: ServerResponse, event: WebEvent): void {
    this.active++;
    res.on('close', this.onResponseClose);
    if (this.observer !== undefined) this.observer.begin(res, event);
  }

  /** The response became an SSE stream (host/http/takeover.ts): counted now, as 200, and no longer in flight. */
  takenOver(res: ServerResponse): void {
    if (res.listenerCount('close', this.onResponseClose) === 0) return; // (no copy of the listeners)
    res.removeListener('close', this.onResponseClose);
    this.active--;
    this.count(200, res);
  }

  private count(status: number, res: ServerResponse): void {
    this.total++;
    this.statusCodes.set(status, (this.statusCodes.get(status) ?? 0) + 1);
    if (this.observer !== undefined) this.observer.counted(res, status);
  }

  /** Times the uptime on `clock` from its now, as a start would (tests give a ManualClock, as for sessions). */
  restartOn(clock: Clock): void {
    this.clock = clock;
    this.startTime = this.initialLoadTime = clock.now().getTime();
  }

  /** Milliseconds since this server started (or, with `total`, since the first --watch child started). */
  uptime(total: boolean): number {
    return this.clock.now().getTime() - (total ? this.initialLoadTime : this.startTime);
  }
}

export type UptimeFormat = 'Milliseconds' | 'Concise' | 'Compact' | 'Verbose';

/**
 * Pode's Convert-PodeMillisecondsToReadable, as its help's examples show it (the private function itself is
 * not in the stored source): Concise "1d 10h 17m 36s 789ms", Verbose "1 day, 10 hours, 17 minutes, 36 seconds,
 * 789 milliseconds" (units that are 0 left out, at least the smallest one kept), Compact "01:10:17:36.789"
 * (dd:hh:mm:ss). ExcludeMilliseconds drops the milliseconds.
 */
export function readableUptime(ms: number, format: Exclude<UptimeFormat, 'Milliseconds'>, excludeMs: boolean): string {
  const total = Math.max(0, Math.trunc(ms));
  const parts = [Math.floor(total / 86_400_000), Math.floor(total / 3_600_000) % 24, Math.floor(total / 60_000) % 60, Math.floor(total / 1000) % 60, total % 1000];
  if (format === 'Compact') {
    const text = parts.slice(0, 4).map((n) => String(n).padStart(2, '0')).join(':');
    return excludeMs ? text : `${text}.${String(parts[4]).padStart(3, '0')}`;
  }
  const count = excludeMs ? 4 : 5;
  const units = format === 'Concise' ? ['d', 'h', 'm', 's', 'ms'] : ['day', 'hour', 'minute', 'second', 'millisecond'];
  const shown: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = parts[i]!;
    if (n === 0 && !(i === count - 1 && shown.length === 0)) continue;
    shown.push(format === 'Concise' ? `${n}${units[i]}` : `${n} ${units[i]}${n === 1 ? '' : 's'}`);
  }
  return shown.join(format === 'Concise' ? ' ' : ', ');
}
