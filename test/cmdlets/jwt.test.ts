// ConvertTo-PodeJwt, ConvertFrom-PodeJwt and Test-PodeJwt (cmdlets/jwt.ts) as Pode declares them in
// src/Public/Jwt.ps1@182df98 (ConvertTo-PodeJwt L575-L778, ConvertFrom-PodeJwt L228-L484, Test-PodeJwt
// L43-L147): their parameter sets, the standard claims, certificates as PEM, the call forms, and real
// requests against test/fixtures/scripts/jwt.ts with exact statuses and texts.
import { createHmac, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ConvertFromPodeJwt, ConvertToPodeJwt, pode, TestPodeJwt } from '../../index.ts';
import { base64UrlEncode } from '../../host/auth/jwt.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';
import { failure } from '../host/binder/helpers.ts';

const keyPath = (name: string) => fileURLToPath(new URL(`../fixtures/jwt/${name}`, import.meta.url));
const pem = (name: string) => readFileSync(keyPath(name), 'utf8');
const JWT_IO =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const decodePart = (token: string, i: 0 | 1) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString('utf8'));


describe('Jwt cmdlets', () => {
  describe('ConvertTo-PodeJwt', () => {
    it('makes the jwt.io HS256 example byte for byte (-NoStandardClaims), in each call form', () => {
      const Header = { alg: 'HS256', typ: 'JWT' };
      const Payload = { sub: '1234567890', name: 'John Doe', iat: 1516239022 };
      expect(ConvertToPodeJwt({ Header, Payload, Secret: 'your-256-bit-secret', NoStandardClaims: true })).to.equal(JWT_IO);
      expect(pode`ConvertTo-PodeJwt -Header ${Header} -Payload ${Payload} -Secret your-256-bit-secret -NoStandardClaims`).to.equal(JWT_IO);
      // -Secret as bytes; -Algorithm HS256 chosen explicitly.
      expect(ConvertToPodeJwt({ Header, Payload, Secret: Buffer.from('your-256-bit-secret'), Algorithm: 'HS256', NoStandardClaims: true })).to.equal(JWT_IO);
    });

    it('adds the standard claims Pode adds: typ; iat, nbf, exp, jti; iss/sub/aud from their parameters', () => {
      const before = Math.floor(Date.now() / 1000);
      const token = ConvertToPodeJwt({ Payload: { sub: 'u', role: 'r' }, Secret: 'k', Expiration: 60, NotBefore: 5, Issuer: 'me', Audience: 'api', Subject: 'ignored' });
      const header = decodePart(token, 0);
      const payload = decodePart(token, 1);
      // typ is added first (ConvertTo-PodeJwt), alg after it (New-PodeJwt); -Secret without -Algorithm is HS256.
      expect(header).to.deep.equal({ typ: 'JWT', alg: 'HS256' });
      expect(Object.keys(payload)).to.deep.equal(['sub', 'role', 'iat', 'nbf', 'exp', 'iss', 'aud', 'jti']);
      expect(payload.sub).to.equal('u'); // the payload's own sub wins over -Subject
      expect(payload.iat).to.be.within(before, before + 5);
      expect(payload.nbf - payload.iat).to.equal(5);
      expect(payload.exp - payload.iat).to.equal(60);
      expect(payload).to.include({ iss: 'me', aud: 'api' });
      expect(payload.jti).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      // Outside a server there is no $PodeContext: no iss unless -Issuer gives one.
      expect(decodePart(ConvertToPodeJwt({ Payload: {}, Secret: 'k', IssuedAt: 1000, JwtId: 'id-7' }), 1)).to.include({ iat: 1000, jti: 'id-7' }).and.not.have.property('iss');
    });

    it('takes the algorithm from -Algorithm, else the header (any casing), else HS256', () => {
      expect(decodePart(ConvertToPodeJwt({ Header: { alg: 'hs384' }, Payload: {}, Secret: 'k' }), 0).alg).to.equal('HS384');
      expect(decodePart(ConvertToPodeJwt({ Header: { alg: 'HS384' }, Payload: {}, Secret: 'k', Algorithm: 'HS512' }), 0).alg).to.equal('HS512');
      const err = failure(() => ConvertToPodeJwt({ Header: { alg: 'RS256' }, Payload: {}, Secret: 'k' }));
      expect([err.ErrorId, err.message]).to.deep.equal(['JwtAlgorithmNotAllowed,ConvertTo-PodeJwt', 'The JWT algorithm RS256 is not accepted here: expected HS256, HS384, HS512.']);
    });

    it("makes alg none only when asked for by name and without a secret (Pode's Default set)", () => {
      const token = ConvertToPodeJwt({ Header: { alg: 'none' }, Payload: { a: 1 }, NoStandardClaims: true });
      expect(token).to.equal(`${base64UrlEncode('{"alg":"none"}')}.${base64UrlEncode('{"a":1}')}.`);
      expect(decodePart(ConvertToPodeJwt({ Payload: {}, Algorithm: 'NONE', NoStandardClaims: true }), 0)).to.deep.equal({ alg: 'none' });
      let err = failure(() => ConvertToPodeJwt({ Payload: { a: 1 } }));
      expect([err.ErrorId, err.message]).to.deep.equal(['JwtNoSecret,ConvertTo-PodeJwt', 'No secret supplied for JWT signature.']);
      err = failure(() => ConvertToPodeJwt({ Header: { alg: 'HS256' }, Payload: {} }));
      expect(err.Id).to.equal('JwtNoSecret');
      err = failure(() => ConvertToPodeJwt({ Payload: {}, Secret: 'k', Algorithm: 'NONE' }));
      expect([err.ErrorId, err.message]).to.deep.equal(['JwtNoSecretExpectedForNone,ConvertTo-PodeJwt', 'Expected no secret to be supplied for no signature.']);
    });

    it('signs with a PEM certificate and its key: RS256, PS256 with -RsaPaddingScheme Pss, ES256 for a P-256 key', () => {
      const rs = ConvertToPodeJwt({ Payload: { sub: 'c' }, Certificate: keyPath('rsa2048.crt'), PrivateKeyPath: keyPath('rsa2048.key'), NoStandardClaims: true });
      expect(decodePart(rs, 0)).to.deep.equal({ alg: 'RS256' });
      const ps = ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('rsa2048.crt'), PrivateKeyPath: keyPath('rsa2048.key'), RsaPaddingScheme: 'Pss' });
      expect(decodePart(ps, 0)).to.deep.equal({ typ: 'JWT', alg: 'PS256' });
      const es = ConvertToPodeJwt({ Payload: {}, Certificate: pem('ec256.crt'), PrivateKeyPath: pem('ec256.key') });
      expect(decodePart(es, 0).alg).to.equal('ES256');
      // The key in the certificate's own PEM, and an encrypted key with -CertificatePassword.
      const bundled = ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('rsa2048.bundle.pem') });
      const encrypted = ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('rsa2048.crt'), PrivateKeyPath: keyPath('rsa2048.enc.key'), CertificatePassword: 'letmein' });
      for (const token of [rs, ps, bundled, encrypted]) expect(ConvertFromPodeJwt({ Token: token, Certificate: keyPath('rsa2048.crt') })).to.be.an('object');
      expect(ConvertFromPodeJwt({ Token: es, Certificate: keyPath('ec256.crt'), Outputs: 'Header' })).to.deep.equal({ typ: 'JWT', alg: 'ES256' });
    });

    it('refuses certificates it cannot use, naming them', () => {
      let err = failure(() => ConvertToPodeJwt({ Payload: {}, Certificate: 'no/such.crt' }));
      expect([err.ErrorId, err.message, err.ParameterName]).to.deep.equal(['JwtCertificateNotFound,ConvertTo-PodeJwt', 'Path does not exist: no/such.crt', 'Certificate']);
      err = failure(() => ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('rsa2048.crt') }));
      expect(err.Id).to.equal('JwtPrivateKeyRequired');
      err = failure(() => ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('rsa2048.crt'), PrivateKeyPath: keyPath('ec256.key') }));
      expect([err.Id, err.message]).to.deep.equal(['JwtKeyInvalid', "The private key is not a PEM key or certificate node:crypto can read: it is not the key of the certificate's public key"]);
      err = failure(() => ConvertToPodeJwt({ Payload: {}, Certificate: keyPath('server-only.crt'), PrivateKeyPath: keyPath('server-only.key') }));
      expect([err.Id, err.message]).to.deep.equal([
        'JwtCertificateNotForCodeSigning',
        "The certificate 'CN=podets-jwt-server-only' does not allow code signing (extended key usage 1.3.6.1.5.5.7.3.3), which a JWT certificate needs.",
      ]);
    });

    it("refuses what podets cannot honour: the Windows certificate store, .NET certificates, authentication methods", () => {
      let err = failure(() => ConvertToPodeJwt({ Payload: {}, CertificateThumbprint: 'ABC' }));
      expect([err.Id, err.message]).to.deep.equal([
        'ParameterNotSupported',
        'ConvertTo-PodeJwt: -CertificateThumbprint is not supported by podets: there is no Windows certificate store in node; give the certificate as a PEM file with -Certificate.',
      ]);
      err = failure(() => ConvertToPodeJwt({ Payload: {}, Authentication: 'Bearer' }));
      expect(err.Id).to.equal('ParameterNotSupported');
    });
  });

  describe('ConvertFrom-PodeJwt', () => {
    it('verifies with -Secret and returns the payload, in each call form', () => {
      const payload = { sub: '1234567890', name: 'John Doe', iat: 1516239022 };
      expect(ConvertFromPodeJwt({ Token: JWT_IO, Secret: 'your-256-bit-secret' })).to.deep.equal(payload);
      expect(pode`ConvertFrom-PodeJwt -Token ${JWT_IO} -Secret your-256-bit-secret`).to.deep.equal(payload);
      expect(ConvertFromPodeJwt({ Token: JWT_IO, Secret: [...Buffer.from('your-256-bit-secret')] })).to.deep.equal(payload);
      const err = failure(() => pode`ConvertFrom-PodeJwt -Token ${JWT_IO} -Secret wrong`);
      expect([err.ErrorId, err.message, err.StatusCode]).to.deep.equal(['JwtInvalidSignature,ConvertFrom-PodeJwt', 'Invalid JWT signature supplied.', 401]);
    });

    it('returns the parts -Outputs names; -HumanReadable turns iat, nbf and exp into dates', () => {
      expect(ConvertFromPodeJwt({ Token: JWT_IO, Secret: 'your-256-bit-secret', Outputs: 'Signature' })).to.equal('SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c');
      const both = ConvertFromPodeJwt({ Token: JWT_IO, Secret: 'your-256-bit-secret', Outputs: 'Header,Payload', HumanReadable: true }) as Record<string, any>;
      expect(Object.keys(both)).to.deep.equal(['Header', 'Payload']);
      expect(both.Header).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
      expect(both.Payload.iat).to.be.instanceOf(Date);
      expect((both.Payload.iat as Date).toISOString()).to.equal('2018-01-18T01:30:22.000Z');
    });

    it('-IgnoreSignature decodes without verifying; -Token alone (the Ignore set) still verifies, with nothing to verify a signature against', () => {
      const tampered = JWT_IO.slice(0, -4) + 'AAAA';
      expect(ConvertFromPodeJwt({ Token: tampered, IgnoreSignature: true })).to.deep.equal({ sub: '1234567890', name: 'John Doe', iat: 1516239022 });
      const err = failure(() => ConvertFromPodeJwt({ Token: tampered }));
      expect([err.ErrorId, err.StatusCode]).to.deep.equal(['JwtNoKeyToVerify,ConvertFrom-PodeJwt', 401]);
      // An unsigned token with no key is read, as Pode reads it.
      const none = ConvertToPodeJwt({ Header: { alg: 'none' }, Payload: { a: 1 }, NoStandardClaims: true });
      expect(ConvertFromPodeJwt({ Token: none })).to.deep.equal({ a: 1 });
      // The Default set has no -Token: Pode splits $null.
      expect(failure(() => ConvertFromPodeJwt({ HumanReadable: true })).Id).to.equal('JwtInvalid');
    });

    it('never accepts alg none with a secret or a certificate', () => {
      const none = ConvertToPodeJwt({ Header: { alg: 'none' }, Payload: { sub: 'admin' }, NoStandardClaims: true });
      for (const call of [() => ConvertFromPodeJwt({ Token: none, Secret: 'k' }), () => ConvertFromPodeJwt({ Token: none, Certificate: keyPath('rsa2048.crt') })]) {
        const err = failure(call);
        expect([err.Id, err.message, err.StatusCode]).to.deep.equal(['JwtExpectedNoSignature', 'Expected no JWT signature to be supplied.', 401]);
      }
    });

    it('refuses an HS256 token made with the certificate as HMAC secret (algorithm confusion)', () => {
      const certPem = pem('rsa2048.crt');
      const input = `${base64UrlEncode('{"alg":"HS256"}')}.${base64UrlEncode('{"sub":"admin"}')}`;
      const forged = `${input}.${createHmac('sha256', certPem).update(input).digest('base64url')}`;
      for (const call of [
        () => ConvertFromPodeJwt({ Token: forged, Certificate: keyPath('rsa2048.crt') }),
        () => ConvertFromPodeJwt({ Token: forged, X509Certificate: new X509Certificate(certPem) }),
      ]) {
        const err = failure(call);
        expect([err.Id, err.message]).to.deep.equal(['JwtAlgorithmNotAllowed', 'The JWT algorithm HS256 is not accepted here: expected RS256, RS384, RS512, PS256, PS384, PS512.']);
      }
    });

    it('refuses an oversized token before reading it', () => {
      const err = failure(() => ConvertFromPodeJwt({ Token: 'a'.repeat(9000), Secret: 'k' }));
      expect([err.ErrorId, err.StatusCode]).to.deep.equal(['JwtTooLarge,ConvertFrom-PodeJwt', 400]);
    });
  });

  describe('Test-PodeJwt', () => {
    // Read when each test starts, not when the file loads: under load the suite may reach these tests minutes later.
    let now = 0;
    beforeEach(() => {
      now = Math.floor(Date.now() / 1000);
    });

    it('checks exp, nbf and iat in every mode, in each call form', () => {
      expect(TestPodeJwt({ exp: now + 60 })).to.equal(undefined);
      const expired = { exp: now - 1 };
      for (const call of [() => TestPodeJwt(expired), () => TestPodeJwt({ Payload: expired }), () => pode`Test-PodeJwt -Payload ${expired}`, () => TestPodeJwt(expired, 'Pode', 'Strict')]) {
        const err = failure(call);
        expect([err.ErrorId, err.message, err.StatusCode]).to.deep.equal(['JwtExpired,Test-PodeJwt', 'The JWT has expired.', 401]);
      }
      let err = failure(() => TestPodeJwt({ nbf: now + 3600 }));
      expect([err.Id, err.message]).to.deep.equal(['JwtNotYetValid', 'The JWT is not yet valid for use.']);
      err = failure(() => TestPodeJwt({ iat: now + 3600 }, { JwtVerificationMode: 'Lenient' }));
      expect(err.Id).to.equal('JwtIssuedInFuture');
    });

    it('Strict requires iss (the -Issuer, default Pode), aud and jti', () => {
      const full = { iss: 'Pode', aud: 'api', jti: 'x', exp: now + 60 };
      expect(TestPodeJwt(full, 'Pode', 'Strict')).to.equal(undefined);
      expect(failure(() => TestPodeJwt(full, 'other', 'Strict')).message).to.equal("The JWT's iss claim is not the expected issuer 'other'.");
      expect(failure(() => pode`Test-PodeJwt -Payload ${{ iss: 'Pode', aud: 'api' }} -JwtVerificationMode Strict`).Id).to.equal('JwtMissingJti');
      expect(failure(() => TestPodeJwt({}, { JwtVerificationMode: 'Strict' })).Id).to.equal('JwtMissingIssuer');
      const bad = failure(() => TestPodeJwt({}, { JwtVerificationMode: 'Bogus' as 'Strict' }));
      expect(bad.Id).to.equal('ParameterArgumentValidationError');
    });
  });

  describe('over HTTP (test/fixtures/scripts/jwt.ts)', () => {
    let server: EmbeddedScript;
    const get = (path: string, token?: string) => fetch(new URL(path, server.url), { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

    before(async () => {
      server = await serveEmbedded(fixtureScript('jwt.ts'));
    });
    after(() => server.close());

    it('a token made in a route carries iss Pode and verifies on the next request', async () => {
      const token = await (await get('/token')).text();
      expect(decodePart(token, 0)).to.deep.equal({ alg: 'HS256', typ: 'JWT' });
      const res = await get('/me', token);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.include({ sub: 'alice', iss: 'Pode', jti: 'jti-1' });
    });

    it('a certificate-signed token round-trips through the PowerShell call form', async () => {
      const token = await (await get('/token-cert')).text();
      expect(decodePart(token, 0).alg).to.equal('RS256');
      const res = await get('/me-cert', token);
      expect(res.status).to.equal(200);
      expect((await res.json()).sub).to.equal('bob');
    });

    it("a bad token is the client's fault: 400 or 401 with Pode's text, nothing logged as an error", async () => {
      const token = await (await get('/token')).text();
      const [h, p, s] = token.split('.') as [string, string, string];
      const cases: [string, number, string][] = [
        [`${h}.${base64UrlEncode('{"sub":"mallory","iss":"Pode"}')}.${s}`, 401, '401 Invalid JWT signature supplied.'],
        [`${base64UrlEncode('{"alg":"none"}')}.${p}.`, 401, '401 Expected no JWT signature to be supplied.'],
        [`${h}.${p}.${s}=`, 400, '400 Invalid Base64 encoded value found in JWT'],
        [`${h}.${p}`, 400, '400 Invalid JWT supplied.'],
        ['x'.repeat(9000), 400, '400 The JWT is 9000 characters long; podets reads tokens of at most 8192 characters (8 KiB).'],
      ];
      for (const [bad, status, body] of cases) {
        const res = await get('/me', bad);
        expect([res.status, await res.text()], bad.slice(0, 40)).to.deep.equal([status, body]);
      }
      const expired = ConvertToPodeJwt({ Payload: { sub: 'alice' }, Secret: 'fixture-secret', Expiration: -10 });
      const res = await get('/me', expired);
      expect([res.status, await res.text()]).to.deep.equal([401, '401 The JWT has expired.']);
      // Each one line at warning level (host/http/failure.ts), none at error level, no stack.
      expect(server.stderr).to.deep.equal([
        'WARNING: GET /me: 401 Invalid JWT signature supplied.',
        'WARNING: GET /me: 401 Expected no JWT signature to be supplied.',
        'WARNING: GET /me: 400 Invalid Base64 encoded value found in JWT',
        'WARNING: GET /me: 400 Invalid JWT supplied.',
        'WARNING: GET /me: 400 The JWT is 9000 characters long; podets reads tokens of at most 8192 characters (8 KiB).',
        'WARNING: GET /me: 401 The JWT has expired.',
      ]);
    });
  });
});
