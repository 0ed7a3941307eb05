// The public surface of `helixkit/chat`: re-exports only.
export { ChatClient } from './client.js';
export type { ChatClientOptions } from './client.js';
export { ChatError, IrcParseError } from './errors.js';
export type { ChatErrorCode } from './errors.js';
export { messageParts, parseBadges, parseEmotes, parseIrcMessage } from './irc.js';
export type { Emote, IrcMessage, IrcPrefix, MessagePart } from './irc.js';
export type * from './events.js';
export type { Log, LogEntry, LogSource } from '../log.js';
