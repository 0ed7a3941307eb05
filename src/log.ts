/**
 * What helixkit tells a `log` option: plain objects, one per thing that happened, discriminated
 * by `type` and saying which part of helixkit spoke in `source`. Types only: a bundle pays for
 * the entries it builds, and builds them only when a `log` is set.
 */
import type { ValidationError } from './errors.js';

/** Which part of helixkit wrote an entry. */
export type LogSource = 'helix' | 'eventsub' | 'chat' | 'auth';

/** Which Helix request an entry is about. No input values: a query can hold a secret (a redeem code). */
interface HelixRequest {
  readonly source: 'helix';
  /** `GET`, `POST`, … */
  readonly method: string;
  /** The endpoint's path below the Helix base URL, e.g. `users`; never the query. */
  readonly path: string;
  /** 1 for the first request of a call, then one more per retry (ky's and helixkit's alike). */
  readonly attempt: number;
}

/**
 * One thing that happened, for a `log` option. No entry ever holds a token, a client secret, a
 * webhook secret or an input value; each is safe to `JSON.stringify` into any log.
 */
export type LogEntry =
  /** A Helix request is being sent. */
  | (HelixRequest & { readonly type: 'request' })
  /** Its answer arrived, `ms` milliseconds after it was sent. */
  | (HelixRequest & { readonly type: 'response'; readonly status: number; readonly ms: number })
  /**
   * The request is being sent again, after the failure in `cause`: the status of the last answer
   * (429, 5xx, or 401 once the token was refreshed), or `network` (no answer, or a timeout).
   */
  | (HelixRequest & { readonly type: 'retry'; readonly cause: number | 'network' })
  /**
   * The call waits `ms` for its token's rate-limit bucket to refill before sending (calls
   * queued behind others in flight wait without an entry). `cause`: the status of this call's
   * last answer, 429 when Twitch refused it; absent before its first request.
   */
  | (HelixRequest & { readonly type: 'wait'; readonly ms: number; readonly cause?: number | 'network' })
  /** A report in `validate: 'report'` mode, as `onInvalid` gets it: paths and types, never values (`body` stays off JSON). */
  | { readonly type: 'invalid'; readonly source: 'helix' | 'eventsub'; readonly error: ValidationError }
  /**
   * The EventSub socket starts a reconnect, `delay` ms from now, to `url` (the configured one or
   * Twitch's `reconnect_url`): the payload of its `reconnect` event.
   */
  | {
      readonly type: 'reconnect';
      readonly source: 'eventsub';
      readonly reason: 'session_reconnect' | 'keepalive_timeout' | 'closed' | 'connect_failed';
      readonly attempt: number;
      readonly delay: number;
      readonly url: string;
    }
  /** The chat client opens a new connection after `delay` ms: the payload of its `reconnecting` event. */
  | { readonly type: 'reconnect'; readonly source: 'chat'; readonly attempt: number; readonly delay: number }
  /**
   * The token manager refreshed a user's token (`user`: the user id) or fetched an app token
   * (`user` absent); `ok: false` when Twitch refused or could not be reached.
   */
  | { readonly type: 'refresh'; readonly source: 'auth'; readonly user?: string; readonly ok: boolean }
  /** The token manager asked Twitch's /validate about a user's token. */
  | { readonly type: 'validate'; readonly source: 'auth'; readonly user: string; readonly result: 'valid' | 'invalid' | 'unreachable' };

/**
 * The `log` option of `createClient`, `EventSubSocket`, `ChatClient` and `createTokenManager`.
 * `log: console.debug` prints everything; filter on `entry.type` or `entry.source` for less.
 */
export type Log = (entry: LogEntry) => void;
