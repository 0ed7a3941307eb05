/**
 * A Twitch chat client over IRC-over-WebSocket: anonymous reading for overlays, sending for
 * simple bots, with Twitch's join and message limits and automatic reconnects.
 * https://dev.twitch.tv/docs/chat/irc/
 */
import { InputError } from '../errors.js';
import type { Log, LogEntry } from '../log.js';
import { ChatError, IrcParseError } from './errors.js';
import type { ChatEvents, ChatUser } from './events.js';
import { parseBadges, parseEmotes, parseIrcMessage } from './irc.js';

/** Options of {@link ChatClient}. */
export interface ChatClientOptions {
  /** Default `wss://irc-ws.chat.twitch.tv:443`. */
  url?: string;
  /**
   * The token's user login; needed with `token`. Without a token a `justinfan` name is used.
   * Must be a Twitch login (`a-z`, `0-9`, `_`, at most 25), or the constructor throws {@link InputError}.
   */
  login?: string;
  /**
   * A user access token with `chat:read` (and `chat:edit` to send), with or without `oauth:`,
   * or a function returning one (called on every connect, so a refreshed token is picked up).
   * Leave out to read anonymously. A token with a space, line break or other control character is
   * refused with {@link InputError} before anything is sent. The token never appears in an error
   * or an event: any echo of it from the server is masked as `***` before the line is read.
   */
  token?: string | (() => string | Promise<string>);
  /** Default `globalThis.WebSocket`, read when a connection opens (e.g. the `ws` package in old Node). */
  WebSocket?: new (url: string) => WebSocket;
  /** Also receive other users' JOIN and PART (the `twitch.tv/membership` capability). */
  membership?: boolean;
  /**
   * Told about reconnects as {@link LogEntry} objects (`source: 'chat'`), never the token.
   * `log: console.debug` shows them. A log that throws is reported on `error`, like a handler.
   */
  log?: Log;
}

/** A promise's settlers, and what they wait for: a channel's join, or the login (`undefined`). */
type Waiter = [resolve: () => void, reject: (error: unknown) => void, channel?: string];
/** A line queued under one of Twitch's limits; a message's promise settles when it is written. */
type Outgoing = [resolve: (() => void) | undefined, reject: ((error: unknown) => void) | undefined, channel: string, line: string];

type Handler = (event: never) => void;

/** The JOIN for a channel, queued under Twitch's join limit. */
const joinLine = (channel: string): Outgoing => [, , channel, `JOIN #${channel}`];

/**
 * Checks an input that goes on the wire, so none can carry a line break (a second IRC command).
 * The error names the field and the rule, never the value: it may be a token.
 */
function check(param: string, value: unknown, pattern: RegExp, rule: string): string {
  if (typeof value != 'string' || !pattern.test(value)) throw new InputError(param, rule);
  return value;
}

/** A login (or a channel, which is named by its owner's login), lower-cased. */
const loginOf = (param: string, value: string) => check(param, value.toLowerCase(), /^[a-z0-9_]{1,25}$/, 'must be a Twitch login');

const channelName = (channel: string) => loginOf('channel', String(channel).replace(/^#/, ''));

/** The token without `oauth:`: printable ASCII only, so it cannot break out of the PASS line. */
const bareToken = (token: unknown) =>
  check('token', typeof token == 'string' ? token.replace(/^oauth:/, '') : token, /^[!-~]{1,512}$/, 'must be a token without spaces or line breaks');

const flag = (value: string | undefined) => (value == null ? value : value == '1');
/** A number from a tag, only when it is a plain integer (so never NaN, Infinity or 1e400). */
const int = (value: string | undefined) => (/^-?\d{1,15}$/.test(value!) ? +value! : undefined);
const sets = (value = '') => value.split(',').filter(Boolean);

function userOf(t: Record<string, string>, login: string): ChatUser {
  const badges = parseBadges(t.badges);
  return {
    userId: t['user-id'] ?? '',
    login,
    displayName: t['display-name'] || login,
    color: t.color ?? '',
    badges,
    badgeInfo: parseBadges(t['badge-info']),
    mod: t.mod == '1' || 'moderator' in badges,
    subscriber: t.subscriber == '1' || 'subscriber' in badges || 'founder' in badges,
    vip: t.vip == '1' || 'vip' in badges,
    broadcaster: 'broadcaster' in badges,
  };
}

/**
 * Reads and writes Twitch chat. Without a token it reads anonymously; `say`/`reply` need one.
 * Messages are queued under Twitch's limits and never dropped: each promise resolves when its
 * line is written, or rejects with {@link ChatError} `closed` if the client closes first.
 *
 * Whatever the server sends, the client holds these limits: reconnects back off (1 s doubling to
 * 30 s, with jitter; only a connection logged in for 30 s resets it, and only a server's
 * RECONNECT after such a connection is followed at once); a line over 65,536 characters is
 * dropped and reported on `error`; no exception leaves a socket listener; no number from the
 * server sets a timer, and no timer is longer than a minute.
 * https://dev.twitch.tv/docs/chat/irc/
 */
export class ChatClient {
  readonly #options: ChatClientOptions;
  readonly #login: string;
  /** Handlers by event name (no prototype: any name is safe). */
  readonly #handlers: Record<string, Set<Handler>> = Object.create(null);
  readonly #channels = new Set<string>();
  /** Channels whose JOIN Twitch confirmed on the current connection. */
  #joined: Record<string, boolean> = Object.create(null);
  /** Channels where this user is broadcaster, moderator or VIP (per USERSTATE). */
  readonly #privileged: Record<string, boolean> = Object.create(null);
  /** The promises of `connect()` and `join()` still open. */
  #waiters: Waiter[] = [];
  #joinQueue: Outgoing[] = [];
  #sendQueue: Outgoing[] = [];
  readonly #joinTimes: number[] = [];
  readonly #sendTimes: number[] = [];
  #ws: WebSocket | undefined;
  /** Between `connect()` and `close()` (or a refused login): the client keeps a connection up. */
  #running?: boolean;
  #attempt!: number;
  /**
   * Set when Twitch welcomes the login (the client is ready): the time from which the connection
   * counts as healthy. 0 or unset: not logged in.
   */
  #ready?: number;
  /** The token sent on this connection, masked in everything received. */
  #secret?: string;
  /** Alive-timer ticks since the last line arrived (0: a line came since the last tick). */
  #quiet!: number;
  /** The keepalive while connected, the next connection's delay in between (either clear works on both). */
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pumpTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: ChatClientOptions = {}) {
    this.#options = options;
    const { token, login, log } = options;
    if (token && !login) throw new InputError('login', 'needed with a token');
    if (typeof token == 'string') bareToken(token);
    this.#login = login
      ? loginOf('login', String(login))
      : `justinfan${(10_000 + Math.random() * 89_999) | 0}`;
    // The `reconnecting` payload is the log entry.
    if (log) this.on('reconnecting', log);
  }

  /** The login used on the connection (a `justinfan` name when anonymous). */
  get login(): string {
    return this.#login;
  }

  /** The channels joined (or being joined), without `#`. */
  get channels(): string[] {
    return [...this.#channels];
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. A handler that throws is
   * reported on `error` and does not stop the client.
   */
  on<K extends keyof ChatEvents>(event: K, handler: (event: ChatEvents[K]) => void): () => void {
    const set = (this.#handlers[event] ??= new Set());
    set.add(handler as Handler);
    return () => void set.delete(handler as Handler);
  }

  #emit<K extends keyof ChatEvents>(event: K, data: ChatEvents[K]): void {
    for (const handler of this.#handlers[event] ?? []) {
      try {
        (handler as (event: ChatEvents[K]) => void)(data);
      } catch (error) {
        if (event != 'error') this.#fail('handler', error);
      }
    }
  }

  /** Reports on `error` what something outside the client threw, wrapped; returns the wrapper. */
  #fail(code: 'handler' | 'token' | 'websocket', cause: unknown): ChatError {
    const error = new ChatError(code, `${code} threw`, { cause });
    this.#emit('error', error);
    return error;
  }

  /**
   * Connects and logs in; resolves once Twitch welcomes the login, retrying with backoff
   * meanwhile. Rejects with {@link ChatError} `login` if Twitch refuses the login (then the
   * client stops), or `closed` if {@link close} comes first.
   */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#waiters.push([resolve, reject]);
      if (this.#ready) this.#settle();
      else if (!this.#running) {
        this.#running = true;
        this.#attempt = 0;
        this.#open();
      }
    });
  }

  /**
   * Joins a channel (also after every reconnect). Joins are paced at Twitch's 20 per 10 s.
   * Resolves when Twitch confirms; rejects with {@link ChatError} `join` if Twitch refuses.
   */
  join(channel: string): Promise<void> {
    const name = channelName(channel);
    return new Promise((resolve, reject) => {
      this.#waiters.push([resolve, reject, name]);
      if (this.#ready && this.#joined[name]) this.#settle(name);
      else if (!this.#channels.has(name)) {
        this.#channels.add(name);
        if (this.#ready) this.#joinQueue.push(joinLine(name));
        this.#pump();
      }
    });
  }

  /** Leaves a channel and stops rejoining it. */
  part(channel: string): void {
    const name = channelName(channel);
    this.#channels.delete(name);
    this.#joinQueue = this.#joinQueue.filter((queued) => queued[2] != name);
    this.#settle(name, new ChatError('join', `left ${name} before joining`));
    if (this.#ready) this.#ws!.send(`PART #${name}`);
  }

  /**
   * Sends a message. Queued under Twitch's limits (20 per 30 s, 100 where broadcaster, moderator
   * or VIP) and kept across reconnects until connected; resolves when written. Twitch may still
   * refuse it: watch `notice`.
   * https://dev.twitch.tv/docs/chat/irc/#sending-and-receiving-chat-messages
   */
  say(channel: string, text: string): Promise<void> {
    return this.#queue(channel, text, '');
  }

  /** Sends a message as a reply to the message with id `parentMsgId`. */
  reply(channel: string, parentMsgId: string, text: string): Promise<void> {
    check('parentMsgId', parentMsgId, /^[\w-]{1,100}$/, 'must be a message id');
    return this.#queue(channel, text, `@reply-parent-msg-id=${parentMsgId} `);
  }

  #queue(channel: string, text: string, tags: string): Promise<void> {
    const name = channelName(channel);
    // Counted in code points (the `u` flag), as Twitch counts its 500.
    check('text', text, /^(?=[^]*\S)[^\r\n\0]{1,500}$/u, 'must be one line of at most 500 characters');
    return new Promise((resolve, reject) => {
      // (Thrown in the executor: the promise rejects.)
      if (!this.#options.token) throw new ChatError('anonymous', 'sending needs a token');
      this.#sendQueue.push([resolve, reject, name, `${tags}PRIVMSG #${name} :${text}`]);
      this.#pump();
    });
  }

  /** Closes the connection for good; rejects whatever is still queued with {@link ChatError} `closed`. */
  close(): void {
    this.#shut(new ChatError('closed', 'client closed'));
  }

  #shut(error: unknown): void {
    this.#running = false;
    clearTimeout(this.#pumpTimer);
    this.#leave(1000);
    // (Rejecting runs no code before the queues are cleared: reactions wait for a microtask.)
    for (const [, reject] of [...this.#waiters, ...this.#sendQueue]) reject!(error);
    this.#waiters = [];
    this.#sendQueue = [];
  }

  #open(): void {
    const { url = 'wss://irc-ws.chat.twitch.tv:443', WebSocket: Socket = globalThis.WebSocket, token } = this.#options;
    let ws: WebSocket;
    try {
      ws = new Socket(url);
    } catch (error) {
      // A bad URL or a missing WebSocket never gets better by retrying: the client stops.
      return this.#shut(this.#fail('websocket', error));
    }
    this.#ws = ws;
    // The close that follows an error is what counts; a listener also keeps the `ws` package from throwing.
    ws.onerror = () => {};
    ws.onopen = async () => {
      // Twitch pings about every 5 minutes; a minute of silence gets our own PING, two mean a dead link.
      this.#quiet = 1;
      this.#timer = setInterval(() => {
        const quiet = this.#quiet++;
        if (quiet > 1) this.#leave(1000, true);
        else if (quiet) ws.send('PING :tmi.twitch.tv');
      }, 60_000);
      let secret;
      try {
        secret = token && bareToken(typeof token == 'function' ? await token() : token);
      } catch (error) {
        if (ws != this.#ws) return;
        this.#fail('token', error);
        // A malformed token will not get better; a token function that failed may.
        return error instanceof InputError ? this.#shut(error) : ws.close();
      }
      if (ws != this.#ws) return;
      this.#secret = secret;
      ws.send(`CAP REQ :twitch.tv/tags twitch.tv/commands${this.#options.membership ? ' twitch.tv/membership' : ''}`);
      if (secret) ws.send(`PASS oauth:${secret}`);
      ws.send(`NICK ${this.#login}`);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (ws != this.#ws || typeof event.data != 'string') return;
      this.#quiet = 0;
      // Split on CRLF or a bare LF (which ends a line too), and mask any echo of the token first.
      const data = this.#secret ? event.data.replaceAll(this.#secret, '***') : event.data;
      for (const line of data.split(/\r?\n/)) {
        // A handler may have closed the client, or the server asked for a new connection.
        if (ws != this.#ws) return;
        try {
          if (line) this.#receive(line);
        } catch (error) {
          // A line that does not parse is reported as it is; anything else comes wrapped.
          if (error instanceof IrcParseError) this.#emit('error', error);
          else this.#fail('websocket', error);
        }
      }
    };
    ws.onclose = (event: CloseEvent) => {
      if (ws == this.#ws) this.#leave(event.code);
    };
  }

  /**
   * Leaves the current connection, if any, says so on `disconnected` and, unless the client is
   * closed, schedules the next one with exponential backoff and jitter. Only the first try after a
   * healthy connection goes right away, and only when `asked` (`RECONNECT`, a dead link).
   */
  #leave(code: number, asked = false): void {
    clearTimeout(this.#timer);
    const ws = this.#ws;
    if (!ws) return;
    // Only a connection that stayed logged in a while resets the backoff, never a mere welcome.
    if (this.#ready && Date.now() >= this.#ready) this.#attempt = 0;
    this.#ws = undefined;
    this.#ready = 0;
    this.#joined = Object.create(null);
    ws.close();
    // (Always set here: only connect() opens a socket.)
    this.#emit('disconnected', { code, reconnect: this.#running! });
    if (!this.#running) return;
    const attempt = this.#attempt++;
    const delay = asked && !attempt ? 0 : (Math.min(30_000, 1000 * 2 ** attempt) * (1 + Math.random())) / 2 | 0;
    this.#emit('reconnecting', { type: 'reconnect', source: 'chat', attempt: attempt + 1, delay });
    this.#timer = setTimeout(() => this.#open(), delay);
  }

  /**
   * Writes queued joins and messages as far as Twitch's sliding windows allow, then waits for room.
   * Clamped: a clock set back must not make a huge delay (over 2^31-1 ms a timer fires at once).
   */
  #pump(): void {
    clearTimeout(this.#pumpTimer);
    if (!this.#ready) return;
    let wait = Infinity;
    for (const [queue, times, span] of [
      // Twitch's limits: 20 joins per 10 s; 20 messages per 30 s, 100 where broadcaster/mod/VIP.
      [this.#joinQueue, this.#joinTimes, 10_000],
      [this.#sendQueue, this.#sendTimes, 30_000],
    ] as const) {
      for (let item; (item = queue[0]); ) {
        const now = Date.now();
        while (times[0]! <= now - span) times.shift();
        const channel = item[2];
        const limit = span > 10_000 && (this.#privileged[channel] || channel == this.#login) ? 100 : 20;
        if (times.length >= limit) {
          wait = Math.min(wait, times.at(-limit)! + span - now);
          break;
        }
        queue.shift();
        times.push(now);
        // (Ready means a socket that is logged in.)
        this.#ws!.send(item[3]);
        item[0]?.();
      }
    }
    if (wait < Infinity) this.#pumpTimer = setTimeout(() => this.#pump(), Math.min(wait, 30_000));
  }

  #receive(line: string): void {
    const m = parseIrcMessage(line);
    this.#emit('irc', m);
    const t = m.tags;
    /** A tag's value, `''` when absent. */
    const tag = (key: string) => t[key] ?? '';
    const [target = '', text = ''] = m.params;
    const channel = target.replace(/^#/, '');
    const nick = m.prefix?.nick ?? '';
    const channelId = tag('room-id');
    const timestamp = int(t['tmi-sent-ts']) ?? 0;
    switch (m.command) {
      case 'PING':
        return this.#ws?.send(`PONG :${target || 'tmi.twitch.tv'}`);
      case 'RECONNECT':
        return this.#leave(1000, true);
      case '001': {
        if (this.#ready) return; // a second welcome on one connection changes nothing
        // A connection that stays logged in 30 s proves the server healthy and resets the backoff.
        this.#ready = Date.now() + 30_000;
        this.#joinQueue = [...this.#channels].map(joinLine);
        this.#emit('connected', { login: this.#login });
        this.#settle();
        return this.#pump();
      }
      case 'PRIVMSG': {
        const parent = (key: string) => tag(`reply-parent-${key}`);
        const parentId = parent('msg-id');
        const action = /^\x01ACTION(?: (.*))?\x01$/s.exec(text);
        const body = action ? (action[1] ?? '') : text;
        return this.#emit('message', {
          channel,
          channelId,
          id: tag('id'),
          text: body,
          action: !!action,
          ...userOf(t, nick),
          emotes: parseEmotes(t.emotes, body),
          bits: int(t.bits) ?? 0,
          firstMessage: t['first-msg'] == '1',
          reply: parentId
            ? {
                msgId: parentId,
                userId: parent('user-id'),
                login: parent('user-login'),
                displayName: parent('display-name'),
                text: parent('msg-body'),
                threadMsgId: t['reply-thread-parent-msg-id'] ?? parentId,
              }
            : undefined,
          timestamp,
          tags: t,
        });
      }
      case 'USERNOTICE': {
        const params: Record<string, string> = Object.create(null);
        for (const key in t) if (key.startsWith('msg-param-')) params[key.slice(10)] = t[key]!;
        const notice = {
          channel,
          channelId,
          id: tag('id'),
          msgId: tag('msg-id'),
          systemMsg: tag('system-msg'),
          text,
          ...userOf(t, tag('login')),
          emotes: parseEmotes(t.emotes, text),
          params,
          timestamp,
          tags: t,
        };
        this.#emit('usernotice', notice);
        if (notice.msgId == 'viewermilestone') {
          this.#emit('viewermilestone', {
            ...notice,
            category: params.category ?? '',
            milestoneId: params.id ?? '',
            value: int(params.value),
            reward: int(params.copoReward),
          });
        } else if (notice.msgId == 'modiversary') this.#emit('modiversary', { ...notice, months: int(params.months) });
        return;
      }
      case 'JOIN':
      case 'PART': {
        const self = nick == this.#login;
        const joined = m.command == 'JOIN';
        if (self) this.#joined[channel] = joined;
        if (self && joined) this.#settle(channel);
        return this.#emit(joined ? 'join' : 'part', { channel, login: nick, self });
      }
      case 'NOTICE': {
        const notice = { channel: channel == '*' ? '' : channel, msgId: tag('msg-id'), text, tags: t };
        this.#emit('notice', notice);
        // Before the welcome, a notice means the login was refused; retrying would not help.
        if (!this.#ready) {
          const error = new ChatError('login', 'login refused');
          this.#emit('error', error);
          return this.#shut(error);
        }
        if (notice.msgId == 'msg_channel_suspended') {
          this.#channels.delete(channel);
          this.#settle(channel, new ChatError('join', `cannot join ${channel}`));
        }
        return;
      }
      case 'CLEARCHAT':
        return this.#emit('clearchat', {
          channel,
          channelId,
          login: text || undefined,
          userId: t['target-user-id'],
          duration: int(t['ban-duration']),
          timestamp,
          tags: t,
        });
      case 'CLEARMSG':
        return this.#emit('clearmsg', {
          channel,
          login: tag('login'),
          messageId: tag('target-msg-id'),
          text,
          timestamp,
          tags: t,
        });
      case 'ROOMSTATE':
        return this.#emit('roomstate', {
          channel,
          channelId,
          emoteOnly: flag(t['emote-only']),
          followersOnly: int(t['followers-only']),
          uniqueChat: flag(t.r9k),
          slow: int(t.slow),
          subsOnly: flag(t['subs-only']),
          tags: t,
        });
      case 'USERSTATE': {
        const user = userOf(t, this.#login);
        this.#privileged[channel] = user.mod || user.vip || user.broadcaster;
        return this.#emit('userstate', { channel, ...user, emoteSets: sets(t['emote-sets']), tags: t });
      }
      case 'GLOBALUSERSTATE':
        return this.#emit('globaluserstate', { ...userOf(t, this.#login), emoteSets: sets(t['emote-sets']), tags: t });
      case 'WHISPER':
        return this.#emit('whisper', {
          ...userOf(t, nick),
          to: target,
          id: tag('message-id'),
          threadId: tag('thread-id'),
          text,
          emotes: parseEmotes(t.emotes, text),
          tags: t,
        });
    }
  }

  /** Resolves (or rejects) the promises of `join(channel)`, or of `connect()` without a channel. */
  #settle(channel?: string, error?: ChatError): void {
    // (Settling runs no code before the filter is done: reactions wait for a microtask.)
    this.#waiters = this.#waiters.filter(([resolve, reject, name]) => name != channel || void (error ? reject(error) : resolve()));
  }
}
