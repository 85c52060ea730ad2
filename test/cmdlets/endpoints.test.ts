// Add-PodeEndpoint end to end: --address/--port against the script's first endpoint, several
// endpoints with names, https with a self-signed certificate from openssl, and the refusals.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { fixtureScript, run, start } from '../helpers/serve.ts';

const local = (url: string) => url.replace('//0.0.0.0:', '//127.0.0.1:');

describe('Add-PodeEndpoint (podets serve)', () => {
  it('--port overrides the first endpoint\'s port only; its address stays the script\'s', async () => {
    const server = await start(fixtureScript('endpoints.ts'));
    try {
      const second = await server.waitForLine('stdout', /^Listening on http:\/\/127\.0\.0\.1:/);
      expect(server.url).to.match(/^http:\/\/0\.0\.0\.0:\d+\/$/);
      expect(server.url).not.to.include(':8097/');
      const main = await (await fetch(new URL('/endpoint', local(server.url)))).json();
      expect(main).to.deep.equal({ name: 'Main', protocol: 'http', port: Number(new URL(server.url).port) });
      const other = await (await fetch(new URL('/endpoint', second.slice('Listening on '.length)))).json();
      expect(other.name).to.equal('Second');
      // Main, Second; the repeated Main was not added again.
      expect(server.stdout.filter((l) => l.startsWith('Listening on '))).to.have.length(2);
    } finally {
      expect(await server.stop()).to.equal(0);
    }
  });

  it('--address overrides the first endpoint\'s address', async () => {
    const server = await start(fixtureScript('endpoints.ts'), ['--address', '127.0.0.1', '--port', '0']);
    try {
      expect(server.url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect((await (await fetch(new URL('/endpoint', server.url))).json()).name).to.equal('Main');
    } finally {
      await server.stop();
    }
  });

  describe('https', () => {
    let dir: string;
    let cert: string;
    let key: string;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'podets-tls-'));
      cert = join(dir, 'cert.pem');
      key = join(dir, 'key.pem');
      execFileSync('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ], { stdio: 'ignore' });
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('serves over TLS with the certificate and key files', async () => {
      const server = await start(fixtureScript('https.ts'), [], { env: { PODETS_TEST_CERT: cert, PODETS_TEST_KEY: key } });
      try {
        expect(server.url).to.match(/^https:\/\/127\.0\.0\.1:\d+\/$/);
        // Verified against the self-signed certificate itself, not with verification turned off.
        const body = await new Promise<string>((resolve, reject) => {
          https
            .get(server.url, { ca: readFileSync(cert) }, (res) => {
              let text = '';
              res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
            })
            .on('error', reject);
        });
        expect(JSON.parse(body)).to.deep.equal({ protocol: 'https' });
      } finally {
        expect(await server.stop()).to.equal(0);
      }
    });
  });

  describe('refusals (exit 1 before listening)', () => {
    const failWith = async (testCase: string) => {
      const result = await run(fixtureScript('endpoint-errors.ts'), [], { env: { PODETS_TEST_CASE: testCase } });
      expect(result.exitCode).to.equal(1);
      expect(String(result.stdout)).not.to.include('Listening on');
      return String(result.stderr).split('\n')[0];
    };

    it('Https needs a certificate', async () => {
      expect(await failWith('https-without-certificate')).to.match(
        /endpoint-errors\.ts:\d+:\d+: Add-PodeEndpoint: An Https endpoint needs a -Certificate \(PEM with -CertificateKey, or \.pfx\/\.p12\) or -SelfSigned\.$/,
      );
    });

    it('a certificate is for Https only', async () => {
      // Pode's certificateSuppliedForNonHttpsWssEndpointExceptionMessage.
      expect(await failWith('certificate-on-http')).to.match(/Add-PodeEndpoint: Certificate supplied for non-HTTPS\/WSS endpoint\.$/);
    });

    it('endpoint names are unique', async () => {
      expect(await failWith('duplicate-name')).to.match(/Add-PodeEndpoint: An endpoint named 'API' has already been defined\.$/);
    });
  });
});
