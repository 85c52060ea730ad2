// podets inside a node:http server of your own: `npx tsx examples/embed/node-http.ts`, then
// `curl -N http://127.0.0.1:3000/events` and, in another terminal, `curl -X POST http://127.0.0.1:3000/hello`.
// In a project that installed podets, import from 'podets' instead.
import http from 'node:http';
import { AddPodeRoute, ConvertToPodeSseConnection, createPodeServer, SendPodeSseEvent, WritePodeJsonResponse } from '../../index.ts';

export async function main(port = 3000) {
  const pode = await createPodeServer(
    () => {
      AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'Events' }) });
      AddPodeRoute({ Method: 'Get', Path: '/status', ScriptBlock: () => WritePodeJsonResponse({ Value: { ok: true } }) });
    },
    { sseHistory: 100 },
  );
  const server = http.createServer((req, res) => {
    // The app's own routes first; everything else is podets' (404 from podets when it has no route either).
    if (req.method === 'POST' && req.url === '/hello') {
      pode.run(() => SendPodeSseEvent({ Name: 'Events', Data: 'hello from node:http' }));
      res.writeHead(202).end();
      return;
    }
    pode.handler(req, res);
  });
  await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
  const { port: bound } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${bound}`,
    pode,
    // pode.close first: it ends every stream with pode.close, so server.close does not wait on them.
    close: async () => {
      await pode.close();
      await new Promise((done) => server.close(done));
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await main();
  console.log(`Listening on ${app.url}/`);
  process.on('SIGINT', () => void app.close());
}
