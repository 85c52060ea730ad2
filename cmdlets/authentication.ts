// Pode's authentication cmdlets (file group "Authentication": src/Public/Authentication.ps1). A scheme
// (New-PodeAuthScheme) says where the credentials are; a method (Add-PodeAuth, Add-PodeAuthUserFile,
// Add-PodeAuthSession, Merge-PodeAuth) validates them; a route's -Authentication or Add-PodeAuthMiddleware runs it
// before the route. The engine is host/auth/.
import { existsSync, statSync } from 'node:fs';
import type { CallContext } from '../host/cmdlet/context.ts';
import { defineGroup } from '../host/cmdlet/define.ts';
import { errors } from '../host/errors/catalog.ts';
import { currentWebEvent } from '../host/http/context.ts';
import { requestCookies } from '../host/http/cookies.ts';
import type { Middleware } from '../host/http/types.ts';
import { authMiddleware, authContext } from '../host/auth/route.ts';
import { authUser } from '../host/auth/middleware.ts';
import { authSessionsOf } from '../host/auth/sessions.ts';
import { noteCredentialExpiry } from '../host/auth/identity.ts';
import { apiKey, basicCredentials, bearerPostValidate, bearerToken, formCredentials } from '../host/auth/schemes.ts';
import type { AuthMethod, AuthOutcome, AuthScheme, AuthScript, SingleAuthMethod } from '../host/auth/types.ts';
import { userFileValidator } from '../host/auth/userfile.ts';
import { invokeValidation } from '../host/auth/validate.ts';
import { checkJwtClaims, verifyJwt, type JwtVerificationMode } from '../host/auth/jwt.ts';
import { addMiddleware, toMiddlewareList } from '../host/runtime/middleware.ts';
import { currentServer, type PodeServer } from '../host/runtime/server.ts';

const cmdlet = defineGroup('Authentication');

const CUSTOM_TYPES = ['ApiKey', 'Http', 'OAuth2', 'OpenIdConnect'] as const;
const DIGEST_ALGORITHMS = ['MD5', 'SHA-1', 'SHA-256', 'SHA-512', 'SHA-384', 'SHA-512/256'] as const;
const QOP = ['auth', 'auth-int', 'auth,auth-int'] as const;

// The schemes of New-PodeAuthScheme podets does not implement, and why.
const NOT_IMPLEMENTED: Record<string, string> = {
  Digest: 'Digest authentication is not implemented (use Basic over HTTPS, Bearer or a Custom scheme)',
  OAuth2: 'OAuth2 sign-in flows are not implemented (a Bearer scheme can check the tokens an OAuth2 provider issues)',
  ClientCertificate: 'podets does not request or check client certificates',
};

const jwtHelp = (what: string) => `${what} (Bearer and ApiKey with -AsJWT).`;

export const NewPodeAuthScheme = cmdlet({
  name: 'New-PodeAuthScheme',
  synopsis: 'Creates a new authentication scheme in Pode.',
  description:
    'Defines where a request\'s credentials are read from (Basic, Bearer, API key, Form, or a Custom script), for Add-PodeAuth and the other methods to validate. ' +
    'Basic reads the Authorization header (Base64 of user:password); Bearer the Authorization header\'s token (or the access_token query parameter with -BearerLocation Query); ' +
    'ApiKey a header, query parameter or cookie; Form the request body\'s username and password fields. A failure answers 401 with a WWW-Authenticate header naming the scheme and realm, ' +
    'or 400 for a malformed request, with Pode\'s messages.\n' +
    'Not supported by podets: the Digest, OAuth2 and ClientCertificate schemes (declared as Pode declares them, refused by name when used).',
  examples: [
    { code: '$basic_auth = New-PodeAuthScheme -Basic' },
    { code: "$form_auth = New-PodeAuthScheme -Form -UsernameField 'Email'" },
    { code: "$api_auth = New-PodeAuthScheme -ApiKey -Location 'Query' -LocationName 'api_key'" },
    { code: "$custom_auth = New-PodeAuthScheme -Custom -Name 'MyAuth' -ScriptBlock { param($opts) return @($WebEvent.Query['user']) }" },
  ],
  defaultParameterSet: 'Basic',
  parameters: [
    { name: 'Basic', type: 'SwitchParameter', sets: ['Basic'], help: 'Enables Basic Authentication using the Authorization header with Base64(username:password) encoding.' },
    { name: 'Encoding', type: 'String', sets: ['Basic'], default: 'ISO-8859-1', help: 'Specifies the encoding for decoding the Basic Authentication header (ISO-8859-1, UTF-8, US-ASCII, UTF-16).' },
    { name: 'HeaderTag', type: 'String', sets: ['Basic', 'Bearer', 'Digest'], help: 'Defines the tag used in the Authorization header (e.g., Basic, Bearer).' },
    { name: 'Form', type: 'SwitchParameter', sets: ['Form'], help: 'Enables Form-based authentication, allowing credentials to be retrieved from request payloads.' },
    { name: 'UsernameField', type: 'String', sets: ['Form'], default: 'username', help: 'Specifies the key name for the username in Form authentication payloads.' },
    { name: 'PasswordField', type: 'String', sets: ['Form'], default: 'password', help: 'Specifies the key name for the password in Form authentication payloads.' },
    { name: 'Custom', type: 'SwitchParameter', sets: ['Custom'], help: 'Enables a custom authentication scheme where the validation logic is implemented using a custom ScriptBlock.' },
    {
      name: 'ScriptBlock',
      type: 'ScriptBlock',
      mandatory: true,
      sets: ['Custom'],
      help: "A ScriptBlock that reads the request's credentials: it returns them as an array (passed on to the method's validator), or a failure @{ Message; Code }.",
    },
    { name: 'ArgumentList', type: 'Hashtable', sets: ['Custom'], help: 'A hashtable of additional arguments that can be passed to the custom ScriptBlock.' },
    { name: 'Name', type: 'String', sets: ['Custom'], help: 'The name of the custom authentication scheme (the WWW-Authenticate challenge names it).' },
    { name: 'Description', type: 'String', help: 'A short description of the authentication scheme, with optional CommonMark syntax for rich text representation.' },
    { name: 'Realm', type: 'String', help: 'The authentication realm for the protected area (default: User).' },
    { name: 'Type', type: 'String', sets: ['Custom'], validateSet: CUSTOM_TYPES, default: 'Http', help: 'The authentication type for custom schemes. Default: HTTP.' },
    { name: 'Middleware', type: 'Object[]', help: 'An array of optional Middleware ScriptBlocks to be executed before the authentication process.' },
    { name: 'PostValidator', type: 'ScriptBlock', sets: ['Custom'], help: 'A script block that runs after user validation to perform additional checks or transformations.' },
    { name: 'Digest', type: 'SwitchParameter', sets: ['Digest'], help: 'Enables Digest Authentication. Not supported by podets.' },
    { name: 'Algorithm', type: 'String[]', sets: ['Digest'], validateSet: DIGEST_ALGORITHMS, default: ['MD5'], help: 'Specifies the hashing algorithm(s) for Digest Authentication.' },
    { name: 'QualityOfProtection', type: 'String[]', sets: ['Digest'], validateSet: QOP, default: ['auth'], help: 'Defines the Quality of Protection (QoP) level for Digest Authentication.' },
    { name: 'Bearer', type: 'SwitchParameter', sets: ['Bearer'], help: 'Enables Bearer Authentication, commonly used for OAuth2/JWT-based authentication.' },
    { name: 'ClientCertificate', type: 'SwitchParameter', sets: ['ClientCertificate'], help: 'Enables authentication using client certificates. Not supported by podets.' },
    { name: 'ClientId', type: 'String', mandatory: true, sets: ['OAuth2'], help: 'Specifies the Client ID for OAuth2 authentication. Not supported by podets.' },
    { name: 'ClientSecret', type: 'String', sets: ['OAuth2'], help: 'The OAuth2 Client Secret.' },
    { name: 'RedirectUrl', type: 'String', sets: ['OAuth2'], help: 'Specifies the OAuth2 Redirect URL.' },
    { name: 'AuthoriseUrl', type: 'String', sets: ['OAuth2'], help: 'Defines the OAuth2 authorization URL for user authentication.' },
    { name: 'TokenUrl', type: 'String', mandatory: true, sets: ['OAuth2'], help: 'Specifies the OAuth2 token endpoint URL for retrieving access tokens.' },
    { name: 'UserUrl', type: 'String', sets: ['OAuth2'], help: 'Optional URL to retrieve user profile details from the OAuth2 provider.' },
    { name: 'UserUrlMethod', type: 'String', sets: ['OAuth2'], validateSet: ['Get', 'Post'], default: 'Post', help: 'The HTTP method used when calling the OAuth2 user profile URL.' },
    { name: 'CodeChallengeMethod', type: 'String', sets: ['OAuth2'], validateSet: ['plain', 'S256'], default: 'S256', help: 'The method for sending a PKCE code challenge during OAuth2 authorization.' },
    { name: 'UsePKCE', type: 'SwitchParameter', sets: ['OAuth2'], help: 'If specified, OAuth2 authentication will use PKCE (Proof Key for Code Exchange).' },
    { name: 'OAuth2', type: 'SwitchParameter', sets: ['OAuth2'], help: 'Enables OAuth2 authentication. Not supported by podets.' },
    { name: 'ApiKey', type: 'SwitchParameter', sets: ['ApiKey'], help: 'Enables API Key authentication, allowing keys to be passed in headers, query parameters, or cookies.' },
    {
      name: 'ApiKeyLocation',
      type: 'String',
      sets: ['ApiKey'],
      validateSet: ['Header', 'Query', 'Cookie'],
      aliases: ['Location'],
      default: 'Header',
      help: 'Defines where to look for the API key (Header, Query, or Cookie). Default: Header.',
    },
    { name: 'BearerLocation', type: 'String', sets: ['Bearer'], validateSet: ['Header', 'Query'], default: 'Header', help: 'Defines where to look for the Bearer token (Header, or the access_token query parameter). Default: Header.' },
    { name: 'LocationName', type: 'String', sets: ['ApiKey'], help: 'Specifies the key name to retrieve the API key from (default: X-API-KEY for a header or cookie, api_key for the query).' },
    { name: 'Scope', type: 'String[]', sets: ['Bearer', 'OAuth2'], help: 'Specifies an array of scopes for Bearer authentication (case-sensitive in Pode; compared as PowerShell -in does).' },
    { name: 'InnerScheme', type: 'Hashtable', pipeline: true, help: 'Defines an optional nested authentication scheme that will run before this scheme.' },
    { name: 'AsCredential', type: 'SwitchParameter', sets: ['Basic', 'Form'], help: 'If enabled, the username and password are given to the validator as one object with UserName and Password.' },
    { name: 'AsJWT', type: 'SwitchParameter', sets: ['Bearer', 'ApiKey'], help: 'If enabled, the token or API key is parsed and verified as a JWT, and its payload given to the validator.' },
    { name: 'Secret', type: 'Object', sets: ['Bearer', 'ApiKey'], help: jwtHelp('A secret key used to verify HS256/384/512 JWT signatures') },
    { name: 'PrivateKey', type: 'SecureString', sets: ['Bearer', 'ApiKey'], help: jwtHelp('The private key (PEM format) for RSA or ECDSA algorithms') },
    { name: 'PublicKey', type: 'String', sets: ['Bearer', 'ApiKey'], help: jwtHelp('The public key (PEM format) for RSA or ECDSA algorithms used to verify the JWT') },
    {
      name: 'JwtVerificationMode',
      type: 'String',
      sets: ['Bearer', 'ApiKey'],
      validateSet: ['Strict', 'Moderate', 'Lenient'],
      default: 'Lenient',
      help: 'Defines how aggressively JWT claims are checked (exp and nbf always).',
    },
  ],
  outputs: 'System.Collections.Hashtable',
  run: (args, ctx): AuthScheme => {
    const set = ctx.parameterSetName;
    const server = currentServer(ctx.command);
    const why = NOT_IMPLEMENTED[set];
    if (why !== undefined) throw errors.AuthSchemeNotSupported(ctx.command, { scheme: set, why });
    const realm = args.Realm && args.Realm !== '' ? args.Realm : 'User';
    const middleware: Middleware[] = args.Middleware == null ? [] : toMiddlewareList(args.Middleware, ctx.command);
    const inner = (args.InnerScheme ?? null) as AuthScheme | null;
    const base = { Realm: realm, Middleware: middleware, InnerScheme: inner, PostValidator: null };
    const orDefault = (v: string | undefined, d: string) => (v === undefined || v === '' ? d : v);
    switch (set) {
      case 'Basic': {
        const options = { Description: args.Description ?? null, HeaderTag: orDefault(args.HeaderTag, 'Basic'), Encoding: orDefault(args.Encoding, 'ISO-8859-1'), AsCredential: args.AsCredential };
        return { ...base, Name: options.HeaderTag, ScriptBlock: { Script: basicCredentials as AuthScript }, Scheme: 'http', Arguments: options };
      }
      case 'Form': {
        const options = {
          Description: args.Description ?? null,
          Fields: { Username: orDefault(args.UsernameField, 'username'), Password: orDefault(args.PasswordField, 'password') },
          AsCredential: args.AsCredential,
        };
        return { ...base, Name: 'Form', ScriptBlock: { Script: formCredentials as AuthScript }, Scheme: 'http', Arguments: options };
      }
      case 'Bearer': {
        const options = {
          Description: args.Description ?? null,
          HeaderTag: orDefault(args.HeaderTag, 'Bearer'),
          Scopes: args.Scope ?? null,
          AsJWT: args.AsJWT,
          Secret: args.Secret ?? null,
          PrivateKey: args.PrivateKey ?? null,
          PublicKey: args.PublicKey ?? null,
          Location: args.BearerLocation,
          JwtVerificationMode: args.JwtVerificationMode,
        };
        return {
          ...base,
          Name: 'Bearer',
          ScriptBlock: { Script: ((o: typeof options) => bearerToken(o, jwtVerifier(server, o))) as AuthScript },
          PostValidator: { Script: bearerPostValidate as AuthScript },
          Scheme: 'http',
          Arguments: options,
        };
      }
      case 'ApiKey': {
        const location = args.ApiKeyLocation;
        const defaults = { Header: 'X-API-KEY', Query: 'api_key', Cookie: 'X-API-KEY' } as const;
        const options = {
          Description: args.Description ?? null,
          Location: location,
          LocationName: args.LocationName && args.LocationName.trim() !== '' ? args.LocationName : defaults[location],
          AsJWT: args.AsJWT,
          Secret: args.Secret ?? null,
          PrivateKey: args.PrivateKey ?? null,
          PublicKey: args.PublicKey ?? null,
          JwtVerificationMode: args.JwtVerificationMode,
        };
        return { ...base, Name: 'ApiKey', ScriptBlock: { Script: ((o: typeof options) => apiKey(o, requestCookie, jwtVerifier(server, o))) as AuthScript }, Scheme: 'apiKey', Arguments: options };
      }
      default: {
        // Custom
        return {
          ...base,
          Name: args.Name ?? '',
          Scheme: args.Type.toLowerCase(),
          ScriptBlock: { Script: args.ScriptBlock as AuthScript },
          PostValidator: { Script: (args.PostValidator ?? null) as AuthScript | null },
          Arguments: (args.ArgumentList ?? null) as Record<string, unknown> | null,
        };
      }
    }
  },
});

/** A request cookie's value (ApiKey -Location Cookie), from the request's cookies parsed once. */
function requestCookie(name: string): string | undefined {
  return requestCookies(currentWebEvent()).get(name);
}

/**
 * -AsJWT: the token verified (signature with -Secret or -PublicKey, never `alg: none`; `exp` and `nbf`; the
 * -JwtVerificationMode claims, as Confirm-PodeJwt and Test-PodeJwt do), its payload handed to the validator.
 * Without a secret or key no algorithm is accepted, so every token fails.
 */
function jwtVerifier(server: PodeServer, options: { AsJWT: boolean; Secret: unknown; PublicKey: string | null; JwtVerificationMode: string }): ((token: string) => unknown) | undefined {
  if (!options.AsJWT) return undefined;
  const secret = typeof options.Secret === 'string' || Buffer.isBuffer(options.Secret) ? options.Secret : undefined;
  const publicKey = options.PublicKey ?? undefined;
  return (token) => {
    // exp and nbf against the clock a stream's end is timed by (the server's; a test's ManualClock).
    const now = Math.floor(server.identities.clock.now().getTime() / 1000);
    const { payload } = verifyJwt(token, { ...(secret !== undefined && { secret }), ...(publicKey !== undefined && { publicKey }), now });
    checkJwtClaims(payload, { issuer: 'Pode', mode: options.JwtVerificationMode as JwtVerificationMode, now });
    // A stream opened with this token ends at its exp (host/auth/identity.ts).
    if (typeof payload.exp === 'number') noteCredentialExpiry(currentWebEvent(), payload.exp * 1000);
    return payload;
  };
}

/** The checks every Add-PodeAuth* makes first, in Pode's order. */
function checkNewMethod(server: PodeServer, ctx: CallContext, name: string, scheme: AuthScheme | undefined, sessionless: boolean): void {
  if (server.auth.has(name)) throw errors.AuthMethodAlreadyDefined(ctx.command, { name });
  if (scheme !== undefined && (scheme === null || typeof scheme.ScriptBlock?.Script !== 'function')) throw errors.AuthSchemeRequiresValidScriptBlock(ctx.command, { name });
  if (!sessionless && authSessionsOf(server) === undefined) throw errors.SessionsRequiredForSessionPersistentAuth(ctx.command);
}

const methodParameters = {
  failureUrl: { name: 'FailureUrl', type: 'String', help: 'The URL to redirect to when authentication fails.' },
  failureMessage: { name: 'FailureMessage', type: 'String', help: 'An override Message to throw when authentication fails.' },
  successUrl: { name: 'SuccessUrl', type: 'String', help: 'The URL to redirect to when authentication succeeds when logging in.' },
  sessionless: { name: 'Sessionless', type: 'SwitchParameter', help: 'If supplied, authenticated users will not be stored in sessions, and sessions will not be used.' },
  successUseOrigin: {
    name: 'SuccessUseOrigin',
    type: 'SwitchParameter',
    help: 'If supplied, successful authentication from a login page will redirect back to the originating page instead of the FailureUrl.',
  },
} as const;

function newMethod(name: string, scheme: AuthScheme, script: AuthScript, args: unknown[], o: { FailureUrl?: string | undefined; FailureMessage?: string | undefined; SuccessUrl?: string | undefined; Sessionless: boolean; SuccessUseOrigin: boolean }): SingleAuthMethod {
  return {
    Name: name,
    Merged: false,
    Scheme: scheme,
    ScriptBlock: script,
    Arguments: args,
    Sessionless: o.Sessionless,
    Failure: { Url: o.FailureUrl ?? '', Message: o.FailureMessage ?? '' },
    Success: { Url: o.SuccessUrl ?? '', UseOrigin: o.SuccessUseOrigin },
    Parent: null,
  };
}

export const AddPodeAuth = cmdlet({
  name: 'Add-PodeAuth',
  synopsis: 'Adds a custom Authentication method for verifying users.',
  description:
    'Adds an Authentication method: the Scheme reads the credentials, and the ScriptBlock validates them. The ScriptBlock gets the credentials the scheme returned ' +
    '(Basic and Form: username, password; Bearer: the token; ApiKey: the key) followed by the ArgumentList, and returns @{ User = … } to pass, or $null or @{ Message = …; Code = … } to fail. It may be async.\n' +
    'Without -Sessionless, sessions must be enabled first (Enable-PodeSessionMiddleware): the user is then kept in the session.',
  examples: [
    { code: "New-PodeAuthScheme -Basic | Add-PodeAuth -Name 'Main' -Sessionless -ScriptBlock { param($username, $password) /* check */ return @{ User = @{ Name = $username } } }" },
    { code: "New-PodeAuthScheme -Form | Add-PodeAuth -Name 'Login' -FailureUrl '/login' -SuccessUrl '/' -ScriptBlock { param($username, $password) /* logic */ }" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'A unique Name for the Authentication method.' },
    { name: 'Scheme', type: 'Hashtable', mandatory: true, pipeline: true, help: 'The authentication Scheme to use for retrieving credentials (From New-PodeAuthScheme).' },
    { name: 'ScriptBlock', type: 'ScriptBlock', mandatory: true, help: 'The ScriptBlock defining logic that retrieves and verifys a user.' },
    { name: 'ArgumentList', type: 'Object[]', help: "An array of arguments to supply to the Custom Authentication's ScriptBlock." },
    methodParameters.failureUrl,
    methodParameters.failureMessage,
    methodParameters.successUrl,
    methodParameters.sessionless,
    methodParameters.successUseOrigin,
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const scheme = args.Scheme as unknown as AuthScheme;
    checkNewMethod(server, ctx, args.Name, scheme, args.Sessionless);
    server.auth.set(newMethod(args.Name, scheme, args.ScriptBlock as AuthScript, args.ArgumentList ?? [], args));
  },
});

export const AddPodeAuthUserFile = cmdlet({
  name: 'Add-PodeAuthUserFile',
  synopsis: 'Adds the inbuilt User File Authentication method for verifying users.',
  description:
    "Adds an Authentication method that checks the scheme's username and password against a JSON file of users, in Pode's format: " +
    '`[{ "Name": …, "Username": …, "Email": …, "Password": <Base64 SHA-256 of the password, or HMAC-SHA256 with -HmacSecret>, "Groups": […], "Metadata": {…} }]`. ' +
    'The file is read on each attempt, so edits apply at once.',
  examples: [
    { code: "New-PodeAuthScheme -Form | Add-PodeAuthUserFile -Name 'Login'" },
    { code: "New-PodeAuthScheme -Basic | Add-PodeAuthUserFile -Name 'Login' -FilePath './custom/path/users.json' -Sessionless" },
  ],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'A unique Name for the Authentication method.' },
    { name: 'Scheme', type: 'Hashtable', mandatory: true, pipeline: true, help: 'The Scheme to use for retrieving credentials (From New-PodeAuthScheme).' },
    { name: 'FilePath', type: 'String', help: 'A path to a users JSON file (Default: ./users.json)' },
    { name: 'Groups', type: 'String[]', help: 'An array of Group names to only allow access.' },
    { name: 'Users', type: 'String[]', help: 'An array of Usernames to only allow access.' },
    { name: 'HmacSecret', type: 'String', sets: ['Hmac'], help: 'An optional secret if the passwords are HMAC SHA256 hashed.' },
    methodParameters.failureUrl,
    methodParameters.failureMessage,
    methodParameters.successUrl,
    { name: 'ScriptBlock', type: 'ScriptBlock', help: 'Optional ScriptBlock that is passed the found user object for further validation.' },
    methodParameters.sessionless,
    methodParameters.successUseOrigin,
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    const scheme = args.Scheme as unknown as AuthScheme;
    checkNewMethod(server, ctx, args.Name, scheme, args.Sessionless);
    const path = args.FilePath && args.FilePath.trim() !== '' ? server.path(args.FilePath) : server.path('users.json');
    if (!existsSync(path) || statSync(path).isDirectory()) throw errors.UserFileDoesNotExist(ctx.command, { path });
    const options = {
      FilePath: path,
      Users: args.Users ?? null,
      Groups: args.Groups ?? null,
      HmacSecret: args.HmacSecret ?? null,
      ScriptBlock: { Script: (args.ScriptBlock ?? null) as AuthScript | null },
    };
    server.auth.set(newMethod(args.Name, scheme, userFileValidator, [options], args));
  },
});

export const AddPodeAuthSession = cmdlet({
  name: 'Add-PodeAuthSession',
  synopsis: 'Adds the inbuilt Session Authentication method for verifying an authenticated session is present on Requests.',
  description:
    'Adds an Authentication method that passes when the request\'s session holds an authenticated user (one a login route stored), and answers 401 otherwise. ' +
    'Sessions must be enabled first (Enable-PodeSessionMiddleware).',
  examples: [{ code: "Add-PodeAuthSession -Name 'SessionAuth' -FailureUrl '/login'" }],
  defaultParameterSet: 'Groups',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'A unique Name for the Authentication method.' },
    methodParameters.failureUrl,
    methodParameters.failureMessage,
    methodParameters.successUrl,
    { name: 'ScriptBlock', type: 'ScriptBlock', help: 'Optional ScriptBlock that is passed the found user object for further validation.' },
    { name: 'Middleware', type: 'Object[]', help: "An array of ScriptBlocks for optional Middleware to run before the Scheme's scriptblock." },
    methodParameters.successUseOrigin,
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    if (authSessionsOf(server) === undefined) throw errors.SessionsNotConfigured(ctx.command);
    if (server.auth.has(args.Name)) throw errors.AuthMethodAlreadyDefined(ctx.command, { name: args.Name });
    const extra = (args.ScriptBlock ?? null) as AuthScript | null;
    const retrieve: AuthScript = async () => {
      const event = currentWebEvent();
      const sessions = authSessionsOf(server);
      if (sessions === undefined || !sessions.inUse(event)) {
        await sessions?.revoke(event);
        return { Message: 'Sessions are not being used', Code: 401 } satisfies AuthOutcome;
      }
      if (authUser(event, sessions) === undefined) {
        await sessions.revoke(event);
        return { Message: 'Session not authenticated', Code: 401 } satisfies AuthOutcome;
      }
      return [sessions.storedAuth(event)!.User];
    };
    const scheme: AuthScheme = {
      Name: '',
      Realm: 'User',
      ScriptBlock: { Script: retrieve },
      PostValidator: { Script: null },
      Middleware: args.Middleware == null ? [] : toMiddlewareList(args.Middleware, ctx.command),
      InnerScheme: null,
      Scheme: 'http',
      Arguments: null,
    };
    const validate: AuthScript = async (user: unknown) => (extra !== null ? extra(user) : { User: user });
    server.auth.set(newMethod(args.Name, scheme, validate, [], { ...args, Sessionless: false }));
  },
});

export const MergePodeAuth = cmdlet({
  name: 'Merge-PodeAuth',
  synopsis: 'Lets you merge multiple Authentication methods together, into a "single" Authentication method.',
  description:
    'Merges Authentication methods into one: with -Valid One (the default) the first that passes is used; with All every one must pass, and the ScriptBlock ' +
    '(given a hashtable of each method\'s result, by name) or -MergeDefault picks the user. Failure and success settings fall back to the -Default method\'s.',
  examples: [
    { code: 'Merge-PodeAuth -Name MergedAuth -Authentication ApiTokenAuth, BasicAuth -Valid All -ScriptBlock { ... }' },
    { code: 'Merge-PodeAuth -Name MergedAuth -Authentication ApiTokenAuth, BasicAuth -Valid All -MergeDefault BasicAuth' },
  ],
  defaultParameterSet: 'ScriptBlock',
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'A unique Name for the Authentication method.' },
    { name: 'Authentication', type: 'String[]', mandatory: true, aliases: ['Auth'], help: 'Multiple Autentication method Names to be merged.' },
    { name: 'Valid', type: 'String', validateSet: ['One', 'All'], default: 'One', help: 'How many of the Authentication methods are required to be valid, One or All. (Default: One)' },
    { name: 'ScriptBlock', type: 'ScriptBlock', sets: ['ScriptBlock'], help: 'Mandatory with -Valid All (unless -MergeDefault): merges the users of the methods that passed into one.' },
    { name: 'Default', type: 'String', help: 'The Default Authentication method to use as a fallback for Failure URLs and other settings.' },
    { name: 'MergeDefault', type: 'String', sets: ['MergeDefault'], help: "The Default Authentication method's User details result object to use, when $Valid=All." },
    methodParameters.failureUrl,
    methodParameters.failureMessage,
    methodParameters.successUrl,
    methodParameters.sessionless,
    methodParameters.successUseOrigin,
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    if (server.auth.has(args.Name)) throw errors.AuthMethodAlreadyDefined(ctx.command, { name: args.Name });
    for (const name of args.Authentication) if (!server.auth.has(name)) throw errors.AuthMethodNotExistForMerging(ctx.command, { name });
    const inList = (name: string) => args.Authentication.some((a) => a.toLowerCase() === name.toLowerCase());
    if (args.MergeDefault && !inList(args.MergeDefault)) throw errors.MergeDefaultAuthNotInList(ctx.command, { name: args.MergeDefault });
    if (args.Default && !inList(args.Default)) throw errors.DefaultAuthNotInList(ctx.command, { name: args.Default });
    const defaultName = args.Default ? args.Default : args.Authentication[0]!;
    const base = server.auth.get(defaultName)!;
    const sessionless = args.Sessionless || base.Sessionless;
    if (!sessionless && authSessionsOf(server) === undefined) throw errors.SessionsRequiredForSessionPersistentAuth(ctx.command);
    const all = args.Valid === 'All';
    if (all && !args.MergeDefault && args.ScriptBlock == null) throw errors.ScriptBlockRequiredForMergingUsers(ctx.command);
    if (!(all && !args.MergeDefault) && args.ScriptBlock != null) ctx.warning('The Scriptblock for merged authentications, when Valid=One, will be ignored');
    for (const name of args.Authentication) server.auth.get(name)!.Parent = args.Name;
    server.auth.set({
      Name: args.Name,
      Merged: true,
      Authentications: [...args.Authentication],
      PassOne: !all,
      ScriptBlock: { Script: all && !args.MergeDefault ? (args.ScriptBlock as AuthScript) : null },
      Default: defaultName,
      MergeDefault: args.MergeDefault ?? '',
      Sessionless: sessionless,
      Failure: { Url: args.FailureUrl || base.Failure.Url, Message: args.FailureMessage || base.Failure.Message },
      Success: { Url: args.SuccessUrl || base.Success.Url, UseOrigin: args.SuccessUseOrigin || base.Success.UseOrigin },
      Parent: null,
    });
  },
});

export const GetPodeAuth = cmdlet({
  name: 'Get-PodeAuth',
  synopsis: 'Gets an Authentication method.',
  description: 'Gets an Authentication method (its Name, Scheme, Failure and Success settings…), or fails when there is none of that name.',
  examples: [{ code: "Get-PodeAuth -Name 'Main'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of an Authentication method.' }],
  outputs: 'System.Collections.Hashtable',
  run: (args, ctx): AuthMethod => {
    const method = currentServer(ctx.command).auth.get(args.Name);
    if (method === undefined) throw errors.AuthenticationMethodDoesNotExist(ctx.command, { name: args.Name });
    return method;
  },
});

export const TestPodeAuthExists = cmdlet({
  name: 'Test-PodeAuthExists',
  synopsis: 'Test if an Authentication method exists.',
  description: 'Test if an Authentication method exists (names compare case-insensitively).',
  examples: [{ code: 'if (Test-PodeAuthExists -Name BasicAuth) { ... }' }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Authentication method.' }],
  outputs: 'System.Boolean',
  run: (args, ctx) => currentServer(ctx.command).auth.has(args.Name),
});

export const TestPodeAuth = cmdlet({
  name: 'Test-PodeAuth',
  synopsis: 'Test and invoke an Authentication method to verify a user.',
  description:
    "Validates the request's credentials with an Authentication method, without answering the request: resolves to $true or $false. " +
    'A session that already holds an authenticated user passes, unless -IgnoreSession.',
  examples: [{ code: "if (await Test-PodeAuth -Name 'BasicAuth') { ... }" }, { code: "if (Test-PodeAuth -Name 'FormAuth' -IgnoreSession) { ... }" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Authentication method.' },
    { name: 'IgnoreSession', type: 'SwitchParameter', help: 'If supplied, authentication will be re-verified on each call even if a valid session exists on the request.' },
  ],
  outputs: 'System.Boolean',
  run: async (args, ctx): Promise<boolean> => {
    const server = currentServer(ctx.command);
    const event = currentWebEvent(ctx.command);
    if (!args.IgnoreSession && authSessionsOf(server)?.inUse(event) && authUser(event, authSessionsOf(server)) !== undefined) return true;
    const result = await invokeValidation(server.auth, args.Name, event, authContext(server).runMiddleware);
    return !result.Redirected && result.Success;
  },
});

export const RemovePodeAuth = cmdlet({
  name: 'Remove-PodeAuth',
  synopsis: 'Remove a specific Authentication method.',
  description: 'Remove a specific Authentication method; nothing happens when there is none of that name. Routes already using it then answer 500.',
  examples: [{ code: "Remove-PodeAuth -Name 'Login'" }],
  parameters: [{ name: 'Name', type: 'String', mandatory: true, pipeline: true, help: 'The Name of the Authentication method.' }],
  run: (args, ctx) => {
    currentServer(ctx.command).auth.delete(args.Name);
  },
});

export const ClearPodeAuth = cmdlet({
  name: 'Clear-PodeAuth',
  synopsis: 'Clear all defined Authentication methods.',
  description: 'Clear all defined Authentication methods.',
  examples: [{ code: 'Clear-PodeAuth' }],
  parameters: [],
  run: (_args, ctx) => {
    currentServer(ctx.command).auth.clear();
  },
});

export const AddPodeAuthMiddleware = cmdlet({
  name: 'Add-PodeAuthMiddleware',
  synopsis: 'Adds an authentication method as global middleware.',
  description: 'Adds an authentication method as global middleware: every request (or those under -Route) must pass it before its route runs.',
  examples: [{ code: "Add-PodeAuthMiddleware -Name 'GlobalAuth' -Authentication AuthName" }, { code: "Add-PodeAuthMiddleware -Name 'GlobalAuth' -Authentication AuthName -Route '/api/*'" }],
  parameters: [
    { name: 'Name', type: 'String', mandatory: true, help: 'The Name of the Middleware.' },
    { name: 'Authentication', type: 'String', mandatory: true, aliases: ['Auth'], help: 'The Name of the Authentication method to use.' },
    { name: 'Route', type: 'String', help: 'A Route path for which Routes this Middleware should only be invoked against.' },
    { name: 'OADefinitionTag', type: 'String[]', unsupported: 'podets has no OpenAPI definitions', help: 'An array of string representing the unique tag for the API specification.' },
  ],
  run: (args, ctx) => {
    const server = currentServer(ctx.command);
    if (!server.auth.has(args.Authentication)) throw errors.AuthenticationMethodDoesNotExist(ctx.command, { name: args.Authentication });
    addMiddleware(server.middleware, { name: args.Name, logic: authMiddleware(server, { Name: args.Authentication }), ...(args.Route ? { route: args.Route } : {}) }, ctx.command);
  },
});

const ignoreSession = { name: 'IgnoreSession', type: 'SwitchParameter', help: 'If supplied, only the Auth object in the WebEvent will be checked and the Session will be skipped.' } as const;

export const TestPodeAuthUser = cmdlet({
  name: 'Test-PodeAuthUser',
  synopsis: 'Test whether the current WebEvent or Session has an authenticated user.',
  description: 'Test whether the current WebEvent or Session has an authenticated user. Returns true if there is an authenticated user.',
  examples: [{ code: 'if (Test-PodeAuthUser) { ... }' }],
  parameters: [ignoreSession],
  outputs: 'System.Boolean',
  run: (args, ctx) => authUser(currentWebEvent(ctx.command), authSessionsOf(currentServer(ctx.command)), args.IgnoreSession) !== undefined,
});

export const GetPodeAuthUser = cmdlet({
  name: 'Get-PodeAuthUser',
  synopsis: 'Get the authenticated user from the WebEvent or Session.',
  description: 'Get the authenticated user from the WebEvent or Session, or $null. This is similar to reading $WebEvent.Auth.User.',
  examples: [{ code: '$user = Get-PodeAuthUser' }],
  parameters: [{ ...ignoreSession, help: 'If supplied, only the Auth object in the WebEvent will be used and the Session will be skipped.' }],
  run: (args, ctx) => authUser(currentWebEvent(ctx.command), authSessionsOf(currentServer(ctx.command)), args.IgnoreSession) ?? null,
});


