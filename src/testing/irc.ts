/**
 * The fake Twitch's chat over IRC-over-WebSocket (msw `ws` link), for `ChatClient` and other IRC
 * clients: capabilities, PASS/NICK login checked against the fake's tokens (or anonymous
 * `justinfan` reading), JOIN/PART with ROOMSTATE, PING/PONG, and PRIVMSG both ways with Twitch's
 * tags. Messages written here are handed to `onMessage` (the mock turns them into EventSub
 * chat notifications); messages from anywhere else reach IRC clients through `deliver`.
 * @see https://dev.twitch.tv/docs/chat/irc/
 */
import { ws, type WebSocketHandler } from 'msw';
import { findToken, isoTime, randomUuid, type TwitchState, type UserRecord } from './state.js';

/** Options of {@link chatIrc}. */
export interface ChatIrcOptions {
  /** The URL to answer on. Default `wss://irc-ws.chat.twitch.tv:443`. */
  url?: string;
  /** Called when a logged-in IRC client sends a chat message (not for `deliver`). */
  onMessage?: (message: { channel: UserRecord; sender: UserRecord; text: string; id: string }) => void;
}

/** The fake IRC chat: its handler and what a test or the mock drives it with. */
export interface FakeChatIrc {
  handlers: WebSocketHandler[];
  /** Sends a chat message to every IRC client in `channel`'s room. */
  deliver(channel: UserRecord, sender: UserRecord, text: string, id?: string): void;
  /** Sends Twitch's RECONNECT to every IRC client. */
  reconnect(): void;
  /** Every line IRC clients sent (PASS values masked), oldest first. */
  readonly received: readonly string[];
}

interface IrcClient {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

interface IrcConnection {
  client: IrcClient;
  nick?: string;
  user?: UserRecord;
  pass?: string;
  tags: boolean;
  rooms: Set<string>;
}

/** IRCv3 tag value escaping. */
function escapeTag(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/;/g, '\\:').replace(/ /g, '\\s').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

const tagString = (tags: Record<string, string>) =>
  '@' + Object.entries(tags).map(([key, value]) => `${key}=${escapeTag(value)}`).join(';');

/** Builds the fake IRC chat on a fake Twitch state. */
export function chatIrc(state: TwitchState, options: ChatIrcOptions = {}): FakeChatIrc {
  // Normalized as a WebSocket's URL is: `wss://host:443` becomes `wss://host/`.
  const url = new URL(options.url ?? 'wss://irc-ws.chat.twitch.tv:443');
  const link = ws.link(`${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`);
  const connections = new Set<IrcConnection>();
  const received: string[] = [];
  const byLogin = (login: string) => [...state.users.values()].find((user) => user.login === login);

  const badgesOf = (channel: UserRecord, user: UserRecord) => {
    if (user.id === channel.id) return 'broadcaster/1';
    if (state.moderators.some((m) => m.broadcaster_id === channel.id && m.user_id === user.id)) return 'moderator/1';
    if (state.vips.some((m) => m.broadcaster_id === channel.id && m.user_id === user.id)) return 'vip/1';
    return '';
  };

  function privmsg(conn: IrcConnection, channel: UserRecord, sender: UserRecord, text: string, id: string): string {
    const prefix = `:${sender.login}!${sender.login}@${sender.login}.tmi.twitch.tv PRIVMSG #${channel.login} :${text}`;
    if (!conn.tags) return prefix;
    const badges = badgesOf(channel, sender);
    return `${tagString({
      'badge-info': '',
      badges,
      color: state.chatColors.get(sender.id) ?? '',
      'display-name': sender.display_name,
      emotes: '',
      'first-msg': '0',
      flags: '',
      id,
      mod: badges.startsWith('moderator') ? '1' : '0',
      'room-id': channel.id,
      subscriber: state.subscribers.some((s) => s.broadcaster_id === channel.id && s.user_id === sender.id) ? '1' : '0',
      'tmi-sent-ts': String(state.now()),
      turbo: '0',
      'user-id': sender.id,
      'user-type': '',
    })} ${prefix}`;
  }

  function deliver(channel: UserRecord, sender: UserRecord, text: string, id: string = randomUuid(state), except?: IrcConnection): void {
    for (const conn of connections) {
      if (conn !== except && conn.rooms.has(channel.login)) conn.client.send(`${privmsg(conn, channel, sender, text, id)}\r\n`);
    }
  }

  function handle(conn: IrcConnection, line: string): void {
    const reply = (text: string) => conn.client.send(`${text}\r\n`);
    const space = line.indexOf(' ');
    const command = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const rest = space < 0 ? '' : line.slice(space + 1);
    const nick = conn.nick ?? '*';
    switch (command) {
      case 'CAP': {
        const caps = rest.replace(/^REQ :?/i, '');
        if (/twitch\.tv\/tags/.test(caps)) conn.tags = true;
        return reply(`:tmi.twitch.tv CAP * ACK :${caps}`);
      }
      case 'PASS':
        conn.pass = rest.replace(/^oauth:/, '');
        return;
      case 'NICK': {
        conn.nick = rest.trim().toLowerCase();
        const anonymous = /^justinfan\d+$/.test(conn.nick) && (conn.pass === undefined || conn.pass === 'SCHMOOPIIE');
        if (!anonymous) {
          const token = conn.pass === undefined ? undefined : findToken(state, conn.pass);
          const user = token?.userId ? state.users.get(token.userId) : undefined;
          if (!user || user.login !== conn.nick) {
            reply(':tmi.twitch.tv NOTICE * :Login authentication failed');
            return conn.client.close(1000, 'login failed');
          }
          conn.user = user;
        }
        reply(`:tmi.twitch.tv 001 ${conn.nick} :Welcome, GLHF!`);
        reply(`:tmi.twitch.tv 376 ${conn.nick} :>`);
        if (conn.user && conn.tags) {
          reply(`${tagString({ 'badge-info': '', badges: '', color: state.chatColors.get(conn.user.id) ?? '', 'display-name': conn.user.display_name, 'emote-sets': '0', 'user-id': conn.user.id, 'user-type': '' })} :tmi.twitch.tv GLOBALUSERSTATE`);
        }
        return;
      }
      case 'PING':
        return reply(`PONG ${rest || ':tmi.twitch.tv'}`);
      case 'JOIN':
        for (const name of rest.split(',').map((c) => c.trim().replace(/^#/, '').toLowerCase())) {
          const channel = byLogin(name);
          if (!channel) {
            reply(`:tmi.twitch.tv NOTICE #${name} :No channel named ${name}`);
            continue;
          }
          conn.rooms.add(name);
          reply(`:${nick}!${nick}@${nick}.tmi.twitch.tv JOIN #${name}`);
          reply(`:${nick}.tmi.twitch.tv 353 ${nick} = #${name} :${nick}`);
          reply(`:${nick}.tmi.twitch.tv 366 ${nick} #${name} :End of /NAMES list`);
          if (conn.tags) {
            if (conn.user) {
              const badges = badgesOf(channel, conn.user);
              reply(`${tagString({ 'badge-info': '', badges, color: state.chatColors.get(conn.user.id) ?? '', 'display-name': conn.user.display_name, 'emote-sets': '0', mod: badges.startsWith('moderator') ? '1' : '0', subscriber: '0', 'user-type': '' })} :tmi.twitch.tv USERSTATE #${name}`);
            }
            reply(`@emote-only=0;followers-only=-1;r9k=0;room-id=${channel.id};slow=0;subs-only=0 :tmi.twitch.tv ROOMSTATE #${name}`);
          }
        }
        return;
      case 'PART': {
        const name = rest.trim().replace(/^#/, '').toLowerCase();
        conn.rooms.delete(name);
        return reply(`:${nick}!${nick}@${nick}.tmi.twitch.tv PART #${name}`);
      }
      case 'PRIVMSG': {
        // Anonymous users cannot talk; Twitch ignores them.
        const match = /^#(\S+) :(.*)$/s.exec(rest);
        const channel = match ? byLogin(match[1]!.toLowerCase()) : undefined;
        if (!conn.user || !match || !channel || !conn.rooms.has(channel.login)) return;
        const id = randomUuid(state);
        state.chatMessages.push({ message_id: id, broadcaster_id: channel.id, sender_id: conn.user.id, message: match[2]!, sent_at: isoTime(state.now()) });
        // Twitch does not echo your own message back over IRC; everyone else in the room gets it.
        deliver(channel, conn.user, match[2]!, id, conn);
        options.onMessage?.({ channel, sender: conn.user, text: match[2]!, id });
        return;
      }
      default:
        return reply(`:tmi.twitch.tv 421 ${nick} ${command} :Unknown command`);
    }
  }

  const handler = link.addEventListener('connection', ({ client }) => {
    const conn: IrcConnection = { client: client as unknown as IrcClient, tags: false, rooms: new Set() };
    connections.add(conn);
    client.addEventListener('message', (event) => {
      for (const line of String(event.data).split(/\r?\n/)) {
        if (!line) continue;
        received.push(/^PASS /i.test(line) ? 'PASS ***' : line);
        handle(conn, line);
      }
    });
    client.addEventListener('close', () => connections.delete(conn));
  });

  return {
    handlers: [handler],
    deliver: (channel, sender, text, id) => deliver(channel, sender, text, id),
    reconnect() {
      for (const conn of connections) conn.client.send(':tmi.twitch.tv RECONNECT\r\n');
    },
    received,
  };
}
