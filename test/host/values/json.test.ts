import { expect } from 'chai';
import { PodeError } from '../../../host/errors/error.ts';
import { toJson } from '../../../host/http/respond.ts';
import { toEventData } from '../../../host/sse/framing.ts';
import { toPsJson } from '../../../host/values/json.ts';

const circular = () => new Error('circular');

describe('values/json: the one serializer behind Write-PodeJsonResponse and Send-PodeSseEvent', () => {
  it('responses and SSE data give the same text for the same value', () => {
    const value = {
      none: undefined,
      big: 123456789012345678901234567890n,
      set: new Set([1, 'two']),
      map: new Map<unknown, unknown>([[1, { deep: { deeper: { deepest: 1 } } }]]),
      when: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)),
      fn: () => 1,
      boxed: new String('s'),
    };
    const expected =
      '{"none":null,"big":123456789012345678901234567890,"set":[1,"two"],"map":{"1":{"deep":{"deeper":"[object Object]"}}},' +
      '"when":"2024-01-02T03:04:05.006Z","fn":null,"boxed":"s"}';
    expect(toJson(value, 3)).to.equal(expected);
    expect(toEventData(value, 3)).to.equal(expected);
  });

  it('plain data is exactly what JSON.stringify writes, compact and indented', () => {
    const values: unknown[] = [
      { s: 'q"\\\n\u2028é', n: -0.5, nan: NaN, arr: [1, [2, [3]]], o: { p: { q: {} } }, e: [], d: new Date(0), bad: new Date(NaN) },
      [null, true, 0, ''],
      'text',
      7,
      null,
    ];
    for (const v of values) {
      expect(toPsJson(v, { depth: Infinity, circular })).to.equal(JSON.stringify(v));
      expect(toPsJson(v, { depth: Infinity, pretty: true, circular })).to.equal(JSON.stringify(v, null, 2));
    }
  });

  it('indents what JSON.stringify cannot write as ConvertTo-Json does (two spaces, "key": value)', () => {
    const text = toPsJson({ a: undefined, s: new Set([1, 2]), e: [], o: {}, m: new Map([['k', 1n]]) }, { depth: Infinity, pretty: true, circular });
    expect(text).to.equal('{\n  "a": null,\n  "s": [\n    1,\n    2\n  ],\n  "e": [],\n  "o": {},\n  "m": {\n    "k": 1\n  }\n}');
    expect(text).to.equal(JSON.stringify({ a: null, s: [1, 2], e: [], o: {}, m: { k: 1 } }, null, 2));
  });

  it('a plain value nested deeper than the fast path checks still comes out as JSON.stringify writes it', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = { d: deep };
    expect(toPsJson(deep, { depth: Infinity, circular })).to.equal(JSON.stringify(deep));
  });

  it('a cycle is cut at a depth bound, and with none is the caller\'s error naming its command', () => {
    const loop: Record<string, unknown> = { name: 'a' };
    loop.self = loop;
    expect(toJson(loop, 1)).to.equal('{"name":"a","self":{"name":"a","self":"[object Object]"}}');
    expect(toEventData(loop, 1)).to.equal(toJson(loop, 1));
    expect(() => toJson(loop)).to.throw(PodeError, /circular reference/).with.property('ErrorId', 'JsonCircularReference,Write-PodeJsonResponse');
    expect(() => toEventData(loop, 0)).to.throw(PodeError).with.property('ErrorId', 'SseDataCircularReference,Send-PodeSseEvent');
  });
});
