// Pode's Access-Control cmdlets (file group "Security"): Set-PodeSecurityAccessControl and
// Remove-PodeSecurityAccessControl. The headers are kept on the server (PodeServer.accessControl) and set on
// every response by host/http/cors.ts; the other Security.ps1 cmdlets are not ported.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { isHeaderValue, unique } from '../host/http/cors.ts';
import { currentServer } from '../host/runtime/server.ts';
import { AddPodeRoute } from './routes.ts';
import { SetPodeResponseStatus } from './responses.ts';

const cmdlet = defineGroup('Security');

const METHODS = ['', 'Connect', 'Delete', 'Get', 'Head', 'Merge', 'Options', 'Patch', 'Post', 'Put', 'Trace', '*'] as const;

/** PowerShell's [string]::IsNullOrWhiteSpace of a string[]: the array as a string is its items joined by spaces. */
const blank = (values: readonly string[] | undefined): boolean => values === undefined || values.join(' ').trim() === '';
const hasWildcard = (values: readonly string[] | undefined): boolean => values !== undefined && values.includes('*');
const list = (value: string | readonly string[] | null | undefined): string[] | undefined =>
  value === undefined || value === null ? undefined : typeof value === 'string' ? [value] : [...value];

export const SetPodeSecurityAccessControl = cmdlet({
  name: 'Set-PodeSecurityAccessControl',
  synopsis: 'Set definitions for Access-Control headers.',
  description:
    'Sets the Access-Control headers (CORS): Access-Control-Allow-Origin, Access-Control-Allow-Methods, Access-Control-Allow-Headers, ' +
    'Access-Control-Max-Age and Access-Control-Allow-Credentials, sent on every response: routes, static files, 404 and 405 answers, ' +
    'errors, and the head of SSE streams.\n' +
    'A preflight (an OPTIONS request with Access-Control-Request-Method) is answered by the routes, as any request: ' +
    'with -WithOptions an OPTIONS route on * answers 200 for every path; without one it gets 404 (or 405), and the browser refuses the cross-origin request.\n' +
    "Browsers refuse `Access-Control-Allow-Origin: *` for credentialed requests: with -Origin '*' and -Credentials, podets sends the request's own " +
    'Origin back instead (with Vary: Origin), when it is a valid origin. That lets every site make credentialed requests: name the -Origin instead where you can.',
  examples: [
    { code: "Set-PodeSecurityAccessControl -Origin '*' -Methods '*' -Headers '*' -Duration 7200" },
    { code: "Set-PodeSecurityAccessControl -Origin 'https://app.example.com' -Credentials -WithOptions" },
  ],
  parameters: [
    { name: 'Origin', type: 'String', help: 'Specifies a value for Access-Control-Allow-Origin.' },
    { name: 'Methods', type: 'String[]', validateSet: METHODS, default: '', help: 'Specifies a value for Access-Control-Allow-Methods.' },
    { name: 'Headers', type: 'String[]', help: 'Specifies a value for Access-Control-Allow-Headers.' },
    {
      name: 'Duration',
      type: 'Int32',
      default: 7200,
      help: 'Specifies a value for Access-Control-Max-Age in seconds. (Default: 7200)\nUse a value of one for debugging any CORS related issues',
    },
    { name: 'Credentials', type: 'SwitchParameter', help: 'Specifies a value for Access-Control-Allow-Credentials' },
    { name: 'WithOptions', type: 'SwitchParameter', help: 'If supplied, a global Options Route will be created.' },
    { name: 'AuthorizationHeader', type: 'SwitchParameter', help: "Add 'Authorization' to the headers list" },
    {
      name: 'AutoHeaders',
      type: 'SwitchParameter',
      help:
        "Adds 'content-type' to the allowed Headers. In Pode it also adds the header parameters of the OpenApi definition, which podets does not port. " +
        "Cannot be used with a Headers of '*'.",
    },
    {
      name: 'AutoMethods',
      type: 'SwitchParameter',
      help: "Automatically populate the list of allowed Methods based on the Routes defined after this call. Cannot be used with a Methods of '*'.",
    },
    { name: 'CrossDomainXhrRequests', type: 'SwitchParameter', help: "Add 'x-requested-with' to the list of allowed headers" },
  ],
  run: (args, ctx) => {
    const cors = currentServer(ctx.command).accessControl;
    // podets' own check, before anything is set: node would refuse such a value on every response.
    const given = [['Origin', args.Origin ?? ''] as const, ...(list(args.Headers) ?? []).map((h) => ['Headers', h] as const)];
    for (const [parameter, value] of given) {
      if (!isHeaderValue(value)) throw errors.AccessControlInvalidHeaderValue(ctx.command, { parameter, value });
    }
    // In Pode's order: each header as it is worked out, so a later refusal leaves the earlier ones set.
    if (args.Origin !== undefined) cors.add('Access-Control-Allow-Origin', args.Origin);

    const methods = list(args.Methods) ?? [];
    if (!blank(methods)) cors.add('Access-Control-Allow-Methods', hasWildcard(methods) ? '*' : methods.join(', '));

    let headers = list(args.Headers);
    if (!blank(headers) || args.AuthorizationHeader || args.CrossDomainXhrRequests) {
      if (hasWildcard(headers)) {
        if (args.Credentials) throw errors.AccessControlWildcardHeadersWithCredentials(ctx.command);
        headers = ['*'];
      }
      if (args.AuthorizationHeader) headers = [...(blank(headers) ? [] : headers!), 'Authorization'];
      if (args.CrossDomainXhrRequests) headers = [...(blank(headers) ? [] : headers!), 'x-requested-with'];
      cors.add('Access-Control-Allow-Headers', unique(headers!).join(', '));
    }

    if (args.AutoHeaders) {
      if (hasWildcard(headers)) throw errors.AccessControlWildcardHeadersWithAutoHeaders(ctx.command);
      cors.add('Access-Control-Allow-Headers', 'content-type', true);
      cors.autoHeaders = true;
    }

    if (args.AutoMethods) {
      if (hasWildcard(methods)) throw errors.AccessControlWildcardMethodsWithAutoMethods(ctx.command);
      if (args.WithOptions) cors.add('Access-Control-Allow-Methods', 'Options', true);
      cors.autoMethods = true;
    }

    if (args.Duration <= 0) throw errors.AccessControlInvalidMaxAge(ctx.command, { duration: args.Duration });
    cors.add('Access-Control-Max-Age', String(args.Duration));

    if (args.Credentials) cors.add('Access-Control-Allow-Credentials', 'true');

    // Pode's global OPTIONS route, added as a script would add it (a second one is a duplicate route).
    if (args.WithOptions) AddPodeRoute({ Method: 'Options', Path: '*', ScriptBlock: () => SetPodeResponseStatus(200) });
  },
});

export const RemovePodeSecurityAccessControl = cmdlet({
  name: 'Remove-PodeSecurityAccessControl',
  synopsis: 'Removes definitions for the Access-Control headers.',
  description:
    'Removes definitions for the Access-Control headers: Access-Control-Allow-Origin, Access-Control-Allow-Methods, Access-Control-Allow-Headers, ' +
    'Access-Control-Max-Age, Access-Control-Allow-Credentials. An OPTIONS route added by -WithOptions stays, as in Pode.',
  examples: [{ code: 'Remove-PodeSecurityAccessControl' }],
  parameters: [],
  run: (_args, ctx) => {
    currentServer(ctx.command).accessControl.clear();
  },
});
