// Every error id the engine and the cmdlets raise, with its en-US message and defaults: the one place a text
// is written. A call site names the id and the command: `throw errors.SseInvalidEventId(command, { what })`;
// `''` for an error of the host rather than of a cmdlet (its ErrorId is then the bare id). The binding errors,
// PowerShell's own texts, are the catalog in host/binder/messages.ts. docs/errors.md is generated from both.
import { defineCatalog, entry } from './define.ts';

/** ` (source)` after a route's path, naming the script line that registered it, when known. */
const at = (source: string | undefined) => (source ? ` (${source})` : '');

export const errors = defineCatalog({
  // ---- the server and its scripts --------------------------------------------------------------
  NoPodeServer: entry(
    'No podets server is being configured: run the script with `podets serve`, call it inside StartPodeServer(() => { … }), or, for a server made with createPodeServer, in its block, its handlers or pode.run(() => { … }).',
  ),
  PodetsLoadedTwice: entry(
    (a: { count: number; urls: readonly string[] }) =>
      `No podets server is being configured in this copy of podets: the process has loaded podets ${a.count} times (${a.urls.join('; ')}). ` +
      "A script must import the podets that runs it: `import … from 'podets'` in a project that installed podets, run with that project's `podets serve`.",
  ),
  ServerAlreadyRunning: entry('The server is already running.'),
  ScriptBlockRequired: entry('createPodeServer needs a function that registers the routes: createPodeServer(() => { AddPodeRoute(…) }).'),
  /** An option of createPodeServer the CLI's parsers refuse; the message is theirs. */
  InvalidServerOption: entry((a: { message: string }) => a.message),
  SseStrictWithoutSecret: entry('--sse-strict needs a secret: set PODETS_SSE_SECRET (or --sse-secret).'),
  PathNotFound: entry((a: { path: string }) => `The path does not exist: ${a.path}`, { parameter: 'FilePath' }),
  /** The import of a -FilePath script failed; the message says why (host/runtime/load.ts). */
  ScriptFileLoadFailed: entry((a: { message: string }) => a.message, { parameter: 'FilePath' }),
  ScriptFileHasNoDefaultFunction: entry((a: { path: string }) => `${a.path} must export a default function (the script block)`, {
    parameter: 'FilePath',
  }),

  // ---- calling cmdlets -------------------------------------------------------------------------
  CommandNotFoundException: entry(
    (a: { name: string; closest: readonly string[] }) =>
      `The term '${a.name}' is not recognized as a name of a podets cmdlet. Check the spelling; the closest names are: ${a.closest.join(', ')}.`,
  ),
  /** A syntax error in a `pode` command line; the tokenizer's message names the column (host/binder/tokenize.ts). */
  ParseError: entry((a: { message: string }) => a.message),
  ActionPreferenceNotSupported: entry(
    (a: { value: string; parameter: string }) =>
      `The value '${a.value}' of -${a.parameter} is not supported by podets: scripts run without an interactive host. Use SilentlyContinue, Stop, Continue or Ignore.`,
    { status: 500 },
  ),
  CommonParameterNotSupported: entry(
    (a: { parameter: 'OutBuffer' | 'PipelineVariable' }) =>
      `The -${a.parameter} parameter is not supported by podets: ` +
      (a.parameter === 'OutBuffer'
        ? 'cmdlet output is returned to the caller, not streamed through a pipeline buffer.'
        : 'cmdlets are not chained in a pipeline; use the returned value.'),
    { status: 500 },
  ),
  /**
   * A parameter Pode declares that podets declares too but cannot honour (the `unsupported` marker of a
   * declaration, checked by the binder in every call form). Giving it its default value is not refused.
   */
  ParameterNotSupported: entry(
    (a: { command: string; parameter: string; why: string }) => `${a.command}: -${a.parameter} is not supported by podets: ${a.why}.`,
    { status: 500, parameter: (a) => a.parameter },
  ),
  /** A value of a parameter podets otherwise honours (Add-PodeEndpoint -Protocol Smtp, Add-PodeRoute -Method Connect). */
  ParameterValueNotSupported: entry(
    (a: { command: string; parameter: string; value: string; why: string }) =>
      `${a.command}: -${a.parameter} ${a.value} is not supported by podets: ${a.why}.`,
    { status: 500, parameter: (a) => a.parameter },
  ),
  ActionPreferenceStop: entry(
    (a: { preference: string; message: string }) =>
      `The running command stopped because the preference variable "${a.preference}" or common parameter is set to Stop: ${a.message}`,
    { status: 500 },
  ),
  ValueNestedTooDeep: entry(
    (a: { parameter: string; target: string }) => `The value of -${a.parameter} is nested too deeply to be converted to ${a.target}.`,
    { status: 500, parameter: (a) => a.parameter },
  ),

  // ---- requests ---------------------------------------------------------------------------------
  NoCurrentWebEvent: entry('There is no current web request: this can only be used inside a route, middleware or other request handler.'),
  RequestBodyTooLarge: entry((a: { limit: number }) => `The request body is larger than the limit of ${a.limit} bytes.`, { status: 413 }),
  RequestBodyBudgetExceeded: entry('The server is holding as many request bodies as it can right now: try again shortly.', { status: 503 }),
  RequestBodyAborted: entry((a: { message: string }) => `The request body could not be read: ${a.message}`, { status: 400 }),
  InvalidRequestBody: entry(
    (a: { jsonError: string } | { maxDepth: number }) =>
      'jsonError' in a ? `The request body is not valid JSON: ${a.jsonError}` : `The request body is nested more than ${a.maxDepth} levels deep.`,
    { status: 400 },
  ),
  JsonCircularReference: entry('The value contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth.'),
  InvalidStatusCode: entry((a: { code: number }) => `'${a.code}' is not a valid HTTP status code.`),

  // ---- limits and endpoints --------------------------------------------------------------------
  InvalidRequestLimit: entry((a: { name: string; value: unknown }) => `${a.name} must be a whole number of at least 0 (got ${a.value}).`),
  BodyLimitAboveBudget: entry(
    (a: { limit: number; budget: number }) =>
      `The body limit (${a.limit} bytes) is larger than the body budget (${a.budget} bytes): no body that large could ever be accepted.`,
  ),
  HeadersTimeoutAboveRequestTimeout: entry(
    (a: { headersSeconds: number; requestSeconds: number }) =>
      `The headers timeout (${a.headersSeconds} s) is longer than the request timeout (${a.requestSeconds} s), which already covers the headers.`,
  ),
  /** From Add-PodeEndpoint (no endpoint named), or from the host for an https endpoint configured without one. */
  CertificateRequired: entry((a: { endpoint?: string }) =>
    a.endpoint === undefined
      ? 'An Https endpoint needs a -Certificate (PEM with -CertificateKey, or .pfx/.p12) or -SelfSigned.'
      : `An https endpoint needs a certificate (endpoint ${a.endpoint}).`,
  ),
  CertificateKeyRequired: entry((a: { endpoint: string }) => `The https endpoint ${a.endpoint} has a certificate but no certificate key.`),
  CertificateNotFound: entry((a: { what: string; path: string; message: string }) => `Cannot read the ${a.what} '${a.path}': ${a.message}`),
  CertificateSuppliedForNonHttpsEndpoint: entry('Certificate supplied for non-HTTPS endpoint.'),
  EndpointAlreadyDefined: entry((a: { name: string }) => `An endpoint named '${a.name}' has already been defined.`),
  EndpointBindFailed: entry(
    (a: { protocol: string; host: string; port: number; reason: string }) => `Cannot listen on ${a.protocol}://${a.host}:${a.port}: ${a.reason}`,
  ),

  // ---- routes and middleware -------------------------------------------------------------------
  NoPathSuppliedForRoute: entry('No Path supplied for the Route.'),
  NoLogicPassedForMethodRoute: entry((a: { methods: readonly string[]; path: string }) => `[${a.methods.join(',')}] ${a.path}: No logic passed.`),
  InvalidRouteMethod: entry((a: { method: string; path: string }) => `Unknown HTTP method '${a.method}' for route ${a.path}`),
  MethodPathAlreadyDefined: entry(
    (a: { method: string; path: string; source?: string; earlierPath: string; earlierSource?: string }) =>
      `[${a.method}] ${a.path}: Already defined. ` +
      `'${a.path}'${at(a.source)} is the same route as '${a.earlierPath}'${at(a.earlierSource)}, registered earlier.`,
  ),
  StaticPathAlreadyDefined: entry(
    (a: { path: string; source?: string; earlierPath: string; earlierSource?: string }) =>
      `[Static] ${a.path}: Already defined. '${a.path}'${at(a.source)} is the same static route as '${a.earlierPath}'${at(a.earlierSource)}, registered earlier.`,
  ),
  SourcePathDoesNotExistForStaticRoute: entry(
    (a: { path: string; folder: string }) => `[Static] ${a.path}: The Source path supplied for Static Route does not exist: ${a.folder}`,
  ),
  InvalidMiddlewareType: entry(
    (a: { type: string }) => `One of the Middlewares supplied is an invalid type. Expected either a ScriptBlock or a Hashtable, but got: ${a.type}`,
    { parameter: 'Middleware' },
  ),
  MiddlewareAlreadyDefined: entry((a: { name: string }) => `[Middleware] ${a.name}: Middleware already defined.`, { parameter: 'Name' }),
  MiddlewareNoLogicSupplied: entry('[Middleware]: No logic supplied in ScriptBlock.', { parameter: 'InputObject' }),

  // ---- SSE -------------------------------------------------------------------------------------
  SseServerStopping: entry('The server is stopping: no new SSE connections.', { status: 503 }),
  SseAcceptNotEventStream: entry(
    (a: { accept: string }) =>
      `SSE can only be configured on requests with an Accept header value of text/event-stream (got '${a.accept}'). Use -Force to convert anyway.`,
    { status: 406 },
  ),
  SseResponseAlreadySent: entry('The response has already been sent: it cannot become an SSE connection.'),
  // The X-PODE-SSE-* request headers, checked as Pode's listener checks them: PodeHttpRequestStrategy.cs
  // (Name missing, connection not found) and WebServer.ps1 (the id not valid). Pode's own texts.
  SseHeaderNameMissing: entry('Invalid SSE headers supplied, missing required X-Pode-Sse-Name HTTP header', { status: 400 }),
  SseHeaderConnectionNotFound: entry(
    (a: { name: string; groups: readonly string[]; clientId: string }) =>
      `The SSE client connection being referenced does not exist, Name: ${a.name}, Group: ${a.groups.join(',')}, ClientId: ${a.clientId}`,
    { status: 404 },
  ),
  SseInvalidClientId: entry((a: { clientId: string }) => `The X-PODE-SSE-CLIENT-ID value is not valid: ${a.clientId}`, { status: 400 }),
  /** PodeHttpContext.UpgradeToSSE: only GET and POST requests become SSE connections. */
  SseMethodNotAllowed: entry('SSE upgrade requests must use the GET or POST HTTP method', { status: 405 }),
  SseConnectionNotFound: entry((a: { name: string }) => `SSE connection not found: ${a.name}`),
  SseNameRequired: entry('An SSE connection Name is required, either from -Name or $WebEvent.Sse.Name'),
  // Pode's en locale: sseFailedToBroadcastExceptionMessage.
  SseBroadcastLevelExceeded: entry(
    (a: { name: string; level: string }) => `SSE failed to broadcast due to defined SSE broadcast level for ${a.name}: ${a.level}`,
  ),
  // Pode's texts, as src/Public/SSE.ps1 gives them above its throws (sseEvent{Already,Not}RegisteredExceptionMessage).
  SseEventAlreadyRegistered: entry(
    (a: { type: string; eventName: string; name: string }) => `${a.type} event already registered for SSE connection ${a.name}: ${a.eventName}`,
  ),
  SseEventNotRegistered: entry(
    (a: { type: string; eventName: string; name: string }) => `${a.type} event not registered for SSE connection ${a.name}: ${a.eventName}`,
  ),
  SseInvalidEventId: entry(
    (a: { what: string }) =>
      `The SSE event Id cannot contain a ${a.what}: line breaks would inject extra fields into the stream and NUL is not allowed in an event id.`,
  ),
  SseInvalidEventType: entry(
    (a: { what: string }) => `The SSE EventType cannot contain a ${a.what}: line breaks would inject extra fields into the stream.`,
  ),
  SseInvalidComment: entry((a: { what: string }) => `An SSE comment cannot contain a ${a.what}.`),
  SseDataCircularReference: entry(
    'The SSE event data contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth greater than 0.',
  ),
  /** Connecting the Redis backplane failed; the message is the client's. */
  SseBackplaneFailed: entry((a: { message: string }) => a.message),

  // ---- timers and schedules --------------------------------------------------------------------
  TimerAlreadyDefined: entry((a: { name: string }) => `Timer called '${a.name}' already exists`, { parameter: 'Name' }),
  TimerNameRequired: entry('A timer needs a Name', { parameter: 'Name' }),
  TimerParameterMustBeGreaterThanZero: entry(
    (a: { name: string; parameter: 'Interval' | 'Limit' | 'Skip' }) =>
      `[Timer] ${a.name}: ${a.parameter} must be ${a.parameter === 'Interval' ? 'greater than 0' : '0 or greater'}`,
    { parameter: (a) => a.parameter },
  ),
  TimerScriptRequired: entry((a: { name: string }) => `[Timer] ${a.name}: a ScriptBlock is required`, { parameter: 'ScriptBlock' }),
  ScheduleAlreadyDefined: entry((a: { name: string }) => `Schedule called '${a.name}' already exists`, { parameter: 'Name' }),
  ScheduleNameRequired: entry('A schedule needs a Name', { parameter: 'Name' }),
  InvalidCronExpression: entry(
    (a: { name: string; error?: string }) => `[Schedule] ${a.name}: ${a.error ?? 'at least one Cron expression is required'}`,
    { parameter: 'Cron' },
  ),
  ScheduleLimitInvalid: entry((a: { name: string }) => `[Schedule] ${a.name}: Limit must be 0 or greater`, { parameter: 'Limit' }),
  ScheduleTimeInvalid: entry((a: { name: string; parameter: 'StartTime' | 'EndTime' }) => `[Schedule] ${a.name}: ${a.parameter} must be a valid date`, {
    parameter: (a) => a.parameter,
  }),
  ScheduleEndTimeInPast: entry((a: { name: string }) => `[Schedule] ${a.name}: the EndTime value must be in the future`, { parameter: 'EndTime' }),
  ScheduleStartTimeAfterEndTime: entry((a: { name: string }) => `[Schedule] ${a.name}: cannot have a StartTime after the EndTime`, {
    parameter: 'StartTime',
  }),
  ScheduleScriptRequired: entry((a: { name: string }) => `[Schedule] ${a.name}: a ScriptBlock is required`, { parameter: 'ScriptBlock' }),

  // ---- logging ---------------------------------------------------------------------------------
  RequestLoggingAlreadyEnabled: entry('Request Logging has already been enabled'),
  RequestLoggingAfterStart: entry('Request Logging must be enabled before the server starts'),
  ErrorLoggingAlreadyEnabled: entry('Error Logging has already been enabled'),
  LoggingMethodRequiresValidScriptBlock: entry(
    (a: { logging: 'Request' | 'Error' }) => `The supplied output Method for ${a.logging} Logging requires a valid ScriptBlock`,
  ),
});
