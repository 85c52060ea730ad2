// Add-PodeEndpoint -SelfSigned: a certificate made at start (as Pode's New-PodeSelfSignedCertificate does),
// for localhost, 127.0.0.1, ::1 and the endpoint's own address. Browsers do not trust it; it is for
// development and tests (Chromium with --ignore-certificate-errors, curl -k). ECDSA P-256 with SHA-256:
// made in a few milliseconds, accepted by every TLS client.
import { isIP } from 'node:net';

export async function selfSignedCertificate(address: string | undefined): Promise<{ cert: string; key: string }> {
  const { generate } = await import('selfsigned'); // loaded only when an endpoint asks for it
  const host = address && address !== '*' && address !== 'localhost' ? address.replace(/^\[(.*)\]$/, '$1') : undefined;
  const altNames: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 7, ip: '127.0.0.1' },
    { type: 7, ip: '::1' },
  ];
  if (host && isIP(host) && host !== '127.0.0.1' && host !== '::1' && host !== '0.0.0.0') altNames.push({ type: 7, ip: host });
  else if (host && !isIP(host)) altNames.push({ type: 2, value: host });
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 365 * 24 * 3600 * 1000);
  const pems = await generate([{ name: 'commonName', value: host && !isIP(host) ? host : 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
