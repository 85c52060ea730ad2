// Add-PodeEndpoint's part of the engine: one node:http server per http endpoint, and for https one
// node:http2 secure server that speaks HTTP/2 to clients that offer it by ALPN (browsers) and HTTP/1.1 to
// the rest; bound and reported back with the port actually used (port 0 asks the OS for a free one).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type https from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname } from 'node:path';
import { errors } from '../errors/catalog.ts';
import type { Protocol } from './webevent.ts';

export interface EndpointConfig {
  /** `127.0.0.1` by default; `*` = every interface; `localhost` = 127.0.0.1 (so it never lands on ::1 only). */
  address?: string;
  /** Pode's defaults when omitted: 8080 for http, 8443 for https. 0 = any free port. */
  port?: number;
  protocol?: Protocol;
  /** https: path to a PEM certificate, or to a .pfx/.p12 bundle (then no key is needed). */
  certificate?: string;
  /** https: path to the PEM private key. */
  certificateKey?: string;
  /** Passphrase for the key or the .pfx. */
  certificatePassword?: string;
  /** Pode's -Name, copied to WebEvent.Endpoint.Name. */
  name?: string;
  /** https: -SelfSigned, a certificate made at start for the endpoint's address (no files needed). */
  selfSigned?: boolean;
}

/** A PEM certificate and key: what -SelfSigned makes (selfsigned.ts). */
export interface PemPair {
  cert: string;
  key: string;
}

export interface BoundEndpoint {
  address: string;
  port: number;
  protocol: Protocol;
  name?: string;
  /** e.g. `http://127.0.0.1:49152`, ready for fetch. */
  url: string;
}

export type NodeServer = http.Server | http2.Http2SecureServer;

export function bindAddress(address: string | undefined): string {
  if (address === undefined || address === '' || address === 'localhost') return '127.0.0.1';
  if (address === '*') return '0.0.0.0';
  return address.replace(/^\[(.*)\]$/, '$1');
}

/**
 * `options`: node:http's own (timeouts), for http. An https endpoint offers h2 then http/1.1 by ALPN;
 * `onRequest` gets node:http2's compatibility request and response for HTTP/2, node:http's for HTTP/1.1.
 */
export function createNodeServer(config: EndpointConfig, onRequest: http.RequestListener, options: http.ServerOptions = {}, made?: PemPair): NodeServer {
  if ((config.protocol ?? 'http') === 'http') return http.createServer(options, onRequest);
  return http2.createSecureServer({ ...(made ?? tlsOptions(config)), allowHTTP1: true }, onRequest as unknown as (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => void);
}

function tlsOptions(config: EndpointConfig): https.ServerOptions {
  const cert = config.certificate;
  if (!cert) throw errors.CertificateRequired('', { endpoint: describe(config) });
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw errors.CertificateNotFound('', { what, path, message: (err as Error).message });
    }
  };
  const passphrase = config.certificatePassword;
  const ext = extname(cert).toLowerCase();
  if (ext === '.pfx' || ext === '.p12') return { pfx: read(cert, 'certificate'), passphrase };
  if (!config.certificateKey) throw errors.CertificateKeyRequired('', { endpoint: describe(config) });
  return { cert: read(cert, 'certificate'), key: read(config.certificateKey, 'certificate key'), passphrase };
}

/** Starts listening; resolves with the address actually bound. */
export function bindServer(server: NodeServer, config: EndpointConfig): Promise<BoundEndpoint> {
  const protocol = config.protocol ?? 'http';
  const port = config.port ?? (protocol === 'https' ? 8443 : 8080);
  const host = bindAddress(config.address);
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      const failure = errors.EndpointBindFailed('', { protocol, host: hostForUrl(host), port, reason: err.code ?? err.message });
      failure.cause = err; // the CLI explains some codes (EADDRINUSE) in a sentence
      reject(failure);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const info = server.address() as AddressInfo;
      resolve({
        address: info.address,
        port: info.port,
        protocol,
        name: config.name,
        url: `${protocol}://${hostForUrl(info.address)}:${info.port}`,
      });
    });
  });
}

const hostForUrl = (address: string) => (address.includes(':') ? `[${address}]` : address);
const describe = (c: EndpointConfig) => `${c.protocol ?? 'http'}://${c.address ?? '127.0.0.1'}:${c.port ?? ''}`;
