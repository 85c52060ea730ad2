// Pode's JWT cmdlets (file group "Jwt", src/Public/Jwt.ps1): ConvertTo-PodeJwt makes a token, ConvertFrom-PodeJwt
// reads (and by default verifies) one, Test-PodeJwt checks a payload's registered claims. The work is
// host/auth/jwt.ts; this file maps Pode's parameter sets onto it.
//
// Certificates are PEM (a path, or the PEM text itself): -Certificate, with -PrivateKeyPath (and
// -CertificatePassword for an encrypted key) to sign. There is no Windows certificate store and no .NET
// X509Certificate2 in node: -CertificateThumbprint/-CertificateName are refused, and ConvertFrom-PodeJwt's
// -X509Certificate takes a node:crypto X509Certificate. -Authentication waits for the authentication methods.
import { randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  checkJwtClaims,
  decodeJwt,
  normalizeAlg,
  quoteUntrusted,
  signJwt,
  signingAlgorithmForKey,
  toPrivateKey,
  toPublicKey,
  verifyJwtSignature,
  type DecodedJwt,
  type JwtVerificationMode,
} from '../host/auth/jwt.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { tryCurrentServer } from '../host/runtime/server.ts';
import { toPsJson } from '../host/values/json.ts';

const cmdlet = defineGroup('Jwt');

const WHY = {
  store: 'there is no Windows certificate store in node; give the certificate as a PEM file with -Certificate',
  auth: "taking the secret or key from an authentication method's scheme is not ported; give -Secret or the certificate itself",
  rawSign: "node's X509Certificate holds no private key; give -Certificate with -PrivateKeyPath",
} as const;

const CERT_SETS = ['CertRaw', 'CertFile', 'CertName', 'CertThumb'] as const;
const OUTPUTS = ['Header', 'Payload', 'Signature', 'Header,Payload', 'Header,Signature', 'Payload,Signature', 'Header,Payload,Signature'] as const;
const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** A -Secret as bytes: a string is its UTF-8, bytes are themselves (Pode's [System.Text.Encoding]::UTF8.GetBytes). */
function secretOf(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return Buffer.from(value as number[]);
  return Buffer.from(String(value), 'utf8');
}

const isPem = (text: string) => text.trimStart().startsWith('-----BEGIN');

/** A PEM given inline, or read from its path (relative to the server root, else the working directory). */
function pemOf(value: string, command: string): { pem: string } {
  if (isPem(value)) return { pem: value };
  const path = resolve(tryCurrentServer()?.rootPath ?? process.cwd(), value);
  if (!existsSync(path) || !statSync(path).isFile()) throw errors.JwtCertificateNotFound(command, { path: value });
  return { pem: readFileSync(path, 'utf8') };
}

/**
 * The certificate of -Certificate, checked as Pode's Test-PodeCertificate -ExpectedPurpose CodeSigning -Strict
 * checks it: within its validity period, and with the code-signing extended key usage. The chain is not built.
 */
function certificateOf(value: string, command: string): { cert: X509Certificate; pem: string } {
  const { pem } = pemOf(value, command);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch (err) {
    throw errors.JwtKeyInvalid(command, { what: 'certificate', reason: (err as Error).message });
  }
  const now = Date.now();
  if (now > Date.parse(cert.validTo)) throw errors.JwtCertificateExpired(command, { subject: cert.subject, date: cert.validTo });
  if (now < Date.parse(cert.validFrom)) throw errors.JwtCertificateNotYetValid(command, { subject: cert.subject, date: cert.validFrom });
  if (!(cert.keyUsage ?? []).includes(CODE_SIGNING)) throw errors.JwtCertificateNotForCodeSigning(command, { subject: cert.subject });
  return { cert, pem };
}

/** The private key for -Certificate: -PrivateKeyPath, else a key in the certificate's own PEM. */
function privateKeyFor(cert: X509Certificate, certPem: string, keyPath: string | undefined, password: unknown, command: string): KeyObject {
  const passphrase = password === undefined || password === null ? undefined : String(password);
  let pem: string;
  if (keyPath) pem = pemOf(keyPath, command).pem;
  else if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(certPem)) pem = certPem;
  else throw errors.JwtPrivateKeyRequired(command);
  const key = toPrivateKey(pem, passphrase, command);
  const mine = toPublicKey(key, command).export({ type: 'spki', format: 'der' });
  if (!mine.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw errors.JwtKeyInvalid(command, { what: 'private key', reason: "it is not the key of the certificate's public key" });
  }
  return key;
}

/** ConvertTo-Json -Compress: the header at ConvertTo-Json's default depth (2), the payload at New-PodeJwt's -Depth 10. */
const jsonOf = (value: Record<string, unknown>, part: 'header' | 'payload') =>
  toPsJson(value, { depth: part === 'header' ? 2 : 10, circular: () => new Error('unreachable: a bounded depth cuts cycles') });

export const ConvertToPodeJwt = cmdlet({
  name: 'ConvertTo-PodeJwt',
  synopsis: 'Generates a JSON Web Token (JWT) based on the specified headers, payload, and signing credentials.',
  description:
    'This function creates a JWT by combining a Base64URL-encoded header and payload. Depending on the configured parameters, it supports ' +
    "HMAC signatures (HS256, HS384, HS512, with -Secret) and certificate-based ones (RS*, PS*, ES*, with -Certificate: the algorithm follows the key, as in Pode). You can also omit a signature by specifying 'none'.\n" +
    'Unless -NoStandardClaims is given, the header gets typ = JWT and the payload iat, nbf, exp, iss (the -Issuer, or Pode inside a server), ' +
    'sub, aud and jti (the -JwtId, or a new GUID) where it has none of its own. podets has no application name, so aud is added only from -Audience.',
  examples: [
    { code: "ConvertTo-PodeJwt -Header @{ alg = 'none' } -Payload @{ sub = '123'; name = 'John' }" },
    { code: "ConvertTo-PodeJwt -Header @{ alg = 'HS256' } -Payload @{ sub = '123'; name = 'John' } -Secret 'abc'" },
    { code: "ConvertTo-PodeJwt -Payload @{ sub = '123' } -Certificate './certs/jwt.crt' -PrivateKeyPath './certs/jwt.key' -Issuer 'auth.example.com' -Audience 'myapi.example.com'" },
  ],
  defaultParameterSet: 'Default',
  parameters: [
    { name: 'Header', type: 'Hashtable', defaultText: '@{}', help: 'Additional header values for the JWT. Defaults to an empty hashtable if not specified.' },
    { name: 'Payload', type: 'Hashtable', mandatory: true, help: "The required hashtable specifying the token's claims." },
    {
      name: 'Algorithm',
      type: 'String',
      sets: ['Default', 'Secret'],
      validateSet: ['NONE', 'HS256', 'HS384', 'HS512'],
      help: "A string representing the signing algorithm to be used. Accepts 'NONE', 'HS256', 'HS384', or 'HS512' (with -Secret, the header's alg or HS256 when not given).",
    },
    { name: 'Secret', type: 'Object', mandatory: true, sets: ['Secret'], help: 'Used in conjunction with HMAC signing: a string (its UTF-8 bytes) or a byte array.' },
    { name: 'X509Certificate', type: 'X509Certificate2', mandatory: true, sets: ['CertRaw'], unsupported: WHY.rawSign, help: 'An X509Certificate2 object used for RSA/ECDSA-based signing.' },
    {
      name: 'Certificate',
      type: 'String',
      mandatory: true,
      sets: ['CertFile'],
      help: 'The certificate used for signing: the path to a PEM file (relative to the server root), or the PEM text itself. It must be within its validity period and allow code signing.',
    },
    { name: 'PrivateKeyPath', type: 'String', sets: ['CertFile'], help: "The certificate's PEM private key: a path, or the PEM text. Not given: a private key in the -Certificate PEM." },
    { name: 'CertificatePassword', type: 'SecureString', sets: ['CertFile'], help: 'The passphrase of an encrypted private key (a string).' },
    { name: 'CertificateThumbprint', type: 'String', mandatory: true, sets: ['CertThumb'], unsupported: WHY.store, help: 'A string thumbprint of a certificate in the local store.' },
    { name: 'CertificateName', type: 'String', mandatory: true, sets: ['CertName'], unsupported: WHY.store, help: 'A string name of a certificate in the local store.' },
    { name: 'CertificateStoreName', type: 'StoreName', sets: ['CertName', 'CertThumb'], default: 'My', unsupported: WHY.store, help: "The store name to search for the specified certificate. Defaults to 'My'." },
    { name: 'CertificateStoreLocation', type: 'StoreLocation', sets: ['CertName', 'CertThumb'], default: 'CurrentUser', unsupported: WHY.store, help: "The certificate store location for the specified certificate. Defaults to 'CurrentUser'." },
    {
      name: 'RsaPaddingScheme',
      type: 'String',
      sets: [...CERT_SETS],
      validateSet: ['Pkcs1V15', 'Pss'],
      default: 'Pkcs1V15',
      help: "Specifies the RSA padding scheme to use: 'Pkcs1V15' (RS*) or 'Pss' (PS*). Defaults to 'Pkcs1V15'.",
    },
    { name: 'Authentication', type: 'String', mandatory: true, sets: ['AuthenticationMethod'], unsupported: WHY.auth, help: 'The name of a configured authentication method in Pode.' },
    { name: 'Expiration', type: 'Int32', default: 3600, help: 'Time in seconds until the token expires. Defaults to 3600 (1 hour).' },
    { name: 'NotBefore', type: 'Int32', default: 0, help: 'Time in seconds to offset the NotBefore claim. Defaults to 0 for immediate use.' },
    { name: 'IssuedAt', type: 'Int32', default: 0, help: 'The IssuedAt claim, in seconds since 1970. Defaults to 0 for the current time.' },
    { name: 'Issuer', type: 'String', help: 'Identifies the principal that issued the token.' },
    { name: 'Subject', type: 'String', help: 'Identifies the principal that is the subject of the token.' },
    { name: 'Audience', type: 'String', help: 'Specifies the recipients that the token is intended for.' },
    { name: 'JwtId', type: 'String', help: 'A unique identifier for the token.' },
    { name: 'NoStandardClaims', type: 'SwitchParameter', help: 'A switch that, if used, prevents automatically adding iat, nbf, exp, iss, sub, aud, and jti claims.' },
  ],
  outputs: 'System.String',
  run: (args, ctx) => {
    const command = ctx.command;
    const header: Record<string, unknown> = { ...(args.Header ?? {}) };
    const payload: Record<string, unknown> = { ...args.Payload };
    if (!args.NoStandardClaims) {
      header.typ = 'JWT'; // in its place when the header has one (a PSCustomObject's property order)
      const now = Math.floor(Date.now() / 1000);
      if (!('iat' in payload)) payload.iat = args.IssuedAt > 0 ? args.IssuedAt : now;
      if (!('nbf' in payload)) payload.nbf = now + args.NotBefore;
      if (!('exp' in payload)) payload.exp = now + args.Expiration;
      if (!('iss' in payload)) {
        if (args.Issuer) payload.iss = args.Issuer;
        else if (tryCurrentServer()) payload.iss = 'Pode';
      }
      if (!('sub' in payload) && args.Subject) payload.sub = args.Subject;
      if (!('aud' in payload) && args.Audience) payload.aud = args.Audience;
      if (!('jti' in payload)) payload.jti = args.JwtId ? args.JwtId : randomUUID();
    }
    if (!('alg' in header)) header.alg = '';
    const headerAlg = typeof header.alg === 'string' && header.alg.trim() !== '' ? header.alg : undefined;

    switch (ctx.parameterSetName) {
      case 'Secret': {
        const alg = (args.Algorithm ?? headerAlg ?? 'HS256').toUpperCase();
        if (alg === 'NONE') throw errors.JwtNoSecretExpectedForNone(command);
        const known = normalizeAlg(alg);
        if (!known) throw errors.JwtUnsupportedAlgorithm(command, { alg });
        if (!known.startsWith('HS')) throw errors.JwtAlgorithmNotAllowed(command, { alg: known, allowed: ['HS256', 'HS384', 'HS512'] });
        const secret = secretOf(args.Secret);
        if (secret.length === 0) throw errors.JwtNoSecret(command);
        header.alg = known;
        return signJwt(header, payload, { secret, json: jsonOf }, command);
      }
      case 'CertFile': {
        const { cert, pem } = certificateOf(args.Certificate!, command);
        const privateKey = privateKeyFor(cert, pem, args.PrivateKeyPath, args.CertificatePassword, command);
        header.alg = signingAlgorithmForKey(privateKey, args.RsaPaddingScheme, command);
        return signJwt(header, payload, { privateKey, json: jsonOf }, command);
      }
      default: {
        // No secret and no certificate: only an unsigned token, asked for by name (the header's alg or -Algorithm).
        const wanted = args.Algorithm ?? headerAlg;
        if (wanted === undefined || wanted.toUpperCase() !== 'NONE') throw errors.JwtNoSecret(command);
        header.alg = headerAlg ?? 'none';
        return signJwt(header, payload, { json: jsonOf }, command);
      }
    }
  },
});

/** Unix-seconds claims as dates (-HumanReadable), where Pode converts them: iat, nbf, exp when truthy. */
function humanReadable(payload: Record<string, unknown>): Record<string, unknown> {
  const out = { ...payload };
  for (const claim of ['iat', 'nbf', 'exp'] as const) {
    const value = out[claim];
    if (typeof value === 'number' && value !== 0 && Number.isFinite(value)) out[claim] = new Date(Math.trunc(value) * 1000);
  }
  return out;
}

export const ConvertFromPodeJwt = cmdlet({
  name: 'ConvertFrom-PodeJwt',
  synopsis: 'Converts a JWT token into a PowerShell object, optionally verifying its signature.',
  description:
    'The ConvertFrom-PodeJwt function takes a JWT token and decodes its header, payload, and signature. By default, it verifies the signature ' +
    'using a specified secret (HS256, HS384, HS512) or certificate (RS*, PS*, ES*: the algorithms its key can make). A token whose alg is none, ' +
    'or an algorithm the secret or key is not for, is refused. If IgnoreSignature is specified, the function decodes and returns the token payload without verification.\n' +
    'The registered claims (exp, nbf…) are not checked here, as in Pode: use Test-PodeJwt. Tokens over 8 KiB are refused before they are read.',
  examples: [
    { code: "ConvertFrom-PodeJwt -Token $jwtToken -Secret 'mysecret'", text: 'Decodes and verifies the JWT token using an HMAC secret.' },
    { code: "ConvertFrom-PodeJwt -Token $jwtToken -Certificate './certs/myCert.pem'", text: 'Decodes and verifies the JWT token using an X.509 certificate from a file.' },
  ],
  defaultParameterSet: 'Default',
  parameters: [
    {
      name: 'Token',
      type: 'String',
      mandatory: true,
      sets: ['Secret', 'CertName', 'CertThumb', 'CertRaw', 'CertFile', 'Ignore', 'AuthenticationMethod'],
      perSet: { AuthenticationMethod: { mandatory: false } },
      help: 'The JWT token to be decoded and optionally verified.',
    },
    {
      name: 'IgnoreSignature',
      type: 'SwitchParameter',
      sets: ['Default', 'Ignore'],
      help: 'Indicates that the JWT token signature should be ignored and the payload returned directly without verification.',
    },
    { name: 'Outputs', type: 'String', validateSet: [...OUTPUTS], default: 'Payload', help: "Determines which parts of the JWT should be returned: Header, Payload, Signature, or any combination thereof. Defaults to 'Payload'." },
    { name: 'HumanReadable', type: 'SwitchParameter', help: 'Converts UNIX timestamps (iat, nbf, exp) into DateTime objects for easier reading.' },
    { name: 'Secret', type: 'Object', mandatory: true, sets: ['Secret'], help: 'A string or byte array used for HMAC-based signature verification.' },
    {
      name: 'Certificate',
      type: 'String',
      mandatory: true,
      sets: ['CertFile'],
      help: 'The X.509 certificate for RSA/ECDSA signature verification: the path to a PEM file (relative to the server root), or the PEM text itself.',
    },
    { name: 'PrivateKeyPath', type: 'String', sets: ['CertFile'], help: 'The path to a PEM key file that pairs with the certificate (not needed to verify).' },
    { name: 'CertificatePassword', type: 'SecureString', sets: ['CertFile'], help: 'A password for the key file, if required.' },
    { name: 'CertificateThumbprint', type: 'String', mandatory: true, sets: ['CertThumb'], unsupported: WHY.store, help: 'A thumbprint to retrieve a certificate from the Windows certificate store.' },
    { name: 'CertificateName', type: 'String', mandatory: true, sets: ['CertName'], unsupported: WHY.store, help: 'A subject name to retrieve a certificate from the Windows certificate store.' },
    { name: 'CertificateStoreName', type: 'StoreName', sets: ['CertName', 'CertThumb'], default: 'My', unsupported: WHY.store, help: 'The name of the Windows certificate store to search (default: My).' },
    { name: 'CertificateStoreLocation', type: 'StoreLocation', sets: ['CertName', 'CertThumb'], default: 'CurrentUser', unsupported: WHY.store, help: 'The location of the Windows certificate store to search (default: CurrentUser).' },
    {
      name: 'X509Certificate',
      type: 'X509Certificate2',
      mandatory: true,
      sets: ['CertRaw'],
      help: "A certificate for RSA/ECDSA signature verification: a node:crypto X509Certificate (or a public KeyObject, or PEM text). As in Pode, a certificate given this way is not checked.",
    },
    {
      name: 'RsaPaddingScheme',
      type: 'String',
      sets: [...CERT_SETS],
      validateSet: ['Pkcs1V15', 'Pss'],
      default: 'Pkcs1V15',
      help: "The RSA padding scheme (Pkcs1V15 or Pss). Verification follows the token's alg (RS* or PS*), as in Pode.",
    },
    { name: 'Authentication', type: 'String', mandatory: true, sets: ['AuthenticationMethod'], unsupported: WHY.auth, help: 'A Pode authentication method name whose configuration is used for signature verification.' },
  ],
  outputs: '[pscustomobject] or [System.Collections.Specialized.OrderedDictionary]',
  run: (args, ctx) => {
    const command = ctx.command;
    // The Default set has no -Token: Pode splits $null, which is not three parts.
    if (args.Token === undefined) throw errors.JwtInvalid(command);
    const token = args.Token;
    let decoded: DecodedJwt;
    switch (ctx.parameterSetName) {
      case 'Secret':
        decoded = verifyJwtSignature(token, { secret: secretOf(args.Secret) }, command);
        break;
      case 'CertFile':
        decoded = verifyJwtSignature(token, { publicKey: certificateOf(args.Certificate!, command).cert.publicKey }, command);
        break;
      case 'CertRaw': {
        const given = args.X509Certificate as unknown;
        const publicKey = given instanceof X509Certificate ? given.publicKey : toPublicKey(given as string | KeyObject, command);
        decoded = verifyJwtSignature(token, { publicKey }, command);
        break;
      }
      default:
        // -IgnoreSignature: decoded only. Without it (the Ignore set can be chosen by -Token alone) Pode still
        // verifies, with nothing to verify against: an unsigned (`none`) token passes, a signed one cannot.
        decoded = decodeJwt(token, command);
        if (!args.IgnoreSignature) {
          const alg = normalizeAlg(decoded.header.alg);
          if (alg !== 'none') throw errors.JwtNoKeyToVerify(command, { alg: alg ?? quoteUntrusted(decoded.header.alg) });
          decoded = verifyJwtSignature(token, { algorithms: ['none'] }, command);
        }
    }
    const payload = args.HumanReadable ? humanReadable(decoded.payload) : decoded.payload;
    switch (args.Outputs) {
      case 'Header':
        return decoded.header;
      case 'Signature':
        return decoded.signature;
      case 'Header,Payload':
        return { Header: decoded.header, Payload: payload };
      case 'Header,Signature':
        return { Header: decoded.header, Signature: decoded.signature };
      case 'Payload,Signature':
        return { Payload: payload, Signature: decoded.signature };
      case 'Header,Payload,Signature':
        return { Header: decoded.header, Payload: payload, Signature: decoded.signature };
      default:
        return payload;
    }
  },
});

export const TestPodeJwt = cmdlet({
  name: 'Test-PodeJwt',
  synopsis: 'Validates a JWT payload by checking its registered claims as defined in RFC 7519.',
  description:
    'This function verifies the validity of a JWT payload by ensuring:\n' +
    '- The exp (Expiration Time) has not passed.\n- The nbf (Not Before) time is not in the future.\n- The iat (Issued At) time is not in the future.\n' +
    '- The iss (Issuer) claim is valid based on the verification mode.\n- The sub (Subject) claim is a valid string.\n' +
    '- The aud (Audience) claim is valid based on the verification mode (a string or an array: podets has no application name to compare it with).\n' +
    '- The jti (JWT ID) claim is a valid string.\nexp, nbf and iat must be numbers of seconds since 1970.',
  examples: [{ code: "Test-PodeJwt -Payload $payload -JwtVerificationMode 'Strict'", text: 'This example validates a JWT payload with full claim verification.' }],
  parameters: [
    { name: 'Payload', type: 'PSObject', mandatory: true, help: 'The JWT payload containing registered claims such as exp, nbf, iat, iss, sub, aud, and jti.' },
    { name: 'Issuer', type: 'String', default: 'Pode', help: "The expected JWT Issuer. If omitted, uses 'Pode'." },
    {
      name: 'JwtVerificationMode',
      type: 'String',
      validateSet: ['Strict', 'Moderate', 'Lenient'],
      default: 'Lenient',
      help: 'Defines how aggressively JWT claims should be checked: Strict requires iss, aud and jti; Moderate checks iss and aud when present; Lenient checks only exp, nbf and iat (and sub).',
    },
  ],
  run: (args, ctx) => {
    const payload = args.Payload;
    const claims = payload instanceof Map ? Object.fromEntries(payload) : ((payload ?? {}) as Record<string, unknown>);
    checkJwtClaims(claims, { issuer: args.Issuer, mode: args.JwtVerificationMode as JwtVerificationMode }, ctx.command);
  },
});
