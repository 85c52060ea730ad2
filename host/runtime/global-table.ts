// Every global a `podets serve` script sees besides the cmdlets, in one table: installGlobals() installs them
// from it, and `npm run docs` generates their declarations in globals.d.ts and the docs/globals.md page from
// it, so a global cannot exist at run time without a type and a description, or the other way round.
import { pode } from '../cmdlet/template.ts';
import { variables } from '../cmdlet/variables.ts';
import { currentWebEvent } from '../http/context.ts';
import { currentTriggeredEvent } from '../sse/events.ts';
import { currentScheduleEvent, currentTaskEvent, currentTimerEvent } from './server.ts';

/** Where a global holds a value. */
export type HandlerKind = 'anywhere' | 'route' | 'middleware' | 'sse-event' | 'timer' | 'schedule' | 'task';

export const HANDLER_KINDS: Readonly<Record<HandlerKind, string>> = {
  anywhere: 'anywhere in the script',
  route: 'route scripts (AddPodeRoute), through their awaits',
  middleware: 'middleware (AddPodeMiddleware), through their awaits',
  'sse-event': 'SSE Connect/Disconnect event scripts (RegisterPodeSseEvent)',
  timer: 'timer scripts (AddPodeTimer)',
  schedule: 'schedule scripts (AddPodeSchedule)',
  task: 'task scripts (AddPodeTask), through their awaits',
};

export interface GlobalDecl {
  readonly name: string;
  /** The declared type in globals.d.ts, written with the names `imports` brings in. */
  readonly type: string;
  /** Types the declaration needs: the exported name and the module (from the repo root) that exports it. */
  readonly imports: readonly { readonly name: string; readonly as?: string; readonly from: string }[];
  readonly description: string;
  readonly kinds: readonly HandlerKind[];
  /** A fixed value, or a getter read each time (the event of the async context the script runs in). */
  readonly install: { readonly value: unknown } | { readonly get: () => unknown };
  /**
   * The members docs/globals.md lists, in order, from the type `imports[0]` names: `true` takes the description
   * from the member's doc comment, a string gives it here. `expand` members have their own members listed.
   * Every public member must be listed here or in `internal`, so a new field cannot go undocumented.
   */
  readonly fields?: Readonly<Record<string, true | string>>;
  readonly expand?: Readonly<Record<string, Readonly<Record<string, true | string>>>>;
  readonly internal?: readonly string[];
}

const run = (kind: string) =>
  ({
    Name: `The ${kind}’s name (-Name).`,
    Sender: `The ${kind} itself, with its settings and counters.`,
    Timestamp: 'When this run started.',
    Count: true,
    Metadata: true,
  }) as const;
const job = {
  Name: 'Its name (-Name).',
  Limit: 'Runs before it removes itself; 0 = unlimited.',
  OnStart: 'Whether it also ran once at start.',
  ArgumentList: 'The values passed to the script on every run (-ArgumentList).',
  Count: true,
  NextTriggerTime: 'When it runs next (undefined when it will not run again).',
  LastTriggerTime: 'When it last ran (undefined before the first run).',
} as const;

export const GLOBALS: readonly GlobalDecl[] = [
  {
    name: 'pode',
    type: 'typeof podeTag',
    imports: [{ name: 'pode', as: 'podeTag', from: 'host/cmdlet/template.ts' }],
    description: 'A cmdlet call written as a PowerShell command line: pode`Send-PodeSseEvent -Name Events -Data ${x}`.',
    kinds: ['anywhere'],
    install: { value: pode },
  },
  {
    name: 'PodeVariables',
    type: 'Map<string, unknown[]>',
    imports: [],
    description: 'Variables written by -ErrorVariable, -WarningVariable, -InformationVariable and -OutVariable: those of the server the code runs for.',
    kinds: ['anywhere'],
    install: { value: variables },
  },
  {
    name: '$WebEvent',
    type: 'WebEvent',
    imports: [{ name: 'WebEvent', from: 'host/http/webevent.ts' }],
    description: 'The current request; reading it outside a request throws NoCurrentWebEvent.',
    kinds: ['route', 'middleware'],
    install: { get: currentWebEvent },
    fields: {
      Method: true,
      Path: true,
      Query:
        'The query string as an object: `?group=news` gives `{ group: "news" }`. A repeated key (`?a=1&a=2`) gives an array, ' +
        'as in form bodies (Pode joins the values with commas); an absent key reads undefined. Narrow before passing a value ' +
        'to a String parameter, which takes no array: `typeof q.group === "string" ? q.group : undefined`.',
      Parameters: true,
      Data: 'The parsed body: JSON, or a urlencoded form (repeated keys become arrays); {} when there is none.',
      ContentType: true,
      Endpoint: 'The endpoint the request arrived on.',
      Request: 'The request: headers, client address, full URL and the Node request.',
      Response: 'The response being built: headers and status to send, and the Node response.',
      Timestamp: true,
      Sse: true,
      Route: true,
      StaticContent: true,
      Cookies: "The request's cookies by name (Pode's $WebEvent.Cookies), read on first use by the cookie cmdlets; undefined before.",
      PendingCookies: 'The cookies set on this response so far (Set-PodeCookie…), by lower-cased name; undefined before the first.',
      Auth:
        'The authentication of the request, once a route\'s -Authentication (or Add-PodeAuthMiddleware) has passed: `User` (what the validator returned), ' +
        '`IsAuthenticated`, `IsAuthorised`, `Store` (kept in the session) and `Name` (the method). An empty object before, or without, authentication.',
      Metadata: true,
      Session: true,
    },
    expand: {
      Endpoint: { Address: true, Protocol: "'http' or 'https'.", Port: 'The port listened on.', Name: 'The endpoint’s -Name, if it has one.' },
      Request: {
        Headers: true,
        RemoteIPAddress: 'The client’s address, as the socket reports it.',
        UserAgent: 'The User-Agent header, or an empty string.',
        Url: true,
        raw: 'Node’s IncomingMessage.',
      },
      Response: {
        Headers: true,
        StatusCode: 'The status to send (SetPodeResponseStatus sets it).',
        StatusDescription: 'The reason phrase to send; undefined for the standard one.',
        ContentLength: true,
        raw: 'Node’s ServerResponse.',
      },
    },
    internal: ['takenOver', 'onSettled', 'ended', 'publicFile'],
  },
  {
    name: '$TriggeredEvent',
    type: 'TriggeredEvent',
    imports: [{ name: 'TriggeredEvent', from: 'host/sse/events.ts' }],
    description: 'The SSE Connect/Disconnect event whose script is running; undefined elsewhere.',
    kinds: ['sse-event'],
    install: { get: currentTriggeredEvent },
    fields: {
      Name: 'The SSE connection name the event was registered for.',
      Type: "'Connect' or 'Disconnect'.",
      Timestamp: 'When the event fired.',
      Connection: 'The connection’s fields when the event fired (null where the event did not know them).',
      Metadata: 'Scratch space for this run of the script; fresh each time.',
      Auth:
        "podets' addition: the $WebEvent.Auth of the request that opened the connection (`User`, `Name`…), in Connect and in Disconnect alike, " +
        'so a script can tell whose stream opened or ended; an empty object when the route had no -Authentication.',
      Lockable: 'An object to lock on, as Pode’s $TriggeredEvent.Lockable.',
    },
    expand: {
      Connection: {
        ConnectionType: "'SSE'.",
        Name: 'The connection name (-Name of ConvertToPodeSseConnection).',
        Group: "Its group, or '' when it has none.",
        ClientId: 'Its client id.',
        Scope: "'Local' or 'Global'.",
        Timestamp: 'When the connection opened.',
        LastActivity: 'When it last sent or received anything.',
        IsDisposed: 'Whether it is over (the same as IsClosed).',
        IsClosed: 'Whether it has closed.',
        RetryDuration: 'The retry the client was told, in milliseconds.',
        AllowAllOrigins: 'Whether it was opened with -AllowAllOrigins.',
        LastEventId: "The trimmed Last-Event-ID the client sent, or ''.",
      },
    },
  },
  {
    name: '$TimerEvent',
    type: 'TimerEvent',
    imports: [{ name: 'TimerEvent', from: 'host/timers/timers.ts' }],
    description: 'The timer run in progress; undefined outside a timer’s script.',
    kinds: ['timer'],
    install: { get: currentTimerEvent },
    fields: run('timer'),
    expand: { Sender: { ...job, Interval: 'Seconds between runs (-Interval).', Skip: 'Intervals skipped before the first run (-Skip).' } },
  },
  {
    name: '$ScheduleEvent',
    type: 'ScheduleEvent',
    imports: [{ name: 'ScheduleEvent', from: 'host/timers/schedules.ts' }],
    description: 'The schedule run in progress; undefined outside a schedule’s script.',
    kinds: ['schedule'],
    install: { get: currentScheduleEvent },
    fields: run('schedule'),
    expand: {
      Sender: {
        ...job,
        Cron: true,
        StartTime: 'It never runs before this (-StartTime); undefined when not set.',
        EndTime: 'It never runs after this (-EndTime); undefined when not set.',
      },
    },
  },
  // tasks (issue 14): host/tasks/tasks.ts
  {
    name: '$TaskEvent',
    type: 'TaskEvent',
    imports: [{ name: 'TaskEvent', from: 'host/tasks/tasks.ts' }],
    description: 'The task process whose script is running (also its `Event` argument); undefined outside a task’s script.',
    kinds: ['task'],
    install: { get: currentTaskEvent },
    fields: { Lockable: true, Sender: true, Timestamp: true, ProcessId: true, Metadata: true },
    expand: {
      Sender: {
        Name: 'The task’s name (-Name).',
        Script: true,
        Arguments: true,
        Timeout: true,
        Retry: true,
      },
    },
  },
];
