// Pode's route cmdlets (file group "Routes"): Add-PodeRoute, Remove-PodeRoute, Add-PodeStaticRoute.
// Routing, matching and static files live in host/http/ (router.ts, static.ts); this is the glue.
import { existsSync, statSync } from 'node:fs';
import type { CallContext } from '../host/cmdlet/context.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { asCmdletError } from '../host/errors/error.ts';
import { normaliseRoutePath } from '../host/http/routepath.ts';
import type { Middleware, Route, RouteHandler, RouteMethod } from '../host/http/types.ts';
import { callerSource } from '../host/runtime/callsite.ts';
import { toMiddlewareList } from '../host/runtime/middleware.ts';
import { authMiddleware } from '../host/auth/route.ts';
import { scriptBlockFromFile } from '../host/runtime/scriptfile.ts';
import { currentServer, type PodeServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Routes');

// Pode's ValidateSet (src/Public/Routes.ps1, Add-PodeRoute). Connect is declared as Pode declares it and refused
// when used: node:http hands a CONNECT request to its 'connect' event with a bare socket, never to the request
// handler a route runs in, so a Connect route could never answer (a CONNECT is a proxy's tunnel, not a route).
const METHODS = ['Connect', 'Delete', 'Get', 'Head', 'Merge', 'Options', 'Patch', 'Post', 'Put', 'Trace', '*'] as const;
const IF_EXISTS = ['Default', 'Error', 'Overwrite', 'Skip'] as const;
const ENCODINGS = ['', 'gzip', 'deflate'] as const;
const CONNECT_WHY = "node:http hands CONNECT requests to its 'connect' event, with a socket instead of a response, never to a route";

// The reasons podets gives for the parameters it declares but cannot honour.
const WHY = {
  endpointName: 'routes are not bound to endpoints; every route answers on every endpoint',
  transferEncoding: 'request bodies are not decompressed; a route reads the body as it arrives',
  errorContentType: "error responses are JSON or text by the request's Accept header",
  access: 'podets has no authorisation (Access) methods; check the user in the route or a middleware ($WebEvent.Auth.User)',
  openApi: 'podets has no OpenAPI definitions',
  fileBrowser: 'static routes do not list folders',
  redirectToDefault: 'a folder is answered with its default page, not redirected to it',
} as const;

/** Pode drops a query string from a route path (`/users?x=1` → `/users`); nothing left is an error. */
function routePath(path: string, ctx: CallContext): string {
  const bare = path.split('?')[0]!;
  if (bare.trim() === '') throw errors.NoPathSuppliedForRoute(ctx.command);
  return bare;
}

/**
 * -Authentication: the method must exist, and its check runs before the route's own middleware, with -Login,
 * -Logout and -AllowAnon (Pode's Add-PodeRoute, Get-PodeAuthMiddlewareScript).
 */
function withAuthentication(
  server: PodeServer,
  ctx: CallContext,
  args: { Authentication?: string | undefined; Login?: boolean; Logout?: boolean; AllowAnon?: boolean },
  middleware: Middleware[] | undefined,
): Middleware[] | undefined {
  const name = server.auth.named(args.Authentication, ctx.command);
  if (name === undefined) return middleware;
  const auth = authMiddleware(server, { Name: name, Login: args.Login === true, Logout: args.Logout === true, Anon: args.AllowAnon === true });
  return [auth, ...(middleware ?? [])];
}

export const AddPodeRoute = cmdlet({
  name: 'Add-PodeRoute',
  synopsis: 'Adds a Route for a specific HTTP Method(s).',
  description:
    'Adds a Route for a specific HTTP Method(s), with path, that when called with invoke any logic and/or Middleware.\n' +
    'The ScriptBlock (or the default export of FilePath) is called with $WebEvent followed by the ArgumentList, and may be async: the response ends when its promise settles. ' +
    'Registering the same Method and Path twice is an error naming where both were registered.',
  examples: [
    { code: "Add-PodeRoute -Method Get -Path '/' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeRoute -Method Post -Path '/users/:userId/message' -Middleware $checkUser -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeRoute -Method Post -Path '/user' -ContentType 'application/json' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeRoute -Method Get -Path '/' -ScriptBlock { /* logic */ } -ArgumentList 'arg1', 'arg2'" },
    { code: "Add-PodeRoute -Method Get, Post -Path '/users' -FilePath './routes/users.ts'", text: 'The module\'s default export is the route\'s logic.' },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    { name: 'Method', type: 'String[]', mandatory: true, validateSet: METHODS, help: 'The HTTP Method of this Route, multiple can be supplied (* is every method; Connect is refused, see below).' },
    { name: 'Path', type: 'String', mandatory: true, help: 'The URI path for the Route, with :name placeholders (e.g. /users/:userId), found in $WebEvent.Parameters.' },
    {
      name: 'Middleware',
      type: 'Object[]',
      help: 'An array of ScriptBlocks (or middleware hashtables with Logic, Route and Arguments) for optional Middleware, run after the global middleware. Returning $false stops the request.',
    },
    { name: 'ScriptBlock', type: 'ScriptBlock', sets: ['Script'], help: "A ScriptBlock for the Route's main logic." },
    { name: 'EndpointName', type: 'String[]', allowNull: true, unsupported: WHY.endpointName, help: 'The EndpointName of an Endpoint(s) this Route should be bound against.' },
    {
      name: 'ContentType',
      type: 'String',
      help: "The content type the Route should use when parsing any payloads, whatever the request's Content-Type header says.",
    },
    { name: 'TransferEncoding', type: 'String', validateSet: ENCODINGS, unsupported: WHY.transferEncoding, help: 'The transfer encoding the Route should use when parsing any payloads.' },
    { name: 'ErrorContentType', type: 'String', unsupported: WHY.errorContentType, help: 'The content type of any error pages that may get returned.' },
    {
      name: 'FilePath',
      type: 'String',
      mandatory: true,
      sets: ['File'],
      help: "A literal, or relative, path to a module whose default export is the Route's main logic (relative to the server root).",
    },
    { name: 'ArgumentList', type: 'Object[]', help: "An array of arguments to supply to the Route's ScriptBlock, after $WebEvent." },
    { name: 'Authentication', type: 'String', aliases: ['Auth'], help: 'The name of an Authentication method which should be used as middleware on this Route (before the route\'s own -Middleware).' },
    { name: 'Access', type: 'String', unsupported: WHY.access, help: 'The name of an Access method which should be used as middleware on this Route.' },
    {
      name: 'IfExists',
      type: 'String',
      validateSet: IF_EXISTS,
      default: 'Default',
      help: 'Specifies what action to take when a Route already exists: Error, Overwrite (replace it) or Skip (keep it). Default is Error.',
    },
    ...accessParameters('Route'),
    { name: 'AllowAnon', type: 'SwitchParameter', help: 'If supplied, the Route will allow anonymous access for non-authenticated users.' },
    { name: 'Login', type: 'SwitchParameter', help: 'If supplied, the Route will be flagged to Authentication as being a Route that handles user logins.' },
    { name: 'Logout', type: 'SwitchParameter', help: 'If supplied, the Route will be flagged to Authentication as being a Route that handles users logging out.' },
    { name: 'OAResponses', type: 'Hashtable', unsupported: WHY.openApi, help: 'An alternative way to associate OpenApi responses unsing New-PodeOAResponse instead of piping multiple Add-PodeOAResponse.' },
    { name: 'OAReference', type: 'String', unsupported: WHY.openApi, help: 'A reference to OpenAPI reusable pathItem component created with Add-PodeOAComponentPathItem.' },
    { name: 'PassThru', type: 'SwitchParameter', help: 'If supplied, the routes created are returned (one per method), as objects with Method, Path and the rest of the route.' },
    { name: 'OADefinitionTag', type: 'String[]', unsupported: WHY.openApi, help: 'An Array of strings representing the unique tag for the API specification.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const path = routePath(args.Path, ctx);
    if (args.Method.includes('Connect')) throw errors.ParameterValueNotSupported(ctx.command, { command: ctx.command, parameter: 'Method', value: 'Connect', why: CONNECT_WHY });
    const methods = args.Method.map((m) => m.toUpperCase() as RouteMethod);
    if (args.ScriptBlock == null && args.FilePath === undefined && (args.Middleware == null || args.Middleware.length === 0)) {
      throw errors.NoLogicPassedForMethodRoute(ctx.command, { methods, path });
    }
    const handler = routeLogic(server, args.ScriptBlock ?? undefined, args.FilePath, ctx);
    const middleware = withAuthentication(server, ctx, args, args.Middleware == null ? undefined : toMiddlewareList(args.Middleware, ctx.command));
    const source = callerSource(server.rootPath);
    const added: Route[] = [];
    for (const method of methods) {
      const route: Route = {
        method,
        path,
        handler,
        ...(middleware && middleware.length > 0 && { middleware }),
        ...(args.ArgumentList != null && args.ArgumentList.length > 0 && { argumentList: args.ArgumentList }),
        ...(args.ContentType && { contentType: args.ContentType }),
        ...(source !== undefined && { source }),
      };
      const ifExists = args.IfExists;
      if (ifExists !== 'Default' && ifExists !== 'Error' && server.router.get(method, path)) {
        if (ifExists === 'Skip') continue;
        server.router.remove(method, path);
      }
      try {
        server.router.add(route);
      } catch (err) {
        throw asCmdletError(err, ctx.command);
      }
      server.accessControl.routeAdded(method); // Set-PodeSecurityAccessControl -AutoMethods
      added.push(route);
    }
    return args.PassThru ? added : undefined;
  },
});

/** -Role, -Group, -Scope and -User: who an Access method lets in, which podets has no way to check. */
function accessParameters(what: string) {
  return (['Role', 'Group', 'Scope', 'User'] as const).map((name) => ({
    name,
    type: 'String[]' as const,
    unsupported: WHY.access,
    help: `One or more optional ${name}s that will be authorised to access this ${what}, when using Authentication with an Access method.`,
  }));
}

/** The route's handler: the ScriptBlock, or FilePath's default export (loaded now, awaited before listening). */
function routeLogic(server: PodeServer, scriptBlock: RouteHandler | undefined, filePath: string | undefined, ctx: CallContext): RouteHandler {
  if (filePath !== undefined) return scriptBlockFromFile(server, filePath, ctx.command) as RouteHandler;
  // Middleware-only routes (as Pode allows): the middleware writes the response.
  return scriptBlock ?? (() => undefined);
}

export const RemovePodeRoute = cmdlet({
  name: 'Remove-PodeRoute',
  synopsis: 'Remove a specific Route.',
  description: 'Remove a specific Route, by its Method and Path (placeholder names need not match). Nothing happens when there is no such Route.',
  examples: [{ code: "Remove-PodeRoute -Method Get -Path '/about'" }, { code: "Remove-PodeRoute -Method Post -Path '/users/:userId'" }],
  parameters: [
    { name: 'Method', type: 'String', mandatory: true, validateSet: METHODS, help: 'The method of the Route to remove.' },
    { name: 'Path', type: 'String', mandatory: true, help: 'The path of the Route to remove.' },
    { name: 'EndpointName', type: 'String', unsupported: WHY.endpointName, help: 'The EndpointName of an Endpoint(s) bound to the Route to be removed.' },
  ],
  run: (args, ctx) => {
    currentServer(ctx.command).router.remove(args.Method, routePath(args.Path, ctx));
  },
});

export const AddPodeStaticRoute = cmdlet({
  name: 'Add-PodeStaticRoute',
  synopsis: 'Add a static Route for rendering static content.',
  description:
    'Add a static Route for rendering static content. You can also define default pages to display.\n' +
    'Static routes are tried before normal routes; a path under the static route with no file behind it falls through to the normal routes.\n' +
    "Only what lies in the Source folder is served: a path with '..' is refused (403); dotfiles and dot-folders (.env, .git/) and symlinks that lead out of the folder are treated as absent (404, unless a normal route takes the path).\n" +
    'Files are sent with ETag and Last-Modified (conditional requests get 304 or 412), Range requests get 206 (416 when the range is beyond the file), and HEAD gets the headers only.',
  examples: [
    { code: "Add-PodeStaticRoute -Path '/assets' -Source './assets'" },
    { code: "Add-PodeStaticRoute -Path '/assets' -Source './assets' -Defaults @('index.html')" },
    { code: "Add-PodeStaticRoute -Path '/installers' -Source './exes' -DownloadOnly" },
  ],
  parameters: [
    { name: 'Path', type: 'String', mandatory: true, help: 'The URI path for the static Route.' },
    { name: 'Source', type: 'String', mandatory: true, help: 'The literal, or relative, path to the directory that contains the static content (relative to the server root).' },
    { name: 'Middleware', type: 'Object[]', help: 'An array of ScriptBlocks (or middleware hashtables) for optional Middleware, run before a file is sent.' },
    { name: 'EndpointName', type: 'String[]', unsupported: WHY.endpointName, help: 'The EndpointName of an Endpoint(s) to bind the static Route against.' },
    { name: 'ContentType', type: 'String', unsupported: 'a static route parses no payloads; a file is sent with the content type of its extension', help: 'The content type the static Route should use when parsing any payloads.' },
    { name: 'TransferEncoding', type: 'String', validateSet: ENCODINGS, unsupported: WHY.transferEncoding, help: 'The transfer encoding the static Route should use when parsing any payloads.' },
    {
      name: 'Defaults',
      type: 'String[]',
      defaultText: 'index.html, index.htm, default.html, default.htm',
      help: "An array of default pages to display, such as 'index.html', when a folder is requested.",
    },
    { name: 'ErrorContentType', type: 'String', unsupported: WHY.errorContentType, help: 'The content type of any error pages that may get returned.' },
    { name: 'Authentication', type: 'String', aliases: ['Auth'], help: 'The name of an Authentication method which should be used as middleware on this Route (before the route\'s own -Middleware).' },
    { name: 'Access', type: 'String', unsupported: WHY.access, help: 'The name of an Access method which should be used as middleware on this Route.' },
    {
      name: 'IfExists',
      type: 'String',
      validateSet: IF_EXISTS,
      default: 'Default',
      help: 'Specifies what action to take when a Static Route already exists: Error, Overwrite (replace it) or Skip (keep it). Default is Error.',
    },
    ...accessParameters('Route'),
    { name: 'AllowAnon', type: 'SwitchParameter', help: 'If supplied, the static route will allow anonymous access for non-authenticated users.' },
    { name: 'DownloadOnly', type: 'SwitchParameter', help: 'When supplied, all static content on this Route will be attached as downloads - rather than rendered.' },
    { name: 'FileBrowser', type: 'SwitchParameter', unsupported: WHY.fileBrowser, help: 'If supplied, when the path is a folder, instead of returning 404, will return A browsable content of the directory.' },
    { name: 'PassThru', type: 'SwitchParameter', help: 'If supplied, the static route created is returned, as an object with Path, Folder and the rest of the route.' },
    { name: 'RedirectToDefault', type: 'SwitchParameter', unsupported: WHY.redirectToDefault, help: 'If supplied, the user will be redirected to the default page if found instead of the page being rendered as the folder path.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const path = routePath(args.Path, ctx);
    const folder = server.path(args.Source);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) {
      throw errors.SourcePathDoesNotExistForStaticRoute(ctx.command, { path, folder });
    }
    const middleware = withAuthentication(server, ctx, args, args.Middleware == null ? undefined : toMiddlewareList(args.Middleware, ctx.command));
    const key = normaliseRoutePath(path).toLowerCase();
    const exists = server.statics.list().some((r) => normaliseRoutePath(r.path).toLowerCase() === key);
    const ifExists = args.IfExists;
    if (exists && ifExists === 'Skip') return;
    if (exists && ifExists === 'Overwrite') server.statics.remove(path);
    const source = callerSource(server.rootPath);
    const route = {
      path,
      folder,
      ...(args.Defaults != null && { defaults: args.Defaults }),
      ...(middleware && middleware.length > 0 && { middleware }),
      ...(args.DownloadOnly && { download: true }),
      ...(source !== undefined && { source }),
    };
    try {
      server.statics.add(route);
    } catch (err) {
      throw asCmdletError(err, ctx.command);
    }
    return args.PassThru ? route : undefined;
  },
});
