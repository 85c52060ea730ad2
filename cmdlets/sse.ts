// Pode's SSE cmdlets (file group "SSE"): declarations. The engine lives in host/sse/.
import { defineGroup } from '../host/cmdlet/define.ts';
import { convertNested } from '../host/cmdlet/nesting.ts';
import type { CallContext } from '../host/cmdlet/context.ts';
import { errors } from '../host/errors/catalog.ts';
import { currentWebEvent, tryCurrentWebEvent } from '../host/http/context.ts';
import { currentServer } from '../host/runtime/server.ts';
import { connectBackplane } from '../host/runtime/backplane.ts';
import { SseConnection } from '../host/sse/connection.ts';
import { requestConnection } from '../host/sse/attach.ts';
import { toEventData } from '../host/sse/framing.ts';
import type { BroadcastLevel } from '../host/sse/settings.ts';
import { isClientIdValid, isValidlySigned } from '../host/sse/signing.ts';

const cmdlet = defineGroup('SSE');

const sse = () => currentServer().sse;

/**
 * The id to test and the signing key for this request. Pode (src/Public/SSE.ps1) takes an empty or missing
 * -ClientId from `$WebEvent.Request.ServerEvent.ClientId`: the connection the X-PODE-SSE-* headers named,
 * else the one this request converted to (PodeHttpRequestStrategy.ServerEvent).
 */
function clientIdAndKey(given: string | undefined) {
  const event = tryCurrentWebEvent();
  const id = given || (event ? requestConnection(event)?.ClientId : undefined) || '';
  const request = event?.Request;
  const key = sse().settings.keyFor(request && { userAgent: request.UserAgent, ip: request.RemoteIPAddress });
  return { id, key };
}

function knownName(name: string, ctx: CallContext): string {
  if (!sse().hasName(name)) throw errors.SseConnectionNotFound(ctx.command, { name });
  return name;
}

export const ConvertToPodeSseConnection = cmdlet({
  name: 'ConvertTo-PodeSseConnection',
  synopsis: 'Converts the current HTTP request to a Route to be an SSE connection.',
  description:
    'Converts the current HTTP request to a Route to be an SSE connection, by sending the required headers back to the client.\n' +
    'The connection can only be configured if the request\'s Accept header is "text/event-stream", unless Forced.',
  examples: [
    { code: "ConvertTo-PodeSseConnection -Name 'Actions'" },
    { code: "ConvertTo-PodeSseConnection -Name 'Actions' -Scope Local" },
    { code: "ConvertTo-PodeSseConnection -Name 'Actions' -Group 'admins'" },
    { code: "ConvertTo-PodeSseConnection -Name 'Actions' -AllowAllOrigins" },
    { code: "ConvertTo-PodeSseConnection -Name 'Actions' -ClientId 'my-client-id'" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the SSE connection, which ClientIds will be stored under.' },
    {
      name: 'Group',
      type: 'String',
      help: 'An optional Group for this SSE connection, to enable broadcasting events to all connections for an SSE connection name in a Group.',
    },
    {
      name: 'Scope',
      type: 'String',
      validateSet: ['Default', 'Local', 'Global'],
      default: 'Default',
      help:
        'The Scope of the SSE connection, either Default, Local or Global (Default: Default).\n' +
        '- If the Scope is Default, then it will be Global unless the default has been updated via Set-PodeSseDefaultScope.\n' +
        '- If the Scope is Local, then the SSE connection will only be opened for the duration of the request to a Route that configured it.\n' +
        '- If the Scope is Global, then the SSE connection will be cached internally so events can be sent to the connection from Tasks, Timers, and other Routes, etc.',
    },
    {
      name: 'RetryDuration',
      type: 'Int32',
      default: 0,
      help: 'An optional RetryDuration, in milliseconds, for the period of time a browser should wait before reattempting a connection if lost (Default: 0).',
    },
    {
      name: 'ClientId',
      type: 'String',
      help: 'An optional ClientId to use for the SSE connection, this value will be signed if signing is enabled (Default: GUID).',
    },
    { name: 'AllowAllOrigins', type: 'SwitchParameter', help: 'If supplied, then Access-Control-Allow-Origin will be set to * on the response.' },
    {
      name: 'Force',
      type: 'SwitchParameter',
      help: 'If supplied, the Accept header of the request will be ignored; attempting to configure an SSE connection even if the header isn\'t "text/event-stream".',
    },
  ],
  run: (args) => {
    sse().convert(currentWebEvent(), args);
  },
});

// ---- Default scope -----------------------------------------------------------------------------

export const SetPodeSseDefaultScope = cmdlet({
  name: 'Set-PodeSseDefaultScope',
  synopsis: 'Sets the default scope for new SSE connections.',
  description: 'Sets the default scope for new SSE connections.',
  examples: [{ code: 'Set-PodeSseDefaultScope -Scope Local' }, { code: 'Set-PodeSseDefaultScope -Scope Global' }],
  parameters: [
    {
      name: 'Scope',
      type: 'String',
      mandatory: true,
      validateSet: ['Local', 'Global'],
      keepCase: true,
      help:
        'The default Scope for new SSE connections, either Local or Global.\n' +
        '- If the Scope is Local, then new SSE connections will only be opened for the duration of the request to a Route that configured it.\n' +
        '- If the Scope is Global, then new SSE connections will be cached internally so events can be sent to the connection from Tasks, Timers, and other Routes, etc.',
    },
  ],
  run: (args) => sse().setDefaultScope(args.Scope),
});

export const GetPodeSseDefaultScope = cmdlet({
  name: 'Get-PodeSseDefaultScope',
  synopsis: 'Retrieves the default SSE connection scope for new SSE connections.',
  description: 'Retrieves the default SSE connection scope for new SSE connections, either Local or Global (Global unless changed by Set-PodeSseDefaultScope).',
  examples: [{ code: '$scope = Get-PodeSseDefaultScope' }],
  parameters: [],
  outputs: 'System.String',
  run: () => sse().settings.defaultScopeText,
});

// ---- Sending and closing -----------------------------------------------------------------------

export const SendPodeSseEvent = cmdlet({
  name: 'Send-PodeSseEvent',
  synopsis: 'Send an Event to one or more SSE connections.',
  description:
    'Send an Event to one or more SSE connections. This can either be:\n' +
    '- Every client for an SSE connection Name\n' +
    '- Specific Groups and/or ClientIds for an SSE connection Name\n' +
    '- The current SSE connection being referenced within $WebEvent.Sse\n' +
    'Multi-line Data is sent as one "data:" line per line, so it arrives intact.\n' +
    'With a backplane (--workers, --redis) it returns a promise that settles once the event has its place in the shared order; ' +
    'await it (or return it from the route) when a send made afterwards, on any instance, must come after it.',
  examples: [
    { code: "Send-PodeSseEvent -FromEvent -Data 'This is an event'" },
    { code: "Send-PodeSseEvent -FromEvent -Data @{ Message = 'A message' }" },
    { code: "Send-PodeSseEvent -Name 'Actions' -Data @{ Message = 'A message' }" },
    { code: "Send-PodeSseEvent -Name 'Actions' -Group 'admins' -Data @{ Message = 'A message' }" },
    { code: "Send-PodeSseEvent -Name 'Actions' -Data @{ Message = 'A message' } -ID 123 -EventType 'action'" },
    { code: "1, 2, 3 | Send-PodeSseEvent -Name 'Actions'", text: 'Several piped values are sent together as one JSON array: [1,2,3].' },
  ],
  defaultParameterSet: 'WebEvent',
  parameters: [
    {
      name: 'Data',
      type: 'Object',
      mandatory: true,
      position: 0,
      pipeline: true,
      help: 'The Data for the Event being sent, either as a String or a Hashtable/PSObject. If the latter, it will be converted into JSON.',
    },
    { name: 'Name', type: 'String[]', mandatory: true, sets: ['Name'], help: 'An SSE connection Name - multiple may be supplied.' },
    {
      name: 'Group',
      type: 'String[]',
      sets: ['Name'],
      help: 'An optional array of 1 or more SSE connection Groups to send Events to, for the specified SSE connection Name.',
    },
    {
      name: 'ClientId',
      type: 'String[]',
      sets: ['Name'],
      help: 'An optional array of 1 or more SSE connection ClientIds to send Events to, for the specified SSE connection Name.',
    },
    { name: 'Id', type: 'String', help: 'An optional ID for the Event being sent.' },
    { name: 'EventType', type: 'String', help: 'An optional EventType for the Event being sent.' },
    {
      name: 'Depth',
      type: 'Int32',
      default: 10,
      help: 'The Depth to generate the JSON document - the larger this value the worse performance gets (0 or less: no limit).',
    },
    {
      name: 'FromEvent',
      type: 'SwitchParameter',
      sets: ['WebEvent'],
      help:
        'If supplied, the SSE connection Name and ClientId will attempt to be retrieved from $WebEvent.Sse.\n' +
        'These details will be set if ConvertTo-PodeSseConnection has just been called. Or if X-PODE-SSE-CLIENT-ID and X-PODE-SSE-NAME are set on an HTTP request.',
    },
  ],
  run: (args, ctx) => {
    const engine = sse();
    const data = convertNested(ctx, 'Data', 'JSON', () => toEventData(args.Data, args.Depth, ctx.command));
    let names = args.Name;
    let groups = args.Group;
    let clientIds = args.ClientId;
    if (args.FromEvent) {
      const current = tryCurrentWebEvent()?.Sse;
      if (current instanceof SseConnection && current.IsLocal) return engine.sendTo(current, { id: args.Id, eventType: args.EventType, data });
      if (current) {
        names = current.Name ? [current.Name] : undefined;
        groups = current.Group ? [current.Group] : undefined;
        clientIds = [current.ClientId];
      }
    }
    if (!names || names.length === 0) throw errors.SseNameRequired(ctx.command);
    return engine.send({ names, groups, clientIds, id: args.Id, eventType: args.EventType, data });
  },
});

export const ClosePodeSseConnection = cmdlet({
  name: 'Close-PodeSseConnection',
  synopsis: 'Close one or more SSE connections.',
  description:
    'Close one or more SSE connections. Either all connections for an SSE connection Name, or specific Groups and/or ClientIds for a Name.\n' +
    'Each closed connection is sent a "pode.close" event first.\n' +
    'With a backplane (--workers, --redis) it returns a promise that settles once the close has its place in the shared order.',
  examples: [
    { code: "Close-PodeSseConnection -Name 'Actions'" },
    { code: "Close-PodeSseConnection -Name 'Actions' -Group 'admins'" },
    { code: "Close-PodeSseConnection -Name 'Actions' -ClientId @('my-client-id', 'my-other-id')" },
  ],
  parameters: [
    {
      name: 'Name',
      type: 'String',
      mandatory: true,
      help: 'The Name of the SSE connection which has the ClientIds for the connections to close. If supplied on its own, all connections will be closed.',
    },
    {
      name: 'Group',
      type: 'String[]',
      help: 'An optional array of 1 or more SSE connection Groups, that are for the SSE connection Name. If supplied without any ClientIds, then all connections for the Group(s) will be closed.',
    },
    {
      name: 'ClientId',
      type: 'String[]',
      help:
        'An optional array of 1 or more SSE connection ClientIds, that are for the SSE connection Name.\n' +
        'If not supplied, every SSE connection for the supplied Name will be closed.',
    },
  ],
  run: (args) => sse().close(args.Name, args.Group, args.ClientId),
});

// ---- Names and ClientIds -----------------------------------------------------------------------

export const TestPodeSseName = cmdlet({
  name: 'Test-PodeSseName',
  synopsis: 'Test if the name of an SSE connection exists or not.',
  description: 'Test if the name of an SSE connection exists or not: true when there is at least one global SSE connection with that Name.',
  examples: [{ code: "if (Test-PodeSseName -Name 'Example') { ... }" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of an SSE connection to test.' }],
  outputs: 'System.Boolean',
  run: (args) => sse().hasName(args.Name),
});

export const TestPodeSseClientId = cmdlet({
  name: 'Test-PodeSseClientId',
  synopsis: 'Test if an SSE connection ClientId exists or not.',
  description: 'Test if an SSE connection ClientId exists or not, optionally only within one or more Groups of the SSE connection Name.',
  examples: [
    { code: "if (Test-PodeSseClientId -Name 'Example' -ClientId 'my-client-id') { ... }" },
    { code: "if (Test-PodeSseClientId -Name 'Example' -Group 'admins' -ClientId 'my-client-id') { ... }" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of an SSE connection.' },
    { name: 'Group', type: 'String[]', help: 'An optional Group(s) for the SSE connection; the ClientId must be in one of them.' },
    { name: 'ClientId', type: 'String', mandatory: true, help: 'The SSE connection ClientId to test.' },
  ],
  outputs: 'System.Boolean',
  run: (args) => sse().hasClientId(args.Name, args.ClientId, args.Group),
});

export const NewPodeSseClientId = cmdlet({
  name: 'New-PodeSseClientId',
  synopsis: 'Generate a new SSE connection ClientId.',
  description: 'Generate a new SSE connection ClientId (a random UUID), which will be signed if signing enabled.',
  examples: [
    { code: '$clientId = New-PodeSseClientId' },
    { code: "$clientId = New-PodeSseClientId -ClientId 'my-client-id'" },
    { code: "$clientId = New-PodeSseClientId -ClientId 's:my-already-signed-client-id.uvG49LcojTMuJ0l4yzBzr6jCqEV8gGC/0YgsYU1QEuQ='" },
  ],
  parameters: [
    {
      name: 'ClientId',
      type: 'String',
      help: 'An optional SSE connection ClientId to use, if a custom ClientId is needed and required to be signed.',
    },
  ],
  outputs: 'System.String',
  run: (args) => sse().clientIdFor(args.ClientId, tryCurrentWebEvent()?.Request),
});

// ---- Signing -----------------------------------------------------------------------------------

export const EnablePodeSseSigning = cmdlet({
  name: 'Enable-PodeSseSigning',
  synopsis: 'Enable the signing of SSE connection ClientIds.',
  description: 'Enable the signing of SSE connection ClientIds, as "s:<clientId>.<signature>" using an HMAC-SHA256 of the ClientId.',
  examples: [{ code: "Enable-PodeSseSigning -Secret 'Sup3rS3cr37!'" }, { code: "Enable-PodeSseSigning -Secret 'Sup3rS3cr37!' -Strict" }],
  parameters: [
    { name: 'Secret', type: 'String', mandatory: true, help: 'A Secret to sign ClientIds, Get-PodeServerDefaultSecret can be used.' },
    {
      name: 'Strict',
      type: 'SwitchParameter',
      help: "If supplied, the Secret will be extended using the client request's UserAgent and RemoteIPAddress.",
    },
  ],
  run: (args) => {
    const settings = sse().settings;
    settings.secret = args.Secret;
    settings.strict = args.Strict;
  },
});

export const DisablePodeSseSigning = cmdlet({
  name: 'Disable-PodeSseSigning',
  synopsis: 'Disable the signing of SSE connection ClientIds.',
  description: 'Disable the signing of SSE connection ClientIds, clearing the Secret and Strict settings.',
  examples: [{ code: 'Disable-PodeSseSigning' }],
  parameters: [],
  run: () => {
    const settings = sse().settings;
    settings.secret = null;
    settings.strict = false;
  },
});

// Both default, at call time, to the ClientId of the request's SSE connection (see clientIdAndKey), so the docs
// show that instead of a value.
const requestClientIdParam = {
  name: 'ClientId',
  type: 'String',
  defaultText: "the request's SSE connection's ClientId",
  help: 'An optional SSE connection ClientId, if not supplied it will be retrieved from the current request.',
} as const;

export const TestPodeSseClientIdSigned = cmdlet({
  name: 'Test-PodeSseClientIdSigned',
  synopsis: 'Test if an SSE connection ClientId is validly signed.',
  description: 'Test if an SSE connection ClientId, passed or from the current request, is validly signed with the current Secret (and Strict key).',
  examples: [
    { code: 'if (Test-PodeSseClientIdSigned) { ... }' },
    { code: "if (Test-PodeSseClientIdSigned -ClientId 's:my-already-signed-client-id.uvG49LcojTMuJ0l4yzBzr6jCqEV8gGC/0YgsYU1QEuQ=') { ... }" },
  ],
  parameters: [
    requestClientIdParam,
  ],
  outputs: 'System.Boolean',
  run: (args) => {
    const { id, key } = clientIdAndKey(args.ClientId);
    return key !== null && isValidlySigned(id, key);
  },
});

export const TestPodeSseClientIdValid = cmdlet({
  name: 'Test-PodeSseClientIdValid',
  synopsis: 'Test if an SSE connection ClientId is valid.',
  description:
    "Test if an SSE connection ClientId, passed or from the current request, is valid. A ClientId is valid if it's not signed and we're not signing ClientIds,\n" +
    'or if we are signing ClientIds and the ClientId is validly signed. An empty ClientId is never valid.',
  examples: [{ code: 'if (Test-PodeSseClientIdValid) { ... }' }, { code: "if (Test-PodeSseClientIdValid -ClientId 'my-client-id') { ... }" }],
  parameters: [
    requestClientIdParam,
  ],
  outputs: 'System.Boolean',
  run: (args) => {
    const { id, key } = clientIdAndKey(args.ClientId);
    return isClientIdValid(id, key);
  },
});

// ---- Broadcast levels --------------------------------------------------------------------------

/** Set-PodeSseBroadcastLevel's -Type (declared casing, as the binder hands it over) → the engine's level. */
const BROADCAST_LEVELS = { Name: 'name', Group: 'group', ClientId: 'clientid' } as const satisfies Record<string, BroadcastLevel>;

export const SetPodeSseBroadcastLevel = cmdlet({
  name: 'Set-PodeSseBroadcastLevel',
  synopsis: 'Set an allowed broadcast level for SSE connections.',
  description: 'Set an allowed broadcast level for SSE connections, either for all SSE connection names or specific ones.',
  examples: [
    { code: 'Set-PodeSseBroadcastLevel -Type Name' },
    { code: 'Set-PodeSseBroadcastLevel -Type Group' },
    { code: "Set-PodeSseBroadcastLevel -Name 'Actions' -Type ClientId" },
  ],
  parameters: [
    {
      name: 'Name',
      type: 'String',
      validateNotNullOrEmpty: true,
      default: '*',
      help: 'An optional Name for an SSE connection (default: *).',
    },
    {
      name: 'Type',
      type: 'String',
      validateSet: ['Name', 'Group', 'ClientId'],
      help:
        'The broadcast level Type for the SSE connection.\n' +
        'Name = Allow broadcasting at all levels, including broadcasting to all Groups and/or ClientIds for an SSE connection Name.\n' +
        'Group = Allow broadcasting to only Groups or specific ClientIds. If neither Groups nor ClientIds are supplied, sending an event will fail.\n' +
        'ClientId = Allow broadcasting to only ClientIds. If no ClientIds are supplied, sending an event will fail.',
    },
  ],
  // Without -Type Pode stores '' ($Type.ToLowerInvariant() of an unbound [string]), which Get- reads as unset.
  run: (args) => sse().settings.setLevel(args.Name, args.Type === undefined ? '' : BROADCAST_LEVELS[args.Type]),
});

export const GetPodeSseBroadcastLevel = cmdlet({
  name: 'Get-PodeSseBroadcastLevel',
  synopsis: 'Retrieve the broadcast level for an SSE connection Name.',
  description:
    "Retrieve the broadcast level for an SSE connection Name. If one hasn't been set explicitly then the base level will be checked.\n" +
    'If no broadcasting level have been set at all, then the "Name" level will be returned.',
  examples: [{ code: "$level = Get-PodeSseBroadcastLevel -Name 'Actions'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of an SSE connection.' }],
  outputs: 'System.String',
  run: (args) => sse().settings.level(args.Name),
});

export const TestPodeSseBroadcastLevel = cmdlet({
  name: 'Test-PodeSseBroadcastLevel',
  synopsis: 'Test if an SSE connection can be broadcasted to, given the Name, Group, and ClientIds.',
  description: 'Test if an SSE connection can be broadcasted to, given the Name, Group, and ClientIds.',
  examples: [
    { code: "if (Test-PodeSseBroadcastLevel -Name 'Actions') { ... }" },
    { code: "if (Test-PodeSseBroadcastLevel -Name 'Actions' -Group 'admins') { ... }" },
    { code: "if (Test-PodeSseBroadcastLevel -Name 'Actions' -ClientId 'my-client-id') { ... }" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the SSE connection.' },
    { name: 'Group', type: 'String[]', help: 'An array of 1 or more Groups.' },
    { name: 'ClientId', type: 'String[]', help: 'An array of 1 or more ClientIds.' },
  ],
  outputs: 'System.Boolean',
  run: (args) => sse().settings.allows(args.Name, args.Group, args.ClientId),
});

// ---- Listing -----------------------------------------------------------------------------------

export const GetPodeSseNameList = cmdlet({
  name: 'Get-PodeSseNameList',
  synopsis: 'Retrieve a list of all SSE connection Names.',
  description: 'Retrieve a list of all SSE connection Names that have global connections.',
  examples: [{ code: '$names = Get-PodeSseNameList' }],
  parameters: [],
  outputs: 'System.String[]',
  run: () => sse().names(),
});

export const GetPodeSseGroupList = cmdlet({
  name: 'Get-PodeSseGroupList',
  synopsis: 'Retrieve a list of all Groups for an SSE connection Name.',
  description: 'Retrieve a list of all distinct Groups for an SSE connection Name. An unknown Name is an error.',
  examples: [{ code: "$groups = Get-PodeSseGroupList -Name 'Example'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of an SSE connection.' }],
  outputs: 'System.String[]',
  run: (args, ctx) => sse().groups(knownName(args.Name, ctx)),
});

export const GetPodeSseClientIdList = cmdlet({
  name: 'Get-PodeSseClientIdList',
  synopsis: 'Retrieve a list of all ClientIds for an SSE connection Name.',
  description: 'Retrieve a list of all ClientIds for an SSE connection Name, optionally filtered by Group. An unknown Name is an error.',
  examples: [
    { code: "$clientIds = Get-PodeSseClientIdList -Name 'Example'" },
    { code: "$clientIds = Get-PodeSseClientIdList -Name 'Example' -Group 'admins'" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of an SSE connection.' },
    { name: 'Group', type: 'String[]', help: 'An optional Group(s) for the SSE connection.' },
  ],
  outputs: 'System.String[]',
  run: (args, ctx) => sse().clientIds(knownName(args.Name, ctx), args.Group),
});

// ---- Connect/Disconnect events -----------------------------------------------------------------


export const RegisterPodeSseEvent = cmdlet({
  name: 'Register-PodeSseEvent',
  synopsis: 'Register an event for one or more SSE connections.',
  description:
    'Register an event for one or more SSE connections, allowing custom scriptblocks to be executed when the event is triggered.\n' +
    'The ScriptBlock is given $TriggeredEvent (Lockable, Name, Type, Timestamp, Connection, Metadata) and the ArgumentList; an error in it is logged.',
  examples: [
    {
      code:
        "Register-PodeSseEvent -Name 'Actions' -Type Connect -EventName 'OnConnect' -ScriptBlock {\n" +
        '    "SSE Connection established: $($TriggeredEvent.Connection.Name) - $($TriggeredEvent.Connection.ClientId)" | Out-Default\n' +
        '}',
    },
    {
      code:
        "Register-PodeSseEvent -Name 'Actions' -Type Disconnect -EventName 'OnDisconnect' -ArgumentList 'audit' -ScriptBlock {\n" +
        '    param($log)\n' +
        '    "[$log] SSE Connection closed: $($TriggeredEvent.Connection.ClientId)" | Out-Default\n' +
        '}',
    },
  ],
  parameters: [
    { name: 'Name', type: 'String[]', mandatory: true, help: 'The Name(s) of the SSE connection(s) to register the event for.' },
    {
      name: 'Type',
      type: 'PodeClientConnectionEventType',
      mandatory: true,
      help: 'The Type of event to register, either Connect or Disconnect.',
    },
    { name: 'EventName', type: 'String', mandatory: true, help: 'The name of the event to register.' },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, pipeline: true, help: 'The ScriptBlock to execute when the event is triggered.' },
    { name: 'ArgumentList', type: 'Object[]', help: 'An optional array of Arguments to pass to the ScriptBlock when executed.' },
  ],
  run: (args, ctx) => {
    const reg = { EventName: args.EventName, Type: args.Type, ScriptBlock: args.ScriptBlock, UsingVariables: null, Arguments: args.ArgumentList ?? null };
    sse().events.register(args.Name, reg, ctx.command);
  },
});

export const UnregisterPodeSseEvent = cmdlet({
  name: 'Unregister-PodeSseEvent',
  synopsis: 'Unregister an event for one or more SSE connections.',
  description: 'Unregister an event for one or more SSE connections. Unregistering an event that is not registered is an error.',
  examples: [{ code: "Unregister-PodeSseEvent -Name 'Actions' -Type Connect -EventName 'OnConnect'" }],
  parameters: [
    { name: 'Name', type: 'String[]', mandatory: true, help: 'The Name(s) of the SSE connection(s) to unregister the event for.' },
    {
      name: 'Type',
      type: 'PodeClientConnectionEventType',
      mandatory: true,
      help: 'The Type of event to unregister, either Connect or Disconnect.',
    },
    { name: 'EventName', type: 'String', mandatory: true, help: 'The name of the event to unregister.' },
  ],
  run: (args, ctx) => {
    for (const name of args.Name) sse().events.unregister(name, args.Type, args.EventName, ctx.command);
  },
});

export const TestPodeSseEvent = cmdlet({
  name: 'Test-PodeSseEvent',
  synopsis: 'Test if one or more SSE events are registered.',
  description: 'Test if one or more SSE events are registered.',
  examples: [
    { code: "if (Test-PodeSseEvent -Name 'Actions' -Type Connect -EventName 'OnConnect') { ... }" },
    { code: 'if (Test-PodeSseEvent -Type Disconnect) { ... }' },
  ],
  parameters: [
    { name: 'Name', type: 'String[]', help: 'An optional Name(s) of the SSE connection(s) to test.' },
    {
      name: 'Type',
      type: 'PodeClientConnectionEventType[]',
      mandatory: true,
      help: 'The Type(s) of event to test, either Connect or Disconnect.',
    },
    { name: 'EventName', type: 'String[]', help: 'An optional name(s) of the event to test.' },
  ],
  outputs: 'System.Boolean',
  run: (args) => sse().events.find(args.Name, args.Type, args.EventName).length > 0,
});

export const GetPodeSseEvent = cmdlet({
  name: 'Get-PodeSseEvent',
  synopsis: 'Retrieve one or more SSE events.',
  description: 'Retrieve one or more registered SSE events, optionally filtered by SSE connection Name and event name.',
  examples: [
    { code: "$events = Get-PodeSseEvent -Name 'Actions' -Type Connect -EventName 'OnConnect'" },
    { code: '$events = Get-PodeSseEvent -Type Disconnect' },
  ],
  parameters: [
    { name: 'Name', type: 'String[]', help: 'An optional Name(s) of the SSE connection(s) to retrieve events for.' },
    {
      name: 'Type',
      type: 'PodeClientConnectionEventType[]',
      mandatory: true,
      validateNotNullOrEmpty: true,
      help: 'The Type(s) of event to retrieve, either Connect or Disconnect.',
    },
    { name: 'EventName', type: 'String[]', help: 'An optional name(s) of the event to retrieve.' },
  ],
  outputs: 'System.Object[]',
  run: (args) => sse().events.find(args.Name, args.Type, args.EventName),
});

// ---- Beyond Pode: replay and heartbeat ---------------------------------------------------------------

export const SetPodeSseHistory = cmdlet({
  name: 'Set-PodeSseHistory',
  synopsis: 'Keep recent SSE events so reconnecting clients get what they missed.',
  description:
    'Keeps the last Count events sent to an SSE connection Name (or to every Name, with *), optionally no older than MaxAge seconds. ' +
    'While history is on, events sent without an -Id get increasing ids. A client reconnecting with a Last-Event-ID still in the history first ' +
    'receives, in order, every later event that was addressed to it (Group and ClientId narrowing respected); an id no longer in the history ' +
    'gets a pode.gap event whose data is that id, so the client can resync. A Count of 0 turns history off.',
  examples: [
    { code: "Set-PodeSseHistory -Name 'Actions' -Count 100" },
    { code: 'Set-PodeSseHistory -Count 500 -MaxAge 300' },
  ],
  parameters: [
    { name: 'Name', type: 'String', validateNotNullOrEmpty: true, default: '*', help: 'The SSE connection Name, or * for every Name without its own setting (Default: *).' },
    { name: 'Count', type: 'Int32', mandatory: true, validateRange: [0, 1000000], help: 'How many events to keep; 0 turns history off.' },
    { name: 'MaxAge', type: 'Int32', default: 0, validateRange: [0, 2147483647], help: 'Drop events older than this many seconds (Default: 0, no age bound).' },
  ],
  run: (args) => sse().history.setBound(args.Name, { count: args.Count, maxAgeSeconds: args.MaxAge }),
});

export const SetPodeSseHeartbeat = cmdlet({
  name: 'Set-PodeSseHeartbeat',
  synopsis: 'Set how long an SSE connection may be idle before it gets a pode.ping event.',
  description:
    'Every SSE connection that has had no activity for Interval seconds is sent a pode.ping event, which keeps proxies from timing out idle ' +
    'streams and finds clients that have gone (a failed write disposes the connection and fires its Disconnect events). One shared timer ' +
    'serves every connection. The default is 60 seconds, as in Pode; 0 turns pings off.',
  examples: [{ code: 'Set-PodeSseHeartbeat -Interval 15' }],
  parameters: [
    { name: 'Interval', type: 'Int32', mandatory: true, validateRange: [0, 86400], help: 'Seconds of inactivity before a ping; 0 turns pings off.' },
  ],
  run: (args) => {
    sse().pingInterval = args.Interval;
  },
});

// ---- Beyond Pode: scale-out across machines ------------------------------------------------------------

export const SetPodeSseBackplane = cmdlet({
  name: 'Set-PodeSseBackplane',
  synopsis: 'Share SSE connections, events and history with other podets instances through Redis.',
  description:
    'Connects this server to Redis (pub/sub, via ioredis) so instances on any number of machines share one SSE space, as `podets serve --redis <url>` does. ' +
    'Send-PodeSseEvent and Close-PodeSseConnection then reach the matching connections on every instance, in one order; Test-PodeSseName, ' +
    'Test-PodeSseClientId and the Get-*List cmdlets answer for all of them (each instance keeps its presence in Redis with an expiry it refreshes, ' +
    'so a dead instance\'s connections disappear within it); and history (Set-PodeSseHistory, which every instance should set alike) is kept in Redis, ' +
    'so a client may reconnect to any instance with Last-Event-ID. The server waits for the connection before it listens; an unreachable Redis is an error. ' +
    'If Redis is lost later, each instance delivers locally, logs once, reconnects with backoff and resumes without a restart.',
  examples: [
    { code: "Set-PodeSseBackplane -Url 'redis://127.0.0.1:6379'" },
    { code: "Set-PodeSseBackplane -Url 'rediss://user:password@redis.example.com:6380/2?prefix=myapp:'" },
  ],
  parameters: [
    {
      name: 'Url',
      type: 'String',
      mandatory: true,
      validateNotNullOrEmpty: true,
      help:
        'The Redis URL: redis://[user:password@]host[:port][/db] (rediss:// for TLS). Optional query parameters: prefix (of every key and channel, ' +
        'default podets:) and presenceTtl (seconds a dead instance\'s connections stay listed, default 15).',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const connected = connectBackplane(server, args.Url).then(
      () => undefined,
      (err: Error) => {
        throw errors.SseBackplaneFailed(ctx.command, { message: err.message });
      },
    );
    // The server listens only once connected; awaiting the call is optional.
    server.setup.push(connected);
    connected.catch(() => {});
    return connected;
  },
});
