// The authentication cmdlets end to end, against test/fixtures/scripts/auth.ts: every built-in scheme in front of
// a route, validated by a script, with Pode's statuses, messages and WWW-Authenticate challenges
// (src/Private/Authentication.ps1: Get-PodeAuthBasicType, Get-PodeAuthBearerType, Get-PodeAuthBearerPostValidator,
// Get-PodeAuthApiKeyType, Get-PodeAuthFormType, Test-PodeAuthValidation, Test-PodeAuthInternal,
// Get-PodeAuthWwwHeaderValue, New-PodeAuthChallenge; stored copy @stored-version-6880514571), and the cmdlets'
// own rules in all three call forms.
import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passwordHash, userFileValidator } from '../../host/auth/userfile.ts';
import type { PodeError } from '../../host/errors/error.ts';
import { expect } from 'chai';
import { signJwt } from '../../host/auth/jwt.ts';
import { AddPodeAuth, AddPodeAuthUserFile, AddPodeRoute, ClearPodeAuth, GetPodeAuth, MergePodeAuth, NewPodeAuthScheme, RemovePodeAuth, TestPodeAuthExists, WritePodeJsonResponse } from '../../cmdlets/index.ts';
import { pode } from '../../host/cmdlet/template.ts';
import { PodeServer, setCurrentServer } from '../../host/runtime/server.ts';
import { serveEmbedded, type EmbeddedScript } from '../helpers/embedded.ts';
import { fixtureScript } from '../helpers/serve.ts';
import { failure, js, ps } from '../host/binder/helpers.ts';

const basic = (user: string, pass: string) => 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');

describe('Authentication: schemes in front of routes', () => {
  let server: EmbeddedScript;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, server.url), { headers });
  const answer = async (res: Response) => ({ status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.text() });

  before(async () => {
    server = await serveEmbedded(fixtureScript('auth.ts'));
  });
  after(() => server.close());

  it('Basic: no header is 401 with the challenge; the right credentials reach the route with $WebEvent.Auth', async () => {
    expect(await answer(await get('/BasicAuth'))).to.deep.equal({
      status: 401,
      challenge: 'Basic realm="User", error="invalid_request", error_description="No Authorization header found"',
      body: '401 No Authorization header found',
    });
    const ok = await get('/BasicAuth', { Authorization: basic('morty', 'pickle') });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get('www-authenticate')).to.equal(null);
    expect(await ok.json()).to.deep.equal({
      auth: { User: { Name: 'morty' }, IsAuthenticated: true, IsAuthorised: true, Store: false, Name: 'BasicAuth' },
      user: { Name: 'morty' },
      test: true,
    });
  });

  it("Basic: the validator's failure message is the description; the challenge is the scheme and realm alone", async () => {
    expect(await answer(await get('/BasicAuth', { Authorization: basic('morty', 'wrong') }))).to.deep.equal({
      status: 401,
      challenge: 'Basic realm="User"',
      body: '401 Invalid credentials',
    });
  });

  it('Basic: malformed headers are 400 with Pode\'s messages, and nothing is logged at ERROR', async () => {
    const cases: [string, string, string][] = [
      ['Basic', 'invalid_request', 'Invalid Authorization header format'],
      ['Digest abc', 'invalid_request', 'Header is not for Basic Authorization'],
      ['Basic !!!!', 'invalid_token', 'Invalid Base64 string found in Authorization header'],
      ['Basic abc', 'invalid_token', 'Invalid Base64 string found in Authorization header'],
      ['Basic ' + Buffer.from('no-colon').toString('base64'), 'invalid_request', 'Invalid Authorization credential format'],
      // Past host/auth/schemes.ts's 8 KiB bound: refused before it is decoded.
      ['Basic ' + 'A'.repeat(10000), 'invalid_request', 'Invalid Authorization header format'],
    ];
    const errorsBefore = server.stderr.filter((l) => l.startsWith('ERROR')).length;
    for (const [header, error, message] of cases) {
      expect(await answer(await get('/BasicAuth', { Authorization: header })), header.slice(0, 20)).to.deep.equal({
        status: 400,
        challenge: `Basic realm="User", error="${error}", error_description="${message}"`,
        body: `400 ${message}`,
      });
    }
    // Past node:http's 16 KiB of headers, node answers 431 itself.
    expect((await get('/BasicAuth', { Authorization: 'Basic ' + 'A'.repeat(20000) })).status).to.equal(431);
    expect(server.stderr.filter((l) => l.startsWith('ERROR')).length).to.equal(errorsBefore);
  });

  it('Bearer: the token reaches the validator; scopes are checked after it (403 insufficient_scope)', async () => {
    expect((await get('/BearerAuth', { Authorization: 'Bearer token-morty' })).status).to.equal(200);
    expect(await answer(await get('/BearerAuth', { Authorization: 'Bearer token-rick' }))).to.deep.equal({
      status: 403,
      challenge: 'Bearer realm="User", scope="read", error="insufficient_scope", error_description="Token scope is insufficient"',
      body: '403 Token scope is insufficient',
    });
    expect(await answer(await get('/BearerAuth', { Authorization: 'Bearer nobody' }))).to.deep.equal({
      status: 401,
      challenge: 'Bearer realm="User", scope="read", error="invalid_token", error_description="User authentication failed"',
      body: '401 User authentication failed',
    });
    expect(await answer(await get('/BearerAuth', { Authorization: 'Basic token-morty' }))).to.deep.equal({
      status: 401,
      challenge: 'Bearer realm="User", scope="read", error="invalid_request", error_description="Authorization header is not Bearer"',
      body: '401 Authorization header is not Bearer',
    });
    expect((await answer(await get('/BearerAuth', { Authorization: 'Bearer' }))).status).to.equal(400);
  });

  it('ApiKey: from a header (with the method\'s ArgumentList), the query, or a cookie; missing is 400', async () => {
    expect(await (await get('/KeyAuth', { 'X-API-KEY': 'k-123' })).json()).to.have.nested.property('user.Name', 'svc-api');
    expect(await (await get('/QueryKeyAuth?api_key=k-123')).json()).to.have.nested.property('user.Name', 'query-api');
    expect(await (await get('/CookieKeyAuth', { Cookie: 'a=1; session-key=k-123' })).json()).to.have.nested.property('user.Name', 'cookie-api');
    expect(await answer(await get('/KeyAuth'))).to.deep.equal({
      status: 400,
      challenge: 'ApiKey realm="User", error="invalid_request", error_description="API key missing in Header location: X-API-KEY"',
      body: '400 API key missing in Header location: X-API-KEY',
    });
    // A failure with its own Code and no challenge: no WWW-Authenticate (Pode sends one for 401s and challenges).
    expect(await answer(await get('/KeyAuth', { 'X-API-KEY': 'nope' }))).to.deep.equal({ status: 403, challenge: null, body: '403 Bad key' });
  });

  it('Form: the body\'s username and password; Pode\'s checks on them', async () => {
    const post = (body: string) => fetch(new URL('/FormAuth', server.url), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(await (await post('username=morty&password=pickle')).json()).to.have.nested.property('user.Name', 'morty');
    expect((await answer(await post(''))).body).to.equal('401 Username and password must be provided');
    expect((await answer(await post('password=x'))).body).to.equal('401 Username is required');
    expect((await answer(await post('username=morty'))).body).to.equal('401 Password is required');
    expect(await answer(await post('username=a%0Ab&password=x'))).to.deep.equal({
      status: 400,
      challenge: 'Form realm="User", error="invalid_request", error_description="Invalid username format"',
      body: '400 Invalid username format',
    });
  });

  it('Custom: the scheme script reads the request and returns credentials or a failure', async () => {
    expect(await (await get('/CustomAuth', { 'X-Token': 'let-me-in' })).json()).to.have.nested.property('user.Name', 'custom');
    expect(await answer(await get('/CustomAuth'))).to.deep.equal({ status: 401, challenge: 'Token realm="User"', body: '401 No token' });
  });

  it('Merge-PodeAuth: One passes at the first success; All runs every method and merges the users', async () => {
    expect(await (await get('/KeyOrBasic', { Authorization: basic('rick', 'portal') })).json()).to.deep.include({ user: { Name: 'rick' } });
    const all = await (await get('/KeyAndBasic?api_key=k-123', { Authorization: basic('rick', 'portal') })).json();
    expect(all.auth).to.deep.equal({
      User: { merged: ['QueryKeyAuth', 'BasicAuth'], basic: { Name: 'rick' } },
      IsAuthenticated: true,
      IsAuthorised: true,
      Store: false,
      Name: ['QueryKeyAuth', 'BasicAuth'],
    });
    // All: the first failure answers.
    expect((await get('/KeyAndBasic', { Authorization: basic('rick', 'portal') })).status).to.equal(400);
  });

  it('Add-PodeAuthUserFile: Pode\'s users file (Base64 SHA-256 passwords), -Groups', async () => {
    const ok = await (await get('/FileAuth', { Authorization: basic('MORTY', 'pickle') })).json();
    expect(ok.user).to.deep.equal({ Name: 'Morty Smith', Username: 'morty', Email: 'morty@example.com', Groups: ['Developers'], Metadata: {} });
    expect((await answer(await get('/FileAuth', { Authorization: basic('jerry', 'jerry1') }))).body).to.equal('401 You are not authorised to access this website');
    expect((await answer(await get('/FileAuth', { Authorization: basic('morty', 'pickles') }))).body).to.equal('401 You are not authorised to access this website');
  });

  it('a validator that throws is a 500 and an error log naming the method; the server goes on', async () => {
    expect((await get('/Throws', { Authorization: basic('a', 'b') })).status).to.equal(500);
    await server.waitForLine('stderr', /^ERROR: Authentication 'Throws' failed: Error: validator broke/);
    expect((await get('/open')).status).to.equal(200);
  });

  it('-AllowAnon lets a request without credentials through, with an empty $WebEvent.Auth', async () => {
    expect(await (await get('/anon')).json()).to.deep.equal({ auth: {}, user: null, test: false });
  });

  it('Test-PodeAuth validates without answering; Add-PodeAuthMiddleware guards a route prefix', async () => {
    expect(await (await get('/test-auth', { Authorization: basic('morty', 'pickle') })).json()).to.deep.equal({ basic: true, user: null });
    expect(await (await get('/test-auth')).json()).to.deep.equal({ basic: false, user: null });
    expect((await get('/api/thing')).status).to.equal(400);
    expect(await (await get('/api/thing', { 'X-API-KEY': 'k-123' })).json()).to.have.nested.property('user.Name', 'svc-api');
    expect((await get('/open')).status).to.equal(200);
  });
});

describe('Authentication: -AsJWT with keys', () => {
  const fixture = (name: string) => readFileSync(new URL(`../fixtures/jwt/${name}`, import.meta.url), 'utf8');
  let server: EmbeddedScript;
  const later = () => Math.floor(Date.now() / 1000) + 3600;
  before(async () => {
    server = await serveEmbedded(() => {
      AddPodeAuth({
        Name: 'Rsa',
        Scheme: NewPodeAuthScheme({ Bearer: true, AsJWT: true, PublicKey: fixture('rsa2048.crt') }),
        Sessionless: true,
        ScriptBlock: (payload: { sub?: string }) => ({ User: { Name: payload.sub } }),
      });
      AddPodeAuth({
        Name: 'JwtKey',
        Scheme: NewPodeAuthScheme({ ApiKey: true, AsJWT: true, Secret: 'key-secret' }),
        Sessionless: true,
        ScriptBlock: (payload: { sub?: string }) => ({ User: { Name: payload.sub } }),
      });
      for (const name of ['Rsa', 'JwtKey']) AddPodeRoute({ Method: 'Get', Path: `/${name}`, Authentication: name, ScriptBlock: () => WritePodeJsonResponse({ Value: $WebEvent.Auth.User }) });
    });
  });
  after(() => server.close());
  const get = (path: string, headers: Record<string, string>) => fetch(new URL(path, server.url), { headers });

  it('Bearer -PublicKey: an RS256 token signed with the key passes; an HS256 token "signed" with the public key as HMAC secret does not', async () => {
    const good = signJwt({ alg: 'RS256', typ: 'JWT' }, { sub: 'rsa-user', exp: later() }, { privateKey: createPrivateKey(fixture('rsa2048.key')) });
    expect(await (await get('/Rsa', { Authorization: `Bearer ${good}` })).json()).to.deep.equal({ Name: 'rsa-user' });
    const confused = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'forged', exp: later() }, { secret: fixture('rsa2048.crt') });
    const res = await get('/Rsa', { Authorization: `Bearer ${confused}` });
    expect(res.status).to.equal(401);
    expect(res.headers.get('www-authenticate')).to.match(/^Bearer realm="User", error="invalid_token", error_description="The JWT algorithm HS256 is not accepted here: expected RS256/);
  });

  it('ApiKey -AsJWT: a signed key passes; a bad one is 400 "Invalid JWT token: …" (Pode\'s ApiKey answer)', async () => {
    const good = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'svc', exp: later() }, { secret: 'key-secret' });
    expect(await (await get('/JwtKey', { 'X-API-KEY': good })).json()).to.deep.equal({ Name: 'svc' });
    const bad = signJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'svc', exp: later() }, { secret: 'other' });
    const res = await get('/JwtKey', { 'X-API-KEY': bad });
    expect(res.status).to.equal(400);
    expect(await res.text()).to.equal('400 Invalid JWT token: Invalid JWT signature supplied.');
  });
});

describe('Authentication: the cmdlets\' rules', () => {
  let server: PodeServer;
  beforeEach(() => {
    server = new PodeServer();
    setCurrentServer(server);
  });
  afterEach(() => setCurrentServer(undefined));
  const validator = () => ({ User: 'x' });

  it('New-PodeAuthScheme binds its sets as Pode declares them, in all three call forms', () => {
    expect(ps('New-PodeAuthScheme -Basic').ParameterSetName).to.equal('Basic');
    expect(ps('New-PodeAuthScheme').ParameterSetName, "DefaultParameterSetName='Basic'").to.equal('Basic');
    expect(js(NewPodeAuthScheme, { ApiKey: true, Location: 'Query' }).BoundParameters, 'the alias Location').to.deep.equal({ ApiKey: true, ApiKeyLocation: 'Query' });
    const scheme = pode`New-PodeAuthScheme -Bearer -Scope ${['read', 'write']}` as { Name: string; Arguments: { Scopes: string[]; HeaderTag: string } };
    expect([scheme.Name, scheme.Arguments.Scopes, scheme.Arguments.HeaderTag]).to.deep.equal(['Bearer', ['read', 'write'], 'Bearer']);
    expect(failure(() => ps('New-PodeAuthScheme -Basic -Form')).Id).to.equal('AmbiguousParameterSet');
    expect(failure(() => ps('New-PodeAuthScheme -ApiKey -Location Body')).Id).to.equal('ParameterArgumentValidationError');
  });

  it('the defaults: realm User, Basic ISO-8859-1, Form username/password, ApiKey X-API-KEY / api_key', () => {
    const b = NewPodeAuthScheme({ Basic: true }) as unknown as { Name: string; Realm: string; Scheme: string; Arguments: Record<string, unknown> };
    expect([b.Name, b.Realm, b.Scheme, b.Arguments.Encoding, b.Arguments.HeaderTag]).to.deep.equal(['Basic', 'User', 'http', 'ISO-8859-1', 'Basic']);
    const f = NewPodeAuthScheme({ Form: true, Realm: 'Admin' }) as unknown as { Realm: string; Arguments: { Fields: unknown } };
    expect([f.Realm, f.Arguments.Fields]).to.deep.equal(['Admin', { Username: 'username', Password: 'password' }]);
    const names = (['Header', 'Query', 'Cookie'] as const).map((l) => (NewPodeAuthScheme({ ApiKey: true, ApiKeyLocation: l }) as unknown as { Arguments: { LocationName: string } }).Arguments.LocationName);
    expect(names).to.deep.equal(['X-API-KEY', 'api_key', 'X-API-KEY']);
  });

  it('Digest, OAuth2 and ClientCertificate are declared and refused by name', () => {
    for (const [args, scheme] of [
      [{ Digest: true }, 'Digest'],
      [{ ClientId: 'id', TokenUrl: 'https://t' }, 'OAuth2'],
      [{ ClientCertificate: true }, 'ClientCertificate'],
    ] as const) {
      const err = failure(() => NewPodeAuthScheme(args as Parameters<typeof NewPodeAuthScheme>[0]));
      expect(err.ErrorId).to.equal('AuthSchemeNotSupported,New-PodeAuthScheme');
      expect(err.message).to.match(new RegExp(`^New-PodeAuthScheme: the ${scheme} scheme is not supported by podets: `));
    }
  });

  it('Add-PodeAuth: a name once (case-insensitively), a scheme with a script, sessions unless -Sessionless (Pode\'s texts)', () => {
    AddPodeAuth({ Name: 'Main', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator, Sessionless: true });
    expect(TestPodeAuthExists('main')).to.equal(true);
    let err = failure(() => AddPodeAuth({ Name: 'MAIN', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator, Sessionless: true }));
    expect([err.ErrorId, err.message]).to.deep.equal(['AuthMethodAlreadyDefined,Add-PodeAuth', 'Authentication method already defined: MAIN']);
    err = failure(() => AddPodeAuth({ Name: 'Other', Scheme: { Name: 'x' }, ScriptBlock: validator, Sessionless: true }));
    expect(err.message).to.equal("The supplied scheme for the 'Other' authentication validator requires a valid ScriptBlock.");
    err = failure(() => AddPodeAuth({ Name: 'Other', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator }));
    expect(err.message).to.equal('Sessions are required to use session persistent authentication.');
    expect((GetPodeAuth('Main') as { Name: string; Sessionless: boolean }).Sessionless).to.equal(true);
  });

  it('Merge-PodeAuth checks its names, defaults and script as Pode does', () => {
    AddPodeAuth({ Name: 'A', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator, Sessionless: true, FailureUrl: '/login' });
    AddPodeAuth({ Name: 'B', Scheme: NewPodeAuthScheme({ Bearer: true }), ScriptBlock: validator, Sessionless: true });
    expect(failure(() => MergePodeAuth({ Name: 'M', Authentication: ['A', 'C'] })).message).to.equal('Authentication method does not exist for merging: C');
    expect(failure(() => MergePodeAuth({ Name: 'M', Authentication: ['A', 'B'], MergeDefault: 'C', Valid: 'All' })).message).to.equal(
      "The MergeDefault Authentication 'C' is not in the Authentication list supplied.",
    );
    expect(failure(() => MergePodeAuth({ Name: 'M', Authentication: ['A', 'B'], Default: 'C' })).message).to.equal("The Default Authentication 'C' is not in the Authentication list supplied.");
    expect(failure(() => MergePodeAuth({ Name: 'M', Authentication: ['A', 'B'], Valid: 'All' })).message).to.equal(
      'A Scriptblock for merging multiple authenticated users into 1 object is required When Valid is All.',
    );
    MergePodeAuth({ Name: 'M', Authentication: ['A', 'B'] });
    const merged = GetPodeAuth('M') as { Merged: boolean; PassOne: boolean; Failure: { Url: string }; Default: string };
    expect([merged.Merged, merged.PassOne, merged.Failure.Url, merged.Default]).to.deep.equal([true, true, '/login', 'A']);
    expect((GetPodeAuth('A') as { Parent: string }).Parent).to.equal('M');
  });

  it('Get-PodeAuth fails for an unknown name; Remove-PodeAuth and Clear-PodeAuth', () => {
    expect(failure(() => GetPodeAuth('Nope')).message).to.equal('Authentication method does not exist: Nope');
    AddPodeAuth({ Name: 'A', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator, Sessionless: true });
    AddPodeAuth({ Name: 'B', Scheme: NewPodeAuthScheme({ Basic: true }), ScriptBlock: validator, Sessionless: true });
    RemovePodeAuth('a');
    expect([TestPodeAuthExists('A'), TestPodeAuthExists('B')]).to.deep.equal([false, true]);
    RemovePodeAuth('never-there');
    ClearPodeAuth();
    expect(TestPodeAuthExists('B')).to.equal(false);
  });

  it("Add-PodeAuthUserFile: the file must exist (Pode's text); -HmacSecret hashes with HMAC-SHA256", async () => {
    const err = failure(() => AddPodeAuthUserFile({ Name: 'F', Scheme: NewPodeAuthScheme({ Basic: true }), FilePath: './no-such-users.json', Sessionless: true }));
    expect([err.ErrorId, err.message]).to.deep.equal(['UserFileDoesNotExist,Add-PodeAuthUserFile', `The user file does not exist: ${server.path('./no-such-users.json')}`]);
    expect(passwordHash('pickle')).to.equal(createHash('sha256').update('pickle').digest('base64'));
    expect(passwordHash('pickle', 'pepper')).to.equal(createHmac('sha256', 'pepper').update('pickle').digest('base64'));
    const dir = mkdtempSync(join(tmpdir(), 'podets-users-'));
    writeFileSync(join(dir, 'users.json'), JSON.stringify([{ Name: 'M', Username: 'morty', Password: passwordHash('pickle', 'pepper'), Groups: [] }]));
    const validate = userFileValidator;
    const options = { FilePath: join(dir, 'users.json'), Users: null, Groups: null, HmacSecret: 'pepper', ScriptBlock: { Script: null } };
    expect(await validate('MORTY', 'pickle', options)).to.deep.equal({ User: { Name: 'M', Username: 'morty', Email: null, Groups: [], Metadata: null } });
    expect(await validate('morty', 'pickle', { ...options, HmacSecret: null })).to.deep.equal({ Message: 'You are not authorised to access this website' });
    expect(await validate('morty', 'pickle', { ...options, Users: ['rick'] })).to.deep.equal({ Message: 'You are not authorised to access this website' });
    writeFileSync(join(dir, 'users.json'), '{ not json');
    const broken = await (validate('morty', 'pickle', options) as Promise<unknown>).catch((e: PodeError) => e.ErrorId);
    expect(broken).to.equal('UserFileInvalid,Add-PodeAuthUserFile');
  });

  it('Add-PodeRoute -Authentication names an existing method', () => {
    const err = failure(() => AddPodeRoute({ Method: 'Get', Path: '/x', Authentication: 'Missing', ScriptBlock: () => 1 }));
    expect([err.ErrorId, err.message]).to.deep.equal(['AuthenticationMethodDoesNotExist,Add-PodeRoute', 'Authentication method does not exist: Missing']);
    expect(server.router.get('GET', '/x')).to.equal(undefined);
  });
});
