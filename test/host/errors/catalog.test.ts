// The error catalogs (host/errors/catalog.ts, and the binding errors in host/binder/messages.ts): one entry per
// id, ErrorIds as PowerShell writes them, the texts the call sites relied on, and docs/errors.md made from them.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { binding } from '../../../host/binder/messages.ts';
import { errors } from '../../../host/errors/catalog.ts';
import { placeholders, type ErrorMaker } from '../../../host/errors/define.ts';
import { PodeError } from '../../../host/errors/error.ts';
import { renderErrorsPage } from '../../../host/help/errors.ts';

const catalogs = { errors, binding } as Record<string, Readonly<Record<string, ErrorMaker<any>>>>;
const all = Object.entries(catalogs).flatMap(([catalog, entries]) => Object.entries(entries).map(([key, make]) => ({ catalog, key, make })));

/** Arguments for any template: each reads as a one-element list, as the docs page renders them. */
const anyArgs = new Proxy({}, { get: (_, key) => [`<${String(key)}>`], has: () => true });

describe('error catalogs', () => {
  it('declare each id once, under its own name, across both catalogs', () => {
    const seen = new Map<string, string>();
    for (const { catalog, key, make } of all) {
      expect(make.id, `${catalog}.${key}`).to.equal(key);
      expect(key, `${catalog}.${key}`).to.match(/^[A-Z][A-Za-z0-9]*$/); // no comma: the comma separates the command
      expect(seen.get(key), `${key} is in ${seen.get(key)} and ${catalog}`).to.equal(undefined);
      seen.set(key, catalog);
    }
    expect(seen.size).to.be.greaterThan(80);
  });

  it('make ErrorIds `<Id>,<Command>`, or the bare `<Id>` without a command', () => {
    for (const { key, make } of all) {
      const withCommand = make('Send-PodeSseEvent', anyArgs);
      expect(withCommand).to.be.an.instanceOf(PodeError);
      expect(withCommand.ErrorId).to.equal(`${key},Send-PodeSseEvent`);
      expect(withCommand.Id).to.equal(key);
      const bare = make('', anyArgs);
      expect(bare.ErrorId).to.equal(key);
      expect(bare.Id).to.equal(key);
      expect(bare.message).to.equal(withCommand.message);
      expect(bare.StatusCode).to.equal(make.status);
    }
  });

  it('give every binding error status 500 and keep each engine status as declared', () => {
    for (const make of Object.values(catalogs['binding']!)) expect(make('X-Y', anyArgs).StatusCode, make.id).to.equal(500);
    expect(errors.SseServerStopping('ConvertTo-PodeSseConnection').StatusCode).to.equal(503);
    expect(errors.SseAcceptNotEventStream('ConvertTo-PodeSseConnection', { accept: '*/*' }).StatusCode).to.equal(406);
    expect(errors.RequestBodyTooLarge('', { limit: 10 }).StatusCode).to.equal(413);
    expect(errors.SseNameRequired('Send-PodeSseEvent').StatusCode).to.equal(undefined);
  });

  it('fill the templates with the texts the call sites wrote (exact bytes)', () => {
    const cases: [PodeError, string, string | undefined][] = [
      [
        errors.SseInvalidEventId('Send-PodeSseEvent', { what: 'line feed (LF, U+000A)' }),
        'The SSE event Id cannot contain a line feed (LF, U+000A): line breaks would inject extra fields into the stream and NUL is not allowed in an event id.',
        undefined,
      ],
      [errors.CertificateRequired('Add-PodeEndpoint'), 'An Https endpoint needs a -Certificate (PEM with -CertificateKey, or .pfx/.p12) or -SelfSigned.', undefined],
      [errors.CertificateRequired('', { endpoint: 'https://127.0.0.1:8443' }), 'An https endpoint needs a certificate (endpoint https://127.0.0.1:8443).', undefined],
      [errors.InvalidRequestBody('', { jsonError: 'Unexpected end of JSON input' }), 'The request body is not valid JSON: Unexpected end of JSON input', undefined],
      [errors.InvalidRequestBody('', { maxDepth: 1024 }), 'The request body is nested more than 1024 levels deep.', undefined],
      // Pode's timerParameterMustBeGreaterThanZeroExceptionMessage, for Skip too.
      [errors.TimerParameterMustBeGreaterThanZero('Add-PodeTimer', { name: 't', parameter: 'Interval' }), '[Timer] t: Interval must be greater than 0.', 'Interval'],
      [errors.TimerParameterMustBeGreaterThanZero('Add-PodeTimer', { name: 't', parameter: 'Skip' }), '[Timer] t: Skip must be greater than 0.', 'Skip'],
      [errors.InvalidCronExpression('Add-PodeSchedule', { name: 's' }), '[Schedule] s: at least one Cron expression is required', 'Cron'],
      [errors.InvalidCronExpression('Add-PodeSchedule', { name: 's', error: 'bad field' }), '[Schedule] s: bad field', 'Cron'],
      [
        errors.CommonParameterNotSupported('Get-PodeSseClientIdList', { parameter: 'OutBuffer' }),
        'The -OutBuffer parameter is not supported by podets: cmdlet output is returned to the caller, not streamed through a pipeline buffer.',
        undefined,
      ],
      [
        errors.MethodPathAlreadyDefined('', { method: 'GET', path: '/a', source: 'b.ts:2', earlierPath: '/A', earlierSource: undefined }),
        "[GET] /a: Already defined. '/a' (b.ts:2) is the same route as '/A', registered earlier.",
        undefined,
      ],
      [
        binding.AmbiguousParameter('Send-PodeSseEvent', { typed: 'E', matches: ['EventType', 'ErrorAction'] }),
        "Parameter cannot be processed because the parameter name 'E' is ambiguous. Possible matches include: -EventType -ErrorAction.",
        'E',
      ],
      // The entries host/sse/engine.ts and host/http/respond.ts are to call, as their inline texts read.
      [errors.SseServerStopping('ConvertTo-PodeSseConnection'), 'The server is stopping: no new SSE connections.', undefined],
      [
        errors.SseAcceptNotEventStream('ConvertTo-PodeSseConnection', { accept: 'text/html' }),
        "SSE can only be configured on requests with an Accept header value of text/event-stream (got 'text/html'). Use -Force to convert anyway.",
        undefined,
      ],
      [errors.SseResponseAlreadySent('ConvertTo-PodeSseConnection'), 'The response has already been sent: it cannot become an SSE connection.', undefined],
      [
        errors.SseBroadcastLevelExceeded('Send-PodeSseEvent', { name: 'Events', level: 'clientid' }),
        'SSE failed to broadcast due to defined SSE broadcast level for Events: clientid',
        undefined,
      ],
      [
        errors.SseBroadcastLevelExceeded('Send-PodeSseEvent', { name: 'Events', level: 'group' }),
        'SSE failed to broadcast due to defined SSE broadcast level for Events: group',
        undefined,
      ],
      [
        errors.JsonCircularReference('Write-PodeJsonResponse'),
        'The value contains a circular reference and cannot be serialized to JSON with no depth bound; pass a -Depth.',
        undefined,
      ],
      [errors.InvalidStatusCode('Set-PodeResponseStatus', { code: 42 }), "'42' is not a valid HTTP status code.", undefined],
      [binding.MissingMandatoryParameter('Send-PodeSseEvent', { names: ['Name', 'Data'] }), 'Cannot process command because of one or more missing mandatory parameters: Name Data.', 'Name'],
    ];
    for (const [err, message, parameter] of cases) {
      expect(err.message, err.ErrorId).to.equal(message);
      expect(err.ParameterName, err.ErrorId).to.equal(parameter);
    }
  });

  it('withCommand reports an engine error as a cmdlet’s, keeping its text, status and parameter', () => {
    const err = errors.PathNotFound('', { path: '/x' }).withCommand('Add-PodeRoute');
    expect([err.ErrorId, err.message, err.ParameterName, err.StatusCode]).to.deep.equal(['PathNotFound,Add-PodeRoute', 'Path does not exist: /x', 'FilePath', undefined]);
  });

  it('docs/errors.md lists every id with its template, and is up to date', () => {
    const page = renderErrorsPage();
    for (const { key, make } of all) {
      expect(page).to.include(`| ${key} |`);
      expect(page).to.include(placeholders(make.text)!.replace(/\|/g, '\\|'));
    }
    expect(page).not.to.match(/undefined|NaN|\[object /);
    expect(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'errors.md'), 'utf8')).to.equal(page);
  });
});

// Never called: `tsc` checks that the catalog refuses what it does not declare.
export function catalogTypeChecks(): void {
  // @ts-expect-error an id no catalog declares
  errors.NoSuchError('');
  // @ts-expect-error a template's arguments are required
  errors.SseInvalidEventId('Send-PodeSseEvent');
  // @ts-expect-error an argument the template does not name
  errors.SseInvalidEventId('Send-PodeSseEvent', { what: 'x', extra: 1 });
  // @ts-expect-error fixed text takes no arguments
  errors.SseServerStopping('ConvertTo-PodeSseConnection', { what: 'x' });
  // @ts-expect-error a value outside the argument's type
  errors.TimerParameterMustBeGreaterThanZero('Add-PodeTimer', { name: 't', parameter: 'Name' });
  // @ts-expect-error one of the two forms, not neither
  errors.InvalidRequestBody('', {});
  // @ts-expect-error binding errors live in their own catalog
  errors.NamedParameterNotFound('X-Y', { typed: 'Z' });
}
