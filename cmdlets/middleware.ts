// Pode's Add-PodeMiddleware (file group "Middleware"). The pipeline that runs middleware is
// host/http/pipeline.ts; the normalising and the unique-name rule are host/runtime/middleware.ts.
import { defineGroup } from '../host/cmdlet/define.ts';
import type { MiddlewareFn } from '../host/http/types.ts';
import { addMiddleware } from '../host/runtime/middleware.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Middleware');

export const AddPodeMiddleware = cmdlet({
  name: 'Add-PodeMiddleware',
  synopsis: 'Adds a new Middleware to be invoked before every Route, or certain Routes.',
  description:
    'Adds a new Middleware to be invoked before every Route, or certain Routes. ScriptBlock should return $true to continue execution, or $false to stop.\n' +
    'Middleware runs in the order it was added, after the request body is parsed and before a Route\'s own middleware. It is called with $WebEvent followed by the ArgumentList, and may be async. ' +
    'When it returns $false the response is ended as it stands, so it should write one first (e.g. Set-PodeResponseStatus -Code 401).',
  examples: [
    { code: "Add-PodeMiddleware -Name 'BlockAgents' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeMiddleware -Name 'CheckEmailOnApi' -Route '/api/*' -ScriptBlock { /* logic */ }" },
    { code: "Add-PodeMiddleware -Name 'Limit' -ScriptBlock { param($e, $max) /* logic */ } -ArgumentList 10" },
  ],
  defaultParameterSet: 'Script',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Middleware (unique).' },
    {
      name: 'ScriptBlock',
      type: 'ScriptBlock',
      mandatory: true,
      sets: ['Script'],
      help: 'The Script defining the logic of the Middleware. Should return $true to continue execution, or $false to stop.',
    },
    {
      name: 'InputObject',
      type: 'Hashtable',
      mandatory: true,
      sets: ['Input'],
      position: 0,
      pipeline: true,
      help: 'A Middleware HashTable (Logic, and optionally Route and Arguments), from New-PodeMiddleware or written by hand.',
    },
    {
      name: 'Route',
      type: 'String',
      help: 'A Route path for which Routes this Middleware should only be invoked against: an exact path, or a prefix ending in * (e.g. /api/*).',
    },
    { name: 'ArgumentList', type: 'Object[]', help: "An array of arguments to supply to the Middleware's ScriptBlock, after $WebEvent." },
  ],
  run: (args, ctx) => {
    addMiddleware(
      currentServer(ctx.command).middleware,
      {
        name: args.Name,
        ...(args.ScriptBlock != null && { logic: args.ScriptBlock as MiddlewareFn }),
        ...(args.InputObject != null && { inputObject: args.InputObject }),
        ...(args.Route ? { route: args.Route } : {}),
        ...(args.ArgumentList != null && { argumentList: args.ArgumentList }),
      },
      ctx.command,
    );
  },
});
