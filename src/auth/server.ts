/**
 * Token calls for servers and Workers: code exchange, client credentials, refresh, validate,
 * revoke. Each takes `fetch` and `authBaseUrl`, and checks Twitch's answer before using it.
 */
import { array, looseObject, nullish, number, optional, pipe, string, transform, union } from 'valibot';
import { AuthError, InvalidTokenError } from './errors.js';
import { oauthRequest, scopeList, type AuthTransport } from './request.js';

/** A token endpoint answer. Field names are Twitch's; `scope` is always an array. */
export interface TokenResponse {
  access_token: string;
  /** Absent for app tokens and implicit-flow tokens. */
  refresh_token?: string;
  /** Seconds until the access token expires. */
  expires_in?: number;
  scope: string[];
  token_type?: string;
  /** OIDC id token, when `openid` was requested. */
  id_token?: string;
}

const scopeField = nullish(union([array(string()), string()]));

/**
 * Checks what a token answer cannot do without (a null counts as absent); unknown fields are
 * kept. Refusing an answer loses the pair Twitch issued, so nothing else is required here.
 */
export const tokenResponseSchema = /* @__PURE__ */ pipe(
  looseObject({
    access_token: string(),
    refresh_token: nullish(string()),
    expires_in: nullish(number()),
    scope: scopeField,
  }),
  transform((body) => ({ ...body, refresh_token: body.refresh_token ?? undefined, expires_in: body.expires_in ?? undefined, scope: scopeList(body.scope) })),
);

/** The rest of a token answer: checked and reported (`onMismatch`), never refused. */
export const tokenExtrasSchema = /* @__PURE__ */ looseObject({
  token_type: optional(string()),
  id_token: optional(string()),
});

/** What `validateToken` learns about a token. Field names are Twitch's. */
export interface ValidatedToken {
  client_id: string;
  /** Absent for app tokens. */
  login?: string;
  /** Absent for app tokens. */
  user_id?: string;
  scopes: string[];
  /** Seconds until the token expires (`0` for tokens that do not expire). */
  expires_in: number;
}

const validateSchema = /* @__PURE__ */ pipe(
  looseObject({
    client_id: string(),
    login: optional(string()),
    user_id: optional(string()),
    scopes: scopeField,
    expires_in: number(),
  }),
  transform((body) => ({ ...body, scopes: scopeList(body.scopes) })),
);

const TOKEN_GRANT = 'token';

/** Options of {@link exchangeCode}. */
export interface ExchangeCodeOptions extends AuthTransport {
  clientId: string;
  clientSecret: string;
  code: string;
  /** The same redirect URI the authorize URL used. */
  redirectUri: string;
  /** The PKCE verifier, when the authorize URL carried its challenge; Twitch needs `clientSecret` regardless (it does not support PKCE). */
  codeVerifier?: string;
}

/** Trades an authorization code for a user token (code flow, on a server). @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow */
export function exchangeCode(options: ExchangeCodeOptions): Promise<TokenResponse> {
  const { clientId, clientSecret, code, redirectUri, codeVerifier } = options;
  return oauthRequest(
    options,
    TOKEN_GRANT,
    {
      form: {
        client_id: clientId,
        client_secret: clientSecret,
        code,
        grant_type: 'authorization_code',
        redirect_uri: redirectUri,
        code_verifier: codeVerifier,
      },
    },
    tokenResponseSchema,
    [clientSecret, code, codeVerifier],
    tokenExtrasSchema,
  );
}

/** Options of {@link appToken}. */
export interface AppTokenOptions extends AuthTransport {
  clientId: string;
  clientSecret: string;
}

/** Gets an app access token (client credentials flow). @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow */
export function appToken(options: AppTokenOptions): Promise<TokenResponse> {
  const { clientId, clientSecret } = options;
  return oauthRequest(
    options,
    TOKEN_GRANT,
    { form: { client_id: clientId, client_secret: clientSecret, grant_type: 'client_credentials' } },
    tokenResponseSchema,
    [clientSecret],
    tokenExtrasSchema,
  );
}

/** Options of {@link refreshToken}. */
export interface RefreshTokenOptions extends AuthTransport {
  clientId: string;
  /** Needed for confidential apps; public (device flow) apps have none. */
  clientSecret?: string;
  refreshToken: string;
  signal?: AbortSignal;
}

/**
 * Trades a refresh token for a new token pair. Store the new refresh token at once: a public
 * app's refresh token works only once.
 * @see https://dev.twitch.tv/docs/authentication/refresh-tokens/
 */
export function refreshToken(options: RefreshTokenOptions): Promise<TokenResponse> {
  const { clientId, clientSecret, refreshToken: refresh } = options;
  return oauthRequest(
    options,
    TOKEN_GRANT,
    {
      form: { client_id: clientId, client_secret: clientSecret, grant_type: 'refresh_token', refresh_token: refresh },
      signal: options.signal,
    },
    tokenResponseSchema,
    [clientSecret, refresh],
    tokenExtrasSchema,
  );
}

/**
 * Asks Twitch whether a token is valid and whose it is. Twitch requires apps that use user
 * tokens to do this at start and hourly. A 401 becomes {@link InvalidTokenError}.
 * @see https://dev.twitch.tv/docs/authentication/validate-tokens/
 */
export async function validateToken(token: string, options: AuthTransport & { signal?: AbortSignal } = {}): Promise<ValidatedToken> {
  try {
    return await oauthRequest(
      options,
      'validate',
      { headers: { Authorization: `OAuth ${token}` }, signal: options.signal },
      validateSchema,
      [token],
    );
  } catch (error) {
    if (error instanceof AuthError && error.status === 401) throw new InvalidTokenError(undefined, 'Twitch answered 401 to validation');
    throw error;
  }
}

/** Options of {@link revokeToken}. */
export interface RevokeTokenOptions extends AuthTransport {
  clientId: string;
  /** The access token to revoke. */
  token: string;
}

/** Revokes an access token (e.g. at logout). @see https://dev.twitch.tv/docs/authentication/revoke-tokens/ */
export async function revokeToken(options: RevokeTokenOptions): Promise<void> {
  await oauthRequest(options, 'revoke', { form: { client_id: options.clientId, token: options.token } }, undefined, [options.token]);
}
