// JSON Web Tokens (RFC 7519) as Pode's Jwt cmdlets make and read them (src/Public/Jwt.ps1, src/Private/Jwt.ps1):
// pure functions over node:crypto, no server state. ConvertTo-/ConvertFrom-/Test-PodeJwt (cmdlets/jwt.ts) call
// them, and so will the bearer/apikey authentication schemes: `verifyJwt` is their one entry point.
//
// What is refused, and where podets is stricter than Pode:
// - a token over 8 KiB, before anything is split or decoded (MAX_JWT_LENGTH);
// - anything but three dot-separated parts, each strict base64url (RFC 4648 §5: no padding, no '+' or '/', no
//   stray bits in the last character: the text must be the canonical encoding of its bytes); Pode pads and
//   drops characters until .NET's decoder accepts it;
// - header and payload that are not JSON objects in valid UTF-8;
// - `alg: none` whenever a secret or key is given (Pode returns a `none` token's payload when it verifies with a
//   certificate), and every algorithm the key cannot be for: a secret verifies HS256/384/512 only, an RSA key
//   RS* and PS*, an EC key the ES* of its curve, so an HS256 token "signed" with an RSA public key is refused
//   (algorithm confusion);
// - signatures compared in constant time (Pode compares base64url texts with -ne, case-insensitively).
import {
  constants,
  createHmac,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  sign as cryptoSign,
  timingSafeEqual,
  verify as cryptoVerify,
  X509Certificate,
} from 'node:crypto';
import { errors } from '../errors/catalog.ts';

export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
/** A JWT algorithm, or `none` for an unsigned token. */
export type JwtAlg = JwtAlgorithm | 'none';

/** The longest token read at all, in characters (a valid token is ASCII, so also its bytes): 8 KiB. */
export const MAX_JWT_LENGTH = 8192;

type Family = 'HS' | 'RS' | 'PS' | 'ES';
interface AlgSpec {
  readonly family: Family;
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  /** ES*: the curve (node's name) and the byte length of r and of s. */
  readonly curve?: string;
  readonly size?: number;
}

const SPECS: Readonly<Record<JwtAlgorithm, AlgSpec>> = {
  HS256: { family: 'HS', hash: 'sha256' },
  HS384: { family: 'HS', hash: 'sha384' },
  HS512: { family: 'HS', hash: 'sha512' },
  RS256: { family: 'RS', hash: 'sha256' },
  RS384: { family: 'RS', hash: 'sha384' },
  RS512: { family: 'RS', hash: 'sha512' },
  PS256: { family: 'PS', hash: 'sha256' },
  PS384: { family: 'PS', hash: 'sha384' },
  PS512: { family: 'PS', hash: 'sha512' },
  ES256: { family: 'ES', hash: 'sha256', curve: 'prime256v1', size: 32 },
  ES384: { family: 'ES', hash: 'sha384', curve: 'secp384r1', size: 48 },
  ES512: { family: 'ES', hash: 'sha512', curve: 'secp521r1', size: 66 },
};

const HMAC_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];

/** A header's `alg` as podets names it: a known algorithm in upper case, `none`, or undefined. Pode matches case-insensitively. */
export function normalizeAlg(alg: unknown): JwtAlg | undefined {
  if (typeof alg !== 'string') return undefined;
  const upper = alg.toUpperCase();
  if (upper === 'NONE') return 'none';
  return (JWT_ALGORITHMS as readonly string[]).includes(upper) ? (upper as JwtAlgorithm) : undefined;
}

/** A value from a token, safe to quote in a message: printable ASCII only, at most 32 characters. */
export function quoteUntrusted(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 32 ? `${clean.slice(0, 32)}…` : clean;
}

// ---- base64url -------------------------------------------------------------------------------------

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function base64UrlEncode(value: string | Uint8Array): string {
  return (typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value)).toString('base64url');
}

/** Strict base64url: the alphabet, no padding, and the canonical encoding of its bytes (no stray bits). */
export function base64UrlDecode(text: string, command = ''): Buffer {
  if (!BASE64URL.test(text) || text.length % 4 === 1) throw errors.JwtInvalidBase64(command);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw errors.JwtInvalidBase64(command);
  return bytes;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeObject(part: string, command: string): Record<string, unknown> {
  const bytes = base64UrlDecode(part, command);
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    throw errors.JwtInvalidJson(command);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw errors.JwtInvalidJson(command);
  return value as Record<string, unknown>;
}

// ---- decoding ----------------------------------------------------------------------------------------

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** The third part, as it is in the token (base64url). */
  readonly signature: string;
  /** `header.payload`, the bytes the signature is over. */
  readonly signingInput: string;
}

/**
 * Splits and decodes a token without verifying it (ConvertFrom-PodeJwt -IgnoreSignature): size, three parts,
 * base64url, JSON objects, and a header `alg` that is a non-blank string (Pode's checks, in its order).
 */
export function decodeJwt(token: string, command = ''): DecodedJwt {
  if (typeof token !== 'string') throw errors.JwtInvalid(command);
  if (token.length > MAX_JWT_LENGTH) throw errors.JwtTooLarge(command, { length: token.length, limit: MAX_JWT_LENGTH });
  const parts = token.split('.');
  if (parts.length !== 3) throw errors.JwtInvalid(command);
  const header = decodeObject(parts[0]!, command);
  if (typeof header.alg !== 'string' || header.alg.trim() === '') throw errors.JwtInvalidHeaderAlgorithm(command);
  const payload = decodeObject(parts[1]!, command);
  // The signature must be base64url too, even when it is not checked.
  base64UrlDecode(parts[2]!, command);
  return { header, payload, signature: parts[2]!, signingInput: `${parts[0]}.${parts[1]}` };
}

// ---- keys --------------------------------------------------------------------------------------------

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;

/** A PEM public key, private key or X.509 certificate (its public key), or a KeyObject, as a public KeyObject. */
export function toPublicKey(key: string | Buffer | KeyObject | X509Certificate, command = ''): KeyObject {
  try {
    if (key instanceof X509Certificate) return key.publicKey;
    if (key instanceof KeyObject) return key.type === 'private' ? createPublicKey(key) : key;
    const text = Buffer.isBuffer(key) ? key.toString('utf8') : key;
    if (PEM_CERTIFICATE.test(text)) return new X509Certificate(text).publicKey;
    return createPublicKey(text);
  } catch (err) {
    throw errors.JwtKeyInvalid(command, { what: 'public key or certificate', reason: (err as Error).message });
  }
}

/** A PEM private key (encrypted with `passphrase`), or a KeyObject, as a private KeyObject. */
export function toPrivateKey(key: string | Buffer | KeyObject, passphrase?: string, command = ''): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') throw errors.JwtKeyInvalid(command, { what: 'private key', reason: `a ${key.type} key was given` });
    return key;
  }
  try {
    return createPrivateKey(passphrase === undefined ? key : { key, passphrase });
  } catch (err) {
    throw errors.JwtKeyInvalid(command, { what: 'private key', reason: (err as Error).message });
  }
}

const CURVE_ALG: Readonly<Record<string, JwtAlgorithm>> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };

/** The algorithms a (public or private) key can verify or make: RS*+PS* for RSA, PS* for RSA-PSS, the ES* of an EC key's curve. */
export function algorithmsForKey(key: KeyObject): JwtAlgorithm[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const alg = CURVE_ALG[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return alg ? [alg] : [];
    }
    default:
      return [];
  }
}

/**
 * The algorithm Pode signs with for a certificate's key (Get-PodeJwtSigningAlgorithm): an RSA key of 2048, 3072
 * or 4096 bits gives RS256/384/512 (PS* with -RsaPaddingScheme Pss), an EC key on P-256/384/521 ES256/384/512.
 */
export function signingAlgorithmForKey(key: KeyObject, padding: 'Pkcs1V15' | 'Pss' = 'Pkcs1V15', command = ''): JwtAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength;
    const hash = bits === 2048 ? '256' : bits === 3072 ? '384' : bits === 4096 ? '512' : undefined;
    if (hash) return `${padding === 'Pss' || type === 'rsa-pss' ? 'PS' : 'RS'}${hash}` as JwtAlgorithm;
    throw errors.JwtKeyAlgorithmUnknown(command, { type: 'RSA', size: `${bits ?? 'unknown'} bits` });
  }
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    const alg = CURVE_ALG[curve];
    if (alg) return alg;
    throw errors.JwtKeyAlgorithmUnknown(command, { type: 'EC', size: `curve ${curve}` });
  }
  throw errors.JwtKeyAlgorithmUnknown(command, { type: type ?? 'unknown', size: 'any size' });
}

function secretBytes(secret: string | Uint8Array | undefined): Buffer | undefined {
  if (secret === undefined) return undefined;
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
}

// ---- signing -----------------------------------------------------------------------------------------

function rsaOptions(spec: AlgSpec) {
  return spec.family === 'PS'
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }
    : { padding: constants.RSA_PKCS1_PADDING };
}

/** The signature over `signingInput` with `alg`, base64url (New-PodeJwtSignature). */
export function signatureOf(alg: JwtAlgorithm, signingInput: string, key: { secret?: Buffer; privateKey?: KeyObject }, command = ''): string {
  const spec = SPECS[alg];
  const data = Buffer.from(signingInput, 'utf8');
  if (spec.family === 'HS') {
    if (!key.secret || key.secret.length === 0) throw errors.JwtNoSecret(command);
    return createHmac(spec.hash, key.secret).update(data).digest('base64url');
  }
  const privateKey = key.privateKey;
  if (!privateKey) throw errors.JwtPrivateKeyRequired(command);
  if (!algorithmsForKey(privateKey).includes(alg)) throw errors.JwtAlgorithmNotAllowed(command, { alg, allowed: algorithmsForKey(privateKey) });
  const options = spec.family === 'ES' ? { dsaEncoding: 'ieee-p1363' as const } : rsaOptions(spec);
  return cryptoSign(spec.hash, data, { key: privateKey, ...options }).toString('base64url');
}

export interface SignOptions {
  /** HS*: the HMAC secret (a string is its UTF-8 bytes). */
  secret?: string | Uint8Array;
  /** RS*, PS*, ES*: the private key (PEM, or a KeyObject). */
  privateKey?: string | Buffer | KeyObject;
  /** For an encrypted PEM private key. */
  passphrase?: string;
  /** How header and payload become JSON (default JSON.stringify; the cmdlets give PowerShell's ConvertTo-Json). */
  json?: (value: Record<string, unknown>, part: 'header' | 'payload') => string;
}

/**
 * `header.payload.signature` for the header's `alg` (New-PodeJwt after its parameter sets): HS* with a secret,
 * RS*, PS*, ES* with a private key that fits, `none` with neither (Pode refuses a secret for `none`).
 */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, options: SignOptions = {}, command = ''): string {
  if (typeof header.alg !== 'string' || header.alg.trim() === '') throw errors.JwtNoAlgorithmInHeader(command);
  const alg = normalizeAlg(header.alg);
  if (!alg) throw errors.JwtUnsupportedAlgorithm(command, { alg: quoteUntrusted(header.alg) });
  const json = options.json ?? ((value) => JSON.stringify(value));
  const secret = secretBytes(options.secret);
  const privateKey = options.privateKey === undefined ? undefined : toPrivateKey(options.privateKey, options.passphrase, command);
  if (alg === 'none' && (secret !== undefined || privateKey !== undefined)) throw errors.JwtNoSecretExpectedForNone(command);
  const signingInput = `${base64UrlEncode(json(header, 'header'))}.${base64UrlEncode(json(payload, 'payload'))}`;
  if (alg === 'none') return `${signingInput}.`;
  return `${signingInput}.${signatureOf(alg, signingInput, { secret, privateKey }, command)}`;
}

// ---- verifying ---------------------------------------------------------------------------------------

export interface VerifyOptions {
  /** HS*: the HMAC secret (a string is its UTF-8 bytes). */
  secret?: string | Buffer;
  /** RS*, PS*, ES*: a PEM public key, private key or X.509 certificate, or a KeyObject. */
  publicKey?: string | KeyObject;
  /**
   * The algorithms accepted, narrowing what the secret/key allows. `none` is accepted only when listed here and
   * neither a secret nor a key is given.
   */
  algorithms?: string[];
  /** Seconds since 1970 (default: now), for `exp` and `nbf`. */
  now?: number;
}

function signatureMatches(alg: JwtAlgorithm, decoded: DecodedJwt, secret: Buffer | undefined, publicKey: KeyObject | undefined): boolean {
  const spec = SPECS[alg];
  const given = Buffer.from(decoded.signature, 'base64url');
  const data = Buffer.from(decoded.signingInput, 'utf8');
  if (spec.family === 'HS') {
    const expected = createHmac(spec.hash, secret!).update(data).digest();
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  if (spec.family === 'ES') {
    if (given.length !== 2 * spec.size!) return false;
    return cryptoVerify(spec.hash, data, { key: publicKey!, dsaEncoding: 'ieee-p1363' }, given);
  }
  try {
    return cryptoVerify(spec.hash, data, { key: publicKey!, ...rsaOptions(spec) }, given);
  } catch {
    return false;
  }
}

/** Verifies the token's signature (nothing of its claims): the decoded token, or a PodeError from the catalog. */
export function verifyJwtSignature(token: string, options: VerifyOptions, command = ''): DecodedJwt {
  const decoded = decodeJwt(token, command);
  const alg = normalizeAlg(decoded.header.alg);
  if (!alg) throw errors.JwtUnsupportedAlgorithm(command, { alg: quoteUntrusted(decoded.header.alg) });
  const secret = secretBytes(options.secret);
  if (secret !== undefined && secret.length === 0) throw errors.JwtNoSecret(command);
  const publicKey = options.publicKey === undefined ? undefined : toPublicKey(options.publicKey, command);
  const keyed = secret !== undefined || publicKey !== undefined;
  // Pode's order (ConvertFrom-PodeJwt): a missing signature, then a signature on `none`, then `none` with a key.
  if (decoded.signature === '' && alg !== 'none') throw errors.JwtNoSignatureForAlgorithm(command, { alg });
  if (decoded.signature !== '' && alg === 'none') throw errors.JwtExpectedNoSignature(command);
  if (alg === 'none' && keyed) throw errors.JwtExpectedNoSignature(command);
  const fromKey: JwtAlg[] = [...(secret ? HMAC_ALGORITHMS : []), ...(publicKey ? algorithmsForKey(publicKey) : [])];
  const wanted = options.algorithms?.map((a) => normalizeAlg(a) ?? a);
  const allowed = keyed ? fromKey.filter((a) => !wanted || wanted.includes(a)) : (wanted ?? []).filter((a): a is JwtAlg => a === 'none');
  if (!allowed.includes(alg)) throw errors.JwtAlgorithmNotAllowed(command, { alg, allowed });
  if (alg === 'none') return decoded;
  const family = SPECS[alg].family;
  const ok = signatureMatches(alg, decoded, family === 'HS' ? secret : undefined, family === 'HS' ? undefined : publicKey);
  if (!ok) throw errors.JwtInvalidSignature(command);
  return decoded;
}

/** A NumericDate claim (RFC 7519 §2) as a number, undefined when absent; anything else is refused. */
function numericDate(payload: Record<string, unknown>, claim: 'exp' | 'nbf' | 'iat', command: string): number | undefined {
  const value = payload[claim];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw errors.JwtInvalidNumericDate(command, { claim });
  return value;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** `exp` and `nbf` against `now` (seconds), as Pode's Test-PodeJwt compares them: expired at exp, valid from nbf. */
export function checkJwtTimes(payload: Record<string, unknown>, now: number = nowSeconds(), command = ''): void {
  const exp = numericDate(payload, 'exp', command);
  if (exp !== undefined && now >= exp) throw errors.JwtExpired(command);
  const nbf = numericDate(payload, 'nbf', command);
  if (nbf !== undefined && now < nbf) throw errors.JwtNotYetValid(command);
}

/**
 * Verifies a token for an authentication scheme: size, structure, algorithm against the secret/key (never
 * `none` with either), signature, `exp` and `nbf`. Returns header and payload, or throws a PodeError
 * (errors.Jwt*: their StatusCode is 400 for a malformed token, 401 for one that is not accepted).
 */
export function verifyJwt(
  token: string,
  opts: { secret?: string | Buffer; publicKey?: string | KeyObject; algorithms?: string[]; now?: number },
  command = '',
): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const decoded = verifyJwtSignature(token, opts, command);
  checkJwtTimes(decoded.payload, opts.now ?? nowSeconds(), command);
  return { header: decoded.header, payload: decoded.payload };
}

// ---- registered claims (Test-PodeJwt) -----------------------------------------------------------------

export type JwtVerificationMode = 'Strict' | 'Moderate' | 'Lenient';

export interface ClaimOptions {
  /** The expected `iss` (Test-PodeJwt -Issuer, default 'Pode'). */
  issuer: string;
  mode: JwtVerificationMode;
  now?: number;
}

/** PowerShell's truthiness of a claim value (`if ($Payload.exp)`): absent, null, '', 0, false and @() are false. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 1 || (value.length === 1 && truthy(value[0]));
  return true;
}

/**
 * Test-PodeJwt's checks, in its order: exp, nbf, iat (all modes); iss (Strict: required; Moderate: checked when
 * present); aud (the same; podets has no -ApplicationName to compare it with, so only its presence and type
 * are checked); sub (a string when present); jti (Strict: a string, required).
 */
export function checkJwtClaims(payload: Record<string, unknown>, options: ClaimOptions, command = ''): void {
  const now = options.now ?? nowSeconds();
  if (truthy(payload.exp)) {
    const exp = numericDate(payload, 'exp', command)!;
    if (now >= exp) throw errors.JwtExpired(command);
  }
  if (truthy(payload.nbf)) {
    const nbf = numericDate(payload, 'nbf', command)!;
    if (now < nbf) throw errors.JwtNotYetValid(command);
  }
  if (truthy(payload.iat)) {
    const iat = numericDate(payload, 'iat', command)!;
    if (iat > now) throw errors.JwtIssuedInFuture(command);
  }
  const checksNames = options.mode === 'Strict' || options.mode === 'Moderate';
  if (checksNames) {
    if (truthy(payload.iss)) {
      if (typeof payload.iss !== 'string' || payload.iss !== options.issuer) throw errors.JwtInvalidIssuer(command, { issuer: options.issuer });
    } else if (options.mode === 'Strict') throw errors.JwtMissingIssuer(command);
    if (truthy(payload.aud)) {
      const aud = payload.aud;
      if (typeof aud !== 'string' && !Array.isArray(aud)) throw errors.JwtInvalidAudience(command);
    } else if (options.mode === 'Strict') throw errors.JwtMissingAudience(command);
  }
  if (truthy(payload.sub) && typeof payload.sub !== 'string') throw errors.JwtInvalidSubject(command);
  if (options.mode === 'Strict') {
    if (!truthy(payload.jti)) throw errors.JwtMissingJti(command);
    if (typeof payload.jti !== 'string') throw errors.JwtInvalidJti(command);
  }
}
