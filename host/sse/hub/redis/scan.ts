// The keys under a prefix, read with SCAN (never KEYS, which blocks Redis for everyone while it runs): how an
// instance that joins reads the others' presence and figures. The prefix is matched literally: its glob
// characters are escaped, so a backplane prefix holding `*` or `[` cannot widen the match.
import type { Redis } from 'ioredis';

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every key starting with `prefix`, each once. */
export async function keysWithPrefix(cmd: Redis, prefix: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, found] = await cmd.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of found) keys.add(k);
  } while (cursor !== '0');
  return [...keys];
}
