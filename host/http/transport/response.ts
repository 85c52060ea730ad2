// A taken-over body written through node's own response object: for what the direct transports do not
// cover (HEAD, whose body node drops; HTTP/1.0, which has no chunks; and any response not on a socket).
import type { ServerResponse } from 'node:http';
import type { Transport, TransportOwner } from './types.ts';
import { listenForEnd } from './owners.ts';

export class ResponseTransport implements Transport {
  readonly kind = 'response';

  constructor(private readonly res: ServerResponse) {}

  open(status: number, headers: Record<string, string>): void {
    this.res.writeHead(status, headers);
  }
  attach(owner: TransportOwner): void {
    listenForEnd(this.res, owner);
  }
  get pending(): number {
    return this.res.writableLength;
  }
  get gone(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }
  write(data: Buffer): void {
    this.res.write(data);
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
