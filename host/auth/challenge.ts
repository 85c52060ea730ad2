// The WWW-Authenticate value Pode sends with a failed authentication: the scheme's name, its realm, then the
// challenge's fields (src/Private/Authentication.ps1: Get-PodeAuthWwwHeaderValue, New-PodeAuthChallenge).
// A description can quote request data (a token's algorithm, say), so every value is made safe for a header's
// quoted-string here: no control characters, `"` and `\` escaped, and a bounded length.

export type ChallengeError = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

const MAX_VALUE = 256;

/** A header quoted-string's content: printable ASCII only, quotes and backslashes escaped, at most 256 characters. */
export function quoted(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?').slice(0, MAX_VALUE);
  return printable.replace(/["\\]/g, (c) => '\\' + c);
}

/** New-PodeAuthChallenge: `scope="a b", error="…", error_description="…"` (each part only when given). */
export function newChallenge(o: { scopes?: readonly string[] | null; error?: ChallengeError; description?: string }): string {
  const items: string[] = [];
  if (o.scopes && o.scopes.length > 0) items.push(`scope="${quoted(o.scopes.join(' '))}"`);
  items.push(`error="${o.error ?? 'invalid_request'}"`);
  if (o.description !== undefined && o.description.trim() !== '') items.push(`error_description="${quoted(o.description)}"`);
  return items.join(', ');
}

/** Get-PodeAuthWwwHeaderValue: `<Name> realm="<Realm>", <challenge>`; '' without a name. */
export function wwwAuthenticate(name: string, realm: string, challenge?: string): string {
  if (name.trim() === '') return '';
  let header = name;
  if (realm.trim() !== '') header += ` realm="${quoted(realm)}"`;
  if (challenge !== undefined && challenge.trim() !== '') header += `, ${challenge}`;
  return header;
}
