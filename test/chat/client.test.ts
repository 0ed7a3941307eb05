import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { ChatClient, ChatError, IrcParseError } from '../../src/chat/index.js';
import { InputError } from '../../src/errors.js';
import { corpus } from './corpus.js';
import { startIrcServer, until, type FakeIrcServer } from './irc-server.js';
import { record } from './record.js';

const TOKEN = 'tok3nSECRETvalue42';
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

const privmsgCount = () => server.lines.filter((line) => line.includes('PRIVMSG')).length;

describe('reading chat anonymously', () => {
  it('logs in as justinfan with the tags and commands capabilities, joins and emits messages', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    await client.join('#LakeSide');

    const first = server.connections[0]!;
    expect(first[0]).toBe('CAP REQ :twitch.tv/tags twitch.tv/commands');
    expect(first.some((line) => line.startsWith('PASS'))).toBe(false);
    expect(first).toContain(`NICK ${client.login}`);
    expect(client.login).toMatch(/^justinfan\d+$/);
    expect(first).toContain('JOIN #lakeside');
    expect(seen.connected).toEqual([{ login: client.login }]);
    expect(seen.join).toEqual([{ channel: 'lakeside', login: client.login, self: true }]);
    expect(seen.roomstate?.[0]).toMatchObject({ channel: 'lakeside', followersOnly: -1, slow: 0, subsOnly: false });
    expect(client.channels).toEqual(['lakeside']);

    server.send(corpus.privmsg);
    server.send(`${corpus.emojiEmote}\r\n${corpus.action}`);
    await until(() => seen.message?.length == 3, 'three messages');
    expect(seen.message![0]).toMatchObject({
      channel: 'lakeside',
      channelId: '100200300',
      id: '4f0c2d8e-1111-4aaa-9bbb-000000000001',
      text: 'hello Kappa there',
      action: false,
      userId: '555000111',
      login: 'pixelheron',
      displayName: 'PixelHeron',
      color: '#1E90FF',
      badges: { subscriber: '12', premium: '1' },
      badgeInfo: { subscriber: '14' },
      subscriber: true,
      mod: false,
      vip: false,
      emotes: [{ id: '25', name: 'Kappa', start: 6, end: 10 }],
      bits: 0,
      firstMessage: false,
      timestamp: 1700000000123,
    });
    expect(seen.message![0]!.reply).toBeUndefined();
    expect(seen.message![1]!.emotes.map((emote) => emote.name)).toEqual(['Kappa', 'Keepo']);
    expect(seen.message![2]).toMatchObject({ text: 'waves at everyone', action: true, vip: true, color: '' });
  });

  it('turns every Twitch message kind into its typed event', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    for (const line of [
      corpus.bits, corpus.reply, corpus.resub, corpus.raid, corpus.timeout, corpus.ban, corpus.clearAll,
      corpus.clearmsg, corpus.notice, corpus.roomstateSlow, corpus.whisper, corpus.names,
    ]) {
      server.send(line);
    }
    // CAP ACK, 001 and 376 came first.
    await until(() => seen.irc?.length == 15, 'all lines');

    expect(seen.message![0]).toMatchObject({ bits: 250, firstMessage: true, login: 'cheerbird' });
    expect(seen.message![1]).toMatchObject({
      mod: true,
      text: '@pixelheron welcome!',
      reply: {
        msgId: '4f0c2d8e-1111-4aaa-9bbb-000000000001',
        userId: '555000111',
        login: 'pixelheron',
        displayName: 'PixelHeron',
        text: 'hello Kappa there',
        threadMsgId: '4f0c2d8e-1111-4aaa-9bbb-000000000001',
      },
    });
    expect(seen.usernotice![0]).toMatchObject({
      msgId: 'resub',
      login: 'loyallynx',
      displayName: 'LoyalLynx',
      text: 'nine months already',
      systemMsg: 'LoyalLynx subscribed at Tier 1. They have subscribed for 9 months!\\o/',
      params: { 'cumulative-months': '9', 'sub-plan': '1000', 'sub-plan-name': 'Lakeside Club; Tier 1' },
      badgeInfo: { subscriber: '9' },
    });
    expect(seen.usernotice![1]).toMatchObject({ msgId: 'raid', text: '', params: { viewerCount: '42' } });
    expect(seen.clearchat).toMatchObject([
      { channel: 'lakeside', login: 'rowdyrat', userId: '555000888', duration: 600 },
      { login: 'spambot42', userId: '555000999', duration: undefined },
      { login: undefined, userId: undefined, duration: undefined, timestamp: 1700000007000 },
    ]);
    expect(seen.clearmsg).toMatchObject([
      { channel: 'lakeside', login: 'rowdyrat', messageId: '4f0c2d8e-1111-4aaa-9bbb-00000000000a', text: 'buy followers here' },
    ]);
    expect(seen.notice).toMatchObject([{ channel: 'lakeside', msgId: 'emote_only_on', text: 'This room is now in emote-only mode.' }]);
    expect(seen.roomstate).toEqual([expect.objectContaining({ slow: 30, emoteOnly: undefined, subsOnly: undefined })]);
    expect(seen.whisper).toMatchObject([
      { login: 'quietquail', to: 'helperbot', text: 'psst, hello', threadId: '555000123_777000111', id: '3' },
    ]);
    expect(seen.irc!.at(-1)).toMatchObject({ command: '353' });
  });

  it('answers PING with PONG', async () => {
    server = await startIrcServer();
    const client = chat();
    await client.connect();
    server.send(corpus.ping);
    await until(() => server.lines.includes('PONG :tmi.twitch.tv'), 'PONG');
  });

  it('reports an unparseable line and a throwing handler on error, and keeps going', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    client.on('message', (message) => {
      if (message.text == 'boom') throw new Error('handler failed');
    });
    await client.connect();
    server.send(':a!a@a PRIVMSG #lakeside :boom');
    server.send('@only-tags');
    server.send(':a!a@a PRIVMSG #lakeside :still here');
    await until(() => seen.message?.length == 2, 'both messages');
    expect(seen.error).toHaveLength(2);
    // A handler's error comes wrapped: a ChatError `handler` with what it threw as `cause`.
    expect(seen.error![0]).toBeInstanceOf(ChatError);
    expect(seen.error![0]).toMatchObject({ code: 'handler', cause: new Error('handler failed') });
    expect(seen.error![1]).toBeInstanceOf(IrcParseError);
  });

  it('reconnects on RECONNECT and rejoins every channel', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    await Promise.all([client.join('lakeside'), client.join('riverbank')]);
    server.send(corpus.reconnect);
    await until(() => server.connections[1]?.filter((line) => line.startsWith('JOIN')).length == 2, 'rejoin');
    expect(server.connections[1]).toEqual([
      'CAP REQ :twitch.tv/tags twitch.tv/commands',
      `NICK ${client.login}`,
      'JOIN #lakeside',
      'JOIN #riverbank',
    ]);
    await until(() => seen.join?.length == 4, 'join confirmations');
    expect(seen.connected).toHaveLength(2);
    expect(seen.disconnected?.[0]).toMatchObject({ reconnect: true });
    server.send(corpus.privmsg);
    await until(() => seen.message?.length == 1, 'a message on the new connection');
  });

  it('reconnects with backoff after an unexpected close, rejoining the channel', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    await client.join('lakeside');
    server.drop();
    await until(() => server.connections[1]?.includes('JOIN #lakeside') ?? false, 'rejoin', 5000);
    expect(seen.disconnected?.[0]).toMatchObject({ reconnect: true });
    expect(seen.reconnecting?.[0]?.attempt).toBe(1);
    expect(seen.reconnecting?.[0]?.delay).toBeGreaterThanOrEqual(500);
    expect(seen.reconnecting?.[0]?.delay).toBeLessThanOrEqual(1000);
  });

  it('pings after a silent minute and reconnects after two', async () => {
    server = await startIrcServer();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const client = chat();
    const seen = record(client);
    await client.connect();
    await client.join('lakeside');
    // The first minute saw the login traffic; the second is silent.
    await vi.advanceTimersByTimeAsync(60_000);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(server.lines).not.toContain('PING :tmi.twitch.tv');
    await vi.advanceTimersByTimeAsync(60_000);
    await until(() => server.connections[0]!.includes('PING :tmi.twitch.tv'), 'our PING');
    expect(server.connections).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60_000);
    await vi.advanceTimersByTimeAsync(10); // the immediate reconnect timer set at the window's end
    await until(() => server.connections[1]?.includes('JOIN #lakeside') ?? false, 'rejoin on a new connection');
    expect(seen.disconnected).toEqual([{ code: 1000, reconnect: true }]);
  });

  it('keeps a connection that answers our PING', async () => {
    server = await startIrcServer();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const client = chat();
    await client.connect();
    await vi.advanceTimersByTimeAsync(120_000);
    await until(() => server.lines.includes('PING :tmi.twitch.tv'), 'our PING');
    server.send(':tmi.twitch.tv PONG tmi.twitch.tv :tmi.twitch.tv');
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(60_000);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(server.connections).toHaveLength(1);
  });

  it('stops rejoining a channel after part, and can connect again after close', async () => {
    server = await startIrcServer();
    const client = chat();
    const seen = record(client);
    await client.connect();
    await Promise.all([client.join('lakeside'), client.join('riverbank')]);
    client.part('#riverbank');
    await until(() => seen.part?.length == 1, 'PART echo');
    expect(seen.part).toEqual([{ channel: 'riverbank', login: client.login, self: true }]);
    expect(client.channels).toEqual(['lakeside']);
    server.send(corpus.reconnect);
    await until(() => seen.connected?.length == 2, 'second login');
    await until(() => seen.join?.length == 3, 'rejoin');
    expect(server.connections[1]!.filter((line) => line.startsWith('JOIN'))).toEqual(['JOIN #lakeside']);

    client.close();
    expect(seen.disconnected?.at(-1)).toEqual({ code: 1000, reconnect: false });
    await client.connect();
    await until(() => server.connections[2]?.includes('JOIN #lakeside') ?? false, 'join on the third connection');
    await client.join('lakeside'); // already joined: resolves at once
  });

  it('reads globalThis.WebSocket when connecting, not when constructed', async () => {
    server = await startIrcServer();
    const client = chat();
    const urls: string[] = [];
    const Original = globalThis.WebSocket;
    class Spy extends Original {
      constructor(url: string | URL) {
        super(url);
        urls.push(String(url));
      }
    }
    vi.stubGlobal('WebSocket', Spy);
    try {
      await client.connect();
    } finally {
      vi.unstubAllGlobals();
    }
    expect(urls).toEqual([server.url]);
  });

  it('works with an injected WebSocket such as the ws package', async () => {
    server = await startIrcServer();
    const client = chat({ WebSocket: WsWebSocket as unknown as new (url: string) => WebSocket });
    const seen = record(client);
    await client.connect();
    await client.join('lakeside');
    server.send(corpus.privmsg);
    await until(() => seen.message?.length == 1, 'a message');
    expect(seen.message![0]!.text).toBe('hello Kappa there');
  });

  it('refuses to send without a token', async () => {
    server = await startIrcServer();
    const client = chat();
    await expect(client.say('lakeside', 'hi')).rejects.toMatchObject({ name: 'ChatError', code: 'anonymous' });
  });
});

describe('sending', () => {
  it('puts at most 20 of 25 quick messages on the wire in 30 s, then the rest, none lost', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const client = chat({ login: 'HelperBot', token: TOKEN });
    const sent: number[] = [];
    const says = Array.from({ length: 25 }, (_, i) => client.say('lakeside', `message ${i}`).then(() => sent.push(i)));
    await client.connect();
    await until(() => privmsgCount() >= 20, '20 messages');

    await vi.advanceTimersByTimeAsync(29_000);
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(privmsgCount()).toBe(20);
    expect(sent).toHaveLength(20);

    await vi.advanceTimersByTimeAsync(1_000);
    await until(() => privmsgCount() == 25, 'the other 5');
    await Promise.all(says);
    expect(sent).toEqual([...Array(25).keys()]);
    expect(server.lines.filter((line) => line.includes('PRIVMSG'))).toEqual(
      Array.from({ length: 25 }, (_, i) => `PRIVMSG #lakeside :message ${i}`),
    );
  });

  it('allows 100 per 30 s where USERSTATE says the user is a moderator', async () => {
    server = await startIrcServer({
      acceptPass: `oauth:${TOKEN}`,
      afterJoin: ['@badges=moderator/1;color=;display-name=HelperBot;emote-sets=0;mod=1 :tmi.twitch.tv USERSTATE #channel'],
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const client = chat({ login: 'helperbot', token: TOKEN });
    const seen = record(client);
    await client.connect();
    await client.join('lakeside');
    await until(() => seen.userstate?.length == 1, 'USERSTATE');
    expect(seen.userstate![0]).toMatchObject({ channel: 'lakeside', mod: true, login: 'helperbot' });
    const says = Array.from({ length: 101 }, (_, i) => client.say('lakeside', `m${i}`));
    await until(() => privmsgCount() >= 100, '100 messages');
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(privmsgCount()).toBe(100);
    await vi.advanceTimersByTimeAsync(30_000);
    await until(() => privmsgCount() == 101, 'the 101st');
    await Promise.all(says);
  });

  it('joins at most 20 channels per 10 s', async () => {
    server = await startIrcServer();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const client = chat();
    await client.connect();
    const joins = Array.from({ length: 25 }, (_, i) => client.join(`channel_${i}`));
    const joinCount = () => server.lines.filter((line) => line.startsWith('JOIN')).length;
    await until(() => joinCount() >= 20, '20 joins');
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(joinCount()).toBe(20);
    await vi.advanceTimersByTimeAsync(10_000);
    await Promise.all(joins);
    expect(joinCount()).toBe(25);
  });

  it('replies with the reply-parent-msg-id tag', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
    const client = chat({ login: 'helperbot', token: `oauth:${TOKEN}` });
    await client.connect();
    await client.reply('lakeside', '4f0c2d8e-1111-4aaa-9bbb-000000000001', 'thanks!');
    await until(() => privmsgCount() == 1, 'the reply');
    expect(server.lines.at(-1)).toBe('@reply-parent-msg-id=4f0c2d8e-1111-4aaa-9bbb-000000000001 PRIVMSG #lakeside :thanks!');
  });

  it('refuses text that would inject another IRC line, and bad channels', () => {
    const client = new ChatClient({ login: 'helperbot', token: TOKEN });
    expect(() => client.say('lakeside', 'hi\r\nJOIN #other')).toThrow(InputError);
    expect(() => client.say('lakeside', '')).toThrow(InputError);
    expect(() => client.say('lakeside', 'x'.repeat(501))).toThrow(InputError);
    // 500 is counted in code points: 500 emoji of two UTF-16 units each still fit.
    expect(() => client.say('lakeside', '\u{1F98A}'.repeat(501))).toThrow(InputError);
    void client.say('lakeside', '\u{1F98A}'.repeat(500)).catch(() => {});
    expect(() => client.say('lake side', 'hi')).toThrow(InputError);
    expect(() => client.reply('lakeside', 'id with space', 'hi')).toThrow(InputError);
    expect(() => client.join('#bad!name')).toThrow(InputError);
  });

  it('rejects queued messages with ChatError when closed before they are sent', async () => {
    server = await startIrcServer({ acceptPass: `oauth:${TOKEN}` });
    const client = chat({ login: 'helperbot', token: TOKEN });
    const pending = client.say('lakeside', 'never sent');
    client.close();
    await expect(pending).rejects.toBeInstanceOf(ChatError);
    await expect(pending).rejects.toMatchObject({ code: 'closed' });
    expect(privmsgCount()).toBe(0);
  });
});

describe('the token', () => {
  it('appears only in the PASS line, never in an event or error, even when the login fails', async () => {
    server = await startIrcServer({ acceptPass: 'oauth:something-else' });
    const client = chat({ login: 'helperbot', token: TOKEN });
    const seen = record(client);
    const error = await client.connect().then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(ChatError);
    expect(error).toMatchObject({ code: 'login' });
    expect(server.lines).toContain(`PASS oauth:${TOKEN}`);
    expect(seen.notice).toMatchObject([{ channel: '', text: 'Login authentication failed' }]);
    expect(seen.disconnected).toEqual([{ code: 1000, reconnect: false }]);
    const everything = [error, ...Object.values(seen).flat()];
    const dump = everything.map((item) => `${JSON.stringify(item)} ${String(item)} ${(item as Error)?.stack ?? ''}`).join('\n');
    expect(dump).not.toContain(TOKEN);
    // No reconnect loop after a refused login.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toHaveLength(1);
  });

  it('is never in events of a working session', async () => {
    server = await startIrcServer({
      acceptPass: `oauth:${TOKEN}`,
      afterJoin: ['@badges=;color=;display-name=helperbot;emote-sets=0;mod=0 :tmi.twitch.tv USERSTATE #channel'],
    });
    const client = chat({ login: 'helperbot', token: async () => TOKEN });
    const seen = record(client);
    await client.connect();
    await client.join('lakeside');
    await client.say('lakeside', 'hello');
    server.send(corpus.globaluserstate);
    server.send(corpus.reconnect);
    await until(() => seen.connected?.length == 2, 'second login');
    expect(server.lines.filter((line) => line.includes(TOKEN))).toEqual([`PASS oauth:${TOKEN}`, `PASS oauth:${TOKEN}`]);
    expect(JSON.stringify(Object.values(seen).flat())).not.toContain(TOKEN);
  });
});
