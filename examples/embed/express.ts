// podets inside an Express 5 app: `npx tsx examples/embed/express.ts`, then `curl -N http://127.0.0.1:3000/events`
// and `curl -X POST -H 'Content-Type: application/json' -d '{"text":"hi"}' http://127.0.0.1:3000/api/notify`.
// In a project that installed podets, import from 'podets' instead.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { AddPodeRoute, ConvertToPodeSseConnection, createPodeServer, SendPodeSseEvent, WritePodeJsonResponse } from '../../index.ts';

export async function main(port = 3000) {
  const pode = await createPodeServer(() => {
    AddPodeRoute({ Method: 'Get', Path: '/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'Events' }) });
    AddPodeRoute({ Method: 'Post', Path: '/pode/echo', ScriptBlock: (event) => WritePodeJsonResponse({ Value: { got: event.Data } }) });
  });
  const app = express();
  // Mounted before any body parser: podets reads the bodies of its own routes; what it has no route for
  // goes on to Express (next()).
  app.use(pode.handler);
  app.use(express.json());
  app.get('/api/hello', (_req, res) => void res.json({ from: 'express' }));
  // An Express route sends to podets' streams through pode.run.
  app.post('/api/notify', (req, res) => {
    pode.run(() => SendPodeSseEvent({ Name: 'Events', Data: { text: req.body.text } }));
    res.status(202).json({ sent: true });
  });
  const server = app.listen(port, '127.0.0.1');
  await new Promise<void>((done) => server.once('listening', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    pode,
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
