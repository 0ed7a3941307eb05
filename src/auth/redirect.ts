/**
 * Login by leaving the page: `loginWithRedirect` sends the browser to Twitch, and
 * `completeLogin` reads the answer when Twitch sends it back, then wipes it from the address
 * bar and history.
 */
import {
  authorizeUrl,
  createState,
  parseRedirect,
  redirectParams,
  expectResponse,
  holdsAnswer,
  withoutAnswer,
  type AuthorizeOptions,
  type LoginResultFor,
  type ResponseType,
} from './authorize.js';
import { AuthError, StateMismatchError } from './errors.js';
import type { WebStorageLike } from './stores.js';

/** Where the pending login's state and nonce wait while the browser is at Twitch. */
const PENDING_KEY = 'helixkit:login';

/** Options of {@link loginWithRedirect}. */
export interface RedirectLoginOptions extends Omit<AuthorizeOptions, 'state'> {
  /** Default: a fresh random value. */
  state?: string;
  /** Default: a fresh random value when an id token is requested. */
  nonce?: string;
  /** Keeps state and nonce until the return. Default `sessionStorage`. */
  storage?: WebStorageLike;
  /** Navigates. Default `location` (anything with `assign(url)`). */
  location?: { assign(url: string): void };
}

/** Sends the browser to Twitch's authorize page; call {@link completeLogin} on the page it returns to. @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#implicit-grant-flow */
export function loginWithRedirect(options: RedirectLoginOptions): void {
  const responseType = options.responseType ?? 'token';
  const state = options.state ?? createState();
  const nonce = options.nonce ?? (responseType.includes('id_token') ? createState() : undefined);
  (options.storage ?? globalThis.sessionStorage).setItem(PENDING_KEY, JSON.stringify({ state, nonce, responseType }));
  (options.location ?? globalThis.location).assign(authorizeUrl({ ...options, responseType, state, nonce }));
}

/** Options of {@link completeLogin}. */
export interface CompleteLoginOptions<T extends ResponseType = 'token'> {
  /** The `responseType` given to {@link loginWithRedirect}. Default `token`. */
  responseType?: T;
  /** The address Twitch returned to. Default `location.href`. */
  url?: string;
  /** Where {@link loginWithRedirect} kept the state. Default `sessionStorage`. */
  storage?: WebStorageLike;
  /** Used to rewrite the address without the answer. Default `history` (its `state` and `replaceState`). */
  history?: { readonly state: unknown; replaceState(data: unknown, unused: string, url?: string | null): void };
}

/**
 * Finishes a redirect login: removes the answer (token, code, state) from the address bar and
 * the history entry, then checks and returns it. Only the answer's fields go: the app's own
 * fragment (a hash-router route), query and path stay exactly as they were, and a fragment that
 * held nothing but the answer leaves no `#`. Returns `undefined`, touching nothing, when the page
 * was not reached from a login: the address holds no `access_token`, `code`, `id_token` or `error`.
 */
export function completeLogin<T extends ResponseType = 'token'>(options: CompleteLoginOptions<T> = {}): LoginResultFor<T> | undefined {
  const href = options.url ?? globalThis.location.href;
  // An answer has a token, code, id token or error; `state` alone is the app's own parameter.
  if (!holdsAnswer(redirectParams(href))) return undefined;

  // Wipe first, so the token leaves the address bar and history even if it is refused below.
  const history = options.history ?? globalThis.history;
  history.replaceState(history.state, '', withoutAnswer(href));

  const storage = options.storage ?? globalThis.sessionStorage;
  const pending = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  let expected: { state?: unknown; nonce?: unknown; responseType?: unknown } = {};
  try {
    expected = pending ? JSON.parse(pending) : {};
  } catch {
    // A damaged entry is the same as none.
  }
  if (typeof expected.state !== 'string') throw new StateMismatchError();
  const result = parseRedirect(href, {
    state: expected.state,
    nonce: typeof expected.nonce === 'string' ? expected.nonce : undefined,
  });
  const responseType = options.responseType ?? ('token' as T);
  if (expected.responseType !== undefined && expected.responseType !== responseType) {
    throw new AuthError({
      error: 'invalid_response',
      description: `the login asked for "${String(expected.responseType)}" but completeLogin expects "${responseType}"; pass the same responseType`,
      source: 'authorize',
    });
  }
  return expectResponse(result, responseType);
}
