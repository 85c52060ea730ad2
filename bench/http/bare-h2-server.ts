// The baseline of bench:http's HTTP/2 row: node:http2's secure server as podets' https endpoint makes it (the
// same kind of certificate, allowHTTP1, the compatibility API) doing the work of bare-server.ts and nothing else.
import http2 from 'node:http2';
import { selfSignedCertificate } from '../../host/http/selfsigned.ts';

const server = http2.createSecureServer({ ...(await selfSignedCertificate('127.0.0.1')), allowHTTP1: true }, (req, res) => {
  if (req.method === 'GET' && req.url === '/json') {
    const body = JSON.stringify({ hello: 'world' });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`Listening on https://127.0.0.1:${port}/\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
