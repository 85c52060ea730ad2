/// <reference types="../../globals.d.ts" />
// The hello example: `podets serve examples/hello/server.ts`, then open http://localhost:8080/.
// A podets script is Pode's Start-PodeServer block: the cmdlets are globals and everything it
// registers is served. Calls use the splat form, Pode's parameter names as object keys.

interface User {
  id: number;
  name: string;
}

const users = new Map<number, User>([
  [1, { id: 1, name: 'Rick' }],
  [2, { id: 2, name: 'Morty' }],
]);
let nextId = 3;
let ticks = 0;

// `podets serve --port 0` (or --address) overrides this endpoint's port (or address).
AddPodeEndpoint({ Address: 'localhost', Port: 8080, Protocol: 'Http' });
EnablePodeRequestLogging({ Method: NewPodeLogTerminalMethod() });

// Every response says who served it; middleware runs before each route.
AddPodeMiddleware({
  Name: 'PoweredBy',
  ScriptBlock: () => {
    SetPodeHeader('X-Powered-By', 'podets');
  },
});

// The static page: public/index.html at /, its assets beside it.
AddPodeStaticRoute({ Path: '/', Source: './public' });

// A JSON API. `:id` is a placeholder, found in $WebEvent.Parameters.
AddPodeRoute({
  Method: 'Get',
  Path: '/api/users',
  ScriptBlock: () => WritePodeJsonResponse({ Value: [...users.values()] }),
});

AddPodeRoute({
  Method: 'Get',
  Path: '/api/users/:id',
  ScriptBlock: () => {
    const user = users.get(Number($WebEvent.Parameters.id));
    if (!user) return WritePodeJsonResponse({ Value: { error: 'No such user' }, StatusCode: 404 });
    WritePodeJsonResponse({ Value: user });
  },
});

// The JSON body is parsed into $WebEvent.Data (a body that is not JSON gets a 400 before this runs).
AddPodeRoute({
  Method: 'Post',
  Path: '/api/users',
  ScriptBlock: () => {
    const name = ($WebEvent.Data as { name?: unknown }).name;
    if (typeof name !== 'string' || name.trim() === '') {
      return WritePodeJsonResponse({ Value: { error: 'A name is required' }, StatusCode: 400 });
    }
    const user = { id: nextId++, name: name.trim() };
    users.set(user.id, user);
    WritePodeHost(`Added user ${user.id}: ${user.name}`, { ForegroundColor: 'Green' });
    WritePodeJsonResponse({ Value: user, StatusCode: 201 });
  },
});

// Handlers may be async: $WebEvent stays this request's across the await.
AddPodeRoute({
  Method: 'Get',
  Path: '/api/stats',
  ScriptBlock: async () => {
    await StartPodeSleep({ Milliseconds: 100 });
    WritePodeJsonResponse({ Value: { users: users.size, ticks, path: $WebEvent.Path } });
  },
});

// A dynamic view: views/about.pode, with $($data.…) filled in.
AddPodeRoute({
  Method: 'Get',
  Path: '/about',
  ScriptBlock: () => WritePodeViewResponse({ Path: 'about.pode', Data: { users: users.size, ticks } }),
});

// A timer: every 10 seconds, in the background.
AddPodeTimer({
  Name: 'tick',
  Interval: 10,
  ScriptBlock: () => {
    ticks++;
    WritePodeHost(`tick ${ticks}: ${users.size} users`, { ForegroundColor: 'DarkGray' });
  },
});
