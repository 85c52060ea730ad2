// Pode's header cmdlets (file group "Headers"): request headers are read, response headers queued on
// $WebEvent.Response.Headers until the response is written (host/http/respond.ts).
import { defineGroup } from '../host/cmdlet/define.ts';
import { currentWebEvent } from '../host/http/context.ts';
import { addHeader, getHeader, setHeader } from '../host/http/respond.ts';
import { signValue, strictContextOf, unsignValue } from '../host/http/sign.ts';
import type { WebEvent } from '../host/http/webevent.ts';

const cmdlet = defineGroup('Headers');

const WHY_DESERIALIZE = "header values are returned as text; OpenAPI's serialization styles are not ported";

const secretHelp = 'If supplied, the secret with which to sign the header\'s value (as "s:<value>.<signature>", HMAC-SHA256).';
const strictHelp = "If supplied, the Secret will be extended using the client request's UserAgent and RemoteIPAddress.";

/** -Secret (and -Strict) given: the value signed; else as it is. */
function outgoing(event: WebEvent, value: string, secret: string | undefined, strict: boolean): string {
  return secret ? signValue(value, secret, strict ? strictContextOf(event) : undefined) : value;
}

/** Add-PodeHeader and Set-PodeHeader take the same parameters; they differ in appending or replacing. */
const writeParameters = [
  { name: 'Name', type: 'String', mandatory: true, help: 'The name of the header.' },
  { name: 'Value', type: 'String', mandatory: true, help: 'The value to set against the header.' },
  { name: 'Secret', type: 'String', help: secretHelp },
  { name: 'Strict', type: 'SwitchParameter', help: strictHelp },
] as const;

export const AddPodeHeader = cmdlet({
  name: 'Add-PodeHeader',
  synopsis: 'Appends a header against the Response.',
  description: 'Appends a header against the Response, keeping any values already set for it (e.g. several Set-Cookie headers).',
  examples: [{ code: "Add-PodeHeader -Name 'X-AuthToken' -Value 'AA-BB-CC-33'" }],
  parameters: writeParameters,
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    addHeader(event, args.Name, outgoing(event, args.Value, args.Secret, args.Strict));
  },
});

export const SetPodeHeader = cmdlet({
  name: 'Set-PodeHeader',
  synopsis: 'Sets a header on the Response, clearing all current values for the header.',
  description: 'Sets a header on the Response, clearing all current values for the header.',
  examples: [{ code: "Set-PodeHeader -Name 'X-AuthToken' -Value 'AA-BB-CC-33'" }, { code: "Set-PodeHeader -Name 'X-Token' -Value $id -Secret (Get-PodeServerDefaultSecret)" }],
  parameters: writeParameters,
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    setHeader(event, args.Name, outgoing(event, args.Value, args.Secret, args.Strict));
  },
});

export const GetPodeHeader = cmdlet({
  name: 'Get-PodeHeader',
  synopsis: 'Retrieves the value of a header from the Request.',
  description:
    'Retrieves the value of a header from the Request (case-insensitive; repeated headers are joined with ", "), or $null when absent.\n' +
    'With a Secret, the value is unsigned: $null unless it was validly signed with that Secret.',
  examples: [{ code: "Get-PodeHeader -Name 'X-AuthToken'" }, { code: "Get-PodeHeader -Name 'X-Token' -Secret (Get-PodeServerDefaultSecret)" }],
  defaultParameterSet: 'BuiltIn',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, sets: ['Deserialize', 'BuiltIn'], help: 'The name of the header to retrieve.' },
    { name: 'Secret', type: 'String', sets: ['BuiltIn'], help: "The secret used to unsign the header's value." },
    { name: 'Strict', type: 'SwitchParameter', sets: ['BuiltIn'], help: strictHelp },
    { name: 'Explode', type: 'SwitchParameter', sets: ['Deserialize'], unsupported: WHY_DESERIALIZE, help: 'Specifies whether the deserialization process should explode arrays in the header value.' },
    { name: 'Deserialize', type: 'SwitchParameter', mandatory: true, sets: ['Deserialize'], unsupported: WHY_DESERIALIZE, help: 'Indicates that the retrieved header value should be deserialized (OpenAPI simple style).' },
  ],
  outputs: 'System.String',
  run: (args, ctx) => {
    const event = currentWebEvent(ctx.command);
    // Mandatory in both of its sets, so always bound (the type sees a parameter with sets as optional).
    const value = getHeader(event, args.Name!);
    if (!args.Secret) return value ?? null;
    return unsignValue(value, args.Secret, args.Strict ? strictContextOf(event) : undefined) ?? null;
  },
});

export const TestPodeHeader = cmdlet({
  name: 'Test-PodeHeader',
  synopsis: 'Tests if a header is present on the Request.',
  description: 'Tests if a header is present on the Request, with a value that is not empty or whitespace.',
  examples: [{ code: "Test-PodeHeader -Name 'X-AuthToken'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The name of the header to test.' }],
  outputs: 'System.Boolean',
  run: (args, ctx) => {
    const value = getHeader(currentWebEvent(ctx.command), args.Name);
    return value !== undefined && value.trim() !== '';
  },
});
