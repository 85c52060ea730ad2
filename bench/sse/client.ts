// The load generator of `npm run bench:sse`: its own process, raw `net` sockets (no HTTP or SSE client
// library in the way), driven by the orchestrator over IPC (loadgen.ts). With `tls` on the open request
// (bench/sse-h2.ts) the same HTTP/1.1 goes over `tls` sockets offering only http/1.1 by ALPN, so an https
// endpoint that also speaks h2 answers in HTTP/1.1. With `localAddress` the sockets bind to that source address
// (bench/sse/large.ts spreads its connections over 127.0.0.2, 127.0.0.3, … to stay within the ephemeral ports).
import net from 'node:net';
import tls from 'node:tls';
import { body, clock, closed, opened, serveLoad, type Conn, type OpenRequest } from './loadgen.ts';

const REQUEST = Buffer.from('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');

interface SocketConn extends Conn {
  socket: net.Socket;
}

function onData(conn: SocketConn, chunk: Buffer): void {
  const now = clock();
  let text = conn.text + chunk.toString('latin1');
  if (!conn.opened) {
    const end = text.indexOf('\r\n\r\n');
    if (end < 0) return void (conn.text = text);
    if (!text.startsWith('HTTP/1.1 200')) throw new Error(`unexpected response: ${text.slice(0, 200)}`);
    // The first body bytes after the head are the connection's first event.
    if (text.length === end + 4) return void (conn.text = text);
    opened(conn);
    text = text.slice(end + 4);
  }
  body(conn, text, now);
}

function connect(m: OpenRequest): Conn {
  const local = m.localAddress === undefined ? {} : { localAddress: m.localAddress };
  const socket = m.tls
    ? tls.connect({ port: m.port, host: '127.0.0.1', ALPNProtocols: ['http/1.1'], rejectUnauthorized: false, ...local })
    : net.connect({ port: m.port, host: '127.0.0.1', noDelay: true, ...local });
  const conn: SocketConn = { socket, opened: false, text: '', destroy: () => socket.destroy() };
  socket.on(m.tls ? 'secureConnect' : 'connect', () => {
    socket.setNoDelay(true);
    socket.write(REQUEST);
  });
  socket.on('data', (chunk: Buffer) => onData(conn, chunk));
  socket.on('error', () => {});
  socket.on('close', () => closed(conn));
  return conn;
}

serveLoad(connect);
