// The baseline of bench/sse-h2.ts: node:http2's secure server as podets' https endpoint makes it (the same
// kind of certificate, h2 and http/1.1 by ALPN, node's compatibility request and response), and a Set of
// responses. A broadcast frames the event once and writes that one Buffer to every response, as the bare
// node:http loop of bench/sse does; over HTTP/1.1 (allowHTTP1) the responses are node:http's.
import http2 from 'node:http2';
import { selfSignedCertificate } from '../../host/http/selfsigned.ts';
import { serveControl } from './control.ts';

const HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' };
// HTTP/2 forbids connection-specific headers (RFC 9113 §8.2.2): keep-alive is said on HTTP/1.1 only.
const HEAD_H1 = { ...HEAD, connection: 'keep-alive' };
const OPEN = Buffer.from('event: open\ndata: \n\n');
// HTTP/2 and HTTP/1.1 responses, by the one method used (the checker cannot call a union of their overloads).
const subscribers = new Set<{ write(b: Buffer): boolean }>();

const server = http2.createSecureServer({ ...(await selfSignedCertificate('127.0.0.1')), allowHTTP1: true }, (req, res) => {
  if (req.url !== '/events') return void res.writeHead(404).end();
  const h2 = req.httpVersionMajor === 2;
  res.writeHead(200, h2 ? HEAD : HEAD_H1);
  if (!h2) req.socket.setNoDelay(true);
  res.write(OPEN);
  subscribers.add(res);
  res.once('close', () => subscribers.delete(res));
});

serveControl({
  broadcast(payload) {
    const frame = Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
    for (const res of subscribers) res.write(frame);
  },
  subscribers: () => subscribers.size,
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`Listening on https://127.0.0.1:${port}/\n`);
});
