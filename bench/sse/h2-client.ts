// The HTTP/2 load generator of bench/sse-h2.ts: node:http2 sessions, each carrying up to `streams` SSE
// streams (browsers multiplex up to ~100 streams per connection), driven over IPC as client.ts is (loadgen.ts).
// Streams are added to the newest session until it holds `streams`, then a new session is opened.
import http2, { type ClientHttp2Session } from 'node:http2';
import { body, clock, closed, opened, serveLoad, type Conn, type OpenRequest } from './loadgen.ts';

const sessions = new Set<ClientHttp2Session>();
let current: { session: ClientHttp2Session; streams: number } | undefined;

function session(m: OpenRequest): ClientHttp2Session {
  if (!current || current.streams >= (m.streams ?? 100) || current.session.destroyed) {
    const s = http2.connect(`https://127.0.0.1:${m.port}`, { rejectUnauthorized: false });
    s.on('error', () => {}); // its streams close, and are retried, with it
    s.once('close', () => sessions.delete(s));
    sessions.add(s);
    current = { session: s, streams: 0 };
  }
  current.streams++;
  return current.session;
}

function connect(m: OpenRequest): Conn {
  const stream = session(m).request({ ':path': '/events', accept: 'text/event-stream' });
  const conn: Conn = { opened: false, text: '', destroy: () => stream.destroy() };
  stream.on('response', (head) => {
    if (head[':status'] !== 200) throw new Error(`unexpected response: ${head[':status']}`);
  });
  stream.on('data', (chunk: Buffer) => {
    const now = clock();
    // The first DATA is the stream's first event.
    if (!conn.opened) opened(conn);
    body(conn, conn.text + chunk.toString('latin1'), now);
  });
  stream.on('error', () => {});
  stream.on('close', () => closed(conn));
  return conn;
}

serveLoad(connect, () => {
  for (const s of sessions) s.destroy();
  sessions.clear();
  current = undefined;
});
