// A taken-over HTTP/1.1 body, on its socket, written for fan-out. The transport owns the socket from the
// head on: it writes the head itself (exactly the given headers, then Date and Transfer-Encoding as node
// would), and every frame as ONE pre-framed chunk (size line, frame, CRLF), built once per frame and shared
// by every connection a broadcast writes it to, instead of the four pieces res.write() queues per
// connection. Node's response object is never written to, so it keeps no copy of the head (about 1 KiB
// per idle connection) and there is no state of node's to read. The price: node cannot reuse the
// connection after the body ends, so end() closes it (the head's keep-alive held while the stream lived).
import { STATUS_CODES, validateHeaderName, validateHeaderValue, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenForEnd } from './owners.ts';
import type { Transport, TransportOwner } from './types.ts';

/** The last frame chunked and its chunk: a broadcast writes the same frame to every connection. */
let chunkFrame: Buffer | null = null;
let chunk: Buffer | null = null;

/** `frame` as one HTTP/1.1 chunk: its size in hex, CRLF, the frame, CRLF (`last` adds the final 0-chunk). */
function chunkOf(frame: Buffer, last = false): Buffer {
  if (frame === chunkFrame && !last) return chunk!;
  const size = frame.length.toString(16);
  const out = Buffer.allocUnsafe(size.length + frame.length + 4 + (last ? 5 : 0));
  let at = out.write(size, 0, 'latin1');
  out[at++] = 13;
  out[at++] = 10;
  at += frame.copy(out, at);
  out[at++] = 13;
  out[at++] = 10;
  if (last) out.write('0\r\n\r\n', at, 'latin1');
  else {
    chunkFrame = frame;
    chunk = out;
  }
  return out;
}

const LAST_CHUNK = Buffer.from('0\r\n\r\n', 'latin1');

/** Lets go of the last chunk (called at the end of a tick, so an idle server holds no frame). */
export function forgetChunk(): void {
  chunkFrame = chunk = null;
}

/** The Date header's value, made once per second as node makes it. */
let dateSecond = -1;
let dateText = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/** A client that keeps its half of an ended stream's connection open is let go after this long. */
const LINGER_MS = 5000;

/** Sockets whose response a transport owns: node's clientError handling must not write on them. */
const owned = new WeakSet<Socket>();
export function isTakenOverSocket(socket: Socket): boolean {
  return owned.has(socket);
}

function linger(this: Socket): void {
  this.destroy();
}

export class H1Transport implements Transport {
  readonly kind = 'h1';
  private readonly socket: Socket;
  /** The head, until the first write sends it with the first frame (one packet, one syscall). */
  private head: Buffer | null = null;
  private ended = false;

  /** `res` must be HTTP/1.1, with a body (not HEAD), on its socket (see transportFor). */
  constructor(private readonly res: ServerResponse) {
    this.socket = res.socket!;
    owned.add(this.socket);
  }

  /** The head: the status line, exactly `headers`, then Date and chunked, as node:http would send them. */
  open(status: number, headers: Record<string, string>): void {
    let text = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
    for (const name in headers) {
      const value = headers[name]!;
      validateHeaderName(name);
      validateHeaderValue(name, value);
      text += `${name}: ${value}\r\n`;
    }
    text += `Date: ${httpDate()}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    this.head = Buffer.from(text, 'latin1');
  }

  attach(owner: TransportOwner): void {
    listenForEnd(this.res, owner);
  }
  /**
   * Not until the head is out: the opening frames (retry, pode.open, a replay), written in the tick of the
   * take-over, are then corked and leave with the head as one write.
   */
  get direct(): boolean {
    return this.head === null;
  }
  get pending(): number {
    return this.socket.writableLength;
  }
  get gone(): boolean {
    return this.ended || this.socket.destroyed;
  }
  write(data: Buffer): void {
    this.send(chunkOf(data));
  }
  cork(): void {
    this.socket.cork();
  }
  uncork(): void {
    this.socket.uncork();
  }
  end(last?: Buffer): void {
    this.ended = true;
    this.send(last && last.length > 0 ? chunkOf(last, true) : LAST_CHUNK);
    const socket = this.socket;
    socket.end();
    socket.setTimeout(LINGER_MS);
    socket.once('timeout', linger);
  }
  destroy(): void {
    this.ended = true;
    this.res.destroy(); // and with it the socket
  }

  private send(bytes: Buffer): void {
    const head = this.head;
    if (head === null) {
      this.socket.write(bytes);
      return;
    }
    this.head = null;
    this.socket.write(Buffer.concat([head, bytes], head.length + bytes.length));
  }
}
