// Pode's Add-PodeEndpoint (file group "Endpoint"). The endpoint is bound when the server starts; the
// engine's side is host/http/endpoints.ts.
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import type { EndpointConfig } from '../host/http/endpoints.ts';
import { currentServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Endpoint');

const WHY = {
  hostname: 'an endpoint is an address and a port; requests are not filtered by their Host header',
  store: 'podets reads certificates from files, not from a certificate store',
  openApi: 'podets has no OpenAPI definitions',
  tcp: 'podets serves HTTP and HTTPS endpoints only, not TCP or SMTP',
  clientCertificate: 'podets does not request or check client certificates',
} as const;

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
      default: 0,
      defaultText: '0 (8080 for Http, 8443 for Https)',
      help: 'The Port number of the endpoint. Not given (or 0 as Pode\'s default): 8080 for Http, 8443 for Https. An explicit 0 asks the operating system for a free port, as `podets serve --port 0` does.',
    },
    { name: 'Hostname', type: 'String', unsupported: WHY.hostname, help: 'An optional hostname for the endpoint, specifying a hostname restricts access to just the hostname.' },
    {
      name: 'Protocol',
      type: 'String',
      validateSet: ['Http', 'Https', 'Smtp', 'Smtps', 'Tcp', 'Tcps', 'Ws', 'Wss'],
      help: 'The protocol of the supplied endpoint (Http when not given). podets serves Http and Https; Smtp, Smtps, Tcp, Tcps, Ws and Wss are refused.',
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
    { name: 'CertificateThumbprint', type: 'String', mandatory: true, sets: ['CertThumb'], unsupported: WHY.store, help: 'A certificate thumbprint to bind onto HTTPS endpoints (Windows).' },
    { name: 'CertificateName', type: 'String', mandatory: true, sets: ['CertName'], unsupported: WHY.store, help: 'A certificate subject name to bind onto HTTPS endpoints (Windows).' },
    { name: 'CertificateStoreName', type: 'StoreName', sets: ['CertName', 'CertThumb'], default: 'My', unsupported: WHY.store, help: 'The name of a certifcate store where a certificate can be found (Default: My) (Windows).' },
    { name: 'CertificateStoreLocation', type: 'StoreLocation', sets: ['CertName', 'CertThumb'], default: 'CurrentUser', unsupported: WHY.store, help: 'The location of a certifcate store where a certificate can be found (Default: CurrentUser) (Windows).' },
    { name: 'X509Certificate', type: 'X509Certificate', mandatory: true, sets: ['CertRaw'], unsupported: 'there is no .NET X509Certificate in node; give the certificate as files with -Certificate', help: 'The raw X509 certificate that can be use to enable HTTPS.' },
    {
      name: 'TlsMode',
      type: 'String',
      sets: ['CertFile', 'CertThumb', 'CertName', 'CertRaw', 'CertSelf'],
      validateSet: ['Implicit', 'Explicit'],
      default: 'Implicit',
      help: 'The TLS mode to use on secure connections: Implicit (Default), TLS from the first byte. Explicit is for SMTP and TCP endpoints, which podets does not serve, and is refused.',
    },
    { name: 'Name', type: 'String', help: 'An optional name for the endpoint; it is shown as $WebEvent.Endpoint.Name on its requests.' },
    { name: 'RedirectTo', type: 'String', unsupported: 'routes are not bound to endpoints, so no endpoint can be given a redirecting route of its own', help: 'The Name of another Endpoint to automatically generate a redirect route for all traffic.' },
    { name: 'Description', type: 'String', unsupported: WHY.openApi, help: 'A quick description of the Endpoint - normally used in OpenAPI.' },
    { name: 'Acknowledge', type: 'String', help: 'An optional Acknowledge message to send to clients when they first connect, for TCP and SMTP endpoints only: refused on Http and Https, as in Pode.' },
    {
      name: 'SslProtocol',
      type: 'String[]',
      validateSet: ['Ssl2', 'Ssl3', 'Tls', 'Tls11', 'Tls12', 'Tls13'],
      unsupported: "node's TLS defaults (TLS 1.2 and 1.3) apply to every endpoint",
      help: 'One or more optional SSL Protocols this endpoints supports. (Default: SSL3/TLS12 - Just TLS12 on MacOS).',
    },
    { name: 'CRLFMessageEnd', type: 'SwitchParameter', help: 'If supplied, TCP endpoints will expect incoming data to end with CRLF: refused on Http and Https, as in Pode.' },
    { name: 'Force', type: 'SwitchParameter', help: 'Ignore Adminstrator checks for non-localhost endpoints. podets makes no such check, so it is accepted and changes nothing.' },
    {
      name: 'SelfSigned',
      type: 'SwitchParameter',
      sets: ['CertSelf'],
      help: 'Create and bind a self-signed certificate for the HTTPS endpoint (for localhost, 127.0.0.1, ::1 and the endpoint address), made when the server starts.',
    },
    // Not `unsupported`: Pode refuses it on a non-Https endpoint first, in its own words (run, below).
    { name: 'AllowClientCertificate', type: 'SwitchParameter', help: 'Allow for client certificates to be sent on requests. Not supported by podets: on an Https endpoint it is refused, as podets does not request or check client certificates.' },
    { name: 'PassThru', type: 'SwitchParameter', help: 'If supplied, the endpoint created is returned (its address, port, protocol, name and certificate settings).' },
    { name: 'LookupHostname', type: 'SwitchParameter', unsupported: WHY.hostname, help: 'If supplied, a supplied Hostname will have its IP Address looked up from host file or DNS.' },
    { name: 'DualMode', type: 'SwitchParameter', unsupported: 'an endpoint listens on the one address it is given', help: 'If supplied, this endpoint will listen on both the IPv4 and IPv6 versions of the supplied -Address.' },
    { name: 'Default', type: 'SwitchParameter', unsupported: 'podets generates no URLs from an endpoint', help: 'If supplied, this endpoint will be the default one used for internally generating URLs.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const protocol = args.Protocol ?? 'Http';
    if (protocol !== 'Http' && protocol !== 'Https')
      throw errors.ParameterValueNotSupported(ctx.command, { command: ctx.command, parameter: 'Protocol', value: protocol, why: WHY.tcp });
    // Only Http and Https are left. Pode's checks, in Pode's order (src/Public/Endpoint.ps1, Add-PodeEndpoint): the
    // name, client certificates, then the TCP and SMTP options it refuses on these protocols, then certificates.
    if (args.Name && server.endpoints.some((e) => e.name?.toLowerCase() === args.Name!.toLowerCase())) {
      throw errors.EndpointAlreadyDefined(ctx.command, { name: args.Name });
    }
    const https = protocol === 'Https';
    if (args.AllowClientCertificate) {
      if (!https) throw errors.ClientCertificatesOnlySupportedOnHttpsEndpoints(ctx.command);
      throw errors.ParameterNotSupported(ctx.command, { command: ctx.command, parameter: 'AllowClientCertificate', why: WHY.clientCertificate });
    }
    if (args.TlsMode === 'Explicit') throw errors.ExplicitTlsModeOnlySupportedOnSmtpsTcpsEndpoints(ctx.command);
    if (args.Acknowledge) throw errors.AcknowledgeMessageOnlySupportedOnSmtpTcpEndpoints(ctx.command);
    if (args.CRLFMessageEnd) throw errors.CrlfMessageEndCheckOnlySupportedOnTcpEndpoints(ctx.command);
    if ((args.Certificate !== undefined || args.SelfSigned) && !https)
      throw errors.CertificateSuppliedForNonHttpsEndpoint(ctx.command);
    if (https && args.Certificate === undefined && !args.SelfSigned) throw errors.CertificateRequired(ctx.command);
    const config: EndpointConfig = {
      address: args.Address.toLowerCase() === 'all' ? '*' : args.Address,
      protocol: https ? 'https' : 'http',
      // Pode's default 0 means the protocol's default port; a 0 the caller gives means a free port (podets' own).
      ...(ctx.bound.has('Port') && { port: args.Port }),
      ...(args.Certificate !== undefined && { certificate: server.path(args.Certificate) }),
      ...(args.CertificateKey !== undefined && { certificateKey: server.path(args.CertificateKey) }),
      ...(args.CertificatePassword !== undefined && { certificatePassword: args.CertificatePassword }),
      ...(args.Name && { name: args.Name }),
      ...(args.SelfSigned && { selfSigned: true }),
    };
    // As in Pode, the same address, port and protocol again is not a second listener.
    const same = (e: EndpointConfig) =>
      e.address === config.address && e.protocol === config.protocol && e.port !== 0 && (e.port ?? null) === (config.port ?? null);
    if (config.port !== 0 && server.endpoints.some(same)) return args.PassThru ? server.endpoints.find(same) : undefined;
    server.endpoints.push(config);
    return args.PassThru ? config : undefined;
  },
});
