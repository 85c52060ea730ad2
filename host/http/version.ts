// Which HTTP a request came in on. HTTP/2 (node:http2's compatibility request, https endpoints) has no
// connection-specific headers and no reason phrase (RFC 9113 §8.2.2, §8.3.2), and frames its body: the
// few places that write those ask here.
import type { IncomingMessage } from 'node:http';

export function isHttp2(req: IncomingMessage): boolean {
  return req.httpVersionMajor >= 2;
}
