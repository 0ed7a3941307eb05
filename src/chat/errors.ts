import { TwitchError } from '../errors.js';

/**
 * A line from Twitch chat that is not a valid IRC message. `line` holds the start of the
 * offending line, with any `oauth:` credential masked.
 */
export class IrcParseError extends TwitchError {
  override name = 'IrcParseError';
  readonly line: string;
  constructor(
    /** What is wrong with the line, e.g. `no command`. */
    readonly reason: string,
    line: string,
  ) {
    super(`unparseable IRC line: ${reason}`);
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
  | 'join';

/** A chat operation that could not complete; `code` says why. */
export class ChatError extends TwitchError {
  override name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
