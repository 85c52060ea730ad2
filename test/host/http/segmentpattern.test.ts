import { expect } from 'chai';
import { compileSegmentPattern, matchSegmentPattern, type MatchMeter } from '../../../host/http/segmentpattern.ts';
import { Router, type RouteFound } from '../../../host/http/router.ts';
import { json } from '../../../host/http/respond.ts';
import { rawRequest, startServer, type TestServer } from './helpers.ts';

// The regex routepath.ts compiled before the linear matcher: the reference semantics, kept here only.
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const oldRegex = (texts: string[]) => new RegExp(`^${texts.map(escapeRegex).join('(.+?)')}$`, 'i');

/** mulberry32: a small seeded generator, so a failure replays exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Letters in both cases, the pattern's punctuation, every line terminator, and the characters whose
// case mapping the non-Unicode `i` flag treats specially (ſ→S and ı→I refused, ß→SS kept, Kelvin sign,
// dotted İ), plus a lone surrogate.
const ALPHABET = ['a', 'A', 'b', 'B', '-', '.', 'j', 'S', 's', 'o', 'n', '\n', '\r', '\u2028', '\u2029', 'ſ', 'ß', '\u212a', 'k', 'K', 'ı', 'i', 'I', 'İ', 'é', 'É', '\ud83d', ' '];

describe('http/segmentpattern', () => {
  it('gives the captures of the lazy regex it replaces, for random patterns and segments', () => {
    const next = random(20251126);
    const pick = () => ALPHABET[Math.floor(next() * ALPHABET.length)]!;
    const word = (max: number) => Array.from({ length: Math.floor(next() * (max + 1)) }, pick).join('');
    let compared = 0;
    let matched = 0;
    for (let p = 0; p < 400; p++) {
      const groups = 1 + Math.floor(next() * 3);
      const texts = Array.from({ length: groups + 1 }, () => word(3));
      const re = oldRegex(texts);
      const pattern = compileSegmentPattern(texts);
      for (let s = 0; s < 250; s++) {
        // Half the segments are built from the pattern's own texts, so many of them match.
        const seg = next() < 0.5 ? word(12) : texts.map((t) => t + (t === texts[groups] ? '' : word(4))).join('');
        const m = re.exec(seg);
        const expected = m === null ? null : m.slice(1);
        const actual = matchSegmentPattern(pattern, seg);
        // chai only on a difference: 100,000 deep comparisons would be most of the test's time.
        if (JSON.stringify(actual) !== JSON.stringify(expected)) {
          expect(actual, `${JSON.stringify(texts)} on ${JSON.stringify(seg)}`).to.deep.equal(expected);
        }
        compared++;
        if (expected !== null) matched++;
      }
    }
    expect(compared).to.equal(100_000);
    expect(matched).to.be.greaterThan(10_000); // the comparison exercised matches, not only refusals
  });

  it('takes the shortest placeholder values, earlier ones first, as the lazy regex does', () => {
    const p = compileSegmentPattern(['', '-', '.json']);
    expect(matchSegmentPattern(p, 'a-b-c.json')).to.deep.equal(['a', 'b-c']);
    expect(matchSegmentPattern(p, 'A-B.JSON')).to.deep.equal(['A', 'B']);
    expect(matchSegmentPattern(p, '-b.json')).to.equal(null); // placeholders are never empty
    expect(matchSegmentPattern(p, 'a\n-b.json')).to.equal(null); // nor hold a line terminator
    expect(matchSegmentPattern(compileSegmentPattern(['', '']), 'xyz')).to.deep.equal(['xyz']);
    expect(matchSegmentPattern(compileSegmentPattern(['', '', '']), 'xyz')).to.deep.equal(['x', 'yz']);
  });

  it('does work linear in the segment length on input that makes the regex backtrack', () => {
    const p = compileSegmentPattern(['', '-', '.json']);
    const perChar: number[] = [];
    for (const n of [1_000, 16_000, 160_000]) {
      const meter: MatchMeter = { steps: 0 };
      // 'a-a-a-…' without the .json ending: the lazy regex tries every '-' against every end.
      expect(matchSegmentPattern(p, 'a-'.repeat(n / 2), meter)).to.equal(null);
      const hit: MatchMeter = { steps: 0 };
      expect(matchSegmentPattern(p, `${'a-'.repeat(n / 2)}.json`, hit)).to.deep.equal(['a', 'a-'.repeat(n / 2 - 1)]);
      perChar.push(meter.steps / n, hit.steps / (n + 5));
    }
    for (const steps of perChar) expect(steps).to.be.at.most(8);
  });

  describe('on the wire', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer({ router: new Router() });
      srv.router.add({ method: 'GET', path: '/f/:a-:b.json', handler: (e) => json(e, e.Parameters) });
    });
    after(() => srv.close());

    it('answers a 16,000-character segment that does not match with 404, and one that does with its values', async () => {
      const miss = await rawRequest(srv.port, `/f/${'a-'.repeat(8_000)}`);
      expect(miss.status).to.equal(404);
      const post = await rawRequest(srv.port, `/f/${'a-'.repeat(8_000)}`, { method: 'POST' });
      expect(post.status).to.equal(404); // the 405 check walks the patterns too
      const hit = await rawRequest(srv.port, `/f/x-${'y'.repeat(16_000)}.json`);
      expect(hit.status).to.equal(200);
      expect(JSON.parse(hit.body)).to.deep.equal({ a: 'x', b: 'y'.repeat(16_000) });
    });

    it('matches through the router as the regex did', () => {
      const r = new Router();
      r.add({ method: 'GET', path: '/f/:a-:b.json', handler: () => undefined });
      expect((r.match('GET', '/f/one-two-three.JSON') as RouteFound).params).to.deep.equal({ a: 'one', b: 'two-three' });
      expect(r.match('GET', '/f/one-%0Atwo.json')).to.equal(null);
    });
  });
});
