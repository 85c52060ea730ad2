// host/auth/jwt.ts: signing and verifying every algorithm, the jwt.io vector byte for byte, and the attacks a
// verifier must refuse (alg none, algorithm confusion, tampering, malformed and oversized tokens, exp/nbf), each
// with its exact error id, status and text. Pode's behaviour: src/Private/Jwt.ps1 (Confirm-PodeJwt,
// ConvertFrom-PodeJwtBase64Value, New-PodeJwtSignature) and src/Public/Jwt.ps1@182df98 (Test-PodeJwt L43-L147).
import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import {
  base64UrlDecode,
  base64UrlEncode,
  checkJwtClaims,
  decodeJwt,
  JWT_ALGORITHMS,
  MAX_JWT_LENGTH,
  signingAlgorithmForKey,
  signJwt,
  verifyJwt,
  type JwtAlgorithm,
} from '../../../host/auth/jwt.ts';
import type { PodeError } from '../../../host/errors/error.ts';
import { failure } from '../binder/helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/jwt/${name}`, import.meta.url), 'utf8');


function expectFailure(fn: () => unknown, id: string, status: number | undefined, message?: string): PodeError {
  const err = failure(fn);
  expect(err.name, String(err)).to.equal('PodeError');
  expect(err.Id).to.equal(id);
  expect(err.StatusCode).to.equal(status);
  if (message !== undefined) expect(err.message).to.equal(message);
  return err;
}

const NOW = 1_700_000_000;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec: Record<string, { publicKey: KeyObject; privateKey: KeyObject }> = {
  ES256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  ES384: generateKeyPairSync('ec', { namedCurve: 'P-384' }),
  ES512: generateKeyPairSync('ec', { namedCurve: 'P-521' }),
};
const keysFor = (alg: JwtAlgorithm) => (alg.startsWith('ES') ? ec[alg]! : rsa);

/** A token made by hand: header and payload JSON as given, signature as given. */
const raw = (header: object | string, payload: object | string, signature = '') =>
  `${base64UrlEncode(typeof header === 'string' ? header : JSON.stringify(header))}.${base64UrlEncode(typeof payload === 'string' ? payload : JSON.stringify(payload))}.${signature}`;
const hs256 = (header: object, payload: object, secret: string | Buffer) => {
  const input = raw(header, payload).slice(0, -1);
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('host/auth/jwt.ts', () => {
  describe('the jwt.io HS256 example', () => {
    const token =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    const header = { alg: 'HS256', typ: 'JWT' };
    const payload = { sub: '1234567890', name: 'John Doe', iat: 1516239022 };

    it('is signed to the exact token bytes', () => {
      expect(signJwt(header, payload, { secret: 'your-256-bit-secret' })).to.equal(token);
      expect(signJwt(header, payload, { secret: Buffer.from('your-256-bit-secret') })).to.equal(token);
    });

    it('verifies with its secret, and not with another', () => {
      expect(verifyJwt(token, { secret: 'your-256-bit-secret', now: NOW })).to.deep.equal({ header, payload });
      expectFailure(() => verifyJwt(token, { secret: 'your-256-bit-secreT', now: NOW }), 'JwtInvalidSignature', 401, 'Invalid JWT signature supplied.');
    });
  });

  describe('round trips', () => {
    for (const alg of JWT_ALGORITHMS) {
      it(`${alg}: signed and verified; the wrong key is refused`, () => {
        const payload = { sub: 'u1', n: 1, exp: NOW + 60 };
        if (alg.startsWith('HS')) {
          const token = signJwt({ alg }, payload, { secret: 's3cret' });
          expect(verifyJwt(token, { secret: 's3cret', now: NOW }).payload).to.deep.equal(payload);
          expectFailure(() => verifyJwt(token, { secret: 'other', now: NOW }), 'JwtInvalidSignature', 401);
          return;
        }
        const { publicKey, privateKey } = keysFor(alg);
        const token = signJwt({ alg, typ: 'JWT' }, payload, { privateKey });
        expect(decodeJwt(token).header).to.deep.equal({ alg, typ: 'JWT' });
        expect(verifyJwt(token, { publicKey, now: NOW })).to.deep.equal({ header: { alg, typ: 'JWT' }, payload });
        // A PEM public key, and the private key (its public half), verify too.
        expect(verifyJwt(token, { publicKey: publicKey.export({ type: 'spki', format: 'pem' }) as string, now: NOW }).payload).to.deep.equal(payload);
        expect(verifyJwt(token, { publicKey: privateKey, now: NOW }).payload).to.deep.equal(payload);
        const other = alg.startsWith('ES') ? generateKeyPairSync('ec', { namedCurve: ec[alg]!.publicKey.asymmetricKeyDetails!.namedCurve! }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
        expectFailure(() => verifyJwt(token, { publicKey: other.publicKey, now: NOW }), 'JwtInvalidSignature', 401, 'Invalid JWT signature supplied.');
      });
    }

    it('ES signatures are r||s of the curve size (64, 96, 132 bytes)', () => {
      for (const [alg, size] of [['ES256', 64], ['ES384', 96], ['ES512', 132]] as const) {
        const token = signJwt({ alg }, {}, { privateKey: ec[alg]!.privateKey });
        expect(Buffer.from(token.split('.')[2]!, 'base64url')).to.have.length(size);
      }
    });

    it('verifies with an X.509 certificate PEM (its public key)', () => {
      const token = signJwt({ alg: 'RS256' }, { sub: 'c' }, { privateKey: fixture('rsa2048.key') });
      expect(verifyJwt(token, { publicKey: fixture('rsa2048.crt'), now: NOW }).payload).to.deep.equal({ sub: 'c' });
      expectFailure(() => verifyJwt(token, { publicKey: fixture('ec256.crt'), now: NOW }), 'JwtAlgorithmNotAllowed', 401, 'The JWT algorithm RS256 is not accepted here: expected ES256.');
    });

    it('an encrypted PEM private key signs with its passphrase', () => {
      const token = signJwt({ alg: 'PS256' }, { a: 1 }, { privateKey: fixture('rsa2048.enc.key'), passphrase: 'letmein' });
      expect(verifyJwt(token, { publicKey: fixture('rsa2048.crt'), now: NOW }).payload).to.deep.equal({ a: 1 });
      expectFailure(() => signJwt({ alg: 'PS256' }, {}, { privateKey: fixture('rsa2048.enc.key'), passphrase: 'wrong' }), 'JwtKeyInvalid', undefined);
    });

    it("the signing algorithm of a certificate's key follows Pode's Get-PodeJwtSigningAlgorithm", () => {
      expect(signingAlgorithmForKey(rsa.privateKey)).to.equal('RS256');
      expect(signingAlgorithmForKey(rsa.privateKey, 'Pss')).to.equal('PS256');
      expect(signingAlgorithmForKey(ec.ES384!.privateKey)).to.equal('ES384');
      expect(signingAlgorithmForKey(ec.ES512!.privateKey)).to.equal('ES512');
      const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
      expectFailure(
        () => signingAlgorithmForKey(small.privateKey),
        'JwtKeyAlgorithmUnknown',
        undefined,
        'No JWT algorithm signs with a RSA key of 1024 bits: RSA keys of 2048, 3072 or 4096 bits and EC keys on P-256, P-384 or P-521 are supported.',
      );
    });
  });

  describe('alg none', () => {
    const none = raw({ alg: 'none' }, { sub: 'admin' });

    it('is refused with a secret and with a key, whatever its casing', () => {
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        const token = raw({ alg }, { sub: 'admin' });
        expectFailure(() => verifyJwt(token, { secret: 's', now: NOW }), 'JwtExpectedNoSignature', 401, 'Expected no JWT signature to be supplied.');
        expectFailure(() => verifyJwt(token, { publicKey: rsa.publicKey, now: NOW }), 'JwtExpectedNoSignature', 401);
        expectFailure(() => verifyJwt(token, { secret: 's', algorithms: ['none', 'HS256'], now: NOW }), 'JwtExpectedNoSignature', 401);
      }
    });

    it('is refused with neither unless the caller lists it', () => {
      expectFailure(() => verifyJwt(none, { now: NOW }), 'JwtAlgorithmNotAllowed', 401, 'The JWT algorithm none is not accepted here: no algorithm is.');
      expect(verifyJwt(none, { algorithms: ['none'], now: NOW }).payload).to.deep.equal({ sub: 'admin' });
    });

    it('with a signature is refused; an HS256 token without one too', () => {
      expectFailure(() => verifyJwt(raw({ alg: 'none' }, {}, 'AAAA'), { algorithms: ['none'] }), 'JwtExpectedNoSignature', 401);
      expectFailure(() => verifyJwt(raw({ alg: 'HS256' }, {}), { secret: 's' }), 'JwtNoSignatureForAlgorithm', 401, 'No JWT signature supplied for HS256.');
    });

    it('is made only without a secret or key', () => {
      expect(signJwt({ alg: 'none' }, { a: 1 })).to.equal(`${base64UrlEncode('{"alg":"none"}')}.${base64UrlEncode('{"a":1}')}.`);
      expectFailure(() => signJwt({ alg: 'none' }, {}, { secret: 's' }), 'JwtNoSecretExpectedForNone', undefined, 'Expected no secret to be supplied for no signature.');
      expectFailure(() => signJwt({ alg: 'HS256' }, {}), 'JwtNoSecret', undefined, 'No secret supplied for JWT signature.');
      expectFailure(() => signJwt({}, {}), 'JwtNoAlgorithmInHeader', undefined, 'No algorithm supplied in JWT Header.');
    });
  });

  describe('algorithm confusion', () => {
    it('an HS256 token keyed with the RSA public key (PEM) as HMAC secret is refused when the RSA key is configured', () => {
      const pem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
      const forged = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'admin' }, pem);
      for (const publicKey of [pem, rsa.publicKey]) {
        expectFailure(
          () => verifyJwt(forged, { publicKey, now: NOW }),
          'JwtAlgorithmNotAllowed',
          401,
          'The JWT algorithm HS256 is not accepted here: expected RS256, RS384, RS512, PS256, PS384, PS512.',
        );
      }
    });

    it('a secret verifies HS* only; an EC key only the ES* of its curve; `algorithms` narrows', () => {
      const rs = signJwt({ alg: 'RS256' }, {}, { privateKey: rsa.privateKey });
      expectFailure(() => verifyJwt(rs, { secret: 'x', now: NOW }), 'JwtAlgorithmNotAllowed', 401, 'The JWT algorithm RS256 is not accepted here: expected HS256, HS384, HS512.');
      const es = signJwt({ alg: 'ES256' }, {}, { privateKey: ec.ES256!.privateKey });
      expectFailure(() => verifyJwt(es, { publicKey: ec.ES384!.publicKey, now: NOW }), 'JwtAlgorithmNotAllowed', 401, 'The JWT algorithm ES256 is not accepted here: expected ES384.');
      expectFailure(() => verifyJwt(rs, { publicKey: rsa.publicKey, algorithms: ['PS256'], now: NOW }), 'JwtAlgorithmNotAllowed', 401, 'The JWT algorithm RS256 is not accepted here: expected PS256.');
      expect(verifyJwt(rs, { publicKey: rsa.publicKey, algorithms: ['RS256'], now: NOW }).payload).to.deep.equal({});
    });

    it('a key cannot sign for another family', () => {
      expectFailure(() => signJwt({ alg: 'ES256' }, {}, { privateKey: rsa.privateKey }), 'JwtAlgorithmNotAllowed', 401);
      expectFailure(() => signJwt({ alg: 'RS256' }, {}, { secret: 's' }), 'JwtPrivateKeyRequired', undefined);
    });
  });

  describe('tampering and malformed tokens', () => {
    const token = signJwt({ alg: 'HS256' }, { sub: 'u1', role: 'user' }, { secret: 's' });
    const [h, p, s] = token.split('.') as [string, string, string];

    it('a changed payload or header fails the signature', () => {
      const p2 = base64UrlEncode('{"sub":"u1","role":"admin"}');
      expectFailure(() => verifyJwt(`${h}.${p2}.${s}`, { secret: 's', now: NOW }), 'JwtInvalidSignature', 401);
      const h2 = base64UrlEncode('{"alg":"HS256","kid":"x"}');
      expectFailure(() => verifyJwt(`${h2}.${p}.${s}`, { secret: 's', now: NOW }), 'JwtInvalidSignature', 401);
      // A signature cut short, or one byte changed.
      expectFailure(() => verifyJwt(`${h}.${p}.${s.slice(0, -3)}`, { secret: 's', now: NOW }), 'JwtInvalidSignature', 401);
    });

    it('anything but three parts is refused', () => {
      for (const bad of ['', 'abc', `${h}.${p}`, `${token}.x`, '..', '...']) {
        expectFailure(() => verifyJwt(bad, { secret: 's' }), bad === '..' ? 'JwtInvalidJson' : 'JwtInvalid', 400);
      }
      expectFailure(() => verifyJwt(`${h}.${p}`, { secret: 's' }), 'JwtInvalid', 400, 'Invalid JWT supplied.');
    });

    it('base64url is strict: no padding, no + or /, no stray bits, no impossible length', () => {
      // A header whose last character carries bits beyond its bytes: flipping the lowest of them keeps the bytes.
      const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const odd = base64UrlEncode('{"alg":"HS256","x":"y"}');
      expect(odd.length % 4).to.not.equal(0);
      const stray = odd.slice(0, -1) + ALPHABET[ALPHABET.indexOf(odd.at(-1)!) ^ 1];
      expect(Buffer.from(stray, 'base64url').equals(Buffer.from(odd, 'base64url'))).to.equal(true);
      for (const part of [`${h}=`, h.replace(/-|_/g, '+') + '+/', `${h}A`, stray, 'e y', 'eyJ%']) {
        expectFailure(() => verifyJwt(`${part}.${p}.${s}`, { secret: 's' }), 'JwtInvalidBase64', 400, 'Invalid Base64 encoded value found in JWT');
      }
      expectFailure(() => verifyJwt(`${h}.${p}.${s}=`, { secret: 's' }), 'JwtInvalidBase64', 400);
      expect(() => base64UrlDecode('YQ')).not.to.throw();
      expectFailure(() => base64UrlDecode('YR'), 'JwtInvalidBase64', 400);
    });

    it('header and payload must be JSON objects in UTF-8', () => {
      for (const value of ['[1]', '"x"', 'null', '{', '42']) {
        expectFailure(() => verifyJwt(raw(value, {}, 'AA'), { secret: 's' }), 'JwtInvalidJson', 400, 'Invalid JSON value found in JWT');
        expectFailure(() => verifyJwt(raw({ alg: 'HS256' }, value, 'AA'), { secret: 's' }), 'JwtInvalidJson', 400);
      }
      const latin1 = Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]).toString('base64url'); // {"é":1} in Latin-1
      expectFailure(() => verifyJwt(`${h}.${latin1}.${s}`, { secret: 's' }), 'JwtInvalidJson', 400);
    });

    it("a header without a usable alg, or with one podets does not know, in Pode's words", () => {
      expectFailure(() => verifyJwt(raw({ typ: 'JWT' }, {}, 'AA'), { secret: 's' }), 'JwtInvalidHeaderAlgorithm', 400, 'Invalid JWT header algorithm supplied.');
      expectFailure(() => verifyJwt(raw({ alg: ' ' }, {}, 'AA'), { secret: 's' }), 'JwtInvalidHeaderAlgorithm', 400);
      expectFailure(() => verifyJwt(raw({ alg: 5 }, {}, 'AA'), { secret: 's' }), 'JwtInvalidHeaderAlgorithm', 400);
      expectFailure(() => verifyJwt(raw({ alg: 'HS1' }, {}, 'AA'), { secret: 's' }), 'JwtUnsupportedAlgorithm', 400, 'The JWT algorithm is not currently supported: HS1');
      // The token's text is quoted safely: control characters replaced, at most 32 characters.
      const err = failure(() => verifyJwt(raw({ alg: `X\r\nSet-Cookie: a=b${'z'.repeat(40)}` }, {}, 'AA'), { secret: 's' }));
      expect(err.message).to.equal(`The JWT algorithm is not currently supported: X??Set-Cookie: a=b${'z'.repeat(14)}…`);
    });

    it(`a token over ${MAX_JWT_LENGTH} characters is refused before it is read`, () => {
      const big = `${h}.${base64UrlEncode(JSON.stringify({ pad: 'x'.repeat(MAX_JWT_LENGTH) }))}.${s}`;
      expectFailure(() => verifyJwt(big, { secret: 's' }), 'JwtTooLarge', 400, `The JWT is ${big.length} characters long; podets reads tokens of at most 8192 characters (8 KiB).`);
      expectFailure(() => verifyJwt('.'.repeat(MAX_JWT_LENGTH + 1), { secret: 's' }), 'JwtTooLarge', 400);
      // At the limit it is read (and fails on its content).
      expectFailure(() => verifyJwt('a'.repeat(MAX_JWT_LENGTH), { secret: 's' }), 'JwtInvalid', 400);
    });
  });

  describe('exp and nbf', () => {
    const at = (payload: Record<string, unknown>) => signJwt({ alg: 'HS256' }, payload, { secret: 's' });

    it("an expired token is refused from its exp on (Pode's -ge), in Pode's words", () => {
      expectFailure(() => verifyJwt(at({ exp: NOW - 1 }), { secret: 's', now: NOW }), 'JwtExpired', 401, 'The JWT has expired.');
      expectFailure(() => verifyJwt(at({ exp: NOW }), { secret: 's', now: NOW }), 'JwtExpired', 401);
      expect(verifyJwt(at({ exp: NOW + 1 }), { secret: 's', now: NOW }).payload).to.deep.equal({ exp: NOW + 1 });
    });

    it('a token is not valid before its nbf', () => {
      expectFailure(() => verifyJwt(at({ nbf: NOW + 1 }), { secret: 's', now: NOW }), 'JwtNotYetValid', 401, 'The JWT is not yet valid for use.');
      expect(verifyJwt(at({ nbf: NOW }), { secret: 's', now: NOW }).payload).to.deep.equal({ nbf: NOW });
    });

    it('exp and nbf must be numbers', () => {
      expectFailure(() => verifyJwt(at({ exp: String(NOW + 60) }), { secret: 's', now: NOW }), 'JwtInvalidNumericDate', 401, "The JWT's exp claim is not a NumericDate (a number of seconds since 1970-01-01 UTC).");
      expectFailure(() => verifyJwt(at({ nbf: [1] }), { secret: 's', now: NOW }), 'JwtInvalidNumericDate', 401);
    });

    it('the signature is checked before the claims', () => {
      const token = at({ exp: NOW - 1 });
      expectFailure(() => verifyJwt(token, { secret: 'wrong', now: NOW }), 'JwtInvalidSignature', 401);
    });
  });

  describe("registered claims (Test-PodeJwt's checks)", () => {
    const check = (payload: Record<string, unknown>, mode: 'Strict' | 'Moderate' | 'Lenient', issuer = 'Pode') => () => checkJwtClaims(payload, { issuer, mode, now: NOW });

    it('Lenient checks times and sub only', () => {
      expect(check({ iss: 'other', aud: 5 }, 'Lenient')).not.to.throw();
      expectFailure(check({ iat: NOW + 1 }, 'Lenient'), 'JwtIssuedInFuture', 401);
      expectFailure(check({ sub: 5 }, 'Lenient'), 'JwtInvalidSubject', 401);
      expectFailure(check({ exp: NOW }, 'Lenient'), 'JwtExpired', 401);
      // Pode's `if ($Payload.exp)`: a zero claim is not checked.
      expect(check({ exp: 0, nbf: 0 }, 'Lenient')).not.to.throw();
    });

    it('Moderate checks iss and aud when present; Strict requires them and jti', () => {
      expectFailure(check({ iss: 'other' }, 'Moderate'), 'JwtInvalidIssuer', 401, "The JWT's iss claim is not the expected issuer 'Pode'.");
      expect(check({ iss: 'me' }, 'Moderate', 'me')).not.to.throw();
      expectFailure(check({ aud: 5 }, 'Moderate'), 'JwtInvalidAudience', 401);
      expect(check({}, 'Moderate')).not.to.throw();
      expectFailure(check({}, 'Strict'), 'JwtMissingIssuer', 401);
      expectFailure(check({ iss: 'Pode' }, 'Strict'), 'JwtMissingAudience', 401);
      expectFailure(check({ iss: 'Pode', aud: 'api' }, 'Strict'), 'JwtMissingJti', 401);
      expectFailure(check({ iss: 'Pode', aud: ['api'], jti: 7 }, 'Strict'), 'JwtInvalidJti', 401);
      expect(check({ iss: 'Pode', aud: ['api'], jti: 'id-1', exp: NOW + 5 }, 'Strict')).not.to.throw();
    });
  });
});
