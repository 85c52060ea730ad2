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
    { podetsOnly: true },
  ),
  PodetsLoadedTwice: entry(
    (a: { count: number; urls: readonly string[] }) =>
      `No podets server is being configured in this copy of podets: the process has loaded podets ${a.count} times (${a.urls.join('; ')}). ` +
      "A script must import the podets that runs it: `import … from 'podets'` in a project that installed podets, run with that project's `podets serve`.",
    { podetsOnly: true },
  ),
  ServerAlreadyRunning: entry('The server is already running.', { podetsOnly: true }),
  ScriptBlockRequired: entry('createPodeServer needs a function that registers the routes: createPodeServer(() => { AddPodeRoute(…) }).', {
    podetsOnly: true,
  }),
  /** An option of createPodeServer the CLI's parsers refuse; the message is theirs. */
  InvalidServerOption: entry((a: { message: string }) => a.message, { podetsOnly: true }),
  SseStrictWithoutSecret: entry('--sse-strict needs a secret: set PODETS_SSE_SECRET (or --sse-secret).', { podetsOnly: true }),
  // A -FilePath as Pode's Convert-PodeFileToScriptBlock checks it: the path must exist, and be a file.
  PathNotFound: entry((a: { path: string }) => `Path does not exist: ${a.path}`, { parameter: 'FilePath', pode: 'pathNotExistExceptionMessage' }),
  InvalidPathWildcardOrDirectory: entry((a: { path: string }) => `The Path supplied cannot be a wildcard or a directory: ${a.path}`, {
    parameter: 'FilePath',
    pode: 'invalidPathWildcardOrDirectoryExceptionMessage',
  }),
  /** The import of a -FilePath script failed; the message says why (host/runtime/load.ts). */
  ScriptFileLoadFailed: entry((a: { message: string }) => a.message, { parameter: 'FilePath', podetsOnly: true }),
  ScriptFileHasNoDefaultFunction: entry((a: { path: string }) => `${a.path} must export a default function (the script block)`, {
    parameter: 'FilePath',
    podetsOnly: true,
  }),

  // ---- calling cmdlets -------------------------------------------------------------------------
  CommandNotFoundException: entry(
    (a: { name: string; closest: readonly string[] }) =>
      `The term '${a.name}' is not recognized as a name of a podets cmdlet. Check the spelling; the closest names are: ${a.closest.join(', ')}.`,
    { podetsOnly: true },
  ),
  /** A syntax error in a `pode` command line; the tokenizer's message names the column (host/binder/tokenize.ts). */
  ParseError: entry((a: { message: string }) => a.message, { podetsOnly: true }),
  ActionPreferenceNotSupported: entry(
    (a: { value: string; parameter: string }) =>
      `The value '${a.value}' of -${a.parameter} is not supported by podets: scripts run without an interactive host. Use SilentlyContinue, Stop, Continue or Ignore.`,
    { status: 500, podetsOnly: true },
  ),
  CommonParameterNotSupported: entry(
    (a: { parameter: 'OutBuffer' | 'PipelineVariable' }) =>
      `The -${a.parameter} parameter is not supported by podets: ` +
      (a.parameter === 'OutBuffer'
        ? 'cmdlet output is returned to the caller, not streamed through a pipeline buffer.'
        : 'cmdlets are not chained in a pipeline; use the returned value.'),
    { status: 500, podetsOnly: true },
  ),
  /**
   * A parameter Pode declares that podets declares too but cannot honour (the `unsupported` marker of a
   * declaration, checked by the binder in every call form). Giving it its default value is not refused.
   */
  ParameterNotSupported: entry(
    (a: { command: string; parameter: string; why: string }) => `${a.command}: -${a.parameter} is not supported by podets: ${a.why}.`,
    { status: 500, parameter: (a) => a.parameter, podetsOnly: true },
  ),
  /** A value of a parameter podets otherwise honours (Add-PodeEndpoint -Protocol Smtp, Add-PodeRoute -Method Connect). */
  ParameterValueNotSupported: entry(
    (a: { command: string; parameter: string; value: string; why: string }) =>
      `${a.command}: -${a.parameter} ${a.value} is not supported by podets: ${a.why}.`,
    { status: 500, parameter: (a) => a.parameter, podetsOnly: true },
  ),
  ActionPreferenceStop: entry(
    (a: { preference: string; message: string }) =>
      `The running command stopped because the preference variable "${a.preference}" or common parameter is set to Stop: ${a.message}`,
    { status: 500, podetsOnly: true },
  ),
  ValueNestedTooDeep: entry(
    (a: { parameter: string; target: string }) => `The value of -${a.parameter} is nested too deeply to be converted to ${a.target}.`,
    { status: 500, parameter: (a) => a.parameter, podetsOnly: true },
  ),

  // ---- requests ---------------------------------------------------------------------------------
  NoCurrentWebEvent: entry('There is no current web request: this can only be used inside a route, middleware or other request handler.', {
    podetsOnly: true,
  }),
  // Pode's listener (PodeHttpRequestStrategy.cs, a body past RequestBodySize) says 'Payload too large'; podets adds the limit.
  RequestBodyTooLarge: entry((a: { limit: number }) => `Payload too large: the limit is ${a.limit} bytes.`, {
    status: 413,
    pode: 'PodeHttpRequestStrategy.cs',
    addition: 'the limit',
  }),
  RequestBodyBudgetExceeded: entry('The server is holding as many request bodies as it can right now: try again shortly.', { status: 503, podetsOnly: true }),
  RequestBodyAborted: entry((a: { message: string }) => `The request body could not be read: ${a.message}`, { status: 400, podetsOnly: true }),
  InvalidRequestBody: entry(
    (a: { jsonError: string } | { maxDepth: number }) =>
      'jsonError' in a ? `The request body is not valid JSON: ${a.jsonError}` : `The request body is nested more than ${a.maxDepth} levels deep.`,
    { status: 400, podetsOnly: true },
  ),
  JsonCircularReference: entry('The value contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth.', {
    podetsOnly: true,
  }),
  InvalidStatusCode: entry((a: { code: number }) => `'${a.code}' is not a valid HTTP status code.`, { podetsOnly: true }),

  // ---- limits and endpoints --------------------------------------------------------------------
  InvalidRequestLimit: entry((a: { name: string; value: unknown }) => `${a.name} must be a whole number of at least 0 (got ${a.value}).`, { podetsOnly: true }),
  BodyLimitAboveBudget: entry(
    (a: { limit: number; budget: number }) =>
      `The body limit (${a.limit} bytes) is larger than the body budget (${a.budget} bytes): no body that large could ever be accepted.`,
    { podetsOnly: true },
  ),
  HeadersTimeoutAboveRequestTimeout: entry(
    (a: { headersSeconds: number; requestSeconds: number }) =>
      `The headers timeout (${a.headersSeconds} s) is longer than the request timeout (${a.requestSeconds} s), which already covers the headers.`,
    { podetsOnly: true },
  ),
  /**
   * From Add-PodeEndpoint (no endpoint named), or from the host for an https endpoint configured without one.
   * Pode's Add-PodeEndpoint takes an Https endpoint without a certificate; podets refuses it.
   */
  CertificateRequired: entry(
    (a: { endpoint?: string }) =>
      a.endpoint === undefined
        ? 'An Https endpoint needs a -Certificate (PEM with -CertificateKey, or .pfx/.p12) or -SelfSigned.'
        : `An https endpoint needs a certificate (endpoint ${a.endpoint}).`,
    { podetsOnly: true },
  ),
  CertificateKeyRequired: entry((a: { endpoint: string }) => `The https endpoint ${a.endpoint} has a certificate but no certificate key.`, {
    podetsOnly: true,
  }),
  CertificateNotFound: entry((a: { what: string; path: string; message: string }) => `Cannot read the ${a.what} '${a.path}': ${a.message}`, {
    podetsOnly: true,
  }),
  CertificateSuppliedForNonHttpsEndpoint: entry('Certificate supplied for non-HTTPS/WSS endpoint.', {
    pode: 'certificateSuppliedForNonHttpsWssEndpointExceptionMessage',
  }),
  ClientCertificatesOnlySupportedOnHttpsEndpoints: entry('Client certificates are only supported on HTTPS endpoints.', {
    parameter: 'AllowClientCertificate',
    pode: 'clientCertificatesOnlySupportedOnHttpsEndpointsExceptionMessage',
  }),
  // Add-PodeEndpoint's TCP and SMTP options on an Http or Https endpoint, which Pode refuses too (the endpoints
  // that take them are ones podets does not serve).
  ExplicitTlsModeOnlySupportedOnSmtpsTcpsEndpoints: entry('The Explicit TLS mode is only supported on SMTPS and TCPS endpoints.', {
    parameter: 'TlsMode',
    pode: 'explicitTlsModeOnlySupportedOnSmtpsTcpsEndpointsExceptionMessage',
  }),
  AcknowledgeMessageOnlySupportedOnSmtpTcpEndpoints: entry('The Acknowledge message is only supported on SMTP and TCP endpoints.', {
    parameter: 'Acknowledge',
    pode: 'acknowledgeMessageOnlySupportedOnSmtpTcpEndpointsExceptionMessage',
  }),
  CrlfMessageEndCheckOnlySupportedOnTcpEndpoints: entry('The CRLF message end check is only supported on TCP endpoints.', {
    parameter: 'CRLFMessageEnd',
    pode: 'crlfMessageEndCheckOnlySupportedOnTcpEndpointsExceptionMessage',
  }),
  EndpointAlreadyDefined: entry((a: { name: string }) => `An endpoint named '${a.name}' has already been defined.`, {
    pode: 'endpointAlreadyDefinedExceptionMessage',
  }),
  EndpointBindFailed: entry(
    (a: { protocol: string; host: string; port: number; reason: string }) => `Cannot listen on ${a.protocol}://${a.host}:${a.port}: ${a.reason}`,
    { podetsOnly: true },
  ),

  // ---- routes and middleware -------------------------------------------------------------------
  NoPathSuppliedForRoute: entry('No Path supplied for the Route.', { pode: 'noPathSuppliedForRouteExceptionMessage' }),
  NoLogicPassedForMethodRoute: entry((a: { methods: readonly string[]; path: string }) => `[${a.methods.join(',')}] ${a.path}: No logic passed.`, {
    pode: 'noLogicPassedForMethodRouteExceptionMessage',
  }),
  /** The engine's router (createPodeServer's routes); Add-PodeRoute's -Method is a ValidateSet, refused by the binder. */
  InvalidRouteMethod: entry((a: { method: string; path: string }) => `Unknown HTTP method '${a.method}' for route ${a.path}`, { podetsOnly: true }),
  // Pode's Test-PodeRouteInternal (src/Private/Routes.ps1): '[{0}] {1}: Already defined.', with 'Static' as the
  // method of a static route. podets adds the two registrations, which can differ in case or placeholder names.
  MethodPathAlreadyDefined: entry(
    (a: { method: string; path: string; source?: string; earlierPath: string; earlierSource?: string }) =>
      `[${a.method}] ${a.path}: Already defined. ` +
      `'${a.path}'${at(a.source)} is the same route as '${a.earlierPath}'${at(a.earlierSource)}, registered earlier.`,
    { pode: 'methodPathAlreadyDefinedExceptionMessage', addition: 'the earlier registration and the script line of each' },
  ),
  StaticPathAlreadyDefined: entry(
    (a: { path: string; source?: string; earlierPath: string; earlierSource?: string }) =>
      `[Static] ${a.path}: Already defined. '${a.path}'${at(a.source)} is the same static route as '${a.earlierPath}'${at(a.earlierSource)}, registered earlier.`,
    { pode: 'methodPathAlreadyDefinedExceptionMessage', addition: 'the earlier registration and the script line of each' },
  ),
  // Pode's {0} is the route's path (after its own rewriting of it into a pattern; podets gives the path as written).
  SourcePathDoesNotExistForStaticRoute: entry(
    (a: { path: string; folder: string }) => `${a.path}: The Source path supplied for Static Route does not exist: ${a.folder}`,
    { pode: 'sourcePathDoesNotExistForStaticRouteExceptionMessage' },
  ),
  // -Middleware as Pode's ConvertTo-PodeMiddleware checks it; `type` is the short .NET name, as GetType().Name.
  InvalidMiddlewareType: entry(
    (a: { type: string }) => `One of the Middlewares supplied is an invalid type. Expected either a ScriptBlock or Hashtable, but got: ${a.type}`,
    { parameter: 'Middleware', pode: 'invalidMiddlewareTypeExceptionMessage' },
  ),
  HashtableMiddlewareNoLogic: entry('A Hashtable Middleware supplied has no Logic defined.', {
    parameter: 'Middleware',
    pode: 'hashtableMiddlewareNoLogicExceptionMessage',
  }),
  InvalidLogicTypeInHashtableMiddleware: entry(
    (a: { type: string }) => `A Hashtable Middleware supplied has an invalid Logic type. Expected ScriptBlock, but got: ${a.type}`,
    { parameter: 'Middleware', pode: 'invalidLogicTypeInHashtableMiddlewareExceptionMessage' },
  ),
  MiddlewareAlreadyDefined: entry((a: { name: string }) => `[Middleware] ${a.name}: Middleware already defined.`, {
    parameter: 'Name',
    pode: 'middlewareAlreadyDefinedExceptionMessage',
  }),
  MiddlewareNoLogicSupplied: entry('[Middleware]: No logic supplied in ScriptBlock.', {
    parameter: 'InputObject',
    pode: 'middlewareNoLogicSuppliedExceptionMessage',
  }),

  // ---- cookies (host/http/cookies.ts, cmdlets/cookies.ts) ------------------------------------
  /** A Set-Cookie part with a character a cookie may not carry (.NET's System.Net.Cookie refuses these too). */
  CookieInvalidPart: entry(
    (a: { part: string; value: string; reason: string; parameter?: string }) => `The '${a.part}'=${a.value} part of the cookie is invalid: ${a.reason}.`,
    { status: 400, podetsOnly: true, parameter: (a) => a.parameter },
  ),
  /** Update-PodeCookieExpiry for a cookie neither on the request nor set on the response (Pode sets a property of $null). */
  CookieNotFound: entry((a: { name: string }) => `No cookie named ${a.name} is on the request or set on the response.`, {
    status: 400,
    parameter: 'Name',
    podetsOnly: true,
  }),
  // ---- end cookies ---------------------------------------------------------------------------------

  // ---- sessions (host/session/, cmdlets/sessions.ts) -------------------------------------------
  SessionMiddlewareAlreadyInitialized: entry('Session Middleware has already been initialised.', { pode: 'sessionMiddlewareAlreadyInitializedExceptionMessage' }),
  NoSessionAvailableToSave: entry('There is no session available to save.', { pode: 'noSessionAvailableToSaveExceptionMessage' }),
  NoSessionToSetOnResponse: entry('There is no session available to set on the response.', { pode: 'noSessionToSetOnResponseExceptionMessage' }),
  SecretRequiredForCustomSessionStorage: entry('A Secret is required when using custom session storage.', {
    parameter: 'Secret',
    pode: 'secretRequiredForCustomSessionStorageExceptionMessage',
  }),
  CustomSessionStorageMethodNotImplemented: entry(
    (a: { method: string }) => `The custom session storage does not implement the required '${a.method}()' method.`,
    { parameter: 'Storage', pode: 'customSessionStorageMethodNotImplementedExceptionMessage' },
  ),
  /** -Duration's ValidateScript text; the binder's "Cannot validate argument on parameter 'Duration'." goes before it. */
  SessionDurationMustBeZeroOrGreater: entry((a: { duration: number }) => `Duration must be 0 or greater, but got: ${a.duration}s`, {
    parameter: 'Duration',
    pode: 'durationMustBeZeroOrGreaterExceptionMessage',
  }),
  SessionDataCircular: entry('The session data refers to itself: it cannot be saved (a session is stored as JSON).', { podetsOnly: true }),
  // ---- end sessions ----------------------------------------------------------------------------

  // ---- SSE -------------------------------------------------------------------------------------
  SseServerStopping: entry('The server is stopping: no new SSE connections.', { status: 503, podetsOnly: true }),
  SseAcceptNotEventStream: entry(
    (a: { accept: string }) =>
      `SSE can only be configured on requests with an Accept header value of text/event-stream (got '${a.accept}'). Use -Force to convert anyway.`,
    { status: 406, pode: 'sseOnlyConfiguredOnEventStreamAcceptHeaderExceptionMessage', addition: 'the Accept value it got, and that -Force converts anyway' },
  ),
  SseResponseAlreadySent: entry('The response has already been sent: it cannot become an SSE connection.', { podetsOnly: true }),
  // The X-PODE-SSE-* request headers, checked as Pode's listener checks them: PodeHttpRequestStrategy.cs
  // (Name missing, connection not found) and WebServer.ps1 (the id not valid). Pode's own texts.
  SseHeaderNameMissing: entry('Invalid SSE headers supplied, missing required X-Pode-Sse-Name HTTP header', {
    status: 400,
    pode: 'PodeHttpRequestStrategy.cs',
  }),
  SseHeaderConnectionNotFound: entry(
    (a: { name: string; groups: readonly string[]; clientId: string }) =>
      `The SSE client connection being referenced does not exist, Name: ${a.name}, Group: ${a.groups.join(',')}, ClientId: ${a.clientId}`,
    { status: 404, pode: 'PodeHttpRequestStrategy.cs' },
  ),
  SseInvalidClientId: entry((a: { clientId: string }) => `The X-PODE-SSE-CLIENT-ID value is not valid: ${a.clientId}`, {
    status: 400,
    pode: 'WebServer.ps1',
  }),
  /** PodeHttpContext.UpgradeToSSE: only GET and POST requests become SSE connections. */
  SseMethodNotAllowed: entry('SSE upgrade requests must use the GET or POST HTTP method', { status: 405, pode: 'PodeHttpContext.cs' }),
  // Get-PodeSseGroupList/ClientIdList for a Name with no connection: sseConnectionNameNotFoundExceptionMessage -f
  // Name. No stored en locale has the key; the comment above Pode's throw reads "SSE connection not found", and
  // podets puts the Name after it.
  SseConnectionNotFound: entry((a: { name: string }) => `SSE connection not found: ${a.name}`, {
    pode: 'sseConnectionNameNotFoundExceptionMessage',
    addition: 'the Name, which Pode formats into a text no stored version of its locale has',
  }),
  SseNameRequired: entry('An SSE connection Name is required, either from -Name or $WebEvent.Sse.Name', {
    pode: 'sseConnectionNameRequiredExceptionMessage',
  }),
  SseBroadcastLevelExceeded: entry(
    (a: { name: string; level: string }) => `SSE failed to broadcast due to defined SSE broadcast level for ${a.name}: ${a.level}`,
    { pode: 'sseFailedToBroadcastExceptionMessage' },
  ),
  // Pode's texts, as src/Public/SSE.ps1 gives them above its throws: no stored en locale has these keys yet.
  SseEventAlreadyRegistered: entry(
    (a: { type: string; eventName: string; name: string }) => `${a.type} event already registered for SSE connection ${a.name}: ${a.eventName}`,
    { pode: 'sseEventAlreadyRegisteredExceptionMessage' },
  ),
  SseEventNotRegistered: entry(
    (a: { type: string; eventName: string; name: string }) => `${a.type} event not registered for SSE connection ${a.name}: ${a.eventName}`,
    { pode: 'sseEventNotRegisteredExceptionMessage' },
  ),
  SseInvalidEventId: entry(
    (a: { what: string }) =>
      `The SSE event Id cannot contain a ${a.what}: line breaks would inject extra fields into the stream and NUL is not allowed in an event id.`,
    { podetsOnly: true },
  ),
  SseInvalidEventType: entry(
    (a: { what: string }) => `The SSE EventType cannot contain a ${a.what}: line breaks would inject extra fields into the stream.`,
    { podetsOnly: true },
  ),
  SseInvalidComment: entry((a: { what: string }) => `An SSE comment cannot contain a ${a.what}.`, { podetsOnly: true }),
  SseDataCircularReference: entry(
    'The SSE event data contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth greater than 0.',
    { podetsOnly: true },
  ),
  /** Connecting the Redis backplane failed; the message is the client's. */
  SseBackplaneFailed: entry((a: { message: string }) => a.message, { podetsOnly: true }),

  // ---- timers and schedules --------------------------------------------------------------------
  // Add-PodeTimer's and Add-PodeSchedule's own checks, in Pode's words.
  TimerAlreadyDefined: entry((a: { name: string }) => `[Timer] ${a.name}: Timer already defined.`, {
    parameter: 'Name',
    pode: 'timerAlreadyDefinedExceptionMessage',
  }),
  // Pode's -Name and -ScriptBlock are Mandatory, and -StartTime/-EndTime [DateTime]: PowerShell's binding refuses
  // what these say (an empty Name, no script block, not a date) before Pode's code runs.
  TimerNameRequired: entry('A timer needs a Name', { parameter: 'Name', podetsOnly: true }),
  // Pode's one text for the three, though a Limit or Skip of 0 is allowed (only a negative one is refused).
  TimerParameterMustBeGreaterThanZero: entry(
    (a: { name: string; parameter: 'Interval' | 'Limit' | 'Skip' }) => `[Timer] ${a.name}: ${a.parameter} must be greater than 0.`,
    { parameter: (a) => a.parameter, pode: 'timerParameterMustBeGreaterThanZeroExceptionMessage' },
  ),
  TimerScriptRequired: entry((a: { name: string }) => `[Timer] ${a.name}: a ScriptBlock is required`, { parameter: 'ScriptBlock', podetsOnly: true }),
  ScheduleAlreadyDefined: entry((a: { name: string }) => `[Schedule] ${a.name}: Schedule already defined.`, {
    parameter: 'Name',
    pode: 'scheduleAlreadyDefinedExceptionMessage',
  }),
  ScheduleNameRequired: entry('A schedule needs a Name', { parameter: 'Name', podetsOnly: true }),
  // croner parses the expressions (5 fields, or 6 with seconds, which Pode's parser refuses), so its errors are
  // not the ones Pode's cron parser raises (cronExpressionInvalidExceptionMessage and the rest): podets' own.
  InvalidCronExpression: entry(
    (a: { name: string; error?: string }) => `[Schedule] ${a.name}: ${a.error ?? 'at least one Cron expression is required'}`,
    { parameter: 'Cron', podetsOnly: true },
  ),
  ScheduleLimitInvalid: entry((a: { name: string }) => `[Schedule] ${a.name}: Cannot have a negative limit.`, {
    parameter: 'Limit',
    pode: 'scheduleCannotHaveNegativeLimitExceptionMessage',
  }),
  ScheduleTimeInvalid: entry((a: { name: string; parameter: 'StartTime' | 'EndTime' }) => `[Schedule] ${a.name}: ${a.parameter} must be a valid date`, {
    parameter: (a) => a.parameter,
    podetsOnly: true,
  }),
  ScheduleEndTimeInPast: entry((a: { name: string }) => `[Schedule] ${a.name}: The EndTime value must be in the future.`, {
    parameter: 'EndTime',
    pode: 'scheduleEndTimeMustBeInFutureExceptionMessage',
  }),
  ScheduleStartTimeAfterEndTime: entry((a: { name: string }) => `[Schedule] ${a.name}: Cannot have a StartTime after the EndTime`, {
    parameter: 'StartTime',
    pode: 'scheduleStartTimeAfterEndTimeExceptionMessage',
  }),
  ScheduleScriptRequired: entry((a: { name: string }) => `[Schedule] ${a.name}: a ScriptBlock is required`, { parameter: 'ScriptBlock', podetsOnly: true }),

  // ---- New-PodeCron (host/timers/newcron.ts), in Pode's words --------------------------------------------------
  CronIntervalWithEveryNone: entry("Cannot supply an interval when the parameter 'Every' is set to None.", {
    parameter: 'Interval',
    pode: 'cannotSupplyIntervalWhenEveryIsNoneExceptionMessage',
  }),
  CronIntervalForQuarter: entry('Cannot supply interval value for every quarter.', { parameter: 'Interval', pode: 'cannotSupplyIntervalForQuarterExceptionMessage' }),
  CronIntervalForYear: entry('Cannot supply interval value for every year.', { parameter: 'Interval', pode: 'cannotSupplyIntervalForYearExceptionMessage' }),
  CronSingleValueForInterval: entry((a: { field: string }) => `You can only supply a single ${a.field} value when using intervals.`, {
    parameter: (a) => a.field,
    pode: 'singleValueForIntervalExceptionMessage',
  }),
  // Set-PodeDefaultFolder: Pode's Test-Path -PathType Container, failing with its text.
  DefaultFolderNotFound: entry((a: { path: string }) => `Path does not exist: ${a.path}`, { parameter: 'Path', pode: 'pathNotExistExceptionMessage' }),
  // ---- end New-PodeCron

  // ---- authentication (cmdlets/authentication.ts, host/auth/) -------------------------------------
  AuthMethodAlreadyDefined: entry((a: { name: string }) => `Authentication method already defined: ${a.name}`, {
    parameter: 'Name',
    pode: 'authMethodAlreadyDefinedExceptionMessage',
  }),
  AuthSchemeRequiresValidScriptBlock: entry(
    (a: { name: string }) => `The supplied scheme for the '${a.name}' authentication validator requires a valid ScriptBlock.`,
    { parameter: 'Scheme', pode: 'schemeRequiresValidScriptBlockExceptionMessage' },
  ),
  SessionsRequiredForSessionPersistentAuth: entry('Sessions are required to use session persistent authentication.', {
    pode: 'sessionsRequiredForSessionPersistentAuthExceptionMessage',
  }),
  AuthMethodNotExistForMerging: entry((a: { name: string }) => `Authentication method does not exist for merging: ${a.name}`, {
    parameter: 'Authentication',
    pode: 'authMethodNotExistForMergingExceptionMessage',
  }),
  MergeDefaultAuthNotInList: entry((a: { name: string }) => `The MergeDefault Authentication '${a.name}' is not in the Authentication list supplied.`, {
    parameter: 'MergeDefault',
    pode: 'mergeDefaultAuthNotInListExceptionMessage',
  }),
  DefaultAuthNotInList: entry((a: { name: string }) => `The Default Authentication '${a.name}' is not in the Authentication list supplied.`, {
    parameter: 'Default',
    pode: 'defaultAuthNotInListExceptionMessage',
  }),
  ScriptBlockRequiredForMergingUsers: entry('A Scriptblock for merging multiple authenticated users into 1 object is required When Valid is All.', {
    parameter: 'ScriptBlock',
    pode: 'scriptBlockRequiredForMergingUsersExceptionMessage',
  }),
  AuthenticationMethodDoesNotExist: entry((a: { name: string }) => `Authentication method does not exist: ${a.name}`, {
    parameter: 'Authentication',
    pode: 'authenticationMethodDoesNotExistExceptionMessage',
  }),
  UserFileDoesNotExist: entry((a: { path: string }) => `The user file does not exist: ${a.path}`, {
    parameter: 'FilePath',
    pode: 'userFileDoesNotExistExceptionMessage',
  }),
  /** New-PodeAuthScheme's Digest, OAuth2 and ClientCertificate sets: declared as Pode declares them, not implemented. */
  AuthSchemeNotSupported: entry(
    (a: { scheme: string; why: string }) => `New-PodeAuthScheme: the ${a.scheme} scheme is not supported by podets: ${a.why}.`,
    { podetsOnly: true },
  ),
  SessionsNotConfigured: entry('Sessions have not been configured.', { pode: 'sessionsNotConfiguredExceptionMessage' }),
  /** A users file (Add-PodeAuthUserFile) that is not Pode's JSON array of users. */
  UserFileInvalid: entry((a: { path: string; reason: string }) => `The user file '${a.path}' cannot be read: ${a.reason}`, {
    podetsOnly: true,
  }),

  // ---- logging ---------------------------------------------------------------------------------
  RequestLoggingAlreadyEnabled: entry('Request Logging has already been enabled.', { pode: 'requestLoggingAlreadyEnabledExceptionMessage' }),
  RequestLoggingAfterStart: entry('Request Logging must be enabled before the server starts', { podetsOnly: true }),
  ErrorLoggingAlreadyEnabled: entry('Error Logging has already been enabled.', { pode: 'errorLoggingAlreadyEnabledExceptionMessage' }),
  // Pode's English comment above the throw reads "… for Request Logging …"; its text quotes the kind.
  LoggingMethodRequiresValidScriptBlock: entry(
    (a: { logging: 'Request' | 'Error' }) => `The supplied output Method for the '${a.logging}' Logging method requires a valid ScriptBlock.`,
    { pode: 'loggingMethodRequiresValidScriptBlockExceptionMessage' },
  ),

  // ---- security (Set-PodeSecurityAccessControl) --------------------------------------------------
  AccessControlWildcardHeadersWithCredentials: entry(
    'When Credentials is passed, The * wildcard for Headers will be taken as a literal string and not a wildcard.',
    { parameter: 'Headers', pode: 'credentialsPassedWildcardForHeadersLiteralExceptionMessage' },
  ),
  AccessControlWildcardHeadersWithAutoHeaders: entry('The * wildcard for Headers is incompatible with the AutoHeaders switch.', {
    parameter: 'Headers',
    pode: 'wildcardHeadersIncompatibleWithAutoHeadersExceptionMessage',
  }),
  AccessControlWildcardMethodsWithAutoMethods: entry('The * wildcard for Methods is incompatible with the AutoMethods switch.', {
    parameter: 'Methods',
    pode: 'wildcardMethodsIncompatibleWithAutoMethodsExceptionMessage',
  }),
  /** Node refuses such a header value on every response: refused once, when the script sets it. */
  AccessControlInvalidHeaderValue: entry(
    (a: { parameter: 'Origin' | 'Headers'; value: string }) =>
      `The -${a.parameter} value ${JSON.stringify(a.value)} cannot be sent in an HTTP header: it holds a control character (CR, LF, NUL…) or a character above U+00FF.`,
    { parameter: (a) => a.parameter, podetsOnly: true },
  ),
  AccessControlInvalidMaxAge: entry((a: { duration: number }) => `Invalid Access-Control-Max-Age duration supplied: ${a.duration}. Should be greater than 0.`, {
    parameter: 'Duration',
    pode: 'invalidAccessControlMaxAgeDurationExceptionMessage',
  }),
  // ---- JWT (host/auth/jwt.ts, cmdlets/jwt.ts) ---------------------------------------------------------
  // A token's faults: 400 when it is malformed, 401 when it is well formed but not accepted. The caller's own
  // mistakes (no secret, a key node cannot read) are 500s.
  JwtTooLarge: entry(
    (a: { length: number; limit: number }) => `The JWT is ${a.length} characters long; podets reads tokens of at most ${a.limit} characters (8 KiB).`,
    { status: 400, podetsOnly: true },
  ),
  JwtInvalid: entry('Invalid JWT supplied.', { status: 400, pode: 'invalidJwtSuppliedExceptionMessage' }),
  JwtInvalidBase64: entry('Invalid Base64 encoded value found in JWT', { status: 400, pode: 'invalidBase64JwtExceptionMessage' }),
  JwtInvalidJson: entry('Invalid JSON value found in JWT', { status: 400, pode: 'invalidJsonJwtExceptionMessage' }),
  JwtInvalidHeaderAlgorithm: entry('Invalid JWT header algorithm supplied.', { status: 400, pode: 'invalidJwtHeaderAlgorithmSuppliedExceptionMessage' }),
  /** `alg` is quoted from the token through quoteUntrusted (printable ASCII, at most 32 characters). */
  JwtUnsupportedAlgorithm: entry((a: { alg: string }) => `The JWT algorithm is not currently supported: ${a.alg}`, {
    status: 400,
    pode: 'unsupportedJwtAlgorithmExceptionMessage',
  }),
  JwtNoSignatureForAlgorithm: entry((a: { alg: string }) => `No JWT signature supplied for ${a.alg}.`, {
    status: 401,
    pode: 'noJwtSignatureForAlgorithmExceptionMessage',
  }),
  JwtExpectedNoSignature: entry('Expected no JWT signature to be supplied.', { status: 401, pode: 'expectedNoJwtSignatureSuppliedExceptionMessage' }),
  JwtAlgorithmNotAllowed: entry(
    (a: { alg: string; allowed: readonly string[] }) =>
      `The JWT algorithm ${a.alg} is not accepted here: ` + (a.allowed.length ? `expected ${a.allowed.join(', ')}.` : 'no algorithm is.'),
    { status: 401, podetsOnly: true },
  ),
  JwtInvalidSignature: entry('Invalid JWT signature supplied.', { status: 401, pode: 'invalidJwtSignatureSuppliedExceptionMessage' }),
  JwtExpired: entry('The JWT has expired.', { status: 401, pode: 'jwtExpiredExceptionMessage' }),
  JwtNotYetValid: entry('The JWT is not yet valid for use.', { status: 401, pode: 'jwtNotYetValidExceptionMessage' }),
  JwtInvalidNumericDate: entry(
    (a: { claim: 'exp' | 'nbf' | 'iat' }) => `The JWT's ${a.claim} claim is not a NumericDate (a number of seconds since 1970-01-01 UTC).`,
    { status: 401, podetsOnly: true },
  ),
  // Test-PodeJwt's claim checks: Pode's texts for them are not in the Pode.psd1 podets quotes (commit ec400314).
  JwtIssuedInFuture: entry('The JWT was issued in the future: its iat claim is later than now.', { status: 401, podetsOnly: true }),
  JwtInvalidIssuer: entry((a: { issuer: string }) => `The JWT's iss claim is not the expected issuer '${a.issuer}'.`, { status: 401, podetsOnly: true }),
  JwtMissingIssuer: entry('The JWT has no iss claim, which the Strict verification mode requires.', { status: 401, podetsOnly: true }),
  JwtInvalidAudience: entry("The JWT's aud claim is neither a string nor an array.", { status: 401, podetsOnly: true }),
  JwtMissingAudience: entry('The JWT has no aud claim, which the Strict verification mode requires.', { status: 401, podetsOnly: true }),
  JwtInvalidSubject: entry("The JWT's sub claim is not a string.", { status: 401, podetsOnly: true }),
  JwtInvalidJti: entry("The JWT's jti claim is not a string.", { status: 401, podetsOnly: true }),
  JwtMissingJti: entry('The JWT has no jti claim, which the Strict verification mode requires.', { status: 401, podetsOnly: true }),
  JwtNoSecret: entry('No secret supplied for JWT signature.', { parameter: 'Secret', pode: 'noSecretForJwtSignatureExceptionMessage' }),
  JwtNoSecretExpectedForNone: entry('Expected no secret to be supplied for no signature.', { pode: 'noSecretExpectedForNoSignatureExceptionMessage' }),
  JwtNoAlgorithmInHeader: entry('No algorithm supplied in JWT Header.', { parameter: 'Header', pode: 'noAlgorithmInJwtHeaderExceptionMessage' }),
  JwtKeyInvalid: entry((a: { what: string; reason: string }) => `The ${a.what} is not a PEM key or certificate node:crypto can read: ${a.reason}`, {
    podetsOnly: true,
  }),
  JwtKeyAlgorithmUnknown: entry(
    (a: { type: string; size: string }) =>
      `No JWT algorithm signs with a ${a.type} key of ${a.size}: RSA keys of 2048, 3072 or 4096 bits and EC keys on P-256, P-384 or P-521 are supported.`,
    { podetsOnly: true },
  ),
  JwtPrivateKeyRequired: entry(
    'Signing a JWT with a certificate needs its private key: give -PrivateKeyPath, or a PEM file holding the private key with the certificate.',
    { parameter: 'PrivateKeyPath', podetsOnly: true },
  ),
  JwtCertificateNotFound: entry((a: { path: string }) => `Path does not exist: ${a.path}`, { parameter: 'Certificate', pode: 'pathNotExistExceptionMessage' }),
  JwtCertificateExpired: entry((a: { subject: string; date: string }) => `The certificate '${a.subject}' has expired: ${a.date}`, {
    parameter: 'Certificate',
    pode: 'certificateExpiredExceptionMessage',
  }),
  JwtCertificateNotYetValid: entry((a: { subject: string; date: string }) => `The certificate '${a.subject}' is not valid before ${a.date}.`, {
    parameter: 'Certificate',
    podetsOnly: true,
  }),
  JwtCertificateNotForCodeSigning: entry(
    (a: { subject: string }) => `The certificate '${a.subject}' does not allow code signing (extended key usage 1.3.6.1.5.5.7.3.3), which a JWT certificate needs.`,
    { parameter: 'Certificate', podetsOnly: true },
  ),
  JwtNoKeyToVerify: entry(
    (a: { alg: string }) => `The JWT is signed (${a.alg}) but no secret or certificate was given to verify it with: give -Secret or -Certificate, or -IgnoreSignature to read it unverified.`,
    { status: 401, podetsOnly: true },
  ),

  // ---- state and locks (cmdlets/state.ts, cmdlets/threading.ts; host/state/) -------------------
  FailedToAcquireLock: entry('Failed to acquire a lock on the object.', { parameter: 'Timeout', pode: 'failedToAcquireLockExceptionMessage' }),
  CannotLockValueType: entry('Cannot lock a [ValueType]', { parameter: 'Object', pode: 'cannotLockValueTypeExceptionMessage' }),
  CannotUnlockValueType: entry('Cannot unlock a [ValueType]', { parameter: 'Object', pode: 'cannotUnlockValueTypeExceptionMessage' }),
  StatePatternInvalid: entry((a: { pattern: string; reason: string }) => `The Pattern '${a.pattern}' is not a valid regular expression: ${a.reason}`, {
    parameter: 'Pattern',
    podetsOnly: true,
  }),
  StateDepthInvalid: entry((a: { depth: number }) => `The Depth must be 0 or greater, but got: ${a.depth}`, { parameter: 'Depth', podetsOnly: true }),
  StateFileNotJson: entry((a: { path: string; reason: string }) => `The state file '${a.path}' is not JSON: ${a.reason}`, { parameter: 'Path', podetsOnly: true }),
  StateFileInvalidFormat: entry(
    (a: { path: string; type: string }) => `The state file '${a.path}' does not hold a Pode state: expected a dictionary of state objects, but got: ${a.type}`,
    { parameter: 'Path', podetsOnly: true },
  ),
  StateFileNotPode: entry((a: { path: string }) => `The state file '${a.path}' does not represent a valid Pode state (its Metadata.Product is not 'Pode').`, {
    parameter: 'Path',
    podetsOnly: true,
  }),
  StateFileUnknownType: entry((a: { path: string; type: string }) => `The state file '${a.path}' holds an unknown dictionary type: ${a.type}`, {
    parameter: 'Path',
    podetsOnly: true,
  }),
  StateSaveFailed: entry((a: { path: string; reason: string }) => `The state could not be saved to '${a.path}' (the file is unchanged): ${a.reason}`, {
    parameter: 'Path',
    podetsOnly: true,
  }),
  // ---- end state and locks
  // ---- Metrics (cmdlets/metrics.ts)
  // Get-PodeServerActiveSignalClientMetric -Name: signalConnectionNameNotFoundExceptionMessage -f Name. No stored en
  // locale has the key; the comment above Pode's throw reads "Signal connection not found", and podets puts the Name
  // after it, as for SseConnectionNotFound. podets has no signals, so every Name is one with no connection.
  SignalConnectionNotFound: entry((a: { name: string }) => `Signal connection not found: ${a.name}`, {
    pode: 'signalConnectionNameNotFoundExceptionMessage',
    addition: 'the Name, which Pode formats into a text no stored version of its locale has',
  }),
  // ---- end Metrics
  // ---- tasks (issue 14: host/tasks/tasks.ts, cmdlets/tasks.ts) -----------------------------------
  TaskAlreadyDefined: entry((a: { name: string }) => `[Task] ${a.name}: Task already defined.`, {
    parameter: 'Name',
    pode: 'taskAlreadyDefinedExceptionMessage',
  }),
  TaskDoesNotExist: entry((a: { name: string }) => `Task '${a.name}' does not exist.`, { parameter: 'Name', pode: 'taskDoesNotExistExceptionMessage' }),
  MaximumConcurrentTasksInvalid: entry((a: { maximum: number }) => `Maximum concurrent tasks must be >=1 but got: ${a.maximum}`, {
    parameter: 'Maximum',
    pode: 'maximumConcurrentTasksInvalidExceptionMessage',
  }),
  TaskTimedOut: entry((a: { ms: number }) => `Task has timed out after ${a.ms}ms.`, { pode: 'taskTimedOutExceptionMessage' }),
  // Pode's text names .NET types; podets waits on a Promise or on Invoke-PodeTask's process.
  InvalidTaskType: entry('Task type is invalid, expected either a Promise or a task process (the result of Invoke-PodeTask)', {
    parameter: 'Process',
    podetsOnly: true,
  }),
  TaskClosed: entry((a: { name: string; id: string }) => `Task '${a.name}' process ${a.id} was closed before it finished.`, { podetsOnly: true }),
  TaskQueueFull: entry(
    (a: { name: string; limit: number }) =>
      `Task '${a.name}' cannot be invoked: ${a.limit} task processes are already waiting for a free slot (the task queue limit; see --task-queue-limit).`,
    { podetsOnly: true },
  ),
  TaskCancelled: entry((a: { name: string; id: string }) => `Task '${a.name}' process ${a.id} did not run: the server is stopping.`, {
    podetsOnly: true,
  }),
  PathToLoadNotFound: entry((a: { what: string; path: string }) => `Path to load ${a.what} not found: ${a.path}`, {
    parameter: 'Path',
    pode: 'pathToLoadNotFoundExceptionMessage',
  }),
  TaskProcessDoesNotExist: entry((a: { id: string }) => `Task process does not exist: ${a.id}`, { parameter: 'Process', podetsOnly: true }),
  // end tasks
  // ---- the status page (issue 14: host/metrics/status.ts, cmdlets/status.ts) ----------------------
  StatusAuthenticationNotFound: entry(
    (a: { name: string }) =>
      `The status page is to be protected by the authentication '${a.name}', but the script adds no authentication method of that name (Add-PodeAuth -Name '${a.name}').`,
    { podetsOnly: true },
  ),
  StatusPathInvalid: entry((a: { path: string }) => `The status page's path must start with '/': ${a.path}`, { parameter: 'Path', podetsOnly: true }),
  // end status page
  // ---- cluster state and locks (issue 14: host/state/replica.ts, cluster-locks.ts; docs/state.md)
  StateUnreachable: entry((a: { where: string }) => `The state is shared through ${a.where}, which cannot be reached: the change was not made.`, {
    podetsOnly: true,
  }),
  StateValueNotShareable: entry((a: { name: string; reason: string }) => `The state object '${a.name}' cannot be shared as JSON: ${a.reason}`, {
    parameter: 'Value',
    podetsOnly: true,
  }),
  ClusterLockUnreachable: entry((a: { where: string; reason: string }) => `The cluster-wide lock could not be taken through ${a.where}: ${a.reason}`, {
    podetsOnly: true,
  }),
  // ---- end cluster state and locks
});
