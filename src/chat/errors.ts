import { TwitchError } from '../errors.js';

/**
 * A line from Twitch chat that is not a valid IRC message. `line` holds the start of the
 * offending line, with any `oauth:` credential masked.
 */
export class IrcParseError extends TwitchError {
  override name = 'IrcParseError';
  /** What is wrong with the line, e.g. `no valid command`. */
  declare readonly reason: string;
  declare readonly line: string;
  constructor(reason: string, line: string) {
    super(`unparseable IRC line: ${reason}`);
    this.reason = reason;
    this.line = line.slice(0, 512).replace(/oauth:\S*/gi, 'oauth:***');
  }
}

/** Why a chat operation failed. */
export type ChatErrorCode =
  /** The client was closed before the operation finished. */
  | 'closed'
  /** Twitch refused the login (bad or expired token, or a login that does not match it). */
  | 'login'
  /** Sending needs a token; anonymous connections can only read. */
  | 'anonymous'
  /** Twitch refused to join the channel (suspended or unknown). */
  | 'join'
  /** One of your event handlers threw; what it threw is `cause`. The client carries on. */
  | 'handler'
  /**
   * Your `token` function threw or rejected (`cause`; the client tries again on the next
   * connection), or returned a malformed token (`cause` an `InputError`; the client stops).
   */
  | 'token'
  /**
   * The WebSocket threw (`cause`): it could not be created (a bad `url`, no WebSocket in this
   * runtime; the client stops, and `connect()` rejects with this error), or a line could not be handled.
   */
  | 'websocket';

/** A chat operation that could not complete, or a problem reported on `error`; `code` says which. */
export class ChatError extends TwitchError {
  override name = 'ChatError';
  declare readonly code: ChatErrorCode;
  constructor(code: ChatErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
