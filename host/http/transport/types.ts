// The body of a response that its handler took over (host/http/takeover.ts): what the SSE writer writes
// through, whatever HTTP carries it. Three implementations, chosen once per response by openTransport:
// an HTTP/1.1 socket one (pre-framed chunks straight to the socket), an HTTP/2 stream one (DATA on the
// stream, under its flow control) and a plain ServerResponse one (HEAD, HTTP/1.0, anything else).

/** Told, once, that the transport is over by the peer's doing. Shared listeners call it: no closure per response. */
export interface TransportOwner {
  finish(reason: 'client' | 'error', err?: Error): void;
}

/** Bytes written to many connections, HTTP/1.1 chunk-framed once (host/sse/writer.ts TickBatch). */
export interface SharedChunk {
  chunk(): Buffer;
}

export interface Transport {
  /** 'h1' (socket chunks), 'h2' (stream DATA) or 'response' (through node's response object). */
  readonly kind: 'h1' | 'h2' | 'response';
  /**
   * Bytes written but not yet handed to the kernel (h1) or not yet let through by the peer's flow-control
   * window (h2): what a slow reader makes grow, and what the buffer bound is about.
   */
  readonly pending: number;
  /** The peer went away or the body ended: nothing more can be written. */
  readonly gone: boolean;
  /** Sends (or, h1, prepares to send with the first write) the head: `status` and exactly `headers`. */
  open(status: number, headers: Record<string, string>): void;
  /** Who hears of a close or an error; set once, by the writer that owns the transport. */
  attach(owner: TransportOwner): void;
  /**
   * One piece of body (an SSE frame or several); never empty. `shared`: `data` is written to many
   * connections, and h1 takes its chunk, framed once, from it instead of framing `data` itself.
   */
  write(data: Buffer, shared?: SharedChunk): void;
  cork(): void;
  uncork(): void;
  /** Ends the body after `last`, cleanly (a final chunk, END_STREAM). */
  end(last?: Buffer): void;
  /** Cuts the connection (h1) or resets the stream (h2) at once. */
  destroy(): void;
}
