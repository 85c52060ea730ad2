/// <reference path="../../globals.d.ts" />
// Per-user notifications over server-sent events, behind a form login: `podets serve examples/notifications/server.ts`,
// then open http://localhost:8080/ and log in as alice (password wonderland) in one browser and bob (builder) in
// another (or a private window: the session is a cookie).
//
// - GET /login, POST /login   a form login (Add-PodeAuthUserFile: the users are in users.json, passwords hashed);
// - POST /logout              ends the session, and with it the user's streams (they get pode.close);
// - GET /                     the notifications page (public/index.html), for a logged-in session only;
// - GET /events               the user's stream: the 'notifications' SSE connection, in a Group named after the
//                             user, so each user is a group of their own (every tab they open is in it);
// - POST /api/notify          { to: 'bob', text: '…' } sends a `note` event to that user's group only;
// - GET /api/me               who the session is;
// - Connect/Disconnect of the stream are logged with the user ($TriggeredEvent.Auth, podets' addition).
//
// Without a session, GET /, GET /events and POST /api/notify redirect to /login (the Session method's -FailureUrl).
// A stream does not extend its session: with -Extend, each request of the session (a page load, a POST
// /api/notify) moves its expiry; a session that expires ends its streams with pode.close.

type User = { Name: string; Username: string };

const STREAM = 'notifications';
const MAX_TEXT = 500;

// `podets serve --port 0` (or --address) overrides this endpoint's port (or address).
AddPodeEndpoint({ Address: 'localhost', Port: 8080, Protocol: 'Http' });
EnablePodeErrorLogging({ Method: NewPodeLogTerminalMethod() });

// Sessions: a signed cookie (pode.sid). Give NOTIFICATIONS_SESSION_SECRET outside development: with the default
// below anyone who reads this file can sign a session id.
EnablePodeSessionMiddleware({
  Secret: process.env.NOTIFICATIONS_SESSION_SECRET ?? 'dev-only-secret-change-me',
  Duration: 3600,
  Extend: true,
  HttpOnly: true,
});

// The login: a form's username and password checked against ./users.json (the default -FilePath, relative to this
// script), Pode's format: Password is Base64(SHA-256(password)). A success is kept in the session and redirects to
// /, a failure to /login. Written as Pode writes it: New-PodeAuthScheme -Form | Add-PodeAuthUserFile -Name Login …
AddPodeAuthUserFile.pipe(NewPodeAuthScheme({ Form: true }), { Name: 'Login', FailureUrl: '/login', SuccessUrl: '/' });
// The session: passes when the session holds a logged-in user, else redirects to /login.
pode`Add-PodeAuthSession -Name Session -FailureUrl /login`;

// The login page. With -Login, a session that is already logged in is sent on to / instead.
AddPodeRoute({ Method: 'Get', Path: '/login', Authentication: 'Login', Login: true, ScriptBlock: () => WritePodeHtmlResponse({ Path: 'public/login.html' }) });
// The form posts here: the Login method validates it and redirects (this script runs only if it did not).
AddPodeRoute({ Method: 'Post', Path: '/login', Authentication: 'Login', Login: true, ScriptBlock: () => {} });
// Logout: the session is removed (its streams get pode.close), then a redirect to /login.
AddPodeRoute({ Method: 'Post', Path: '/logout', Authentication: 'Login', Logout: true, ScriptBlock: () => {} });

// The page, for a logged-in session.
AddPodeRoute({ Method: 'Get', Path: '/', Authentication: 'Session', ScriptBlock: () => WritePodeHtmlResponse({ Path: 'public/index.html' }) });

AddPodeRoute({
  Method: 'Get',
  Path: '/api/me',
  Authentication: 'Session',
  ScriptBlock: () => {
    const { Name, Username } = $WebEvent.Auth.User as User;
    WritePodeJsonResponse({ Value: { name: Name, username: Username } });
  },
});

// The user's stream: its Group is the username, so a send to the group reaches that user's tabs only. The stream
// is bound to the session that opened it: logout or expiry ends it with pode.close.
AddPodeRoute({
  Method: 'Get',
  Path: '/events',
  Authentication: 'Session',
  ScriptBlock: () => {
    ConvertToPodeSseConnection({ Name: STREAM, Group: ($WebEvent.Auth.User as User).Username });
  },
});

// Send a note to one user: JSON (or a form) { to, text }. 202 with the note sent and how many of the recipient's
// streams were open to get it (0: they are not connected; nothing is kept for later).
AddPodeRoute({
  Method: 'Post',
  Path: '/api/notify',
  Authentication: 'Session',
  ScriptBlock: () => {
    const body = ($WebEvent.Data ?? {}) as { to?: unknown; text?: unknown };
    const to = typeof body.to === 'string' ? body.to.trim() : '';
    const text = typeof body.text === 'string' ? body.text.trim() : '';
    if (to === '' || to.length > 64) return WritePodeJsonResponse({ Value: { error: 'A recipient (to) of 1 to 64 characters is required' }, StatusCode: 400 });
    if (text === '' || text.length > MAX_TEXT) return WritePodeJsonResponse({ Value: { error: `A text of 1 to ${MAX_TEXT} characters is required` }, StatusCode: 400 });
    const note = { from: ($WebEvent.Auth.User as User).Username, to, text, time: new Date().toISOString() };
    const connections = TestPodeSseName(STREAM) ? GetPodeSseClientIdList({ Name: STREAM, Group: to }).length : 0;
    SendPodeSseEvent({ Name: STREAM, Group: to, EventType: 'note', Data: note });
    WritePodeJsonResponse({ Value: { sent: note, connections }, StatusCode: 202 });
  },
});

// Who connects and leaves: $TriggeredEvent.Auth is the $WebEvent.Auth of the request that opened the stream.
RegisterPodeSseEvent(STREAM, 'Connect', 'LogConnect', () => {
  const user = $TriggeredEvent.Auth.User as User;
  WritePodeHost(`notifications: ${user.Username} connected (${$TriggeredEvent.Connection.ClientId})`, { ForegroundColor: 'Green' });
});
RegisterPodeSseEvent(STREAM, 'Disconnect', 'LogDisconnect', () => {
  const user = $TriggeredEvent.Auth.User as User;
  WritePodeHost(`notifications: ${user.Username} disconnected (${$TriggeredEvent.Connection.ClientId})`, { ForegroundColor: 'Yellow' });
});
