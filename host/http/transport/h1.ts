// A taken-over HTTP/1.1 chunked body, written for fan-out: once the head is on the wire, a write goes
// straight to the socket as ONE pre-framed chunk (size line, bytes, CRLF), built once and shared by every
// connection it is written to (a tick's batch of frames, host/sse/writer.ts, brings its own chunk; a lone
// frame's chunk is kept for the next connection), instead of the four pieces res.write() queues per
// connection (size line, CRLF, frame, CRLF). The head and the last chunk go through node's response, so
// the connection stays node's: kept alive and reused after the stream ends, as the head's
// `connection: keep-alive` tells the client. (A transport writing its own head would save node's copy of it,
// about 1 KiB per idle connection, but node could then never finish the response: the connection would
// have to close after the stream, and a client that reuses it, as the head allows, would see it hang up.)
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { listenForEnd } from './owners.ts';
import type { SharedChunk, Transport, TransportOwner } from './types.ts';

/** Frames up to this size are pre-framed as a chunk (one copy per frame); bigger ones go through res.write. */
const MAX_PREFRAMED = 64 * 1024;

/** The last frame chunked and its chunk: a broadcast writes the same frame to every connection. */
let chunkFrame: Buffer | null = null;
let chunk: Buffer | null = null;

/** `frame` as one HTTP/1.1 chunk: its size in hex, CRLF, the frame, CRLF (the last one is kept for the next connection). */
function cachedChunk(frame: Buffer): Buffer {
  if (frame === chunkFrame) return chunk!;
  chunk = chunkOf(frame);
  chunkFrame = frame;
  return chunk;
}

/** `frame` as one HTTP/1.1 chunk, a new Buffer: its size in hex, CRLF, the frame, CRLF. */
export function chunkOf(frame: Buffer): Buffer {
  const size = frame.length.toString(16);
  const out = Buffer.allocUnsafe(size.length + frame.length + 4);
  let at = out.write(size, 0, 'latin1');
  out[at++] = 13;
  out[at++] = 10;
  at += frame.copy(out, at);
  out[at++] = 13;
  out[at] = 10;
  return out;
}

/** Lets go of the last chunk (called at the end of a tick, so an idle server holds no frame). */
export function forgetChunk(): void {
  chunkFrame = chunk = null;
}

/**
 * node keeps the head it built (`_header`) for as long as the response lives: for a stream, as long as the
 * connection. It builds it by concatenation, a tree of a dozen string pieces per SSE head; reading one
 * character makes V8 flatten the tree in place, so each idle connection keeps one flat string instead.
 */
function flattenHead(res: ServerResponse): void {
  const head = (res as ServerResponse & { _header?: unknown })._header;
  if (typeof head === 'string' && head.length > 0) head.charCodeAt(0);
}

export class H1Transport implements Transport {
  readonly kind = 'h1';
  /** The socket chunks go to; null until the first write has put the head on the wire through res. */
  private socket: Socket | null = null;

  /** `res` must be chunked: HTTP/1.1, a body (not HEAD), no Content-Length (see transportFor). */
  constructor(private readonly res: ServerResponse) {}

  open(status: number, headers: Record<string, string>): void {
    this.res.writeHead(status, headers);
    flattenHead(this.res);
  }
  attach(owner: TransportOwner): void {
    listenForEnd(this.res, owner);
  }
  get pending(): number {
    return this.socket !== null ? this.socket.writableLength : this.res.writableLength;
  }
  get gone(): boolean {
    const res = this.res;
    // A socket destroyed under the response: a write to it would vanish silently.
    return res.destroyed || res.writableEnded || (this.socket !== null && this.socket.destroyed);
  }
  write(data: Buffer, shared?: SharedChunk): void {
    const socket = this.socket;
    if (socket !== null) {
      // A shared batch is chunk-framed once for every socket, whatever its size.
      if (shared !== undefined) return void socket.write(shared.chunk());
      if (data.length <= MAX_PREFRAMED) return void socket.write(cachedChunk(data));
    }
    this.res.write(data);
    // The head is on the wire now (res.headersSent): from here frames go to the socket as chunks.
    if (socket === null) this.socket = this.res.socket;
  }
  cork(): void {
    this.res.cork();
  }
  uncork(): void {
    this.res.uncork();
  }
  end(last?: Buffer): void {
    if (last) this.res.end(last);
    else this.res.end();
  }
  destroy(): void {
    this.res.destroy();
  }
}
