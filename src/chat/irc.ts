/**
 * Parsing of Twitch's IRC lines: IRCv3 tags, prefix, command, parameters, plus the
 * Twitch-specific `emotes` and `badges` tag formats.
 * https://dev.twitch.tv/docs/chat/irc/#parsing-messages
 */
import { IrcParseError } from './errors.js';

/** The source of a message: a server name (`host` only) or `nick!user@host`. */
export interface IrcPrefix {
  nick?: string;
  user?: string;
  host?: string;
}

/** One parsed IRC line. Tag values are already unescaped. */
export interface IrcMessage {
  /** The line as received, without its line ending. */
  raw: string;
  /** IRCv3 tags by name; a tag sent without a value is `''`. */
  tags: Record<string, string>;
  prefix: IrcPrefix | null;
  /** Upper-case command or three-digit numeric, e.g. `PRIVMSG`, `001`. */
  command: string;
  /** Middle parameters, then the trailing one (without its `:`). */
  params: string[];
}

/** One emote in a message; `start`/`end` count Unicode code points, `end` inclusive. */
export interface Emote {
  id: string;
  /** The emote's text as it appears in the message, e.g. `Kappa`. */
  name: string;
  start: number;
  end: number;
}

/** A piece of a message: plain text or an emote, in message order. */
export type MessagePart = { type: 'text'; text: string } | { type: 'emote'; text: string; id: string };

const ESCAPES: Record<string, string> = { ':': ';', s: ' ', r: '\r', n: '\n' };

/** Reverses IRCv3 tag-value escaping; a trailing lone backslash is dropped. */
function unescapeTag(value: string): string {
  return value.replace(/\\(.?)/gs, (_, c: string) => ESCAPES[c] ?? c);
}

/** Splits `name<sep>value` at the first `sep`; the value is `''` when there is none. */
function pair(text: string, sep: string): [string, string] {
  const at = text.indexOf(sep);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

const fail = (reason: string, line: string): never => {
  throw new IrcParseError(reason, line);
};

/**
 * Parses one IRC line from Twitch chat in time linear in its length. Throws
 * {@link IrcParseError}, and nothing else, when the line is not valid IRC or is longer than
 * 65,536 characters. One trailing line ending is allowed; a CR, LF or NUL inside is refused.
 * https://dev.twitch.tv/docs/chat/irc/#parsing-messages
 */
export function parseIrcMessage(line: string): IrcMessage {
  if (typeof line != 'string') fail('not a string', '');
  // The longest line read, in UTF-16 code units. Twitch's own lines are a few KB at most; anything
  // longer is refused unread, so one line can never cost more than this.
  if (line.length > 65_536) fail('longer than 65536 characters', line);
  // One optional line ending; this pattern never backtracks, so it stays linear.
  const raw = line.replace(/\r?\n?$/, '');
  if (/[\r\n\0]/.test(raw)) fail('line break inside', raw);
  // `@tags`, `:nick!user@host`, command, middle parameters, ` :trailing`. Each part ends at a
  // character it cannot hold and the end always matches, so nothing backtracks far: linear time.
  const [, tagText, nick, user, host, word, middle, trailing] =
    /^(?:@([^ ]*) +)? *(?::([^ !@]*)(?:!([^ @]*))?(?:@([^ ]*))? +)? *([^ ]*)([^]*?)(?: :([^]*))?$/.exec(raw)!;
  const tags: Record<string, string> = Object.create(null);
  for (const tag of tagText?.split(';') ?? []) {
    const [key, value] = pair(tag, '=');
    if (key) tags[key] = unescapeTag(value);
    else if (tag) fail('empty tag name', raw);
  }
  const command = word!.toUpperCase();
  if (!/^([A-Z]+|\d{3})$/.test(command)) fail('no valid command', raw);
  // A server name alone (`tmi.twitch.tv`) is a host; anything else starts with a nick.
  let prefix: IrcPrefix | null = null;
  if (nick != null) {
    prefix = user == null && host == null && nick.includes('.') ? { host: nick } : { nick };
    if (user != null) prefix.user = user;
    if (host != null) prefix.host = host;
  }
  const params = middle!.split(' ').filter(Boolean);
  if (trailing != null) params.push(trailing);
  return { raw, tags, prefix, command, params };
}

/**
 * Reads the `emotes` tag (`id:start-end,start-end/id:start-end`) against the message text.
 * Positions count Unicode code points, as Twitch does. Ranges that do not fit the text, and ranges
 * overlapping an earlier one (Twitch never sends those), are skipped, so the work stays linear in
 * the text. Sorted by position.
 * https://dev.twitch.tv/docs/chat/irc/#privmsg-tags
 */
export function parseEmotes(emotesTag: string | undefined, text: string): Emote[] {
  const emotes: Emote[] = [];
  const chars = Array.from(typeof text == 'string' ? text : '');
  let id = '';
  for (const group of emotesTag ? emotesTag.split('/') : []) {
    // An id may hold a slash itself (Twitch sends such ids): a piece without ':' belongs to the next.
    const colon = (id += group).lastIndexOf(':');
    if (colon < 0) id += '/';
    else {
      for (const range of colon ? id.slice(colon + 1).split(',') : []) {
        const [, start = 1, end = 0] = /^(\d{1,9})-(\d{1,9})$/.exec(range) ?? [];
        if (+start <= +end && +end < chars.length) emotes.push({ id: id.slice(0, colon), name: '', start: +start, end: +end });
      }
      id = '';
    }
  }
  let next = 0;
  return emotes
    .sort((a, b) => a.start - b.start)
    .filter((emote) => emote.start >= next && ((next = emote.end + 1), (emote.name = chars.slice(emote.start, next).join(''))));
}

/**
 * Splits a message into text and emote parts, ready to render (e.g. emote images between
 * text nodes). Overlapping emote ranges after the first are ignored.
 */
export function messageParts(text: string, emotes: readonly Emote[]): MessagePart[] {
  const chars = Array.from(text);
  const parts: MessagePart[] = [];
  let at = 0;
  for (const emote of [...emotes].sort((a, b) => a.start - b.start)) {
    if (emote.start < at || emote.end >= chars.length) continue;
    if (emote.start > at) parts.push({ type: 'text', text: chars.slice(at, emote.start).join('') });
    parts.push({ type: 'emote', text: chars.slice(emote.start, emote.end + 1).join(''), id: emote.id });
    at = emote.end + 1;
  }
  if (at < chars.length) parts.push({ type: 'text', text: chars.slice(at).join('') });
  return parts;
}

/**
 * Reads a `badges` or `badge-info` tag (`name/version,name/version`) into a record, e.g.
 * `{ subscriber: '12', moderator: '1' }`. In `badge-info`, `subscriber` is the exact month count.
 * https://dev.twitch.tv/docs/chat/irc/#privmsg-tags
 */
export function parseBadges(badgesTag: string | undefined): Record<string, string> {
  const badges: Record<string, string> = Object.create(null);
  for (const badge of badgesTag ? badgesTag.split(',') : []) {
    const [name, version] = pair(badge, '/');
    if (name) badges[name] = version;
  }
  return badges;
}
