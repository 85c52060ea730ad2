// The podets side of bench/sse-h2.ts: bench/sse's route and broadcast (podets-server.ts) on an https endpoint
// with a certificate made at start, which speaks h2 to clients offering it by ALPN and HTTP/1.1 to the rest.
import { AddPodeEndpoint } from '../../index.ts';

AddPodeEndpoint({ Address: '127.0.0.1', Port: 0, Protocol: 'Https', SelfSigned: true });
await import('./podets-server.ts');
