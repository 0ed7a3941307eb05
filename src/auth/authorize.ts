/**
 * Building Twitch's authorize URL and reading the redirect that comes back: the parts every
 * browser login (popup, redirect) shares.
 */
import { AuthError, IdTokenError, StateMismatchError } from './errors.js';
import { decodeJwt } from './jwt.js';
import { authUrl, randomString, scopeList } from './request.js';
import type { Scope } from './scopes.js';

/** A scope to request: any Twitch scope, plus `openid` for OpenID Connect. */
export type RequestScope = Scope | 'openid';

/** What to ask Twitch for: a token (implicit), a code (server exchanges it), and/or an id token. */
export type ResponseType = 'token' | 'code' | 'id_token' | 'token id_token';

/** Options of {@link authorizeUrl}. */
export interface AuthorizeOptions {
  clientId: string;
  /** Must match one of the redirect URLs registered for the app, exactly. */
  redirectUri: string;
  scopes: readonly RequestScope[];
  /** Default `token` (implicit flow). */
  responseType?: ResponseType;
  /** An unguessable value to check on return; see {@link createState}. */
  state: string;
  /** OIDC: echoed inside the id token, checked on return. */
  nonce?: string;
  /** Ask the user to approve again even if they already did. */
  forceVerify?: boolean;
  /** OIDC claims to request, e.g. `{ id_token: { email: null, email_verified: null } }`. */
  claims?: Record<string, unknown>;
  /** PKCE S256 challenge from `createPkce()` (code flow only; the secret is still needed). */
  codeChallenge?: string;
  /** Base URL of Twitch's OAuth service. Default `https://id.twitch.tv/oauth2/`. */
  authBaseUrl?: string;
}

/** Builds the URL of Twitch's authorize page. @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/ */
export function authorizeUrl(options: AuthorizeOptions): string {
  const url = authUrl('authorize', options.authBaseUrl);
  const set = (key: string, value: string | undefined) => value !== undefined && url.searchParams.set(key, value);
  set('client_id', options.clientId);
  set('redirect_uri', options.redirectUri);
  set('response_type', options.responseType ?? 'token');
  set('scope', options.scopes.join(' '));
  set('state', options.state);
  set('nonce', options.nonce);
  if (options.forceVerify) set('force_verify', 'true');
  if (options.claims) set('claims', JSON.stringify(options.claims));
  if (options.codeChallenge) {
    set('code_challenge', options.codeChallenge);
    set('code_challenge_method', 'S256');
  }
  return url.href;
}

/** A fresh `state` or `nonce`: 128 random bits from WebCrypto, URL-safe. */
export function createState(): string {
  return randomString(16);
}

/** What a successful redirect carried. Field names are Twitch's. */
export interface LoginResult {
  /** The user access token (implicit flow). */
  access_token?: string;
  /** The authorization code (code flow): exchange it on your server with `exchangeCode`. */
  code?: string;
  /** The OIDC id token; verify it on a server with `verifyIdToken` before trusting its claims. */
  id_token?: string;
  token_type?: string;
  /** Granted scopes. */
  scope: string[];
  state: string;
}

/** The result of a login that asked for `T`: the fields that response type guarantees are present. */
export type LoginResultFor<T extends ResponseType> = LoginResult &
  (T extends 'token' | 'token id_token' ? { access_token: string } : unknown) &
  (T extends 'code' ? { code: string } : unknown) &
  (T extends 'id_token' | 'token id_token' ? { id_token: string } : unknown);

/** Checks that a redirect carried what `responseType` asked for, and types it so. */
export function expectResponse<T extends ResponseType>(result: LoginResult, responseType: T): LoginResultFor<T> {
  const needs = responseType === 'code' ? ['code'] : responseType.split(' ').map((part) => (part === 'token' ? 'access_token' : 'id_token'));
  for (const key of needs as (keyof LoginResult)[]) {
    if (!result[key]) throw new AuthError({ error: 'invalid_response', description: `the redirect lacks ${key}`, source: 'authorize' });
  }
  return result as LoginResultFor<T>;
}

/** Options of {@link parseRedirect}. */
export interface ParseRedirectOptions {
  /** The state sent in the authorize URL. */
  state: string;
  /** The nonce sent, if any: an id token must carry it. */
  nonce?: string;
}

const RESPONSE_KEYS = ['access_token', 'code', 'id_token', 'error', 'state'];

/** The parameters of the redirect: the fragment when it holds a response, else the query. */
export function redirectParams(url: string | URL): URLSearchParams {
  const parsed = new URL(url);
  const fragment = new URLSearchParams(parsed.hash.slice(1));
  return RESPONSE_KEYS.some((key) => fragment.has(key)) ? fragment : parsed.searchParams;
}

/**
 * Reads the redirect Twitch sent back (token in the fragment, code in the query), refusing a
 * state this app did not send and turning an error redirect into an {@link AuthError}.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#implicit-grant-flow
 */
export function parseRedirect(url: string | URL, options: ParseRedirectOptions): LoginResult {
  const params = redirectParams(url);
  const state = params.get('state');
  const error = params.get('error');
  if (error !== null && state === null) {
    // Twitch sends state back with its errors; an error without one carries nothing to misuse.
    throw new AuthError({ error, description: params.get('error_description') ?? undefined, source: 'authorize' });
  }
  if (state === null || !sameString(state, options.state)) throw new StateMismatchError();
  if (error !== null) {
    throw new AuthError({ error, description: params.get('error_description') ?? undefined, source: 'authorize' });
  }
  const result: LoginResult = { scope: scopeList(params.get('scope')), state };
  for (const key of ['access_token', 'code', 'id_token', 'token_type'] as const) {
    const value = params.get(key);
    if (value !== null) result[key] = value;
  }
  if (!result.access_token && !result.code && !result.id_token) {
    throw new AuthError({ error: 'invalid_response', description: 'the redirect holds no token, code or id token', source: 'authorize' });
  }
  if (options.nonce !== undefined && result.id_token) {
    const nonce = decodeJwt(result.id_token)?.payload.nonce;
    if (typeof nonce !== 'string' || !sameString(nonce, options.nonce)) {
      throw new IdTokenError('nonce', 'the id token does not carry the nonce this app sent');
    }
  }
  return result;
}

/** Compares two strings in time that does not depend on where they differ. */
export function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
