// The baseline of `npm run bench:sse`: node:http and a Set of responses. A broadcast frames the event once
// and writes that one Buffer to every response; nothing else (no ids, no buffering bound, no registry).
import { AsyncLocalStorage } from 'node:async_hooks';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { serveControl } from './control.ts';

const HEAD = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' };
const OPEN = Buffer.from('event: open\ndata: \n\n');
const subscribers = new Set<ServerResponse>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/ping') return void res.end('pong');
  if (req.url !== '/events') return void res.writeHead(404).end();
  res.writeHead(200, HEAD);
  res.socket?.setNoDelay(true);
  res.write(OPEN);
  subscribers.add(res);
  res.once('close', () => subscribers.delete(res));
}

// `--als` (bench/sse-accept.ts): each request runs inside one AsyncLocalStorage, as podets' requests do (its
// ambient context), which turns on node's async hooks for the whole process: what that alone costs.
const als = process.argv.includes('--als') ? new AsyncLocalStorage<IncomingMessage>() : undefined;
const server = createServer(als ? (req, res) => als.run(req, handle, req, res) : handle);

const nobody = new Set<ServerResponse>();
function broadcastTo(set: Set<ServerResponse>, payload: object): void {
  const frame = Buffer.from(`data: ${JSON.stringify(payload)}\n\n`);
  for (const res of set) res.write(frame);
}

serveControl({
  broadcast: (payload) => broadcastTo(subscribers, payload),
  sendToNobody: (payload) => broadcastTo(nobody, payload),
  subscribers: () => subscribers.size,
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`Listening on http://127.0.0.1:${port}/\n`);
});
