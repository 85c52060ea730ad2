// A taken-over HTTP/2 body: frames go to the request's own stream as DATA, under the stream's flow control.
// What the peer's window does not let through stays in the stream's write queue, so `pending` is exactly
// what a slow reader holds up and the buffer bound applies per stream; the session (and the socket it
// shares with the other streams) is never the writer's to tune or end.
import type { Http2ServerResponse, ServerHttp2Stream } from 'node:http2';
import { listenForEnd } from './owners.ts';
import type { Transport, TransportOwner } from './types.ts';

export class H2Transport implements Transport {
  readonly kind = 'h2';
  private readonly stream: ServerHttp2Stream;

  constructor(private readonly res: Http2ServerResponse) {
    this.stream = res.stream;
  }

  open(status: number, headers: Record<string, string>): void {
    this.res.writeHead(status, headers);
  }
  attach(owner: TransportOwner): void {
    // The compatibility response emits 'close' when its stream closes, whoever closed it.
    listenForEnd(this.res as unknown as Parameters<typeof listenForEnd>[0], owner);
  }
  get pending(): number {
    return this.stream.writableLength;
  }
  get gone(): boolean {
    const s = this.stream;
    return s.destroyed || s.closed || s.writableEnded;
  }
  write(data: Buffer): void {
    this.stream.write(data);
  }
  cork(): void {
    this.stream.cork();
  }
  uncork(): void {
    this.stream.uncork();
  }
  end(last?: Buffer): void {
    if (last) this.stream.end(last);
    else this.stream.end();
  }
  destroy(): void {
    this.stream.destroy();
  }
}
