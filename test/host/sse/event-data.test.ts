import { expect } from 'chai';
import { toEventData } from '../../../host/sse/framing.ts';
import { PodeError } from '../../../host/errors/error.ts';

describe('sse toEventData', () => {
  it('sends a string as-is (no JSON quoting, newlines kept)', () => {
    expect(toEventData('hi "there"\nnext')).to.equal('hi "there"\nnext');
    expect(toEventData('')).to.equal('');
  });

  it('serializes everything else as compact JSON', () => {
    expect(toEventData({ a: 1, b: [true, null, 'x'], c: { d: 'e' } })).to.equal('{"a":1,"b":[true,null,"x"],"c":{"d":"e"}}');
    expect(toEventData(42)).to.equal('42');
    expect(toEventData(false)).to.equal('false');
    expect(toEventData(null)).to.equal('null');
    expect(toEventData([])).to.equal('[]');
    expect(toEventData({})).to.equal('{}');
  });

  it('matches JSON.stringify on plain JSON values', () => {
    const v = { s: 'q"\\\n\u2028é', n: -0.5, arr: [1, [2, [3]]], o: { p: { q: {} } } };
    expect(toEventData(v)).to.equal(JSON.stringify(v));
  });

  it('undefined becomes null everywhere; NaN/Infinity null; functions null', () => {
    expect(toEventData(undefined)).to.equal('null');
    expect(toEventData({ a: undefined, b: NaN, c: Infinity, f: () => 1 })).to.equal('{"a":null,"b":null,"c":null,"f":null}');
    expect(toEventData([undefined])).to.equal('[null]');
  });

  it('dates are ISO strings; bigints exact digits; boxed primitives unboxed', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    expect(toEventData({ d })).to.equal('{"d":"2024-01-02T03:04:05.006Z"}');
    expect(toEventData(d)).to.equal('"2024-01-02T03:04:05.006Z"');
    expect(toEventData({ big: 123456789012345678901234567890n })).to.equal('{"big":123456789012345678901234567890}');
    expect(toEventData(5n)).to.equal('5');
    expect(toEventData([new String('s'), new Number(2), new Boolean(true)])).to.equal('["s",2,true]');
  });

  it('Map becomes an object and Set an array', () => {
    expect(toEventData(new Map<unknown, unknown>([['a', 1], [2, 'b']]))).to.equal('{"a":1,"2":"b"}');
    expect(toEventData(new Set([1, 'x']))).to.equal('[1,"x"]');
  });

  describe('depth (PowerShell ConvertTo-Json -Depth semantics)', () => {
    it('expands levels up to Depth and stringifies objects deeper than it', () => {
      // top object = level 0, a's value = level 1, b's value = level 2
      const v = { a: { b: { c: 1 } } };
      expect(toEventData(v, 2)).to.equal('{"a":{"b":{"c":1}}}');
      expect(toEventData(v, 1)).to.equal('{"a":{"b":"[object Object]"}}');
    });

    it('replaces a too-deep array by its items joined with a space', () => {
      expect(toEventData({ a: [1, 'x', null, [2, 3], { k: 1 }] }, 1)).to.equal('{"a":[1,"x",null,"2 3","[object Object]"]}');
      expect(toEventData({ a: { b: [1, 'x', null, [2, 3]] } }, 1)).to.equal('{"a":{"b":"1 x  2 3"}}');
      expect(toEventData([[1, [2, 3]]], 1)).to.equal('[[1,"2 3"]]');
      // A nested array is one item, so an empty one still takes its place between the separators.
      expect(toEventData({ a: { b: [1, [], 2, [[3]]] } }, 1)).to.equal('{"a":{"b":"1  2 3"}}');
    });

    it('cuts an array nested far deeper than the call stack allows, past Depth, without overflowing', () => {
      let deep: unknown[] = ['bottom'];
      for (let i = 0; i < 200_000; i++) deep = [deep];
      expect(toEventData({ a: deep }, 1)).to.equal('{"a":["bottom"]}');
      const cyclic: unknown[] = [1];
      cyclic.push([cyclic, 2]);
      expect(toEventData({ a: { b: cyclic } }, 1)).to.equal('{"a":{"b":"1  2"}}');
    });

    it('keeps scalars at any depth', () => {
      expect(toEventData({ a: { b: 'deep' } }, 1)).to.equal('{"a":{"b":"deep"}}');
    });

    it('uses a custom toString for a cut object', () => {
      class Point {
        constructor(readonly x: number) {}
        toString() {
          return `P(${this.x})`;
        }
      }
      expect(toEventData({ a: { p: new Point(1) } }, 1)).to.equal('{"a":{"p":"P(1)"}}');
      expect(toEventData({ a: { p: Object.create(null) } }, 1)).to.equal('{"a":{"p":"[object Object]"}}');
    });

    it('defaults to 10 levels', () => {
      let v: unknown = 'leaf';
      for (let i = 0; i < 12; i++) v = { n: v };
      const out = toEventData(v);
      expect(out.startsWith('{"n":'.repeat(11) + '"[object Object]"')).to.equal(true);
    });

    it('Depth <= 0 means unbounded', () => {
      let v: unknown = 1;
      for (let i = 0; i < 50; i++) v = [v];
      expect(toEventData(v, 0)).to.equal(JSON.stringify(v));
      expect(toEventData(v, -1)).to.equal(JSON.stringify(v));
    });
  });

  describe('circular references', () => {
    it('are cut at the depth bound', () => {
      const o: Record<string, unknown> = { n: 1 };
      o.self = o;
      expect(toEventData(o, 2)).to.equal('{"n":1,"self":{"n":1,"self":{"n":1,"self":"[object Object]"}}}');
      const a: unknown[] = [1];
      a.push(a);
      expect(toEventData(a, 1)).to.equal('[1,[1,"1 "]]');
    });

    it('throw a clear PodeError when unbounded', () => {
      const o: Record<string, unknown> = {};
      o.me = { back: o };
      try {
        toEventData(o, 0);
        expect.fail('should throw');
      } catch (err) {
        expect(err).to.be.instanceOf(PodeError);
        expect((err as PodeError).ErrorId).to.equal('SseDataCircularReference,Send-PodeSseEvent');
        expect((err as PodeError).message).to.contain('circular');
      }
    });

    it('a shared (non-circular) object is not a cycle', () => {
      const shared = { x: 1 };
      expect(toEventData({ a: shared, b: shared }, 0)).to.equal('{"a":{"x":1},"b":{"x":1}}');
      const arr = [1, 2];
      expect(toEventData({ a: { b: [arr, arr] } }, 1)).to.equal('{"a":{"b":"1 2 1 2"}}');
    });
  });
});
