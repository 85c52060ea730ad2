// Add-PodeAuthUserFile's validator (src/Private/Authentication.ps1, Get-PodeAuthUserFileMethod): a JSON array of
// users, `{ Name, Username, Email, Password, Groups, Metadata }`, where Password is Base64(SHA-256(password)), or
// Base64(HMAC-SHA256(secret, password)) with -HmacSecret (Pode's Invoke-PodeSHA256Hash and Invoke-PodeHMACSHA256Hash,
// UTF-8 text). Usernames compare case-insensitively, the first match wins; the password hash is compared in
// constant time. A user outside -Users/-Groups, or any mismatch, gets Pode's one message.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { errors } from '../errors/catalog.ts';
import type { AuthOutcome, AuthScript } from './types.ts';

export interface UserFileOptions {
  FilePath: string;
  Users: string[] | null;
  Groups: string[] | null;
  HmacSecret: string | null;
  ScriptBlock: { Script: AuthScript | null };
}

const DENIED = 'You are not authorised to access this website';

/** Pode's Invoke-PodeSHA256Hash / Invoke-PodeHMACSHA256Hash: the hash of the UTF-8 text, in Base64. */
export function passwordHash(password: string, hmacSecret?: string | null): string {
  const h = hmacSecret ? createHmac('sha256', Buffer.from(hmacSecret, 'utf8')) : createHash('sha256');
  return h.update(password, 'utf8').digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  // Unequal lengths compare a hash with itself so the time spent does not tell the length either.
  return x.length === y.length ? timingSafeEqual(x, y) : (timingSafeEqual(x, x), false);
}

/** Test-PodeAuthUserGroup: no lists lets everyone in; else the username is listed, or one of the user's groups is. */
export function inUsersOrGroups(user: { Username?: unknown; Groups?: unknown }, users: readonly string[] | null, groups: readonly string[] | null): boolean {
  const haveUsers = users !== null && users.length > 0;
  const haveGroups = groups !== null && groups.length > 0;
  if (!haveUsers && !haveGroups) return true;
  const name = String(user.Username ?? '').toLowerCase();
  if (haveUsers && users!.some((u) => u.toLowerCase() === name)) return true;
  const mine = Array.isArray(user.Groups) ? user.Groups.map((g) => String(g).toLowerCase()) : [];
  return haveGroups && groups!.some((g) => mine.includes(g.toLowerCase()));
}

async function readUsers(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw errors.UserFileInvalid('Add-PodeAuthUserFile', { path, reason: err instanceof Error ? err.message : String(err) });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw errors.UserFileInvalid('Add-PodeAuthUserFile', { path, reason: err instanceof Error ? err.message : String(err) });
  }
  // ConvertFrom-Json of a single object gives that object; Pode's foreach then sees one user.
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** The method's validator: (username, password, options), or (credential, options) with -AsCredential. */
export const userFileValidator: AuthScript = async (username: unknown, password: unknown, options?: UserFileOptions): Promise<AuthOutcome> => {
  let name: string;
  let pass: string;
  let opts: UserFileOptions;
  if (options === undefined && username !== null && typeof username === 'object') {
    const cred = username as { UserName?: unknown; Password?: unknown };
    name = String(cred.UserName ?? '');
    pass = String(cred.Password ?? '');
    opts = password as UserFileOptions;
  } else {
    name = String(username ?? '');
    pass = String(password ?? '');
    opts = options!;
  }
  const users = await readUsers(opts.FilePath);
  const lower = name.toLowerCase();
  const found = users.find((u): u is Record<string, unknown> => u !== null && typeof u === 'object' && String((u as Record<string, unknown>).Username ?? '').toLowerCase() === lower);
  if (found === undefined) return { Message: DENIED };
  if (!sameText(String(found.Password ?? ''), passwordHash(pass, opts.HmacSecret))) return { Message: DENIED };
  const user = { Name: found.Name ?? null, Username: found.Username ?? null, Email: found.Email ?? null, Groups: found.Groups ?? null, Metadata: found.Metadata ?? null };
  if (!inUsersOrGroups(user, opts.Users, opts.Groups)) return { Message: DENIED };
  const extra = opts.ScriptBlock.Script;
  return extra !== null ? ((await extra(user)) as AuthOutcome) : { User: user };
};
