// Keys compared as a PowerShell hashtable compares them: @{} and [ordered]@{} ignore case (.NET's
// OrdinalIgnoreCase: each character upper-cased on its own, with no mapping that changes the length, so
// 'ß' stays 'ß' where JavaScript's toUpperCase gives 'SS').

/** The key under which `text` is stored in a case-insensitive map. */
export function ignoreCaseKey(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length && ascii; i++) ascii = text.charCodeAt(i) < 0x80;
  if (ascii) return text.toUpperCase();
  let out = '';
  for (const ch of text) {
    const upper = ch.toUpperCase();
    out += upper.length === ch.length ? upper : ch;
  }
  return out;
}
