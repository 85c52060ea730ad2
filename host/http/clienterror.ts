// Connections node refuses before (or while) a request reaches podets: a head that is not HTTP (400),
// one too large (431), and a request that did not arrive within the request or headers timeout (408),
// which is how a client trickling its head or body is cut. node's own answer is a bare status line
// and no log; podets answers with its usual error page and logs one warning without a stack.
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { log } from '../log.ts';
import type { RequestLimits } from './limits.ts';

const refused = new WeakSet<Socket>();

/** Did the server cut this connection itself? Then its request's failure is already answered and logged. */
export function refusedConnection(socket: Socket): boolean {
  return refused.has(socket);
}

const pages = new Map<number, string>();

/** The error page as raw bytes: there is no ServerResponse to write it through. */
function errorPage(status: number): string {
  let page = pages.get(status);
  if (page === undefined) {
    const body = `${status} ${STATUS_CODES[status]}`;
    page =
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n\r\n' +
      body;
    pages.set(status, page);
  }
  return page;
}

interface ClientError extends Error {
  code?: string;
  /** llhttp's description of what was wrong with the head. */
  reason?: string;
}

const seconds = (ms: number) => `${ms / 1000} s`;

function statusFor(code: string | undefined): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return 413;
  return 400;
}

/** The server's 'clientError' listener. */
export function clientErrorHandler(limits: RequestLimits): (err: ClientError, socket: Socket) => void {
  return (err, socket) => {
    // A client that reset the connection is gone: nothing to answer, nothing worth a warning.
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusFor(err.code);
    refused.add(socket);
    // The response to the request being received, when its head got through (node's own name for it).
    const inFlight = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage ?? undefined;
    const request = inFlight?.req ? `${inFlight.req.method} ${inFlight.req.url}` : (socket.remoteAddress ?? 'a client');
    const silent = socket.bytesRead === 0;
    if (inFlight === undefined || !inFlight.headersSent) socket.write(errorPage(status));
    socket.destroy();

    const why =
      status === 408
        ? `the request did not arrive in time (request timeout ${seconds(limits.requestTimeoutMs)}, headers timeout ${seconds(limits.headersTimeoutMs)})`
        : `${err.code ?? 'error'}: ${err.reason ?? err.message}`;
    // A connection that never sent a byte (a browser's spare connection) timing out is routine.
    log(silent ? 'verbose' : 'warn', `${request}: ${status} ${STATUS_CODES[status]}: ${why}`);
  };
}
