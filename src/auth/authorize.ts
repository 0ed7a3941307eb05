/**
 * Building Twitch's authorize URL and reading the redirect that comes back: the parts every
 * browser login (popup, redirect) shares.
 */
import { AuthError, IdTokenError, StateMismatchError } from './errors.js';
import { decodeJwt } from './jwt.js';
import { authUrl, randomString, scopeList, scrub } from './request.js';
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
  /** PKCE S256 challenge from `createPkce()`, for servers that check PKCE; Twitch does not support it (the secret is still needed). */
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

/** A part of the address holds the answer when it has one of these (`state` alone may be the app's own). */
const RESPONSE_KEYS = ['access_token', 'code', 'id_token', 'error'];
/** The fields of an OAuth answer (RFC 6749 §4.1.2, §4.2.2, and OIDC's id_token): what a login consumes. */
const ANSWER_KEYS = new Set(['access_token', 'code', 'id_token', 'token_type', 'expires_in', 'scope', 'state', 'error', 'error_description', 'error_uri']);

/** An address cut into its raw parts, nothing re-encoded; `query`/`fragment` are absent without `?`/`#`. */
function split(href: string): { path: string; query?: string; fragment?: string } {
  const hashAt = href.indexOf('#');
  const beforeHash = hashAt < 0 ? href : href.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  return {
    path: queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt),
    query: queryAt < 0 ? undefined : beforeHash.slice(queryAt + 1),
    fragment: hashAt < 0 ? undefined : href.slice(hashAt + 1),
  };
}

/**
 * A query or fragment split into a hash-router route (`/settings?`, kept as it is) and its
 * `&`-separated fields. Text before a `?` counts as a route only when it holds no `=` or `&`.
 */
function fieldsOf(text: string): { route: string; fields: string[] } {
  const at = text.indexOf('?');
  const route = at >= 0 && !/[=&]/.test(text.slice(0, at)) ? text.slice(0, at + 1) : '';
  const rest = text.slice(route.length);
  return { route, fields: rest === '' ? [] : rest.split('&') };
}

/** The decoded name of a `name=value` field, as URLSearchParams reads it. */
function nameOf(field: string): string {
  const raw = field.split('=', 1)[0]!.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

const paramsOf = (text: string | undefined) => new URLSearchParams(text === undefined ? '' : fieldsOf(text).fields.join('&'));
/** Whether `params` hold an OAuth answer (not `state` alone, which may be the app's own). */
export const holdsAnswer = (params: URLSearchParams) => RESPONSE_KEYS.some((key) => params.has(key));

/** The parameters of the redirect: the fragment when it holds a response, else the query. */
export function redirectParams(url: string | URL): URLSearchParams {
  const { query, fragment } = split(String(url));
  const inFragment = paramsOf(fragment);
  return holdsAnswer(inFragment) ? inFragment : paramsOf(query);
}

/**
 * The address without the OAuth answer: only the answer's fields leave the part (fragment, else
 * query) that carried them; everything else stays byte for byte. A part left empty loses its `#`/`?`.
 */
export function withoutAnswer(href: string): string {
  const { path, query, fragment } = split(href);
  const inFragment = holdsAnswer(paramsOf(fragment));
  const strip = (text: string | undefined, mark: string) => {
    if (text === undefined) return '';
    const { route, fields } = fieldsOf(text);
    const kept = fields.filter((field) => !ANSWER_KEYS.has(nameOf(field)));
    if (kept.length === fields.length) return mark + text;
    // A route whose every field was the answer loses the `?` the answer came after.
    const left = kept.length > 0 ? route + kept.join('&') : route.slice(0, -1);
    return left === '' ? '' : mark + left;
  };
  return path + (inFragment ? (query === undefined ? '' : `?${query}`) + strip(fragment, '#') : strip(query, '?') + (fragment === undefined ? '' : `#${fragment}`));
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
  if (error !== null) {
    // The error's text comes from the address: it must not quote a token that came along.
    const secrets = ['access_token', 'code', 'id_token'].map((key) => params.get(key) ?? undefined);
    const failure = new AuthError({
      error: scrub(error, secrets),
      description: scrub(params.get('error_description') ?? '', secrets) || undefined,
      source: 'authorize',
    });
    // Twitch sends state back with its errors; an error without one carries nothing to misuse.
    if (state !== null && !sameString(state, options.state)) throw new StateMismatchError();
    throw failure;
  }
  if (state === null || !sameString(state, options.state)) throw new StateMismatchError();
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
