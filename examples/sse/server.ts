/// <reference path="../../globals.d.ts" />
// The SSE example, a port of Pode's examples/Sse.ps1: `podets serve examples/sse/server.ts`, then open
// http://localhost:8080/ (or `curl -N -H 'Accept: text/event-stream' http://127.0.0.1:8080/sse`).
//
// - /sse          a global stream named 'Events': it stays open, a timer feeds it, other routes can send to it;
// - /sse/local    a local stream: two events, then the route ends and the connection closes (pode.close);
// - POST /api/message  sends a message to every 'Events' connection, or only to one Group's;
// - Connect/Disconnect events of 'Events' are logged to the terminal.
//
// The calls mix podets' three call forms on purpose (docs/calling-cmdlets.md): splat objects,
// positional values and the pode`…` PowerShell command line.

const STREAM = 'Events';
let ticks = 0;

// `podets serve --port 0` (or --address) overrides this endpoint's port (or address).
AddPodeEndpoint({ Address: 'localhost', Port: 8080, Protocol: 'Http' });
EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod() });

// Beyond Pode: keep the last 50 events of the stream, so a browser that reconnects (it sends
// Last-Event-ID) first gets what it missed. With history on, events sent without an -Id are numbered.
SetPodeSseHistory(STREAM, 50); // positional: -Name Events -Count 50
// Idle connections get pode.ping after 30 s (Pode's default is 60 s).
pode`Set-PodeSseHeartbeat -Interval 30`;

// The page (public/index.html, self-contained) at /.
AddPodeStaticRoute({ Path: '/', Source: './public' });

// The global stream. `?group=…` puts the connection in a Group, which POST /api/message can target.
AddPodeRoute({
  Method: 'Get',
  Path: '/sse',
  ScriptBlock: () => {
    const group = $WebEvent.Query.group;
    ConvertToPodeSseConnection({
      Name: STREAM,
      Group: typeof group === 'string' && group.trim() !== '' ? group.trim() : undefined,
      Scope: 'Global',
      RetryDuration: 2000, // tells the browser to wait 2 s before reconnecting
    });
  },
});

// The local stream: open, two events 1 s apart, and the route's end closes it with pode.close.
AddPodeRoute({
  Method: 'Get',
  Path: '/sse/local',
  ScriptBlock: async () => {
    pode`ConvertTo-PodeSseConnection -Name Data -Scope Local`;
    pode`Send-PodeSseEvent -FromEvent -Id 1234 -EventType Action -Data ${'hello, there!'}`;
    await StartPodeSleep({ Seconds: 1 });
    SendPodeSseEvent('general kenobi', { FromEvent: true, Id: '1337', EventType: 'BoldOne' });
  },
});

// A timer feeds the global stream every 2 seconds. Pode's timers take whole seconds.
AddPodeTimer({
  Name: 'SendEvent',
  Interval: 2,
  ScriptBlock: () => {
    ticks++;
    SendPodeSseEvent({ Name: STREAM, EventType: 'tick', Data: { count: ticks, time: new Date().toISOString() } });
  },
});

// Send a message to the stream, from a form or JSON: { message, group? }. With a group, only that
// Group's connections get it.
AddPodeRoute({
  Method: 'Post',
  Path: '/api/message',
  ScriptBlock: () => {
    const body = ($WebEvent.Data ?? {}) as { message?: unknown; group?: unknown };
    const message = typeof body.message === 'string' ? body.message.trim() : '';
    const group = typeof body.group === 'string' && body.group.trim() !== '' ? body.group.trim() : undefined;
    if (message === '') return WritePodeJsonResponse({ Value: { error: 'A message is required' }, StatusCode: 400 });
    const data = { message, group: group ?? null, time: new Date().toISOString() };
    if (group) pode`Send-PodeSseEvent -Name ${STREAM} -Group ${group} -EventType message -Data ${data}`;
    else SendPodeSseEvent({ Name: STREAM, EventType: 'message', Data: data });
    WritePodeJsonResponse({ Value: { sent: data }, StatusCode: 202 });
  },
});

// Who is connected: the global connections of the stream, by group.
AddPodeRoute({
  Method: 'Get',
  Path: '/api/connections',
  ScriptBlock: () => {
    if (!TestPodeSseName(STREAM)) return WritePodeJsonResponse({ Value: { clients: [], groups: [] } });
    WritePodeJsonResponse({ Value: { clients: GetPodeSseClientIdList(STREAM), groups: GetPodeSseGroupList(STREAM) } });
  },
});

// Connect/Disconnect events: $TriggeredEvent.Connection is the connection's fields.
RegisterPodeSseEvent(STREAM, 'Connect', 'LogConnect', () => {
  const { ClientId, Group } = $TriggeredEvent.Connection;
  WritePodeHost(`SSE connected: ${ClientId}${Group ? ` (group ${Group})` : ''}`, { ForegroundColor: 'Green' });
});
RegisterPodeSseEvent({
  Name: STREAM,
  Type: 'Disconnect',
  EventName: 'LogDisconnect',
  ArgumentList: ['bye'],
  ScriptBlock: (word: string) => {
    WritePodeHost(`SSE disconnected (${word}): ${$TriggeredEvent.Connection.ClientId}`, { ForegroundColor: 'Yellow' });
  },
});
