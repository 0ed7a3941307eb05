// ChatClient against hostile servers and bad input, on a loopback WebSocket server (127.0.0.1).
// Anything about time runs on fake timers; counts of connections, events and timers are asserted,
// never how long something took.
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { ChatClient, ChatError, IrcParseError } from '../../src/chat/index.js';
import { InputError } from '../../src/errors.js';
import { corpus } from './corpus.js';
import { startIrcServer, until, type FakeIrcServer, type FakeIrcServerOptions } from './irc-server.js';
import { record, type Seen } from './record.js';

const TOKEN = 'q8vz1hostiletok3nx7w2';
const FAKE: Parameters<typeof vi.useFakeTimers>[0] = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] };
let server: FakeIrcServer;
let clients: ChatClient[];

beforeEach(() => {
  clients = [];
});
afterEach(async () => {
  for (const client of clients) client.close();
  vi.useRealTimers();
  await server?.close();
});

function chat(options: ConstructorParameters<typeof ChatClient>[0] = {}) {
  const client = new ChatClient({ url: server.url, ...options });
  clients.push(client);
  return client;
}

/** Lets loopback I/O run without moving fake time. */
const settle = async () => {
  for (let i = 0; i < 30; i++) await new Promise((resolve) => setImmediate(resolve));
};

/**
 * Follows the client through `span` ms of fake time one planned reconnect at a time: time moves on
 * by the delay the client planned, then the server must see the new connection. Stops early after
 * 40 connections (a storm). Returns the fake times at which the server accepted each connection.
 */
async function connectionTimes(seen: Seen, span: number): Promise<number[]> {
  const end = Date.now() + span;
  for (let i = 1; i <= 40; i++) {
    await until(() => (seen.reconnecting?.length ?? 0) >= i, `reconnect plan ${i}`);
    const { delay } = seen.reconnecting![i - 1]!;
    if (Date.now() + delay > end) break;
    await vi.advanceTimersByTimeAsync(delay);
    await until(() => server.connections.length > i, `connection ${i + 1}`);
  }
  return server.times.map((time) => time - server.times[0]!);
}

/** The most connections that fall in any window of `ms`. */
const busiest = (times: number[], ms: number) => Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + ms).length));

describe('reconnect storms', () => {
  it.each<[string, FakeIrcServerOptions]>([
    ['sends RECONNECT right after every welcome', { afterWelcome: [corpus.reconnect] }],
    ['closes every connection right after the welcome', { closeAfterWelcome: true }],
    ['closes every connection as soon as it is accepted', { closeOnConnect: true }],
  ])('a server that %s gets a handful of connections a minute, never a storm', async (_, options) => {
    server = await startIrcServer(options);
    vi.useFakeTimers(FAKE);
    const client = chat();
    const seen = record(client);
    client.connect().catch(() => {}); // never resolves against a server that closes at once
    const times = await connectionTimes(seen, 60_000);
    expect(times.length).toBeGreaterThanOrEqual(5); // it does keep trying
    expect(times.length).toBeLessThanOrEqual(10);
    expect(busiest(times, 5_000)).toBeLessThanOrEqual(4);
    // The delays only grow, up to the 30 s cap.
    const delays = seen.reconnecting!.map((event) => event.delay);
    for (let i = 2; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(Math.min(delays[i - 1]! / 2, 15_000));
    expect(Math.max(...delays)).toBeLessThanOrEqual(30_000);
  });

  it('resets the backoff only after a connection stayed logged in for 30 s', async () => {
    server = await startIrcServer();
    vi.useFakeTimers(FAKE);
    const client = chat();
    const seen = record(client);
    const welcomed = (n: number) => until(() => seen.connected?.length == n, `welcome ${n}`);
    const planned = (n: number) => until(() => seen.reconnecting?.length == n, `reconnect plan ${n}`);
    await client.connect();

    await vi.advanceTimersByTimeAsync(31_000); // healthy
    server.drop();
    await planned(1);
    expect(seen.reconnecting![0]).toMatchObject({ attempt: 1 });
    expect(seen.reconnecting![0]!.delay).toBeGreaterThanOrEqual(500);
    expect(seen.reconnecting![0]!.delay).toBeLessThanOrEqual(1_000);

    await vi.advanceTimersByTimeAsync(seen.reconnecting![0]!.delay);
    await welcomed(2);
    server.drop(); // welcomed, but gone at once: no reset
    await planned(2);
    expect(seen.reconnecting![1]).toMatchObject({ attempt: 2 });
    expect(seen.reconnecting![1]!.delay).toBeGreaterThanOrEqual(1_000);

    await vi.advanceTimersByTimeAsync(seen.reconnecting![1]!.delay);
    await welcomed(3);
    await vi.advanceTimersByTimeAsync(31_000); // healthy again
    server.send(corpus.reconnect); // Twitch's own RECONNECT after a good run is followed at once
    await planned(3);
    expect(seen.reconnecting![2]).toEqual({ type: 'reconnect', source: 'chat', attempt: 1, delay: 0 });
    await vi.advanceTimersByTimeAsync(0);
    await welcomed(4);
  });

  it('follows a frame of 1,000 RECONNECTs once', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    server.frame(`${corpus.reconnect}\r\n`.repeat(1_000));
    await until(() => seen.connected?.length == 2, 'the new connection');
    await settle();
    expect(seen.reconnecting).toEqual([{ type: 'reconnect', source: 'chat', attempt: 1, delay: 0 }]);
    expect(seen.disconnected).toHaveLength(1);
    expect(server.connections).toHaveLength(2);
  });

  it('stays closed when a disconnected handler closes the client during a RECONNECT', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    client.on('disconnected', () => client.close());
    await client.connect();
    server.send(corpus.reconnect);
    await until(() => seen.disconnected?.length == 1, 'the disconnect');
    await settle();
    expect(seen.disconnected).toEqual([{ code: 1000, reconnect: true }]);
    expect(seen.reconnecting).toBeUndefined();
    expect(server.connections).toHaveLength(1);
  });
});

describe('frames and lines cost time linear in their size', () => {
  it('a frame of 200,000 line endings around one message dispatches that message and nothing else', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    const before = seen.irc!.length;
    server.frame(`${'\r\n'.repeat(100_000)}${corpus.privmsg}${'\n'.repeat(100_000)}`);
    await until(() => seen.message?.length == 1, 'the message');
    await settle();
    expect(seen.irc!.length - before).toBe(1);
    expect(seen.error).toBeUndefined();
  });

  it('a 1 MB line is dropped unread and reported, and the lines around it still arrive', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    const huge = `:a!a@a.tmi.twitch.tv PRIVMSG #lakeside :${'x'.repeat(1_000_000)}`;
    server.frame(`${corpus.privmsg}\r\n${huge}\r\n${corpus.action}\r\n`);
    await until(() => seen.message?.length == 2, 'the two small messages');
    expect(seen.error).toHaveLength(1);
    const error = seen.error![0] as IrcParseError;
    expect(error).toBeInstanceOf(IrcParseError);
    expect(error.reason).toBe('longer than 65536 characters');
    expect(error.line.length).toBeLessThanOrEqual(512);
    // Still usable: the next frame is read as usual.
    server.send(corpus.emojiEmote);
    await until(() => seen.message?.length == 3, 'a message after it');
  });
});

describe('nothing that would add an IRC line is ever written', () => {
  const BREAKS = ['\r\n', '\n', '\r', '\0'];

  it('refuses a login, a static token or a bad option with InputError at construction', () => {
    for (const cut of BREAKS) {
      expect(() => new ChatClient({ login: `bot${cut}JOIN #x` })).toThrow(expect.objectContaining({ name: 'InputError', param: 'login' }));
      expect(() => new ChatClient({ login: `bot${cut}x`, token: TOKEN })).toThrow(expect.objectContaining({ param: 'login' }));
      expect(() => new ChatClient({ login: 'bot', token: `${TOKEN}${cut}JOIN #x` })).toThrow(expect.objectContaining({ param: 'token' }));
    }
    expect(() => new ChatClient({ login: 'bot', token: `oauth:${TOKEN} x` })).toThrow(InputError);
    expect(() => new ChatClient({ login: 'bot', token: 'oauth:' })).toThrow(InputError);
  });

  it('refuses every field of join, part, say and reply before anything is queued', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
    const client = chat({ login: 'helperbot', token: TOKEN });
    await client.connect();
    await client.join('lakeside');
    const written = server.lines.length;
    const id = '4f0c2d8e-1111-4aaa-9bbb-000000000001';
    for (const cut of BREAKS) {
      const param = (fn: () => unknown) => {
        try {
          fn();
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
          return (error as InputError).param;
        }
        return 'nothing thrown';
      };
      expect(param(() => client.join(`lake${cut}side`))).toBe('channel');
      expect(param(() => client.part(`lake${cut}side`))).toBe('channel');
      expect(param(() => client.say(`lake${cut}side`, 'hi'))).toBe('channel');
      expect(param(() => client.say('lakeside', `hi${cut}JOIN #other`))).toBe('text');
      expect(param(() => client.reply('lakeside', id, `hi${cut}PART #lakeside`))).toBe('text');
      expect(param(() => client.reply('lakeside', `${id}${cut}PRIVMSG #x :y`, 'hi'))).toBe('parentMsgId');
      expect(param(() => client.reply(`lake${cut}side`, id, 'hi'))).toBe('channel');
    }
    await client.say('lakeside', 'still fine');
    await until(() => server.lines.length == written + 1, 'the good message');
    expect(server.lines.slice(written)).toEqual(['PRIVMSG #lakeside :still fine']);
  });

  it('refuses a token function that returns a line break, before CAP, PASS or NICK', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
    const client = chat({ login: 'helperbot', token: async () => `${TOKEN}\r\nJOIN #lakeside` });
    const seen = record(client);
    const error = await client.connect().then(() => undefined, (reason: unknown) => reason);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ param: 'token' });
    // reported as a ChatError `token` whose cause is the InputError
    expect(seen.error).toEqual([expect.objectContaining({ code: 'token', cause: error })]);
    await settle();
    expect(server.connections).toHaveLength(1);
    expect(server.lines).toEqual([]);
    expect(`${String(error)} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain(TOKEN);
  });
});

describe('the token is never in an error, event or inspection', () => {
  it('masks the token when the server echoes PASS, names it in a NOTICE or in a line that fails to parse', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}`, echo: true });
    const client = chat({ login: 'helperbot', token: () => `oauth:${TOKEN}` });
    const seen = record(client);
    await client.connect();
    server.send(`:tmi.twitch.tv NOTICE * :Login was oauth:${TOKEN} and ${TOKEN}`);
    server.send(`@display-name=x :x!x@x.tmi.twitch.tv PRIVMSG #lakeside :my token is ${TOKEN}`);
    server.send(`@broken-${TOKEN}`);
    await until(() => seen.error?.length == 1 && seen.message?.length == 1, 'the three lines');

    expect(server.lines).toContain(`PASS oauth:${TOKEN}`); // it did go out, once, in PASS
    expect(seen.irc!.map((m) => m.raw)).toContain('PASS oauth:***');
    expect(seen.notice).toMatchObject([{ text: 'Login was oauth:*** and ***' }]);
    expect(seen.message![0]!.text).toBe('my token is ***');
    expect(seen.error![0]).toBeInstanceOf(IrcParseError);
    const everything = Object.values(seen).flat();
    const dump = [
      JSON.stringify(everything),
      ...everything.map((item) => `${String(item)} ${(item as Error)?.stack ?? ''}`),
      inspect(everything, { depth: 20, showHidden: true }),
      inspect(client, { depth: 20, showHidden: true }),
    ].join('\n');
    expect(dump).not.toContain(TOKEN);
  });

  it('keeps it out of the InputError for a malformed token', () => {
    let caught: unknown;
    try {
      new ChatClient({ login: 'bot', token: `${TOKEN}\r\nJOIN #x` });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputError);
    const dump = `${String(caught)} ${JSON.stringify(caught)} ${inspect(caught, { showHidden: true })} ${(caught as Error).stack}`;
    expect(dump).not.toContain(TOKEN);
  });
});

describe('untrusted shapes', () => {
  it('an invalid frame that makes the ws package emit an error is absorbed: the client reconnects', async () => {
    server = await startIrcServer();
    const client = chat({ WebSocket: WsWebSocket as unknown as new (url: string) => WebSocket });
    const seen = record(client);
    await client.connect();
    // A text frame whose payload is not UTF-8: the ws client emits 'error', then closes.
    server.raw(Uint8Array.of(0x81, 0x02, 0xc3, 0x28));
    await until(() => seen.connected?.length == 2, 'the new connection', 5_000);
    expect(seen.disconnected).toMatchObject([{ reconnect: true }]);
  });

  it('stops reading a frame once a handler closes the client, without an exception', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    client.on('message', () => client.close());
    await client.connect();
    server.frame(`${corpus.privmsg}\r\n${corpus.action}\r\n${corpus.bits}\r\n`);
    await until(() => seen.disconnected?.length == 1, 'the close');
    await settle();
    expect(seen.message).toHaveLength(1);
    expect(seen.error).toBeUndefined();
  });

  it('reports handlers that throw, including an error handler, and carries on', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    client.on('message', () => {
      throw new Error('message handler');
    });
    client.on('error', () => {
      throw new Error('error handler');
    });
    await client.connect();
    server.send(corpus.privmsg);
    server.send(corpus.action);
    await until(() => seen.message?.length == 2, 'both messages');
    expect(seen.error!.map((error) => [(error as ChatError).code, (error.cause as Error).message])).toEqual([
      ['handler', 'message handler'],
      ['handler', 'message handler'],
    ]);
  });

  it('reads numbers only when they are plain integers, and no server line adds a timer', async () => {
    server = await startIrcServer();
    vi.useFakeTimers(FAKE);
    const client = chat();
    const seen = record(client);
    await client.connect();
    const timers = vi.getTimerCount(); // the keepalive
    server.frame(
      [
        ...Array.from({ length: 500 }, () => 'PING :tmi.twitch.tv'),
        '@followers-only=1e400;room-id=1;slow=99999999999999999999;subs-only=0 :tmi.twitch.tv ROOMSTATE #lakeside',
        '@ban-duration=NaN;room-id=1;target-user-id=2;tmi-sent-ts=-Infinity :tmi.twitch.tv CLEARCHAT #lakeside :rowdyrat',
        '@bits=0x10;tmi-sent-ts=9e99 :a!a@a.tmi.twitch.tv PRIVMSG #lakeside :Cheer1',
        '@msg-id=viewermilestone;msg-param-value=Infinity;msg-param-copoReward=-0x1 :tmi.twitch.tv USERNOTICE #lakeside',
        ':tmi.twitch.tv 001 justinfan1 :Welcome, GLHF!',
        ':tmi.twitch.tv USERNOTICE',
        ':x PRIVMSG',
      ].join('\r\n'),
    );
    await until(() => seen.message?.length == 2 && server.lines.filter((line) => line.startsWith('PONG')).length == 500, 'the flood');
    expect(seen.roomstate![0]).toMatchObject({ followersOnly: undefined, slow: undefined, subsOnly: false });
    expect(seen.clearchat![0]).toMatchObject({ duration: undefined, timestamp: 0 });
    expect(seen.message![0]).toMatchObject({ bits: 0, timestamp: 0 });
    expect(seen.viewermilestone![0]).toMatchObject({ value: undefined, reward: undefined });
    expect(seen.connected).toHaveLength(1); // a second welcome on one connection changes nothing
    expect(seen.message![1]).toMatchObject({ channel: '', text: '' });
    expect(seen.error).toBeUndefined();
    expect(vi.getTimerCount()).toBe(timers);
  });
});
