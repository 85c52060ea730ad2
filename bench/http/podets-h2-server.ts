// The podets side of bench:http's HTTP/2 row: the same JSON route (podets-server.ts) on an https endpoint with
// a certificate made at start, which a client offering h2 by ALPN reaches over HTTP/2.
import { AddPodeEndpoint } from '../../index.ts';

AddPodeEndpoint({ Address: '127.0.0.1', Port: 0, Protocol: 'Https', SelfSigned: true });
await import('./podets-server.ts');
