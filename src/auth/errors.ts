/**
 * Errors of helixkit/auth. All extend {@link TwitchError}; none holds a token, a code, a
 * refresh token or a client secret in its message or fields.
 */
import { TwitchError } from '../errors.js';

/** Twitch's OAuth service refused a request, or a redirect carried an error. */
export class AuthError extends TwitchError {
  override name = 'AuthError';
  /**
   * Twitch's error code, e.g. `access_denied`, `authorization_pending`, `expired_token`, or the
   * message Twitch sent in its place (Twitch's token endpoint answers `{ status, message }`).
   */
  readonly error: string;
  /** Twitch's longer description, when it sent one. */
  readonly description: string;
  /** HTTP status of the answer; `0` when the error came from a redirect. */
  readonly status: number;
  constructor(init: { error: string; description?: string; status?: number; source?: string }) {
    const description = init.description ?? '';
    const prefix = init.source ? `${init.source}: ` : '';
    super(`${prefix}${init.error}${description && description !== init.error ? `: ${description}` : ''}`);
    this.error = init.error;
    this.description = description;
    this.status = init.status ?? 0;
  }
}

/**
 * The redirect's `state` is not the one this app sent: it may be forged (login CSRF), so
 * nothing in it is used.
 */
export class StateMismatchError extends TwitchError {
  override name = 'StateMismatchError';
  constructor() {
    super('the redirect carries a state that this app did not send; it was refused');
  }
}

/** A token is not (or no longer) valid: Twitch answered 401, or a refresh was refused. */
export class InvalidTokenError extends TwitchError {
  override name = 'InvalidTokenError';
  constructor(
    /** The user whose token it was; absent for app tokens and tokens not yet tied to a user. */
    readonly userId: string | undefined,
    /** What happened, in a few words (never token text). */
    readonly reason: string,
  ) {
    super(userId ? `the token of user ${userId} is invalid: ${reason}` : `the token is invalid: ${reason}`);
  }
}

/**
 * Why an id token was refused: `authorized_party` is a wrong or (with several audiences) missing
 * `azp`; `not_before` an `nbf` and `issued_at` an `iat` in the future; `malformed` includes a
 * non-numeric or absurd `exp`/`iat`/`nbf`.
 */
export type IdTokenProblem =
  | 'malformed'
  | 'algorithm'
  | 'key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'authorized_party'
  | 'expired'
  | 'not_before'
  | 'issued_at'
  | 'nonce';

/** An OpenID Connect id token failed verification; `problem` says which check. */
export class IdTokenError extends TwitchError {
  override name = 'IdTokenError';
  constructor(
    readonly problem: IdTokenProblem,
    message: string,
  ) {
    super(`id token refused (${problem}): ${message}`);
  }
}

/** Why a login popup gave up. */
export type PopupProblem = 'blocked' | 'closed' | 'timeout';

/** `loginWithPopup` could not finish: the popup was blocked, closed by the user, or timed out. */
export class PopupError extends TwitchError {
  override name = 'PopupError';
  constructor(readonly problem: PopupProblem) {
    super(
      problem === 'blocked' ? 'the browser blocked the login popup; call loginWithPopup from a click handler'
      : problem === 'closed' ? 'the login popup was closed before the login finished'
      : 'the login popup did not finish in time',
    );
  }
}

/** The token manager holds no token that fits the call; the message says what to add. */
export class NoTokenError extends TwitchError {
  override name = 'NoTokenError';
  constructor(
    /** The endpoint id, e.g. `get-users`. */
    readonly endpoint: string,
    message: string,
  ) {
    super(`${endpoint}: ${message}`);
  }
}

/**
 * The token store failed a read, write or delete. The token manager goes on with the pairs it
 * holds in memory and retries writes; this reports it. The store's own error is not attached (it
 * may quote what was written): `reason` is its name only.
 */
export class TokenStoreError extends TwitchError {
  override name = 'TokenStoreError';
  constructor(
    /** What failed. */
    readonly operation: 'read' | 'write' | 'delete',
    /** The store key, e.g. `user:123` (keys hold user ids, never tokens). */
    readonly key: string,
    /** Failures in a row for this key, from 1. */
    readonly attempt: number,
    /** Milliseconds until the next try, or `undefined` when the next use of the token retries. */
    readonly retryIn: number | undefined,
    /** The name of the store's error, e.g. `QuotaExceededError`. */
    readonly reason: string,
  ) {
    super(
      `the token store failed to ${operation} ${key} (${reason}, attempt ${attempt}); ` +
        (operation === 'read' ? 'the tokens held in memory are used'
        : operation === 'delete' ? 'the entry may linger in the store'
        : `the tokens are kept in memory and written again ${retryIn === undefined ? 'on their next use' : `in ${retryIn / 1000} s`}`),
    );
  }
}
