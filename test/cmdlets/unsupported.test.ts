// Parameters podets declares as Pode does but cannot honour (`unsupported` in a declaration): binding one to
// anything but its default is ParameterNotSupported, naming it and why, in every call form (JS positional, the
// trailing splat object, the `pode` command line). A switch given as $false, or any parameter given exactly its
// default, asks for nothing podets cannot do and is accepted.
import { expect } from 'chai';
import { AddPodeEndpoint, AddPodeRoute, AddPodeSchedule, AddPodeStaticRoute, StartPodeServer } from '../../cmdlets/index.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { failure, js, ps } from '../host/binder/helpers.ts';

const ACCESS = "Add-PodeRoute: -Access is not supported by podets: podets has no authorisation (Access) methods; check the user in the route or a middleware ($WebEvent.Auth.User).";

describe('unsupported parameters', () => {
  it('are refused by name, in a splat and on a command line, with their reason', () => {
    for (const err of [
      failure(() => js(AddPodeRoute, { Method: 'Get', Path: '/', Access: 'Rules' })),
      failure(() => ps('Add-PodeRoute -Method Get -Path / -Access Rules')),
      failure(() => ps('Add-PodeRoute -Method Get -Path / -Acc Rules')),
    ]) {
      expect(err.ErrorId).to.equal('ParameterNotSupported,Add-PodeRoute');
      expect(err.message).to.equal(ACCESS);
      expect(err.ParameterName).to.equal('Access');
    }
  });

  it('are refused when bound by position (Add-PodeStaticRoute -EndpointName is its fourth positional parameter)', () => {
    const err = failure(() => js(AddPodeStaticRoute, '/assets', './public', null, ['Admin']));
    expect(err.message).to.equal('Add-PodeStaticRoute: -EndpointName is not supported by podets: routes are not bound to endpoints; every route answers on every endpoint.');
    expect(failure(() => ps('Add-PodeStaticRoute /assets ./public $null Admin')).Id).to.equal('ParameterNotSupported');
  });

  it('a switch given as $false, or a parameter given its default, is accepted', () => {
    expect(js(AddPodeStaticRoute, { Path: '/a', Source: '.', FileBrowser: false }).BoundParameters).to.deep.equal({ Path: '/a', Source: '.', FileBrowser: false });
    expect(ps('Add-PodeStaticRoute -Path /a -Source . -FileBrowser:$false').BoundParameters).to.include({ FileBrowser: false });
    expect(failure(() => ps('Add-PodeStaticRoute -Path /a -Source . -FileBrowser')).message).to.equal(
      'Add-PodeStaticRoute: -FileBrowser is not supported by podets: static routes do not list folders.',
    );
    // Pode's defaults: -Timeout -1, -TimeoutFrom 'Create' (in any casing: ValidateSet hands over the declared one).
    expect(ps("Add-PodeSchedule -Name n -Cron '@hourly' -FilePath ./s.ts -Timeout -1 -TimeoutFrom create").BoundParameters).to.include({ Timeout: -1, TimeoutFrom: 'Create' });
    expect(failure(() => js(AddPodeSchedule, { Name: 'n', Cron: '@hourly', ScriptBlock: () => 1, Timeout: 30 })).message).to.equal(
      'Add-PodeSchedule: -Timeout is not supported by podets: a running JavaScript function cannot be stopped from outside, so a run cannot time out.',
    );
    // A parameter without a default: $null and '' give nothing.
    expect(js(AddPodeRoute, { Method: 'Get', Path: '/', Authentication: '' }).BoundParameters).to.include({ Authentication: '' });
    expect(js(StartPodeServer, () => 1, { Threads: 1 }).BoundParameters).to.include({ Threads: 1 });
  });

  it('are reported before a missing mandatory parameter or a set that cannot be resolved', () => {
    expect(failure(() => js(StartPodeServer, { Daemon: true })).message).to.equal(
      'Start-PodeServer: -Daemon is not supported by podets: run podets under a service manager (systemd, a container) instead.',
    );
  });
});

describe('unsupported values', () => {
  let server: PodeServer;
  beforeEach(() => {
    server = new PodeServer({ rootPath: process.cwd() });
    setCurrentServer(server);
  });
  afterEach(() => setCurrentServer(undefined));

  it("Add-PodeRoute -Method Connect is declared (Pode's ValidateSet) and refused: node:http routes no CONNECT", () => {
    expect(js(AddPodeRoute, { Method: 'connect', Path: '/', ScriptBlock: () => 1 }).BoundParameters).to.include({ Path: '/' });
    for (const method of ['Connect', ['Get', 'Connect']]) {
      const err = failure(() => AddPodeRoute({ Method: method as 'Connect', Path: '/tunnel', ScriptBlock: () => 1 }));
      expect(err.ErrorId).to.equal('ParameterValueNotSupported,Add-PodeRoute');
      expect(err.message).to.equal(
        "Add-PodeRoute: -Method Connect is not supported by podets: node:http hands CONNECT requests to its 'connect' event, with a socket instead of a response, never to a route.",
      );
    }
    expect(server.router.get('GET', '/tunnel'), 'nothing added').to.equal(undefined);
  });

  it('Add-PodeEndpoint serves Http and Https; the other protocols of its ValidateSet are refused', () => {
    expect(failure(() => AddPodeEndpoint({ Protocol: 'Smtp' })).message).to.equal(
      'Add-PodeEndpoint: -Protocol Smtp is not supported by podets: podets serves HTTP and HTTPS endpoints only, not TCP or SMTP.',
    );
    AddPodeEndpoint({ Port: 0 });
    expect(server.endpoints).to.have.length(1);
  });

  it("Add-PodeEndpoint's TCP and SMTP options are refused on Http and Https as Pode refuses them, in Pode's words", () => {
    const cases: [Parameters<typeof AddPodeEndpoint>[0], string, string][] = [
      // explicitTlsModeOnlySupportedOnSmtpsTcpsEndpointsExceptionMessage
      [{ Protocol: 'Https', Port: 0, SelfSigned: true, TlsMode: 'Explicit' }, 'ExplicitTlsModeOnlySupportedOnSmtpsTcpsEndpoints', 'The Explicit TLS mode is only supported on SMTPS and TCPS endpoints.'],
      // acknowledgeMessageOnlySupportedOnSmtpTcpEndpointsExceptionMessage
      [{ Port: 0, Acknowledge: 'hello' }, 'AcknowledgeMessageOnlySupportedOnSmtpTcpEndpoints', 'The Acknowledge message is only supported on SMTP and TCP endpoints.'],
      // crlfMessageEndCheckOnlySupportedOnTcpEndpointsExceptionMessage
      [{ Port: 0, CRLFMessageEnd: true }, 'CrlfMessageEndCheckOnlySupportedOnTcpEndpoints', 'The CRLF message end check is only supported on TCP endpoints.'],
    ];
    for (const [args, id, message] of cases) {
      const err = failure(() => AddPodeEndpoint(args));
      expect([err.ErrorId, err.message]).to.deep.equal([`${id},Add-PodeEndpoint`, message]);
    }
    expect(server.endpoints).to.have.length(0);
  });

  // src/Public/Endpoint.ps1 (Add-PodeEndpoint): "protocol must be https for client certs", after the name check and
  // before the TCP and SMTP options; clientCertificatesOnlySupportedOnHttpsEndpointsExceptionMessage.
  it('Add-PodeEndpoint -AllowClientCertificate: refused on Http in Pode\'s words, in Pode\'s order; on Https, not supported by podets', () => {
    let err = failure(() => AddPodeEndpoint({ Port: 0, AllowClientCertificate: true, TlsMode: 'Explicit' }));
    expect([err.ErrorId, err.message]).to.deep.equal([
      'ClientCertificatesOnlySupportedOnHttpsEndpoints,Add-PodeEndpoint',
      'Client certificates are only supported on HTTPS endpoints.',
    ]);
    err = failure(() => AddPodeEndpoint({ Protocol: 'Https', Port: 0, SelfSigned: true, AllowClientCertificate: true }));
    expect([err.ErrorId, err.message]).to.deep.equal([
      'ParameterNotSupported,Add-PodeEndpoint',
      'Add-PodeEndpoint: -AllowClientCertificate is not supported by podets: podets does not request or check client certificates.',
    ]);
    expect(server.endpoints).to.have.length(0);
    AddPodeEndpoint({ Port: 0, Name: 'web', AllowClientCertificate: false });
    err = failure(() => AddPodeEndpoint({ Port: 0, Name: 'WEB', AllowClientCertificate: true }));
    expect(err.ErrorId, 'the name is checked first').to.equal('EndpointAlreadyDefined,Add-PodeEndpoint');
    expect(server.endpoints).to.have.length(1);
  });

  it('Add-PodeEndpoint: an empty -Acknowledge and -CRLFMessageEnd:$false ask for nothing', () => {
    // Pode's test is IsNullOrEmpty and a switch: an empty message and -CRLFMessageEnd:$false ask for nothing.
    AddPodeEndpoint({ Port: 0, Acknowledge: '', CRLFMessageEnd: false });
    expect(server.endpoints).to.have.length(1);
  });
});

describe('parameters without a Position in a cmdlet with parameter sets', () => {
  it('take no positional values, as in Pode (Compiler.GetParameterMetaData: no automatic positions with a ParameterSetName)', () => {
    expect(failure(() => js(AddPodeRoute, 'Get', '/', () => 1)).message).to.equal("A positional parameter cannot be found that accepts argument 'Get'.");
    expect(failure(() => ps('Add-PodeRoute Get /')).Id).to.equal('PositionalParameterNotFound');
  });
});
