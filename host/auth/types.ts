// The shapes of Pode's authentication objects, kept with Pode's key names so a script that reads them
// (Get-PodeAuth, a scheme from New-PodeAuthScheme piped to Add-PodeAuth, a hand-written custom scheme) reads the
// same fields as in Pode (src/Public/Authentication.ps1, src/Private/Authentication.ps1).
import type { Middleware } from '../http/types.ts';

/** A script block of Pode's `@{ Script = …; UsingVariables = … }` holders. */
export type AuthScript = (...args: any[]) => unknown;

/** What New-PodeAuthScheme returns (a hashtable in Pode). */
export interface AuthScheme {
  Name: string;
  Realm: string;
  ScriptBlock: { Script: AuthScript | null };
  PostValidator: { Script: AuthScript | null } | null;
  Middleware: Middleware[];
  InnerScheme: AuthScheme | null;
  /** `http`, `apiKey`, `oauth2`… (Pode's OpenAPI scheme type). */
  Scheme: string;
  Arguments: Record<string, unknown> | null;
  /** A hashtable: Add-PodeAuth's -Scheme (a Hashtable parameter) takes it as one. */
  [key: string]: unknown;
}

/** A failure or success a scheme or a validator returns (Pode's result hashtable). */
export interface AuthOutcome {
  User?: unknown;
  Message?: string;
  Code?: number;
  Challenge?: string;
  Headers?: Record<string, string>;
  IsRedirected?: boolean;
  IsErrored?: boolean;
  /** Bearer's post-validator: the scopes the token grants, and an error the validator names. */
  Scope?: string | string[];
  Error?: string;
  ErrorDescription?: string;
  [key: string]: unknown;
}

export interface FailureInfo {
  Url: string;
  Message: string;
}
export interface SuccessInfo {
  Url: string;
  UseOrigin: boolean;
}

/** An authentication method as Add-PodeAuth (or Add-PodeAuthUserFile, Add-PodeAuthSession) stores it. */
export interface SingleAuthMethod {
  Name: string;
  Merged: false;
  Scheme: AuthScheme;
  ScriptBlock: AuthScript;
  Arguments: unknown[];
  Sessionless: boolean;
  Failure: FailureInfo;
  Success: SuccessInfo;
  Parent: string | null;
}

/** A method made by Merge-PodeAuth. */
export interface MergedAuthMethod {
  Name: string;
  Merged: true;
  Authentications: string[];
  PassOne: boolean;
  ScriptBlock: { Script: AuthScript | null };
  Default: string;
  MergeDefault: string;
  Sessionless: boolean;
  Failure: FailureInfo;
  Success: SuccessInfo;
  Parent: string | null;
}

export type AuthMethod = SingleAuthMethod | MergedAuthMethod;

/** The outcome of validating one method (Pode's Invoke-PodeAuthValidation result). */
export interface ValidationResult {
  Success: boolean;
  User?: unknown;
  Headers?: Record<string, string>;
  StatusCode?: number;
  Description?: string;
  Redirected?: boolean;
  FailureRedirect?: boolean;
  /** The method(s) that passed. */
  Auth?: string | string[];
}

/** $WebEvent.Auth as Pode sets it after a successful authentication. */
export interface WebEventAuth {
  User: unknown;
  IsAuthenticated: boolean;
  IsAuthorised: boolean;
  /** Whether the user is kept in the session (the method is not -Sessionless). */
  Store: boolean;
  Name: string | string[];
}
