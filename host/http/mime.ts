// Content types for the files a Pode site typically serves. Deliberately small: anything unknown is
// sent as application/octet-stream, which browsers download rather than guess at.
import { extname } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.htm': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.bmp': 'image/bmp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.eot': 'application/vnd.ms-fontobject',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
  '.ps1': 'text/plain',
  '.psm1': 'text/plain',
  '.psd1': 'text/plain',
};

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Text types get an explicit charset so browsers don't guess; files on disk are assumed UTF-8. */
function withCharset(type: string): string {
  const textual = type.startsWith('text/') || type === 'application/json' || type === 'application/xml' ||
    type === 'application/yaml' || type === 'image/svg+xml';
  return textual ? `${type}; charset=utf-8` : type;
}

/** The Content-Type for a file name, by extension (case-insensitive). */
export function contentTypeFor(file: string): string {
  const type = TYPES[extname(file).toLowerCase()];
  return type ? withCharset(type) : DEFAULT_CONTENT_TYPE;
}

const charsetAdded = new Map<string, string>();

/** Pode's text writers add `charset=utf-8` to a caller's content type that names no charset. */
export function ensureCharset(contentType: string): string {
  // Memoised: the same few types come back on every response, and handing node:http the same flat
  // string each time spares it re-validating a freshly concatenated one.
  let out = charsetAdded.get(contentType);
  if (out === undefined) {
    out = /;\s*charset\s*=/i.test(contentType) ? contentType : `${contentType}; charset=utf-8`;
    if (charsetAdded.size < 256) charsetAdded.set(contentType, out);
  }
  return out;
}
