// Pode's Add-PodeEndpoint (file group "Endpoint"). The endpoint is bound when the server starts; the
// engine's side is host/http/endpoints.ts.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import type { EndpointConfig } from '../host/http/endpoints.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Endpoint');

export const AddPodeEndpoint = cmdlet({
  name: 'Add-PodeEndpoint',
  synopsis: 'Bind an endpoint to listen for incoming Requests.',
  description:
    'Bind an endpoint to listen for incoming Requests. The endpoints can be HTTP or HTTPS, with the option to bind a certificate and key from PEM files (or a .pfx/.p12 bundle).\n' +
    'Under `podets serve`, an explicit --address or --port overrides the first endpoint\'s address or port; with no endpoint at all, one Http endpoint is bound from those flags.',
  examples: [
    { code: 'Add-PodeEndpoint -Address localhost -Port 8090 -Protocol Http' },
    { code: "Add-PodeEndpoint -Address localhost -Port 8443 -Protocol Https -Certificate './cert.pem' -CertificateKey './key.pem'" },
    { code: "Add-PodeEndpoint -Address * -Port 8080 -Protocol Http -Name 'Public'", text: 'Listens on every interface.' },
  ],
  defaultParameterSet: 'Default',
  parameters: [
    {
      name: 'Address',
      type: 'String',
      default: 'localhost',
      help: 'The IP/Hostname of the endpoint (Default: localhost, which binds 127.0.0.1). Use * or all to listen on every interface.',
    },
    {
      name: 'Port',
      type: 'Int32',
      validateRange: [0, 65535],
      defaultText: '8080 for Http, 8443 for Https',
      help: 'The Port number of the endpoint (Default: 8080 for Http, 8443 for Https). 0 asks the operating system for a free port, as `podets serve --port 0` does.',
    },
    {
      name: 'Protocol',
      type: 'String',
      validateSet: ['Http', 'Https'],
      default: 'Http',
      help: 'The protocol of the supplied endpoint (Default: Http).',
    },
    {
      name: 'Certificate',
      type: 'String',
      mandatory: true,
      sets: ['CertFile'],
      help: 'The path to a certificate that can be use to enable HTTPS: a PEM file (with -CertificateKey), or a .pfx/.p12 bundle. Relative paths are resolved from the server root.',
    },
    { name: 'CertificatePassword', type: 'String', sets: ['CertFile'], help: 'The password for the certificate file referenced in Certificate (or for its key).' },
    { name: 'CertificateKey', type: 'String', sets: ['CertFile'], help: 'A key file to be paired with a PEM certificate file referenced in Certificate.' },
    { name: 'Name', type: 'String', help: 'An optional name for the endpoint; it is shown as $WebEvent.Endpoint.Name on its requests.' },
    {
      name: 'SelfSigned',
      type: 'SwitchParameter',
      sets: ['CertSelf'],
      help: 'Create and bind a self-signed certificate for the HTTPS endpoint (for localhost, 127.0.0.1, ::1 and the endpoint address), made when the server starts.',
    },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const https = args.Protocol === 'Https';
    if ((args.Certificate !== undefined || args.SelfSigned) && !https)
      throw errors.CertificateSuppliedForNonHttpsEndpoint(ctx.command);
    if (https && args.Certificate === undefined && !args.SelfSigned) throw errors.CertificateRequired(ctx.command);
    if (args.Name && server.endpoints.some((e) => e.name?.toLowerCase() === args.Name!.toLowerCase())) {
      throw errors.EndpointAlreadyDefined(ctx.command, { name: args.Name });
    }
    const config: EndpointConfig = {
      address: args.Address.toLowerCase() === 'all' ? '*' : args.Address,
      protocol: https ? 'https' : 'http',
      ...(args.Port !== undefined && { port: args.Port }),
      ...(args.Certificate !== undefined && { certificate: server.path(args.Certificate) }),
      ...(args.CertificateKey !== undefined && { certificateKey: server.path(args.CertificateKey) }),
      ...(args.CertificatePassword !== undefined && { certificatePassword: args.CertificatePassword }),
      ...(args.Name && { name: args.Name }),
      ...(args.SelfSigned && { selfSigned: true }),
    };
    // As in Pode, the same address, port and protocol again is not a second listener.
    const same = (e: EndpointConfig) =>
      e.address === config.address && e.protocol === config.protocol && e.port !== 0 && (e.port ?? null) === (config.port ?? null);
    if (config.port !== 0 && server.endpoints.some(same)) return;
    server.endpoints.push(config);
  },
});
