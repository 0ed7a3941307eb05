/**
 * The typed events a {@link ChatClient} emits. Every chat event keeps the message's `tags`
 * (unescaped) so nothing Twitch sends is out of reach.
 * https://dev.twitch.tv/docs/chat/irc/#twitch-specific-irc-messages
 */
import type { ChatError, IrcParseError } from './errors.js';
import type { Emote, IrcMessage } from './irc.js';

/** Who sent a message, from its tags. */
export interface ChatUser {
  userId: string;
  login: string;
  displayName: string;
  /** `#RRGGBB`, or `''` when the user never picked a color. */
  color: string;
  /** Badge name → version, e.g. `{ subscriber: '12' }`. */
  badges: Record<string, string>;
  /** Badge name → detail, e.g. `{ subscriber: '14' }` (exact months). */
  badgeInfo: Record<string, string>;
  mod: boolean;
  subscriber: boolean;
  vip: boolean;
  broadcaster: boolean;
}

/** The message a reply answers, from the `reply-parent-*` tags. */
export interface ReplyParent {
  msgId: string;
  userId: string;
  login: string;
  displayName: string;
  text: string;
  /** Id of the message that started the thread. */
  threadMsgId: string;
}

/** A chat message (PRIVMSG). */
export interface ChatMessage extends ChatUser {
  channel: string;
  channelId: string;
  id: string;
  /** The text, without the `/me` wrapping when `action` is true. */
  text: string;
  /** Sent with `/me`. */
  action: boolean;
  emotes: Emote[];
  /** Bits cheered with the message, 0 when none. */
  bits: number;
  /** The user's first message in this channel. */
  firstMessage: boolean;
  /** Set when the message replies to another one (its text starts with `@login `). */
  reply?: ReplyParent;
  /** When Twitch received the message, epoch milliseconds. */
  timestamp: number;
  tags: Record<string, string>;
}

/** Sub, resub, gift, raid, announcement and other channel events (USERNOTICE). */
export interface ChatUserNotice extends ChatUser {
  channel: string;
  channelId: string;
  id: string;
  /** The kind: `sub`, `resub`, `subgift`, `submysterygift`, `raid`, `announcement`, `viewermilestone`, `modiversary`, … */
  msgId: string;
  /** Twitch's ready-made sentence about the event, unescaped. */
  systemMsg: string;
  /** What the user wrote with it (e.g. a resub message), or `''`. */
  text: string;
  emotes: Emote[];
  /** The `msg-param-*` tags without that prefix, e.g. `params['cumulative-months']`. */
  params: Record<string, string>;
  timestamp: number;
  tags: Record<string, string>;
}

/**
 * A viewer shared a milestone in chat (USERNOTICE `msg-id=viewermilestone`); so far Twitch sends
 * only watch streaks. Also emitted as `usernotice`.
 * https://dev.twitch.tv/docs/chat/irc/#usernotice-tags
 */
export interface ChatViewerMilestone extends ChatUserNotice {
  /** `msg-param-category`: `watch-streak` is the only category Twitch documents. */
  category: string;
  /** `msg-param-id`: the milestone's own id, not the chat message's. */
  milestoneId: string;
  /** `msg-param-value`: for a watch streak, the consecutive streams watched. */
  value?: number;
  /** `msg-param-copoReward`: channel points awarded; Twitch's doc example leaves it out. */
  reward?: number;
}

/**
 * A moderator shared their anniversary as moderator (USERNOTICE `msg-id=modiversary`). Also
 * emitted as `usernotice`.
 * https://dev.twitch.tv/docs/chat/irc/#usernotice-tags
 */
export interface ChatModiversary extends ChatUserNotice {
  /** `msg-param-months`: months as moderator of this channel. */
  months?: number;
}

/** Someone joined or left a channel. Others' joins come only with the `membership` option. */
export interface ChatMembership {
  channel: string;
  login: string;
  /** This client's own join or part. */
  self: boolean;
}

/** A server notice (NOTICE), e.g. a refused message; `msgId` names it. */
export interface ChatNotice {
  /** `''` for notices not tied to a channel. */
  channel: string;
  msgId: string;
  text: string;
  tags: Record<string, string>;
}

/** Chat was cleared, or one user was banned or timed out (CLEARCHAT). */
export interface ChatClear {
  channel: string;
  channelId: string;
  /** The banned or timed-out user; absent when the whole chat was cleared. */
  login?: string;
  userId?: string;
  /** Timeout length in seconds; absent for a permanent ban, a full clear or a value that is not an integer. */
  duration?: number;
  timestamp: number;
  tags: Record<string, string>;
}

/** One message was deleted (CLEARMSG). */
export interface ChatDelete {
  channel: string;
  /** The deleted message's author. */
  login: string;
  messageId: string;
  text: string;
  timestamp: number;
  tags: Record<string, string>;
}

/**
 * A channel's chat settings (ROOMSTATE); after a change only the changed ones are set. A number
 * Twitch sends that is not a plain integer is left out rather than read as NaN.
 */
export interface ChatRoomState {
  channel: string;
  channelId: string;
  emoteOnly?: boolean;
  /** Minutes a user must follow before chatting; -1 when followers-only is off. */
  followersOnly?: number;
  uniqueChat?: boolean;
  /** Seconds between a user's messages; 0 when slow mode is off. */
  slow?: number;
  subsOnly?: boolean;
  tags: Record<string, string>;
}

/** This client's user in a channel (USERSTATE), after joining and after each message sent. */
export interface ChatUserState extends ChatUser {
  channel: string;
  emoteSets: string[];
  tags: Record<string, string>;
}

/** This client's user after login (GLOBALUSERSTATE); not sent to anonymous connections. */
export interface ChatGlobalUserState extends ChatUser {
  emoteSets: string[];
  tags: Record<string, string>;
}

/** A whisper received (WHISPER). */
export interface ChatWhisper extends ChatUser {
  /** The login it was sent to (this client's). */
  to: string;
  id: string;
  threadId: string;
  text: string;
  emotes: Emote[];
  tags: Record<string, string>;
}

/** Every event name and what its handlers receive. */
export interface ChatEvents {
  message: ChatMessage;
  usernotice: ChatUserNotice;
  viewermilestone: ChatViewerMilestone;
  modiversary: ChatModiversary;
  join: ChatMembership;
  part: ChatMembership;
  notice: ChatNotice;
  clearchat: ChatClear;
  clearmsg: ChatDelete;
  roomstate: ChatRoomState;
  userstate: ChatUserState;
  globaluserstate: ChatGlobalUserState;
  whisper: ChatWhisper;
  /** Logged in (after every reconnect too). */
  connected: { login: string };
  /** The connection closed; `reconnect` says whether the client will open a new one. */
  disconnected: { code: number; reconnect: boolean };
  /** A new connection will be tried after `delay` milliseconds. The payload is also the client's `reconnect` log entry. */
  reconnecting: { type: 'reconnect'; source: 'chat'; attempt: number; delay: number };
  /**
   * Something went wrong that the client reports rather than throws: a line that does not parse
   * (`IrcParseError`, also for a line over 65,536 characters, dropped unread), a refused login
   * (`ChatError` `login`), or a `ChatError` wrapping in `cause` what was thrown by one of your
   * handlers (`handler`), by your token function or its malformed token (`token`), or by the
   * WebSocket (`websocket`).
   */
  error: ChatError | IrcParseError;
  /** Every line received, parsed, before the typed event. */
  irc: IrcMessage;
}
