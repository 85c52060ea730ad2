// podets inside a Fastify 5 app: `npx tsx examples/embed/fastify.ts`, then `curl -N http://127.0.0.1:3000/sse/events`
// and `curl -X POST -H 'Content-Type: application/json' -d '{"text":"hi"}' http://127.0.0.1:3000/api/notify`.
// In a project that installed podets, import from 'podets' instead.
import Fastify from 'fastify';
import { AddPodeRoute, ConvertToPodeSseConnection, createPodeServer, SendPodeSseEvent, WritePodeJsonResponse } from '../../index.ts';

export async function main(port = 3000) {
  const pode = await createPodeServer(() => {
    AddPodeRoute({ Method: 'Get', Path: '/sse/events', ScriptBlock: () => ConvertToPodeSseConnection({ Name: 'Events' }) });
    AddPodeRoute({ Method: 'Post', Path: '/sse/echo', ScriptBlock: (event) => WritePodeJsonResponse({ Value: { got: event.Data } }) });
  });
  const app = Fastify();
  // Everything under /sse/ is podets': in its own plugin scope, bodies are left unread for podets, and the
  // reply is hijacked (Fastify sends nothing of its own; podets writes the response).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    scope.all('/sse/*', (request, reply) => {
      reply.hijack();
      pode.handler(request.raw, reply.raw);
    });
  });
  app.get('/api/hello', async () => ({ from: 'fastify' }));
  app.post<{ Body: { text: string } }>('/api/notify', async (request, reply) => {
    await pode.run(() => SendPodeSseEvent({ Name: 'Events', Data: { text: request.body.text } }));
    return reply.code(202).send({ sent: true });
  });
  // preClose runs before Fastify stops its server: open streams get pode.close and end, so the close does not wait on them.
  app.addHook('preClose', async () => {
    await pode.close();
  });
  const url = await app.listen({ port, host: '127.0.0.1' });
  return { url, pode, close: () => app.close() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const app = await main();
  console.log(`Listening on ${app.url}/`);
  process.on('SIGINT', () => void app.close());
}
