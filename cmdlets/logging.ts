// Pode's terminal logging: New-PodeLogTerminalMethod, Enable-PodeRequestLogging, Enable-PodeErrorLogging.
// The formats and the method model live in host/runtime/logging.ts; these only check and register.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { ERROR_LEVELS, type ErrorLevel, errorLogTarget, isLogMethod, requestLogger, terminalMethod, type LogMethod } from '../host/runtime/logging.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Logging');

const METHOD_HELP =
  'The logging Method to use for output the log entry: from New-PodeLogTerminalMethod, or a hashtable whose ScriptBlock is called with (item, Arguments, rawItem) for each entry.';

export const NewPodeLogTerminalMethod = cmdlet({
  name: 'New-PodeLogTerminalMethod',
  synopsis: 'Create a new Terminal logging Method.',
  description:
    'Creates a new Terminal logging Method for outputting log items to the terminal. Can be used with Enable-PodeRequestLogging or Enable-PodeErrorLogging.\n' +
    'Items are coloured (request lines by status code, error items by level) when the terminal supports it; NO_COLOR or output to a pipe or file turns colour off. ' +
    'Items are written as they happen (there is no batching).',
  examples: [
    { code: '$method = New-PodeLogTerminalMethod' },
    { code: 'New-PodeLogTerminalMethod | Enable-PodeRequestLogging' },
  ],
  outputs: 'System.Collections.Hashtable',
  parameters: [
    {
      name: 'BatchInfo',
      type: 'Hashtable',
      unsupported: 'items are written as they happen, never batched',
      help: 'An optional hashtable containing batch configuration for writing log items in bulk. Should be created using New-PodeLogBatchInfo.',
    },
  ],
  run: (): LogMethod => terminalMethod(),
});

export const EnablePodeRequestLogging = cmdlet({
  name: 'Enable-PodeRequestLogging',
  synopsis: 'Enables Request Logging using a supplied output method.',
  description:
    'Enables Request Logging using a supplied output method: one line per finished request, in the combined log format, plus the time taken ' +
    '(`127.0.0.1 - - [26/Nov/2025:03:01:02 +0000] "GET /users/1 HTTP/1.1" 200 17 "-" "curl/8.5" 1.24ms`). ' +
    'Request logging is off until this is called, as in Pode; it must be called before the server starts (in the script). ' +
    'Lines are written at info level, so --quiet and --log-level warn or error hide them.',
  examples: [{ code: 'New-PodeLogTerminalMethod | Enable-PodeRequestLogging' }],
  parameters: [
    { name: 'Method', type: 'Hashtable', mandatory: true, pipeline: true, help: METHOD_HELP },
    {
      name: 'UsernameProperty',
      type: 'String',
      unsupported: 'podets has no authenticated users; the user field of a request line is always -',
      help: 'An optional property path within the $WebEvent.Auth.User object for the user\'s Username. (Default: Username).',
    },
    {
      name: 'Raw',
      type: 'SwitchParameter',
      help: 'If supplied, the log item returned will be the raw Request item as a hashtable and not a string (for Custom methods); the Terminal method prints it as one line of JSON.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    if (server.requestLog !== undefined) throw errors.RequestLoggingAlreadyEnabled(ctx.command);
    if (server.running) throw errors.RequestLoggingAfterStart(ctx.command);
    if (!isLogMethod(args.Method)) throw errors.LoggingMethodRequiresValidScriptBlock(ctx.command, { logging: 'Request' });
    server.requestLog = requestLogger(args.Method, args.Raw);
  },
});

export const EnablePodeErrorLogging = cmdlet({
  name: 'Enable-PodeErrorLogging',
  synopsis: 'Enables Error Logging using a supplied output method.',
  description:
    'Enables Error Logging using a supplied output method.\n' +
    'Errors are always printed by podets, whether or not this is called: one line with the context and the stack. ' +
    "With the Terminal method, the errors at the chosen Levels are printed instead as Pode's error item " +
    '(Date, Level, ThreadId, Server, Category, Message, StackTrace lines), and these levels show even when --log-level is lower (--quiet still keeps only errors). ' +
    "With a custom method, the items are handed to its ScriptBlock and podets' own line is printed as well. " +
    'Levels map to podets log levels: Error = error, Warning = warn (e.g. a 4xx error thrown by a route), Informational = info, Verbose = verbose, Debug = debug.',
  examples: [
    { code: 'New-PodeLogTerminalMethod | Enable-PodeErrorLogging' },
    { code: 'New-PodeLogTerminalMethod | Enable-PodeErrorLogging -Levels Error, Warning' },
  ],
  parameters: [
    { name: 'Method', type: 'Hashtable', mandatory: true, pipeline: true, help: METHOD_HELP },
    {
      name: 'Levels',
      type: 'String[]',
      validateNotNullOrEmpty: true,
      validateSet: [...ERROR_LEVELS, '*'],
      default: ['Error'],
      defaultText: '@(\'Error\')',
      help: 'The Levels of errors that should be logged (default is Error); * is every level.',
    },
    {
      name: 'Raw',
      type: 'SwitchParameter',
      help: 'If supplied, the log item returned will be the raw Error item as a hashtable and not a string (for Custom methods); the Terminal method prints it as one line of JSON.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    // The server's own: another server in the process keeps its own error log (host/log.ts).
    if (server.log.errorLog !== undefined) throw errors.ErrorLoggingAlreadyEnabled(ctx.command);
    if (!isLogMethod(args.Method)) throw errors.LoggingMethodRequiresValidScriptBlock(ctx.command, { logging: 'Error' });
    // As Pode: * anywhere in the list is every level.
    const levels = args.Levels.includes('*') ? [...ERROR_LEVELS] : (args.Levels as ErrorLevel[]);
    const target = errorLogTarget(args.Method, levels, args.Raw);
    server.log.errorLog = target;
    // Errors while stopping still go through it; it goes with the server.
    void server.closed().then(() => {
      if (server.log.errorLog === target) server.log.errorLog = undefined;
    });
  },
});
