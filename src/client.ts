import ky, { isHTTPError, SchemaValidationError, type Options } from 'ky';
import type { EndpointMeta, EndpointSpec, TokenType } from './endpoint.js';
import { helixError, InputError, MissingScopeError, NetworkError, RateLimitError, UnauthorizedError, ValidationError } from './errors.js';
import { createRateLimiter } from './rate-limit.js';

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
  let baseUrl = options.baseUrl ?? 'https://api.twitch.tv/helix/';
  if (!baseUrl.endsWith('/')) baseUrl += '/';

  // Options shared by every call, spread into each: calling ky directly skips the deep merge a
  // ky.create() instance does on every request.
  const shared: Options = {
    // Every attempt (retries included) passes here: record what Twitch's headers say about the
    // token's bucket, keyed by the Authorization header. (An afterResponse hook would cost a
    // clone of every response.)
    fetch: async (input, init) => {
      const response = await (options.fetch ?? globalThis.fetch)(input, init);
      limiter.update((input as Request).headers.get('authorization') ?? '', response.headers);
      return response;
    },
    // ky's defaults are ours: 10 s per attempt, 2 retries.
    timeout: options.timeout,
    // ky retries GET, PUT and DELETE: 429 at `Ratelimit-Reset`, 5xx and network errors with
    // backoff. POST and PATCH are never retried by ky; see `call` for their 429.
    retry: options.retry?.limit,
  };

  async function tokenFor(spec: EndpointSpec, user: string | undefined): Promise<AccessToken> {
    return checked(spec, typeof auth === 'string' ? { token: auth } : await auth.getToken({ endpoint: spec, user }));
  }

  /** Refuses, before sending, a token that cannot go in a header or lacks a scope it is known to lack. */
  function checked(spec: EndpointSpec, token: AccessToken): AccessToken {
    // A control character would make the Headers constructor throw with the token in its message.
    if (!/^[\x21-\x7e]+$/.test(token.token)) throw new InputError('auth', 'invalid characters in the token');
    const granted = token.scopes;
    const missing = granted ? spec.scopes.filter((group) => !group.some((scope) => granted.includes(scope))) : [];
    if (missing.length > 0) throw new MissingScopeError(spec.id, missing);
    return token;
  }

  async function send(spec: EndpointSpec, input: Record<string, unknown>, token: AccessToken, signal?: AbortSignal) {
    const searchParams = new URLSearchParams();
    for (const key of spec.query) {
      const value = input[key];
      if (value === undefined || value === null) continue;
      for (const item of Array.isArray(value) ? value : [value]) searchParams.append(key, String(item));
    }
    const json: Record<string, unknown> | undefined = spec.body.length > 0 ? {} : undefined;
    for (const key of spec.body) if (input[key] !== undefined) json![key] = input[key];

    const bearer = `Bearer ${token.token}`;
    try {
      // Outside ky's per-attempt timeout: an empty bucket may take up to a minute to refill.
      await limiter.take(bearer, signal);
      // A whole URL: ky resolving a base URL and search params costs more than the rest of the call.
      const query = searchParams.toString();
      const response = ky(baseUrl + spec.path + (query && `?${query}`), {
        ...shared,
        method: spec.method,
        json,
        signal,
        headers: { Authorization: bearer, 'Client-Id': clientId },
      });
      if (spec.text) return await response.text();
      if (!spec.response) return void (await response);
      // ky parses and, through Standard Schema, validates with the endpoint's valibot schema.
      return await (validate ? response.json(spec.response) : response.json());
    } catch (error) {
      throw toTwitchError(spec, error, token.token);
    }
  }

  async function call(spec: EndpointSpec, input: Record<string, unknown>, options: CallOptions = {}) {
    const token = await tokenFor(spec, options.user);
    try {
      return await send(spec, input, token, options.signal);
    } catch (error) {
      // Twitch did not act on a request it answered 429, so a POST or PATCH may go again: `send`
      // waits until the bucket (set from that 429's headers) refills.
      if (error instanceof RateLimitError && retries !== 0 && !IDEMPOTENT.includes(spec.method)) {
        return send(spec, input, token, options.signal);
      }
      const refreshed =
        error instanceof UnauthorizedError && typeof auth !== 'string' && auth.refresh
          ? await auth.refresh(token, { endpoint: spec, user: options.user })
          : undefined;
      if (!refreshed) throw error;
      return send(spec, input, checked(spec, refreshed), options.signal);
    }
  }

  return { clientId, validate, call };
}

/** Maps ky's errors to ours, with any trace of the token removed. */
function toTwitchError(spec: EndpointSpec, error: unknown, token: string): unknown {
  const scrub = (text: string) => (token ? text.replaceAll(token, '[token]') : text);
  if (isHTTPError(error)) {
    // Twitch's error body: { error, status, message }.
    const body = (error.data ?? {}) as { error?: unknown; message?: unknown };
    const { response } = error;
    return helixError({
      status: response.status,
      error: String(body.error ?? response.statusText),
      message: scrub(String(body.message ?? '')),
      endpoint: spec.id,
      headers: response.headers,
    });
  }
  if (error instanceof SchemaValidationError) {
    return new ValidationError(
      spec.id,
      error.issues.map((issue) => ({
        // valibot names each step of the path as { key }.
        path: issue.path?.map((step) => (step as { key: string }).key).join('.') ?? '',
        message: issue.message,
      })),
    );
  }
  if (error instanceof SyntaxError) return new ValidationError(spec.id, [{ path: '', message: 'not JSON' }]);
  if (error instanceof Error && /^(NetworkError|TimeoutError)$/.test(error.name)) {
    return new NetworkError(spec.id, scrub(error.message));
  }
  return error;
}
