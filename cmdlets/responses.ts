// Pode's response cmdlets (file group "Responses"), acting on the current $WebEvent. The writers live
// in host/http/respond.ts (and view.ts, html.ts); a second write to one response is logged and ignored.
import * as msg from '../host/binder/messages.ts';
import { binding } from '../host/binder/messages.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { convertNested } from '../host/cmdlet/nesting.ts';
import { currentWebEvent } from '../host/http/context.ts';
import { toHtmlTable } from '../host/http/html.ts';
import { ensureCharset } from '../host/http/mime.ts';
import { cacheFor, file, json, status, text } from '../host/http/respond.ts';
import { viewResponse } from '../host/http/view.ts';
import { logException } from '../host/log.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Responses');

/** Pode's writers only change the status when given something other than the default 200. */
const statusOrCurrent = (code: number) => (code === 200 ? undefined : code);

const CONTENT_TYPE_PATTERN = '^\\w+\\/[\\w\\.\\+-]+$';
// Compiled once: Write-PodeJsonResponse is on the hot path of every JSON route.
const CONTENT_TYPE_RE = new RegExp(CONTENT_TYPE_PATTERN);

export const WritePodeJsonResponse = cmdlet({
  name: 'Write-PodeJsonResponse',
  synopsis: 'Writes JSON data to the Response.',
  description:
    'Writes JSON data to the Response, setting the content type accordingly.\n' +
    'A string Value is taken to be JSON already and sent as it is; an empty one (or $null) sends {}. Several values piped in are sent as one JSON array.',
  examples: [
    { code: 'Write-PodeJsonResponse -Value \'{"name": "Rick"}\'' },
    { code: "Write-PodeJsonResponse -Value @{ Name = 'Rick' } -StatusCode 201" },
    { code: "Write-PodeJsonResponse -Value @{ Title = 'Not Found' } -StatusCode 404 -ContentType 'application/problem+json'" },
  ],
  defaultParameterSet: 'Value',
  parameters: [
    {
      name: 'Value',
      type: 'Object',
      mandatory: true,
      allowNull: true,
      position: 0,
      pipeline: true,
      sets: ['Value'],
      help: 'A String, PSObject, or HashTable value. For non-string values, they will be converted to JSON.',
    },
    { name: 'Path', type: 'String', mandatory: true, sets: ['File'], help: 'The path to a JSON file (relative to the server root), sent as it is; 404 when it does not exist.' },
    {
      name: 'ContentType',
      type: 'String',
      default: 'application/json',
      validateNotNullOrEmpty: true,
      help: 'The content type of the response, e.g. application/problem+json (Default: application/json); charset=utf-8 is added.',
    },
    {
      name: 'Depth',
      type: 'Int32',
      default: 10,
      validateRange: [0, 100],
      sets: ['Value'],
      help: 'The Depth to generate the JSON document - the larger this value the worse performance gets. Deeper values are written as their string form, as ConvertTo-Json does.',
    },
    { name: 'StatusCode', type: 'Int32', default: 200, help: 'The status code to set against the response.' },
    { name: 'NoCompress', type: 'SwitchParameter', sets: ['Value'], help: 'The JSON document is not compressed (Human readable form).' },
  ],
  run: (args, ctx) => {
    if (!CONTENT_TYPE_RE.test(args.ContentType)) {
      throw binding.ParameterArgumentValidationError(ctx.command, { name: 'ContentType', inner: msg.innerPattern(args.ContentType, CONTENT_TYPE_PATTERN) });
    }
    const event = currentWebEvent(ctx.command);
    if (ctx.parameterSetName === 'File') return file(event, currentServer(ctx.command).path(args.Path!), ensureCharset(args.ContentType), statusOrCurrent(args.StatusCode));
    const value = typeof args.Value === 'string' && args.Value.trim() === '' ? '{}' : args.Value;
    convertNested(ctx, 'Value', 'JSON', () => json(event, value, statusOrCurrent(args.StatusCode), args.Depth, args.NoCompress, ensureCharset(args.ContentType)));
  },
});

export const WritePodeTextResponse = cmdlet({
  name: 'Write-PodeTextResponse',
  synopsis: 'Writes a String or a Byte[] to the Response.',
  description:
    'Writes a String or a Byte[] to the Response, as some specified content type. This value can also be cached.\n' +
    'An empty Value writes no body (the status is still set).',
  examples: [
    { code: "Write-PodeTextResponse -Value 'Leeeeeerrrooooy Jeeeenkiiins!'" },
    { code: 'Write-PodeTextResponse -Value \'{"name": "Rick"}\' -ContentType \'application/json\'' },
    { code: 'Write-PodeTextResponse -Bytes $buffer -ContentType \'image/png\' -Cache -MaxAge 1800' },
    { code: "Write-PodeTextResponse -Value 'Untitled Text Response' -StatusCode 418" },
  ],
  defaultParameterSet: 'String',
  parameters: [
    { name: 'Value', type: 'String', position: 0, pipeline: true, sets: ['String'], help: 'A String value to write.' },
    { name: 'Bytes', type: 'Byte[]', sets: ['Bytes'], help: 'An array of Bytes to write: a Buffer, Uint8Array, ArrayBuffer or array of numbers 0-255.' },
    { name: 'ContentType', type: 'String', default: 'text/plain', help: 'The content type of the data being written (charset=utf-8 is added).' },
    { name: 'MaxAge', type: 'Int32', default: 3600, help: 'The maximum age to cache the value on the browser, in seconds.' },
    { name: 'StatusCode', type: 'Int32', default: 200, help: 'The status code to set against the response.' },
    { name: 'Cache', type: 'SwitchParameter', help: 'Should the value be cached by browsers, or not?' },
  ],
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    const code = statusOrCurrent(args.StatusCode);
    if (code !== undefined) status(event, code, undefined, true);
    const body = ctx.parameterSetName === 'Bytes' ? (args.Bytes ?? null) : args.Value;
    if (body == null || body.length === 0 || (typeof body === 'string' && body.trim() === '')) return;
    if (args.Cache) cacheFor(event, args.MaxAge);
    text(event, body, args.ContentType ? ensureCharset(args.ContentType) : undefined, code);
  },
});

export const WritePodeHtmlResponse = cmdlet({
  name: 'Write-PodeHtmlResponse',
  synopsis: 'Writes HTML data to the Response.',
  description:
    'Writes HTML data to the Response, setting the content type accordingly.\n' +
    'A non-string Value is rendered as an HTML table (one row per object, one column per property), as ConvertTo-Html does.',
  examples: [
    { code: 'Write-PodeHtmlResponse -Value "Raw HTML can be placed here"' },
    { code: "Write-PodeHtmlResponse -Value @{ Message = 'Hello, all!' }" },
    { code: "Write-PodeHtmlResponse -Path 'E:/Site/About.html'" },
  ],
  defaultParameterSet: 'Value',
  parameters: [
    { name: 'Value', type: 'Object', mandatory: true, position: 0, pipeline: true, sets: ['Value'], help: 'A String, PSObject, or HashTable value.' },
    { name: 'Path', type: 'String', mandatory: true, sets: ['File'], help: 'The path to a HTML file (relative to the server root); 404 when it does not exist.' },
    { name: 'StatusCode', type: 'Int32', default: 200, help: 'The status code to set against the response.' },
  ],
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    const code = statusOrCurrent(args.StatusCode);
    const type = 'text/html; charset=utf-8';
    if (ctx.parameterSetName === 'File') return file(event, currentServer(ctx.command).path(args.Path!), type, code);
    const source = args.Value;
    const value = typeof source === 'string' ? source : source == null ? '' : convertNested(ctx, 'Value', 'HTML', () => toHtmlTable(source));
    if (code !== undefined) status(event, code, undefined, true);
    if (value.trim() === '') return;
    text(event, value, type, code);
  },
});

export const WritePodeFileResponse = cmdlet({
  name: 'Write-PodeFileResponse',
  synopsis: 'Renders the content of a static file on the Response.',
  description:
    'Renders the content of a static file on the Response, streamed from disk with ETag and Last-Modified (a matching conditional request gets 304, a failed If-Match 412) and Range support (206, or 416 beyond the file). With a StatusCode other than 200 the file is always sent whole.\n' +
    "You can set browser's to cache the content, and also override the file's content type. A missing file is a 404.",
  examples: [
    { code: "Write-PodeFileResponse -Path 'C:/Files/Stuff.txt'" },
    { code: "Write-PodeFileResponse -Path 'C:/Files/Stuff.txt' -Cache -MaxAge 1800" },
    { code: "Write-PodeFileResponse -Path 'C:/Files/Stuff.txt' -ContentType 'application/json'" },
    { code: "Write-PodeFileResponse -Path 'C:/Files/Stuff.txt' -StatusCode 201" },
  ],
  parameters: [
    { name: 'Path', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The path to a file (relative to the server root).' },
    { name: 'Data', type: 'Object', default: {}, defaultText: '@{}', unsupported: 'files are sent as they are; dynamic .pode content is rendered by Write-PodeViewResponse', help: 'A HashTable of dynamic data to supply to a dynamic file.' },
    { name: 'ContentType', type: 'String', help: "The content type of the file's contents - this overrides the file's extension." },
    { name: 'MaxAge', type: 'Int32', default: 3600, help: "The maximum age to cache the file's content on the browser, in seconds." },
    { name: 'StatusCode', type: 'Int32', default: 200, help: 'The status code to set against the response.' },
    { name: 'Cache', type: 'SwitchParameter', help: "Should the file's content be cached by browsers, or not?" },
    { name: 'FileBrowser', type: 'SwitchParameter', unsupported: 'folders are not listed', help: 'If the path is a folder, instead of returning 404, will return A browsable content of the directory.' },
  ],
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    if (args.Cache) cacheFor(event, args.MaxAge);
    return file(event, currentServer(ctx.command).path(args.Path), args.ContentType || undefined, statusOrCurrent(args.StatusCode));
  },
});

export const WritePodeViewResponse = cmdlet({
  name: 'Write-PodeViewResponse',
  synopsis: 'Renders a dynamic, or static, View on the Response.',
  description:
    "Renders a View from the Views default folder (the server root's views/, unless Set-PodeDefaultFolder -Type Views changed it) on the Response; allowing for dynamic data to be supplied.\n" +
    'A Path without an extension is an .html view, sent as it is. A .pode view is dynamic: each $($data.Name) in it (a property path into Data, which also holds pagename) is replaced by its value. A missing view is a 404.',
  examples: [
    { code: "Write-PodeViewResponse -Path 'index'" },
    { code: "Write-PodeViewResponse -Path 'accounts/profile_page.pode' -Data @{ Username = 'Morty' }" },
  ],
  parameters: [
    { name: 'Path', type: 'String', mandatory: true, position: 0, pipeline: true, help: 'The path to a View, relative to the "/views" directory. (Extension is optional).' },
    { name: 'Data', type: 'Hashtable', default: {}, defaultText: '@{}', help: 'Any dynamic data to supply to a dynamic (.pode) View.' },
    { name: 'StatusCode', type: 'Int32', default: 200, help: 'The status code to set against the response.' },
    { name: 'Folder', type: 'String', unsupported: 'views come from the server root\'s views/ folder only (Add-PodeViewFolder is not ported)', help: 'If supplied, a custom views folder will be used.' },
    { name: 'FlashMessages', type: 'SwitchParameter', unsupported: 'podets has no sessions, so no flash messages', help: 'Automatically supply all Flash messages in the current session to the View.' },
  ],
  run: (args, ctx) => {
    const views = currentServer(ctx.command).defaultFolders.resolve('Views');
    return viewResponse(currentWebEvent(ctx.command), views, args.Path, args.Data ?? {}, statusOrCurrent(args.StatusCode));
  },
});

export const SetPodeResponseStatus = cmdlet({
  name: 'Set-PodeResponseStatus',
  synopsis: 'Sets the Status Code of the Response, and controls rendering error pages.',
  description:
    'Sets the Status Code of the Response, and controls rendering error pages: for a Code of 400 or more a short error body is written (JSON when the client accepts JSON, else text), unless NoErrorPage.\n' +
    'An Exception is logged with its stack for the operator; clients never see it.',
  examples: [
    { code: 'Set-PodeResponseStatus -Code 404' },
    { code: 'Set-PodeResponseStatus -Code 500 -Exception $_.Exception' },
    { code: "Set-PodeResponseStatus -Code 429 -Description 'Slow Down'" },
    { code: 'Set-PodeResponseStatus -Code 201 -NoErrorPage' },
  ],
  parameters: [
    { name: 'Code', type: 'Int32', mandatory: true, help: 'The Status Code to set on the Response.' },
    { name: 'Description', type: 'String', help: 'An optional Status Description (the reason phrase, also the error body\'s message).' },
    { name: 'Exception', type: 'Object', help: 'An exception that caused this status; it is logged with its stack.' },
    { name: 'ContentType', type: 'String', unsupported: "the error body is JSON or text by the request's Accept header", help: 'The content type of the error page to use.' },
    { name: 'NoErrorPage', type: 'SwitchParameter', help: "Don't render an error page when the Status Code is 400+." },
  ],
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    if (args.Exception != null) logException(`${event.Method.toUpperCase()} ${event.Path}: ${args.Code}`, args.Exception);
    status(event, args.Code, args.Description || undefined, args.NoErrorPage);
  },
});
