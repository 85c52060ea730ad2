// better-sse 0.16 in `npm run bench:sse`: its documented node:http use, every session registered with one
// channel, and a broadcast is the channel's broadcast(). Session options are its defaults.
import { createServer } from 'node:http';
import { createChannel, createSession } from 'better-sse';
import { serveControl } from './control.ts';

const channel = createChannel();
const nobody = createChannel();

const server = createServer(async (req, res) => {
  if (req.url === '/ping') return void res.end('pong');
  if (req.url !== '/events') return void res.writeHead(404).end();
  const session = await createSession(req, res);
  channel.register(session);
});

serveControl({
  broadcast(payload) {
    channel.broadcast(payload);
  },
  sendToNobody(payload) {
    nobody.broadcast(payload);
  },
  subscribers: () => channel.sessionCount,
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`Listening on http://127.0.0.1:${port}/\n`);
});
