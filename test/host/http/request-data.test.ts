// The request-data mark (host/http/request-data.ts): what the parsers mark, that the mark is invisible, the depth
// limit, and that the binder never takes a marked object as a splat. test/cmdlets/request-data.test.ts shows the
// same end to end.
import { expect } from 'chai';
import { bindArgs } from '../../../host/binder/bind.ts';
import { compile } from '../../../host/binder/compile.ts';
import { PodeError } from '../../../host/errors/error.ts';
import type { CmdletDecl, ParamDecl } from '../../../host/cmdlet/declare.ts';
import { parseBody } from '../../../host/http/body.ts';
import { isRequestData, markRequestData, MAX_REQUEST_DATA_DEPTH } from '../../../host/http/request-data.ts';
import { parseUrlEncoded } from '../../../host/http/urlencoded.ts';
import { WebRequest, type WebEvent } from '../../../host/http/webevent.ts';
import { ConvertToPodeSseConnection as CSC } from '../../../cmdlets/sse.ts';
import { WritePodeJsonResponse } from '../../../cmdlets/responses.ts';
import { startServer, type TestServer } from './helpers.ts';

const csc = compile(CSC.declaration as unknown as CmdletDecl<readonly ParamDecl[], unknown>);
const jsonResponse = compile(WritePodeJsonResponse.declaration as unknown as CmdletDecl<readonly ParamDecl[], unknown>);
const json = (text: string) => parseBody(Buffer.from(text), 'application/json') as any;

function thrown(fn: () => unknown): PodeError {
  try {
    fn();
  } catch (err) {
    return err as PodeError;
  }
  throw new Error('expected an error');
}

describe('http/request-data', () => {
  it('JSON bodies: the root and every object nested in it are marked, arrays and scalars are not', () => {
    const data = json('{"a":{"b":[{"c":1},[{"d":{}}]]},"s":"x"}');
    for (const o of [data, data.a, data.a.b[0], data.a.b[1][0], data.a.b[1][0].d]) expect(isRequestData(o)).to.equal(true);
    expect(isRequestData(data.a.b)).to.equal(false);
    expect(isRequestData(json('[{"x":1}]'))).to.equal(false);
    expect(isRequestData(json('[{"x":1}]')[0])).to.equal(true);
  });

  it('urlencoded bodies and query strings, and node request headers, are marked', () => {
    expect(isRequestData(parseBody(Buffer.from('a=1&a=2'), 'application/x-www-form-urlencoded') as object)).to.equal(true);
    expect(isRequestData(parseUrlEncoded(''))).to.equal(true);
    expect(isRequestData(parseUrlEncoded('Value=x'))).to.equal(true);
    const headers = { host: 'h', value: 'x' };
    const req = { headers, socket: {}, url: '/' } as unknown as ConstructorParameters<typeof WebRequest>[0];
    expect(isRequestData(new WebRequest(req, 'http').Headers)).to.equal(true);
  });

  it('route parameters are marked by the dispatcher', async () => {
    let event: WebEvent | undefined;
    const srv: TestServer = await startServer();
    try {
      srv.router.add({ method: 'GET', path: '/p/:Value', handler: (e) => void ((event = e), e.Response.raw.end()) });
      srv.router.add({ method: 'GET', path: '/exact', handler: (e) => void ((event = e), e.Response.raw.end()) });
      await (await fetch(`${srv.url}/p/x`)).text();
      expect(event!.Parameters).to.deep.equal({ Value: 'x' });
      expect(isRequestData(event!.Parameters)).to.equal(true);
      await (await fetch(`${srv.url}/exact`)).text();
      expect(isRequestData(event!.Parameters)).to.equal(true);
    } finally {
      await srv.close();
    }
  });

  it('the mark is invisible: same keys, same JSON, no symbols; a copy is not marked', () => {
    const data = json('{"Value":"v","StatusCode":201}');
    expect(Reflect.ownKeys(data)).to.deep.equal(['Value', 'StatusCode']);
    expect(JSON.stringify(data)).to.equal('{"Value":"v","StatusCode":201}');
    expect(isRequestData({ ...data })).to.equal(false);
    expect(isRequestData(structuredClone(data))).to.equal(false);
    expect(markRequestData(data)).to.equal(data); // marking twice is harmless
  });

  it('Buffers and other non-plain objects are leaves: not walked, not marked', () => {
    const file = Buffer.alloc(1024 * 1024);
    const data = markRequestData({ file, when: new Date(0) });
    expect(isRequestData(data)).to.equal(true);
    expect(isRequestData(file)).to.equal(false);
    expect(isRequestData(data.when)).to.equal(false);
  });

  it(`refuses data nested more than ${MAX_REQUEST_DATA_DEPTH} levels with a 400, without recursing`, () => {
    expect(() => json('['.repeat(MAX_REQUEST_DATA_DEPTH) + ']'.repeat(MAX_REQUEST_DATA_DEPTH))).to.not.throw();
    for (const text of ['['.repeat(MAX_REQUEST_DATA_DEPTH + 1) + ']'.repeat(MAX_REQUEST_DATA_DEPTH + 1), '{"a":'.repeat(200_000) + '1' + '}'.repeat(200_000)]) {
      const err = thrown(() => json(text));
      expect(err).to.be.instanceOf(PodeError);
      expect(err.ErrorId).to.equal('InvalidRequestBody');
      expect(err.StatusCode).to.equal(400);
      expect(err.message).to.equal('The request body is nested more than 1024 levels deep.');
    }
  });

  it('the binder never takes marked data as a splat: it is the value of the parameter in that position', () => {
    // An object parameter first: the data is -Value, even though every key names a parameter.
    const attack = json('{"Value":"<script>","ContentType":"text/html","StatusCode":201}');
    const bound = bindArgs(jsonResponse, [attack]);
    expect(bound.values[0]).to.equal(attack);
    expect(bound.values.filter((v) => v !== undefined)).to.have.length(1);
    // A script's own copy is a splat again.
    expect(bindArgs(jsonResponse, [{ ...attack }]).values.filter((v) => v !== undefined)).to.have.length(3);
    // A String parameter first: the data is -Name, as its .NET text (a hashtable's ToString() is its type name,
    // LanguagePrimitives.ConvertTo), and none of its keys binds.
    const named = bindArgs(csc, [json('{"Name":"x","Scope":"Local"}')]);
    expect(named.values.filter((v) => v !== undefined)).to.deep.equal(['System.Collections.Hashtable']);
    // Nested objects alike.
    expect(bindArgs(jsonResponse, [json('{"inner":{"Value":1}}').inner]).values[0]).to.deep.equal({ Value: 1 });
  });
});
