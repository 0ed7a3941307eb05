import ky, { isHTTPError, isNetworkError, isTimeoutError, type Options } from 'ky';
import type { EndpointMeta, EndpointSpec, TokenType } from './endpoint.js';
import { helixError, InputError, MissingScopeError, NetworkError, RateLimitError, UnauthorizedError, ValidationError } from './errors.js';
import { createRateLimiter } from './rate-limit.js';
import { validate as check } from './validate.js';

/** A token as the pipeline sees it. */
export interface AccessToken {
  /** The bearer token itself. Never printed, never put in an error. */
  readonly token: string;
  /** The token's scopes, when known: lets a call fail with `MissingScopeError` before sending. */
  readonly scopes?: readonly string[];
  /** The user the token belongs to; absent for app tokens. */
  readonly userId?: string;
  readonly type?: TokenType;
}

/** What an auth provider is told when asked for a token. */
export interface TokenRequest {
  readonly endpoint: EndpointMeta;
  /** The `user` call option: whose token to use. */
  readonly user?: string;
}

/**
 * Supplies tokens to the pipeline. `createTokenManager` (helixkit/auth) is one; a plain string
 * token needs none.
 */
export interface AuthProvider {
  getToken(request: TokenRequest): AccessToken | Promise<AccessToken>;
  /**
   * Called when Helix answered 401 to `rejected`: resolve a fresh token and the call is retried
   * once, or `undefined` to let the `UnauthorizedError` through. Many calls may fail at once;
   * a provider should run one refresh for all of them.
   */
  refresh?(rejected: AccessToken, request: TokenRequest): Promise<AccessToken | undefined>;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Your application's client id, sent as `Client-Id`. */
  clientId: string;
  /** A static access token, or a provider such as `createTokenManager(...)`. */
  auth: string | AuthProvider;
  /** Helix base URL. Default `https://api.twitch.tv/helix/`. */
  baseUrl?: string;
  /** The fetch to use. Default `globalThis.fetch`, read at each request (so mocks installed later apply). */
  fetch?: typeof fetch;
  /** Validate response bodies against their schemas. Default `true`. */
  validate?: boolean;
  /**
   * Retries, `limit` default 2: GET, PUT and DELETE retry a 429 at `Ratelimit-Reset` and 5xx or
   * network errors with backoff; POST and PATCH retry only a 429 (once, after the reset), since
   * Twitch may already have acted on anything else. `limit: 0` turns all of it off.
   */
  retry?: { limit?: number };
  /** Milliseconds to wait for each response. Default 10000; `false` for none. */
  timeout?: number | false;
}

/** Options every endpoint function takes as its third argument. */
export interface CallOptions {
  /** Whose token to use, when the auth provider holds several users. */
  user?: string;
  /** Aborts the call, including any wait for the rate limit. */
  signal?: AbortSignal;
}

/** A configured Helix client. Pass it to endpoint functions: `getUsers(client, { login })`. */
export interface Client {
  readonly clientId: string;
  /** Whether response bodies are validated. */
  readonly validate: boolean;
  /** Sends one request for an endpoint; endpoint functions call this. */
  call(spec: EndpointSpec, input: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
}

const IDEMPOTENT = ['GET', 'PUT', 'DELETE'];

/** Creates a Helix client. @see https://dev.twitch.tv/docs/api/ */
export function createClient(options: ClientOptions): Client {
  const { clientId, auth } = options;
  const validate = options.validate ?? true;
  const limiter = createRateLimiter();
  const retries = options.retry?.limit;
  const baseUrl = (options.baseUrl ?? 'https://api.twitch.tv/helix/').replace(/\/?$/, '/');

  // ky's defaults are ours: 10 s per attempt, 2 retries. ky retries GET, PUT and DELETE: 429 at
  // `Ratelimit-Reset`, 5xx and network errors with backoff. POST and PATCH are never retried by
  // ky; see `call` for their 429. Only options that differ from ky's go in: ky merges options
  // key by key on every call, at a cost that grows with their number.
  const shared: Options = {};
  if (options.timeout !== undefined) shared.timeout = options.timeout;
  if (retries !== undefined) shared.retry = retries;

  /** Refuses, before sending, a token that cannot go in a header or lacks a scope it is known to lack. */
  function checked(spec: EndpointSpec, token: AccessToken): AccessToken {
    // A control character would make the Headers constructor throw with the token in its message.
    if (!/^[\x21-\x7e]+$/.test(token.token)) throw new InputError('auth', 'invalid characters in the token');
    const missing = spec.scopes.filter((group) => token.scopes && !group.some((scope) => token.scopes!.includes(scope)));
    if (missing[0]) throw new MissingScopeError(spec.id, missing);
    return token;
  }

  async function send(spec: EndpointSpec, input: Record<string, unknown>, token: AccessToken, signal?: AbortSignal) {
    const searchParams = new URLSearchParams();
    for (const key of spec.query) {
      const value = input[key] ?? [];
      // A repeatable parameter takes an array: one `key=value` each.
      for (const item of Array.isArray(value) ? value : [value]) searchParams.append(key, String(item));
    }
    const bearer = `Bearer ${token.token}`;
    try {
      // Outside ky's per-attempt timeout: an empty bucket may take up to a minute to refill.
      await limiter.take(bearer, signal);
      const request: Options = {
        ...shared,
        // Every attempt (retries included) passes here. The two headers are set on ky's Request
        // rather than passed as `headers`, which ky would copy through three Headers objects
        // (half of ky's own cost per call). Then the bucket is updated from Twitch's headers.
        fetch: async (request, init) => {
          const { headers } = request as Request;
          headers.set('authorization', bearer);
          headers.set('client-id', clientId);
          const answer = await (options.fetch ?? globalThis.fetch)(request, init);
          limiter.update(bearer, answer.headers);
          return answer;
        },
      };
      if (spec.method !== 'GET') request.method = spec.method;
      // (JSON leaves out the fields that are undefined.)
      if (spec.body[0]) request.json = Object.fromEntries(spec.body.map((key) => [key, input[key]]));
      if (signal) request.signal = signal;
      // A whole URL: ky resolving a base URL and search params costs more than the rest of the call.
      const query = searchParams.toString();
      const response = await ky(baseUrl + spec.path + (query && `?${query}`), request);
      if (spec.text) return await response.text();
      if (!spec.response) return;
      const body: unknown = await response.json();
      return validate ? check(spec.response, body, spec.id) : body;
    } catch (error) {
      throw toTwitchError(spec, error, token.token);
    }
  }

  async function call(spec: EndpointSpec, input: Record<string, unknown>, options: CallOptions = {}) {
    const asked: TokenRequest = { endpoint: spec, user: options.user };
    const token = checked(spec, typeof auth === 'string' ? { token: auth } : await auth.getToken(asked));
    try {
      return await send(spec, input, token, options.signal);
    } catch (error) {
      // Twitch did not act on a request it answered 429, so a POST or PATCH may go again: `send`
      // waits until the bucket (set from that 429's headers) refills.
      if (error instanceof RateLimitError && retries !== 0 && !IDEMPOTENT.includes(spec.method)) {
        return send(spec, input, token, options.signal);
      }
      // (A string token has no `refresh`.)
      const refreshed = error instanceof UnauthorizedError && (await (auth as AuthProvider).refresh?.(token, asked));
      if (!refreshed) throw error;
      return send(spec, input, checked(spec, refreshed), options.signal);
    }
  }

  return { clientId, validate, call };
}

/** Maps ky's errors to ours, with any trace of the token removed. */
function toTwitchError(spec: EndpointSpec, error: unknown, token: string): unknown {
  if (isHTTPError(error)) {
    // Twitch's error body: { error, status, message }.
    const body = (error.data ?? {}) as { error?: unknown; message?: unknown };
    const { response } = error;
    return helixError({
      status: response.status,
      error: String(body.error ?? response.statusText),
      // (`checked` made sure the token is not empty.)
      message: String(body.message ?? '').replaceAll(token, '[token]'),
      endpoint: spec.id,
      headers: response.headers,
    });
  }
  if (error instanceof SyntaxError) return new ValidationError(spec.id, [{ path: '', message: 'not JSON' }]);
  if (isNetworkError(error) || isTimeoutError(error)) {
    return new NetworkError(spec.id, error.message.replaceAll(token, '[token]'));
  }
  return error;
}
