// host/http/cookies.ts: the Cookie header read (RFC 6265 section 5.4, bounded, never throwing), Set-Cookie values
// written in the attribute order of Pode's ConvertTo-PodeCookieString (src/Private/Cookies.ps1, the stored copy
// id 7154121339: Name=Value, Discard, HttpOnly, Secure, Domain, Path, Max-Age) and refusals of what a cookie may
// not carry; signed values in Pode's `s:<value>.<Base64(HMAC-SHA256)>` format.
import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import {
  COOKIE_COUNT_LIMIT,
  COOKIE_HEADER_LIMIT,
  parseCookies,
  readSignedCookie,
  serializeCookie,
  signCookieValue,
} from '../../../host/http/cookies.ts';
import { PodeError } from '../../../host/errors/error.ts';

const hmac = (value: string, key: string) => createHmac('sha256', key).update(value).digest('base64');
const entries = (header: string | undefined) => [...parseCookies(header)];

/** The error serializeCookie throws, as { id, message, parameter, status }. */
function refusal(fn: () => unknown): { id: string; message: string; parameter: string | undefined; status: number | undefined } {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PodeError);
    const e = err as PodeError;
    return { id: e.ErrorId, message: e.message, parameter: e.ParameterName, status: e.StatusCode };
  }
  throw new Error('expected a refusal');
}

describe('host/http/cookies: parseCookies', () => {
  it('reads name=value pairs split by ";", trimming spaces and tabs around them', () => {
    expect(entries('a=1; b=2;c=3 ;\td=4\t')).to.deep.equal([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
    ]);
  });

  it('the first occurrence of a name wins (RFC 6265 section 5.4: the more specific cookie comes first)', () => {
    expect(entries('id=first; id=second; ID=other')).to.deep.equal([
      ['id', 'first'],
      ['ID', 'other'],
    ]);
  });

  it('a quoted value is unquoted; percent-encoding is decoded when valid, else the raw text is kept', () => {
    expect(entries('q="hello world"; p=a%20b%C3%A9; bad=%E0%A4%A; pct=100%; lone="')).to.deep.equal([
      ['q', 'hello world'],
      ['p', 'a bé'],
      ['bad', '%E0%A4%A'],
      ['pct', '100%'],
      ['lone', '"'],
    ]);
  });

  it('a value keeps its own "=" signs (only the first one splits)', () => {
    expect(entries('sig=s:42.abc+/de==')).to.deep.equal([['sig', 's:42.abc+/de==']]);
  });

  it('skips pairs without "=" and pairs with an empty name; an empty value is kept', () => {
    expect(entries('novalue; =orphan; ;; empty=; x=1')).to.deep.equal([
      ['empty', ''],
      ['x', '1'],
    ]);
  });

  it('an absent or empty header is no cookies', () => {
    expect(entries(undefined)).to.deep.equal([]);
    expect(entries('')).to.deep.equal([]);
  });

  it(`keeps at most ${COOKIE_COUNT_LIMIT} cookies`, () => {
    const header = Array.from({ length: 150 }, (_, i) => `c${i}=${i}`).join('; ');
    const cookies = parseCookies(header);
    expect(cookies.size).to.equal(COOKIE_COUNT_LIMIT);
    expect(cookies.get('c99')).to.equal('99');
    expect(cookies.has('c100')).to.equal(false);
  });

  it(`reads only the first ${COOKIE_HEADER_LIMIT} characters, and no pair the limit cuts`, () => {
    const head = `a=1; big=${'x'.repeat(COOKIE_HEADER_LIMIT - 20)}; `; // ends before the limit
    const cut = `cut=${'y'.repeat(40)}; after=1`; // starts before the limit, ends past it
    const cookies = parseCookies(head + cut);
    expect([...cookies.keys()]).to.deep.equal(['a', 'big']);
    // A pair ending exactly at the limit is read.
    const exact = `a=1; b=${'z'.repeat(COOKIE_HEADER_LIMIT - 7)}`;
    expect(exact.length).to.equal(COOKIE_HEADER_LIMIT);
    expect(parseCookies(exact + '; c=3').get('b')).to.have.length(COOKIE_HEADER_LIMIT - 7);
    expect(parseCookies(exact + '; c=3').has('c')).to.equal(false);
  });

  it('a name such as __proto__ is an ordinary cookie', () => {
    const cookies = parseCookies('__proto__=1; constructor=2');
    expect(cookies.get('__proto__')).to.equal('1');
    expect(cookies.get('constructor')).to.equal('2');
  });

  it('never throws, whatever the header holds (a deterministic sweep of awkward characters)', () => {
    const alphabet = ['=', ';', '"', '%', '%E0', '%zz', ' ', '\t', '\r', '\n', '\u0000', 'é', '\u{1F600}', '\uD800', 'a', ','];
    let seed = 13;
    for (let n = 0; n < 2000; n++) {
      let header = '';
      for (let i = 0; i < 12; i++) {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        header += alphabet[seed % alphabet.length];
      }
      expect(() => parseCookies(header)).not.to.throw();
    }
    expect(() => parseCookies(123 as unknown as string)).not.to.throw();
  });
});

describe('host/http/cookies: serializeCookie', () => {
  it('writes Name=Value and the attributes in Pode\'s order: Discard, HttpOnly, Secure, Domain, Path, Max-Age', () => {
    expect(serializeCookie('Views', '2')).to.equal('Views=2');
    expect(
      serializeCookie('Views', '2', { secure: true, httpOnly: true, discard: true, path: '/', domain: 'example.com', maxAge: 3600 }),
    ).to.equal('Views=2; Discard; HttpOnly; Secure; Domain=example.com; Path=/; Max-Age=3600');
  });

  it('Max-Age is whole seconds, never below 0; Expires and SameSite (which Pode does not write) come last', () => {
    expect(serializeCookie('a', 'b', { maxAge: 3599.9987 })).to.equal('a=b; Max-Age=3600');
    expect(serializeCookie('a', 'b', { maxAge: -5 })).to.equal('a=b; Max-Age=0');
    expect(serializeCookie('a', 'b', { expires: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)), sameSite: 'Lax' })).to.equal(
      'a=b; Expires=Wed, 02 Jan 2030 03:04:05 GMT; SameSite=Lax',
    );
  });

  it('a signed value (base64: "+", "/", "=") is written as it is', () => {
    const signed = signCookieValue('user-42', 'k');
    expect(serializeCookie('sid', signed)).to.equal(`sid=${signed}`);
  });

  it('percent-encodes the characters a cookie-octet excludes but a value may hold (space, \'"\', \'\\\', \'%\', non-ASCII), so parseCookies reads the same text back', () => {
    const value = 'a b"c\\d%e é \u{1F600}';
    const header = serializeCookie('v', value);
    expect(header).to.equal('v=a%20b%22c%5Cd%25e%20%C3%A9%20%F0%9F%98%80');
    expect(parseCookies(header).get('v')).to.equal(value);
  });

  it('refuses CR, LF, other control characters, ";" and "," in a value: no header or attribute can be added', () => {
    for (const [value, shown] of [
      ['a\r\nSet-Cookie: evil=1', "'a\\u000d\\u000aSet-Cookie: evil=1'"],
      ['a; Domain=evil.example', "'a; Domain=evil.example'"],
      ['a,b', "'a,b'"],
      ['a\u0000b', "'a\\u0000b'"],
      ['a\u007fb', "'a\\u007fb'"],
    ] as const) {
      const r = refusal(() => serializeCookie('v', value));
      expect(r.id).to.equal('CookieInvalidPart');
      expect(r.parameter).to.equal('Value');
      expect(r.status).to.equal(400);
      expect(r.message).to.match(new RegExp(`^The 'Value'=${shown.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')} part of the cookie is invalid: a cookie's value may not carry `));
      expect(r.message).not.to.match(/[\r\n]/);
    }
  });

  it("refuses a name that is not an RFC 6265 token, empty, or starting with '$' (as System.Net.Cookie)", () => {
    for (const name of ['', 'a b', 'a=b', 'a;b', 'a,b', 'a\r\nb', '(a)', 'é', '$Version']) {
      const r = refusal(() => serializeCookie(name, 'v'));
      expect(r.id, JSON.stringify(name)).to.equal('CookieInvalidPart');
      expect(r.parameter).to.equal('Name');
    }
    expect(refusal(() => serializeCookie('v', 'a\uD800b')).message).to.equal(
      "The 'Value'='a\\ud800b' part of the cookie is invalid: a cookie's value may not carry U+D800 (a lone surrogate).",
    );
    expect(refusal(() => serializeCookie('a\nb', 'v')).message).to.equal(
      "The 'Name'='a\\u000ab' part of the cookie is invalid: a cookie's name may not carry U+000A.",
    );
  });

  it('refuses a path or domain with CR, LF, ";" or ","; a domain with a space', () => {
    expect(refusal(() => serializeCookie('a', 'b', { path: '/x;Secure' })).message).to.equal(
      "The 'Path'='/x;Secure' part of the cookie is invalid: a cookie's path may not carry ';'.",
    );
    expect(refusal(() => serializeCookie('a', 'b', { path: '/x\r\n' })).id).to.equal('CookieInvalidPart');
    expect(refusal(() => serializeCookie('a', 'b', { domain: 'a.example, b.example' })).id).to.equal('CookieInvalidPart');
    expect(refusal(() => serializeCookie('a', 'b', { domain: 'a example' })).id).to.equal('CookieInvalidPart');
    expect(serializeCookie('a', 'b', { path: '/a b' })).to.equal('a=b; Path=/a b');
  });

  it('a quoted value in an error is bounded to 64 characters', () => {
    const r = refusal(() => serializeCookie('v', `${'x'.repeat(100)};`));
    expect(r.message).to.equal(`The 'Value'='${'x'.repeat(64)}…' part of the cookie is invalid: a cookie's value may not carry ';'.`);
  });
});

describe('host/http/cookies: signed values', () => {
  it("signs as Pode's Invoke-PodeValueSign: s:<value>.<Base64(HMAC-SHA256(secret, value))>", () => {
    expect(signCookieValue('user-42', 'hunter2')).to.equal(`s:user-42.${hmac('user-42', 'hunter2')}`);
    expect(signCookieValue('user-42', 'hunter2', { userAgent: 'UA', ip: '10.0.0.1' })).to.equal(`s:user-42.${hmac('user-42', 'hunter2;UA;10.0.0.1')}`);
  });

  it('readSignedCookie gives the value back only for a valid signature; anything else reads as absent', () => {
    const signed = signCookieValue('a.b.c', 'k');
    expect(readSignedCookie(signed, 'k')).to.equal('a.b.c');
    expect(readSignedCookie(signed, 'other')).to.equal(undefined);
    expect(readSignedCookie(signed.replace('a.b.c', 'a.b.d'), 'k')).to.equal(undefined);
    expect(readSignedCookie(signed.slice(0, -2), 'k')).to.equal(undefined);
    expect(readSignedCookie('a.b.c', 'k')).to.equal(undefined);
    expect(readSignedCookie('s:nodot', 'k')).to.equal(undefined);
    expect(readSignedCookie(undefined, 'k')).to.equal(undefined);
    const strict = { userAgent: 'UA', ip: '10.0.0.1' };
    const bound = signCookieValue('v', 'k', strict);
    expect(readSignedCookie(bound, 'k', strict)).to.equal('v');
    expect(readSignedCookie(bound, 'k', { ...strict, ip: '10.0.0.2' })).to.equal(undefined);
    expect(readSignedCookie(bound, 'k')).to.equal(undefined);
  });
});
