import ky, { isNetworkError, isTimeoutError } from 'ky';
import { readText } from './body.js';
import type { EndpointMeta, EndpointSpec, TokenType } from './endpoint.js';
import { helixError, InputError, NetworkError, RateLimitError, UnauthorizedError, ValidationError, type HelixError } from './errors.js';
import type { Log, LogEntry } from './log.js';
import { createRateLimiter } from './rate-limit.js';
import { MAX_TIMER_MS, sleep } from './sleep.js';
import { check, warnOnce, type ValidateMode } from './validate.js';

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
  /** The client's `log`: a provider without a `log` of its own may write there (the token manager does). */
  readonly log?: Log;
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
  /** Helix base URL, without query or fragment (paths are appended to it as text). Default `https://api.twitch.tv/helix/`. */
  baseUrl?: string;
  /** The fetch to use. Default `globalThis.fetch`, read at each request (so mocks installed later apply). */
  fetch?: typeof fetch;
  /**
   * How response bodies are checked against their schemas. `'report'` (default): the call
   * resolves with the body as received and each mismatch goes to `onInvalid`, since Twitch often
   * sends what its reference does not say (a null, a missing field) and a failed call would cost
   * you the data. `'strict'` (or `true`): throw `ValidationError`, which still carries the body
   * on `.body`. `false`: no check.
   */
  validate?: 'report' | 'strict' | boolean;
  /**
   * Told about each body that does not match its schema in `'report'` mode. The error names
   * paths and types, never values; the body is on `error.body`. Default: one `console.warn` per
   * endpoint and path per process.
   */
  onInvalid?: (error: ValidationError) => void;
  /**
   * Retries, `limit` default 2: GET, PUT and DELETE retry a 429 once the bucket refills, and a
   * 408, 500, 502, 503, 504 or failed connection after 0.3 s, 0.6 s, 1.2 s…; POST and PATCH retry
   * only a 429, since Twitch may already have acted on anything else. A timeout is not retried.
   * `limit: 0` turns all of it off.
   */
  retry?: { limit?: number };
  /**
   * Milliseconds each request may take, from sending to the last byte of its answer. Default 10000;
   * `false` or 0 (a negative or NaN too) for none; more than 2^31-1 (about 24 days) is 2^31-1.
   */
  timeout?: number | false;
  /**
   * Told what the client does, as {@link LogEntry} objects (`source: 'helix'`): each request and
   * response (status, milliseconds), each retry and its cause, each wait for the rate limit, each
   * validation report. Entries never hold a token, a secret or an input value. EventSub sockets
   * on this client and a token manager passed as `auth` write here too unless given their own.
   * `log: console.debug` shows everything. Called synchronously and must not throw: what it
   * throws fails the call it was logging. Default: none (and then no entry is built).
   */
  log?: Log;
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
  /** How response bodies are checked (see {@link ClientOptions.validate}). */
  readonly validate: ValidateMode;
  /** Where mismatches go in `'report'` mode; EventSub sockets built on this client use it too. */
  readonly onInvalid: (error: ValidationError) => void;
  /** The `log` option; EventSub sockets built on this client, and a token manager it asks, use it too. */
  readonly log?: Log;
  /** Sends one request for an endpoint; endpoint functions call this. */
  call(spec: EndpointSpec, input: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
}

/** Creates a Helix client. @see https://dev.twitch.tv/docs/api/ */
export function createClient(options: ClientOptions): Client {
  const { clientId, auth, fetch: fetcher, log, timeout = 1e4 } = options;
  // (What `modeOf` does, written out: the call costs a getUsers bundle bytes it does not have.)
  const validate: ValidateMode = options.validate === true ? 'strict' : options.validate ?? 'report';
  const onInvalid = options.onInvalid ?? warnOnce;
  const limiter = createRateLimiter();
  const retries = options.retry?.limit ?? 2;
  const baseUrl = (options.baseUrl ?? 'https://api.twitch.tv/helix/').replace(/\/?$/, '/');

  async function call(spec: EndpointSpec, input: Record<string, unknown>, { signal, user }: CallOptions = {}) {
    const { method, path } = spec;
    const asked: TokenRequest = { endpoint: spec, user, log };
    let token: AccessToken = typeof auth === 'string' ? { token: auth } : await auth.getToken(asked);
    let refreshes = 0;
    let limited = 0;
    let failed = 0;
    // For the log: requests sent so far (ky's retries included), and why the last one failed.
    let attempt = 0;
    let cause: number | 'network' | undefined;
    // (`note?.(…)` builds no entry when there is no log.)
    const note = log && ((entry: object) => log({ source: 'helix', method, path, attempt, ...entry } as LogEntry));
    // Any trace of a secret sent, removed: a server may echo the token or a webhook `secret` of the
    // input (at any depth) in its error text, its status text or a header. (The loop refuses an
    // empty token before anything is sent.) A value of a body is JSON-written unless a string:
    // String() throws on an object whose own `toString` is no function.
    const hide = (text: unknown) => {
      let out = (typeof text == 'string' ? text : JSON.stringify(text)).replaceAll(token.token, '[secret]');
      JSON.stringify(input, (key, value) => (key === 'secret' && value && (out = out.replaceAll(value, '[secret]')), value));
      return out.slice(0, 300);
    };

    // A whole URL: ky resolving a base URL and search params costs more than the rest of the call.
    // A repeatable parameter takes an array: one `key=value` each.
    const query = new URLSearchParams(spec.query.flatMap((key) => [input[key] ?? []].flat().map((item) => [key, item as string]))).toString();
    const url = baseUrl + path + (query && `?${query}`);

    for (;;) {
      // Each token (the first, and a refreshed one) is refused before it is sent when it cannot go
      // in a header or (for a spec with scopes) lacks a scope it is known to lack. A control
      // character would make the Headers constructor throw with the token in its message. (`!-~`
      // is 0x21 to 0x7e, printable ASCII without the space, written as its two ends: 5 B shorter.)
      if (!/^[!-~]+$/.test(token.token)) throw new InputError('auth', 'invalid characters in the token');
      spec.checkScopes?.(spec, token);
      const bearer = `Bearer ${token.token}`;
      try {
        // Outside ky's per-attempt timeout: an empty bucket may take up to a minute to refill.
        const place = await limiter(bearer, signal, (ms) => note?.({ type: 'wait', ms, cause }));
        let response: Response | undefined;
        // (Undefined when the body passed the cap: it was read no further.)
        let text: string | undefined;
        let sent = 0;
        try {
          response = await ky(url, {
            // ky is given no retries: to be able to retry, it clones every Request before sending
            // it (about 1.6 µs a call in Chromium, more in Node). `call` retries instead, on ky's
            // schedule, and never after a server's delay (Retry-After), which is unchecked input;
            // every retry takes its place in the bucket again. Nor is ky asked to throw on an error
            // status: the body is read and parsed here, once, for both. ky's timer would fire at
            // once for 0, a negative or NaN timeout, and ky refuses one past 2^31-1 ms.
            retry: 0,
            timeout: (timeout as number) > 0 && Math.min(timeout as number, MAX_TIMER_MS),
            throwHttpErrors: false,
            method,
            signal,
            // (JSON leaves out the fields that are undefined.)
            json: spec.body[0] && Object.fromEntries(spec.body.map((key) => [key, input[key]])),
            // Every attempt (retries included) passes here. The two headers are set on ky's Request
            // rather than passed as `headers`, which ky would copy through three Headers objects
            // (half of ky's own cost per call).
            fetch: async (request, init) => {
              (request as Request).headers.set('authorization', bearer);
              (request as Request).headers.set('client-id', clientId);
              sent = Date.now();
              note?.({ type: attempt++ ? 'retry' : 'request', cause });
              cause = 'network';
              const answer = await (fetcher ?? globalThis.fetch)(request, init);
              // The body is read here, inside ky's timeout, so that one limit covers the headers and
              // the body (a server may stall after its headers). Helix's largest answers are a few
              // hundred KB: a body past 16 MiB is not Twitch's and is not read. (The figure written
              // where it is used: a constant of its own costs the bundle 8 B.)
              text = await readText(answer, 16 * 1024 * 1024);
              return answer;
            },
          });
        } finally {
          // The place passes on once the call is answered (the bucket then updated from Twitch's
          // headers), or failed (even before sending).
          place(response);
        }
        note?.({ type: 'response', status: (cause = response.status), ms: Date.now() - sent });
        // Twitch has acted on a 2xx: a body that is missing, not JSON or too large is delivered
        // as it came (undefined or the text) and reported, like any other mismatch.
        let body: any = text || undefined;
        let problem: ValidationError | undefined;
        try {
          body = JSON.parse(text!);
        } catch {
          problem = new ValidationError(spec.id, [{ path: '', message: text === undefined ? 'a body over 16 MiB' : text ? 'not JSON' : 'no body' }], body);
        }
        if (!response.ok) {
          // Twitch's error body: { error, status, message }.
          throw helixError({
            status: response.status,
            error: hide(body?.error ?? response.statusText),
            message: hide(body?.message ?? ''),
            endpoint: spec.id,
            headers: new Headers([...response.headers].map(([name, value]) => [name, hide(value)])),
          });
        }
        if (!spec.response) return spec.text && text;
        if (validate && (problem ??= check(spec.response, body, spec.id))) {
          if (validate === 'strict') throw problem;
          try {
            note?.({ type: 'invalid', error: problem });
            onInvalid(problem);
          } catch {
            // A failing reporter must not cost the caller the body.
          }
        }
        return body;
      } catch (caught) {
        // ky's network errors and timeouts become ours. When the last request got no response, a
        // TypeError with a system error code is the connection's failure, in words ky does not know
        // (Bun's `ECONNREFUSED: Unable to connect…`); one without is a bug in a custom fetch and
        // surfaces as itself.
        const error =
          isNetworkError(caught) || isTimeoutError(caught) || (cause === 'network' && caught instanceof TypeError && 'code' in caught)
            ? new NetworkError(spec.id, hide(caught.message))
            : caught;
        // Twitch did not act on a request it answered 429, so any method may go again, once
        // the bucket (emptied by that 429) refills. (A 429 with requests left in the bucket is
        // another limit, a subscription's cost or five conduits: the limiter leaves the bucket
        // as it is, and the retries go at once and end as this one did.)
        if (error instanceof RateLimitError && limited++ < retries) continue;
        // What ky would retry, for methods that may go twice (of the five a spec may have, all but
        // POST and PATCH: /^P[OA]/ names them in fewer bytes than two comparisons): a 408, some
        // 5xx, a failed connection.
        if (
          !/^P[OA]/.test(method) &&
          failed < retries &&
          (error instanceof NetworkError ? !isTimeoutError(caught) : [408, 500, 502, 503, 504].includes((error as HelixError).status))
        ) {
          await sleep(300 * 2 ** failed++, signal);
          continue;
        }
        // One refresh a call, counted once asked for. (A string token has no `refresh`.)
        const fresh = error instanceof UnauthorizedError && !refreshes++ && (await (auth as AuthProvider).refresh?.(token, asked));
        if (!fresh) throw error;
        token = fresh;
      }
    }
  }

  return { clientId, validate, onInvalid, log, call };
}

