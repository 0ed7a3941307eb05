// What a hostile server sends never reaches further than it should: reconnect_url is followed
// only to the configured host or Twitch, server numbers never become absurd timers, frames of the
// wrong kind or size are dropped unparsed, nothing escapes a listener, and notification types can
// never raise the socket's own events.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventSubSocketOptions } from '../../src/eventsub/socket.js';
import { waitFor } from '../../src/eventsub/listen.js';
import { BASE, healthy, hostile, metadata, record, subscriptionOf, type Behaviour, type Hostile } from './hostile.helpers.js';

let h: Hostile;
afterEach(() => h.stop());

const MAX_TIMER = 2 ** 31 - 1;

/** A socket subscribed on a server that behaved for a minute (so its session is healthy). */
async function settled(behaviour: Behaviour = healthy, options: Partial<EventSubSocketOptions> & { url?: string; extra?: string[] } = {}) {
  const { url, extra, ...socketOptions } = options;
  h = hostile(behaviour, { url, extra });
  const socket = h.socket(socketOptions);
  const log = record(socket);
  const follows: unknown[] = [];
  socket.on('stream.online', (event) => void follows.push(event));
  const subscribing = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
  await h.tick(10);
  await subscribing;
  await h.tick(60_000);
  return { socket, log, follows, peer: h.peers.at(-1)! };
}

describe('session_reconnect is followed only to the configured host or Twitch', () => {
  const OWN = 'wss://eventsub.example.test/ws';
  const refused: [string, unknown][] = [
    ['plain ws: on the same host', 'ws://eventsub.example.test/ws'],
    ['another port', 'wss://eventsub.example.test:8443/ws'],
    ['http:', 'http://eventsub.example.test/ws'],
    ['https:', 'https://eventsub.example.test/ws'],
    ['another host', 'wss://evil.test/ws'],
    ['a host that merely starts like Twitch', 'wss://eventsub.wss.twitch.tv.evil.test/ws'],
    ['a host with twitch.tv in the path', 'wss://evil.test/.twitch.tv'],
    ['plain ws: on a Twitch host', 'ws://eventsub.wss.twitch.tv/ws'],
    ['a relative URL', '//evil.test/ws'],
    ['not a URL', 'javascript:alert(1)'],
    ['an empty string', ''],
    ['a number', 5],
    ['null', null],
  ];
  for (const [name, target] of refused) {
    it(`refuses ${name}: reports it and starts a fresh session on the configured URL`, async () => {
      const { socket, log, peer } = await settled(healthy, { url: OWN });
      const first = socket.session!.id;
      peer.reconnect(target);
      await h.tick(10);
      expect(h.opened).not.toContain(target);
      expect(h.opened.every((url) => url === OWN)).toBe(true);
      expect(log.error).toMatchObject([{ name: 'EventSubError', code: 'reconnect-url' }]);
      expect(log.disconnect).toMatchObject([{ code: 0, willReconnect: true }]);
      expect(log.reconnect).toMatchObject([{ reason: 'session_reconnect', url: OWN, attempt: 0, delay: 0 }]);
      expect(h.peers).toHaveLength(2);
      expect(socket.session!.id).not.toBe(first);
      expect(log.resubscribed).toHaveLength(1);
    });
  }

  const followed = ['wss://eventsub.example.test/other/path?reconnect_id=1', 'wss://eventsub.wss.twitch.tv/ws?reconnect_id=2'];
  for (const target of followed) {
    it(`follows ${target}`, async () => {
      const { socket, log, peer } = await settled(healthy, { url: OWN, extra: ['wss://eventsub.example.test/other/path', BASE] });
      const session = socket.session!.id;
      h.behaviour = (next) => next.welcome({ id: session });
      peer.reconnect(target);
      await h.tick(10);
      expect(h.opened.at(-1)).toBe(target);
      expect(log.error).toEqual([]);
      expect(log.session.at(-1)).toMatchObject({ resumed: true });
      expect(socket.session!.id).toBe(session);
    });
  }

  it('with a plain ws: URL configured (a test server), follows ws: only to the same host and port', async () => {
    const local = 'ws://127.0.0.1:9000/ws';
    const { log, peer } = await settled(healthy, { url: local, extra: ['ws://127.0.0.1:9000/moved'] });
    h.behaviour = (next) => next.welcome({ id: peer.sessionId });
    peer.reconnect('ws://127.0.0.1:9000/moved?reconnect_id=1');
    await h.tick(10);
    expect(h.opened.at(-1)).toBe('ws://127.0.0.1:9000/moved?reconnect_id=1');
    expect(log.session.at(-1)).toMatchObject({ resumed: true });
    await h.tick(60_000);
    h.behaviour = healthy;
    for (const target of ['ws://127.0.0.1:9001/ws', 'ws://localhost:9000/ws']) {
      h.peers.at(-1)!.reconnect(target);
      await h.tick(60_000);
      expect(h.opened).not.toContain(target);
    }
    expect(log.error.map((error) => (error as { code?: string }).code)).toEqual(['reconnect-url', 'reconnect-url']);
  });
});

describe('server numbers never become absurd timers', () => {
  const absurd: unknown[] = [3_000_000, 1e308, -100, 0, 9, 601, '30', 'NaN', {}, [], true];
  for (const keepalive of absurd) {
    it(`a welcome with keepalive_timeout_seconds ${JSON.stringify(keepalive)}: reported, the asked value is used, timers stay few and in range`, async () => {
      const delays: number[] = [];
      h = hostile((peer) => peer.welcome({ keepalive_timeout_seconds: keepalive }));
      const spy = vi.spyOn(globalThis, 'setTimeout');
      const socket = h.socket({ keepaliveTimeoutSeconds: 20, validate: false });
      const log = record(socket);
      const connecting = socket.connect();
      await h.tick(10);
      await connecting;
      expect(log.error).toMatchObject([{ code: 'keepalive' }]);
      // The server stays silent: the watchdog runs on the asked 20 s plus the 5 s grace.
      await h.tick(24_900);
      expect(log.disconnect).toEqual([]);
      await h.tick(200);
      expect(log.disconnect).toMatchObject([{ code: 0, reason: 'no message within the keepalive time' }]);
      for (const call of spy.mock.calls) delays.push(Number(call[1] ?? 0));
      spy.mockRestore();
      expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER);
      expect(delays.length).toBeLessThanOrEqual(10); // 25 s: a handful of timers, not hundreds
    });
  }

  it('an absent keepalive (null) falls back quietly; one from 10 to 600 is used as given', async () => {
    h = hostile((peer) => peer.welcome({ keepalive_timeout_seconds: peer.url.searchParams.has('x') ? null : 600 }));
    const socket = h.socket();
    const log = record(socket);
    const connecting = socket.connect();
    await h.tick(10);
    await connecting;
    await h.tick(604_000);
    expect(log.disconnect).toEqual([]);
    await h.tick(2000);
    expect(log.disconnect).toHaveLength(1);
    expect(log.error).toEqual([]);
  });

  it('huge user options are clamped to the longest timer too (maxDelayMs, keepaliveGraceMs, waitFor)', async () => {
    const { socket } = await settled(healthy, { keepaliveGraceMs: 1e12, reconnect: { maxDelayMs: Infinity, minDelayMs: 1e12 } });
    const spy = vi.spyOn(globalThis, 'setTimeout');
    waitFor(socket, 'stream.online', { timeout: 1e15 }).catch(() => {});
    h.behaviour = (peer) => peer.close(4000);
    h.peers.at(-1)!.close(4000);
    await h.tick(60_000);
    const delays = spy.mock.calls.map((call) => Number(call[1] ?? 0));
    spy.mockRestore();
    expect(Math.max(...delays)).toBeLessThanOrEqual(MAX_TIMER);
    expect(h.peers.length).toBeLessThanOrEqual(3); // no timer fired early into a reconnect loop
  });

  it('a flood of frames sets no timer: the watchdog only stamps the time', async () => {
    const { peer, follows } = await settled();
    const spy = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 5000; i++) peer.notify('stream.online');
    await h.tick(1000);
    const count = spy.mock.calls.length;
    spy.mockRestore();
    expect(follows).toHaveLength(5000);
    expect(count).toBeLessThanOrEqual(3);
  });
});

describe('frames of the wrong kind, shape or size', () => {
  it('with validate: false, "events": 5 / "abc" / [1] and an "event" string are refused on error, never dispatched or thrown', async () => {
    const { socket, log, follows, peer } = await settled(healthy, { validate: false });
    peer.notify('stream.online', { event: undefined, events: 5 });
    peer.notify('stream.online', { event: undefined, events: 'abc' });
    peer.notify('stream.online', { event: undefined, events: [1] });
    peer.notify('stream.online', { event: 'abc' });
    peer.notify('stream.online', { subscription: 5 });
    peer.send({ metadata: metadata('notification'), payload: 'abc' });
    peer.send({ metadata: 5, payload: {} });
    peer.notify('stream.online');
    await h.tick(10);
    expect(follows).toEqual([{ user_id: '1' }]);
    expect(log.error.map((error) => error.name)).toEqual(Array(7).fill('ValidationError'));
    expect(socket.state).toBe('connected');
  });

  it('a frame that is not text is dropped and reported (EventSubError frame)', async () => {
    const { socket, log, follows, peer } = await settled();
    peer.send(new TextEncoder().encode(JSON.stringify({ metadata: metadata('session_keepalive'), payload: {} })).buffer as ArrayBuffer);
    peer.notify('stream.online');
    await h.tick(10);
    expect(log.error).toMatchObject([{ name: 'EventSubError', code: 'frame' }]);
    expect(follows).toHaveLength(1);
    expect(socket.state).toBe('connected');
  });

  it('a frame longer than maxFrameLength is dropped unparsed and reported', async () => {
    const { log, follows, peer } = await settled(healthy, { maxFrameLength: 2000 });
    peer.notify('stream.online', { event: { user_id: 'x'.repeat(2000) } });
    peer.send(`{${' '.repeat(3000)}`); // not JSON either: a frame error, not a parse error, proves it was not parsed
    peer.notify('stream.online');
    await h.tick(10);
    expect(log.error.map((error) => [error.name, (error as { code?: string }).code])).toEqual([
      ['EventSubError', 'frame'],
      ['EventSubError', 'frame'],
    ]);
    expect(follows).toEqual([{ user_id: '1' }]);
  });

  it('the default limit is 1 MiB', async () => {
    const { log, follows, peer } = await settled();
    peer.send(`{${' '.repeat(1 << 20)}`);
    peer.notify('stream.online', { event: { user_id: 'y'.repeat(900_000) } });
    await h.tick(10);
    expect(log.error).toMatchObject([{ code: 'frame' }]);
    expect(follows).toHaveLength(1);
  });

  it('an error listener that throws does not take the socket down', async () => {
    const { socket, follows, peer } = await settled();
    socket.on('error', () => {
      throw new Error('a broken error listener');
    });
    peer.send('garbage');
    peer.notify('stream.online');
    await h.tick(10);
    expect(follows).toHaveLength(1);
    expect(socket.state).toBe('connected');
  });
});

describe('notification types live apart from the socket’s own events', () => {
  const types = ['error', 'session', 'reconnect', 'disconnect', 'resubscribed', 'revocation', 'notification', '__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString'];

  it('a notification of any type never raises a socket event, and prototype names reach nothing', async () => {
    const { socket, log, peer } = await settled();
    const reached: string[] = [];
    for (const type of ['__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString']) {
      socket.on(type as 'stream.online', () => void reached.push(type));
    }
    for (const type of types) peer.notify(type, { subscription: subscriptionOf(type, peer.sessionId) });
    await h.tick(10);
    // Every one is a notification (the `notification` event sees all frames), and nothing more.
    expect(log.notification.map((message) => message.payload.subscription.type)).toEqual(types);
    expect(log.error).toEqual([]);
    expect(log.session).toHaveLength(1);
    expect(log.reconnect).toEqual([]);
    expect(log.disconnect).toEqual([]);
    expect(log.resubscribed).toEqual([]);
    expect(log.revocation).toEqual([]);
    expect(reached).toEqual([]);
    expect(socket.state).toBe('connected');
  });

  it('with schemas and strict validation, prototype-named types neither crash nor find a schema', async () => {
    const { channelFollowV2 } = await import('../../src/eventsub/schemas.js');
    const { log, peer } = await settled(healthy, { schemas: [channelFollowV2], validate: 'strict' });
    for (const type of types) peer.notify(type, { subscription: subscriptionOf(type, peer.sessionId) });
    await h.tick(10);
    expect(log.notification).toHaveLength(types.length);
    expect(log.error).toEqual([]);
  });
});

describe('the fake server answers revocations for hostile types too', () => {
  it('a revocation named like a socket event is a revocation, nothing else', async () => {
    const { log, peer } = await settled();
    peer.send({ metadata: metadata('revocation', { subscription_type: 'error', subscription_version: '1' }), payload: { subscription: subscriptionOf('error') } });
    await h.tick(10);
    expect(log.revocation).toHaveLength(1);
    expect(log.error).toEqual([]);
  });
});
