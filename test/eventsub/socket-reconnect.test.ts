import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpResponse } from 'msw';
import type { EventSubSocket, EventSubSocketEvents } from '../../src/eventsub/socket.js';
import { follow, followCondition, harness, type Harness } from './socket.helpers.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.stop());

type Log = { [K in keyof EventSubSocketEvents]: EventSubSocketEvents[K][] };

/** A socket subscribed to channel.follow, with every control event and follow recorded. */
async function subscribed(options: Parameters<Harness['socket']>[0] = {}) {
  const socket = h.socket(options);
  const log: Log = { session: [], reconnect: [], disconnect: [], resubscribed: [], revocation: [], notification: [], error: [], close: [] };
  for (const name of Object.keys(log) as (keyof Log)[]) {
    socket.on(name as 'error', (value) => void (log[name] as unknown[]).push(value));
  }
  const follows: string[] = [];
  socket.on('channel.follow', (event) => void follows.push(event.user_id));
  const subscribing = socket.subscribe('channel.follow', followCondition);
  await h.tick(10);
  const subscription = await subscribing;
  return { socket, log, follows, subscription };
}

const posts = () => h.calls.filter((call) => call.method === 'POST');
const sessionOf = (socket: EventSubSocket) => socket.session!.id;

describe('keepalive watchdog', () => {
  it('keepalives keep a quiet connection alive', async () => {
    const { log } = await subscribed();
    await h.tick(120_000); // twelve keepalive periods with no notification
    expect(h.fake.connections).toHaveLength(1);
    expect(log.disconnect).toEqual([]);
  });

  it('any message resets the watchdog, not only keepalives', async () => {
    const { log, follows } = await subscribed({ keepaliveGraceMs: 1000 });
    // Notifications every 6 s while keepalives are silenced: the fake only sends a keepalive
    // after 10 s without anything, so the connection must stay alive on notifications alone.
    for (let i = 0; i < 5; i++) {
      h.fake.emit('channel.follow', follow(String(i)));
      await h.tick(6000);
    }
    expect(follows).toHaveLength(5);
    expect(h.fake.sent.filter((frame) => frame.messageType === 'session_keepalive')).toHaveLength(0);
    expect(log.disconnect).toEqual([]);
  });

  it('silence past keepalive + grace: reconnects to the base URL, re-creates subscriptions, says events may be missed', async () => {
    const { socket, log, follows, subscription } = await subscribed({ keepaliveGraceMs: 2000 });
    const firstSession = sessionOf(socket);
    h.fake.silence(60_000, firstSession);
    await h.tick(11_000);
    expect(log.disconnect).toEqual([]); // 11 s < 10 s keepalive + 2 s grace
    await h.tick(1_100);
    expect(log.disconnect).toEqual([{ code: 0, reason: 'no message within the keepalive time', willReconnect: true }]);
    await h.tick(100);
    expect(h.fake.connections).toHaveLength(2);
    expect(h.fake.connections[1]!.url).toBe('wss://eventsub.wss.twitch.tv/ws');
    const secondSession = sessionOf(socket);
    expect(secondSession).not.toBe(firstSession);
    expect(posts().at(-1)!.body).toMatchObject({ type: 'channel.follow', transport: { method: 'websocket', session_id: secondSession } });
    expect(log.resubscribed).toHaveLength(1);
    expect(log.resubscribed[0]).toMatchObject({ mayHaveMissedEvents: true, failed: [] });
    expect(log.resubscribed[0]!.subscriptions[0]!.id).not.toBe(subscription.id);
    h.fake.emit('channel.follow', follow('after'));
    await h.tick(10);
    expect(follows).toEqual(['after']);
    // the old id still unsubscribes
    const removing = socket.unsubscribe(subscription.id);
    await h.tick(10);
    await removing;
    expect(socket.subscriptions).toEqual([]);
  });

  it('a 409 while re-creating means the subscription exists: no error', async () => {
    const { log } = await subscribed();
    h.override.create = () => HttpResponse.json({ error: 'Conflict', status: 409, message: 'exists' }, { status: 409 });
    h.fake.close(4005);
    await h.tick(100);
    expect(log.error).toEqual([]);
    expect(log.resubscribed[0]!.failed).toEqual([]);
  });

  it('a 409 caused by our own subscription orphaned on the dead session: deletes it and creates it again', async () => {
    const { socket, follows, subscription } = await subscribed();
    let conflicts = 1;
    h.override.create = () =>
      conflicts-- > 0 ? HttpResponse.json({ error: 'Conflict', status: 409, message: 'exists' }, { status: 409 }) : undefined;
    h.fake.close(4006);
    await h.tick(100);
    const after = h.calls.slice(-3).map((call) => `${call.method} ${call.query.id ?? call.body?.type}`);
    expect(after).toEqual(['POST channel.follow', `DELETE ${subscription.id}`, 'POST channel.follow']);
    expect(socket.subscriptions[0]!.transport?.session_id).toBe(socket.session!.id);
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    expect(follows).toEqual(['1']);
  });

  it('a 401 while re-creating keeps the subscription, and sessions where nothing could be created back off', async () => {
    const { socket, log } = await subscribed();
    h.override.create = () => HttpResponse.json({ error: 'Unauthorized', status: 401, message: 'expired' }, { status: 401 });
    h.fake.close(4006);
    await h.tick(100);
    expect(log.error[0]).toMatchObject({ code: 'subscription' });
    expect(socket.subscriptions).toHaveLength(1); // still remembered
    await h.tick(10_000); // nothing uses the session: Twitch (the fake) closes it with 4003
    expect(log.disconnect.at(-1)).toMatchObject({ code: 4003, willReconnect: true });
    expect(log.reconnect.map((entry) => entry.attempt)).toEqual([0, 1]);
    expect(log.reconnect[1]!.delay).toBeGreaterThan(0);
    h.override.create = undefined; // the token was refreshed
    await h.tick(1000 + 5000); // the retry, then the new session settles before it is used

    expect(socket.state).toBe('connected');
    expect(socket.subscriptions[0]!.transport?.session_id).toBe(socket.session!.id);
    expect(log.resubscribed.at(-1)).toMatchObject({ failed: [] });
  });

  it('a re-creation refused because its session died mid-call waits for the next session instead of forgetting the subscription', async () => {
    const { socket, log, follows } = await subscribed();
    let once = true;
    h.override.create = () => {
      // The connection drops while the call is in flight: Helix answers 400 (no such session).
      if (once) h.fake.close(4006);
      once = false;
      return undefined;
    };
    h.fake.close(4006);
    await h.tick(10_000);
    expect(log.error.filter((error) => (error as { code?: string }).code === 'subscription')).toEqual([]);
    expect(socket.state).toBe('connected');
    expect(socket.subscriptions[0]!.transport?.session_id).toBe(socket.session!.id);
    h.fake.emit('channel.follow', follow('kept'));
    await h.tick(10);
    expect(follows).toEqual(['kept']);
  });

  it('a subscription that cannot be re-created is reported and dropped', async () => {
    const { socket, log } = await subscribed();
    h.override.create = () => HttpResponse.json({ error: 'Forbidden', status: 403, message: 'no' }, { status: 403 });
    h.fake.close(4005);
    await h.tick(100);
    expect(log.error[0]).toMatchObject({ code: 'subscription' });
    expect(log.resubscribed[0]!.failed).toHaveLength(1);
    expect(socket.subscriptions).toEqual([]);
  });
});

describe('reconnect backoff', () => {
  it('retries with exponential backoff and jitter, then resets after a healthy session', async () => {
    const { log } = await subscribed();
    h.fake.refuse(4);
    h.fake.close(4000);
    await h.tick(60_000);
    const delays = log.reconnect.map((entry) => entry.delay);
    expect(log.reconnect.map((entry) => entry.attempt)).toEqual([0, 1, 2, 3, 4]);
    expect(delays[0]).toBe(0);
    expect(delays[1]).toBeGreaterThanOrEqual(500);
    expect(delays[1]).toBeLessThanOrEqual(1000);
    expect(delays[2]).toBeGreaterThanOrEqual(1000);
    expect(delays[2]).toBeLessThanOrEqual(2000);
    expect(delays[3]).toBeGreaterThanOrEqual(2000);
    expect(delays[3]).toBeLessThanOrEqual(4000);
    expect(delays[4]).toBeGreaterThanOrEqual(4000);
    expect(delays[4]).toBeLessThanOrEqual(8000);
    expect(h.fake.connections).toHaveLength(6);
    expect(log.resubscribed).toHaveLength(1);
    // the loss of a session up for 30 s starts from an immediate retry again
    await h.tick(30_000);
    h.fake.close(4000);
    await h.tick(100);
    expect(log.reconnect.at(-1)).toMatchObject({ attempt: 0, delay: 0 });
  });

  it('jitters each delay between half and all of its ceiling', async () => {
    const { log } = await subscribed();
    const random = vi.spyOn(Math, 'random').mockReturnValue(0);
    h.fake.refuse(3);
    h.fake.close(4000);
    await h.tick(30_000);
    random.mockRestore();
    expect(log.reconnect.map((entry) => entry.delay)).toEqual([0, 500, 1000, 2000]);
  });

  it('a reconnect attempt that is never welcomed is abandoned after connectTimeoutMs and retried', async () => {
    const { socket, log } = await subscribed({ connectTimeoutMs: 4000 });
    h.fake.refuse(1, 0);
    h.fake.close(4000);
    await h.tick(100);
    expect(h.fake.connections).toHaveLength(2);
    expect(socket.state).toBe('reconnecting');
    await h.tick(4000 + 1000);
    expect(h.fake.connections).toHaveLength(3);
    expect(h.fake.connections[1]!.closed).toEqual({ by: 'client', code: 1000 });
    await h.tick(5000); // backing off: the session settles before it is used
    expect(log.resubscribed).toHaveLength(1);
    expect(socket.state).toBe('connected');
  });

  it('gives up after reconnect.attempts and says so', async () => {
    const { socket, log } = await subscribed({ reconnect: { attempts: 2, minDelayMs: 100, maxDelayMs: 100 } });
    h.fake.refuse(10);
    h.fake.close(4000);
    await h.tick(5_000);
    expect(h.fake.connections).toHaveLength(3);
    expect(log.error.at(-1)).toMatchObject({ code: 'connection', message: expect.stringMatching(/gave up/) });
    expect(socket.state).toBe('idle');
  });
});

describe('session_reconnect handover', () => {
  it('moves to reconnect_url, keeps the old socket until the welcome, closes it, does not re-subscribe', async () => {
    const { socket, log, follows } = await subscribed();
    const session = sessionOf(socket);
    const postsBefore = posts().length;
    h.fake.reconnect();
    // sent on the old connection after session_reconnect: it must still be delivered
    h.fake.emit('channel.follow', follow('during'));
    await h.tick(10);
    expect(h.fake.connections).toHaveLength(2);
    expect(h.fake.connections[1]!.url).toMatch(/reconnect_id=/);
    expect(log.session.at(-1)).toMatchObject({ resumed: true });
    h.fake.emit('channel.follow', follow('after'));
    await h.tick(10);
    expect(follows).toEqual(['during', 'after']);
    expect(posts().length).toBe(postsBefore);
    expect(log.disconnect).toEqual([]);
    expect(log.resubscribed).toEqual([]);
    expect(sessionOf(socket)).toBe(session);
    expect(log.reconnect).toEqual([{ type: 'reconnect', source: 'eventsub', reason: 'session_reconnect', attempt: 0, delay: 0, url: h.fake.connections[1]!.url }]);
    // the client itself closed the old connection once the new one was welcomed
    expect(h.fake.connections[0]!.closed).toEqual({ by: 'client', code: 1000 });
    expect(h.fake.connections[1]!.closed).toBeUndefined();
    // the old connection was closed: the session still lives on the new one after the grace time
    await h.tick(40_000);
    expect(h.fake.sessions()).toHaveLength(1);
    expect(log.disconnect).toEqual([]);
  });

  it('a notification Twitch sends on both connections during the handover is delivered once', async () => {
    const { follows } = await subscribed();
    h.fake.emit('channel.follow', follow('x'));
    h.fake.reconnect();
    await h.tick(10);
    h.fake.duplicate(); // the same message id again, now on the new connection
    await h.tick(10);
    expect(follows).toEqual(['x']);
  });

  it('an invalid reconnect_url (4007) falls back to a fresh session on the base URL and re-subscribes', async () => {
    const { socket, log } = await subscribed();
    await h.tick(30_000); // a healthy session: the handover and the fallback are immediate
    const first = sessionOf(socket);
    h.fake.send({
      metadata: { message_id: 'r1', message_type: 'session_reconnect', message_timestamp: '2024-01-01T00:00:00Z' },
      payload: { session: { id: first, status: 'reconnecting', keepalive_timeout_seconds: null, reconnect_url: 'wss://eventsub.wss.twitch.tv/ws?reconnect_id=nope', connected_at: '2024-01-01T00:00:00Z' } },
    });
    await h.tick(100);
    expect(h.fake.connections.map((c) => c.url)).toEqual([
      'wss://eventsub.wss.twitch.tv/ws',
      'wss://eventsub.wss.twitch.tv/ws?reconnect_id=nope',
      'wss://eventsub.wss.twitch.tv/ws',
    ]);
    expect(log.resubscribed).toHaveLength(1);
    expect(sessionOf(socket)).not.toBe(first);
  });
});

describe('close codes', () => {
  const reconnecting = [4000, 4002, 4004, 4005, 4006, 4007, 1006];
  for (const code of reconnecting) {
    it(`${code}: reconnects and re-subscribes`, async () => {
      const { socket, log, follows } = await subscribed();
      const first = sessionOf(socket);
      h.fake.close(code);
      await h.tick(100);
      expect(log.disconnect[0]).toMatchObject({ code: code === 1006 ? expect.any(Number) : code, willReconnect: true });
      expect(h.fake.connections).toHaveLength(2);
      expect(sessionOf(socket)).not.toBe(first);
      expect(log.resubscribed).toHaveLength(1);
      h.fake.emit('channel.follow', follow('1'));
      await h.tick(10);
      expect(follows).toEqual(['1']);
    });
  }

  it('4001: fatal (the client sent data), no reconnect, error names the code', async () => {
    const { socket, log } = await subscribed();
    h.fake.close(4001);
    await h.tick(60_000);
    expect(h.fake.connections).toHaveLength(1);
    expect(log.disconnect[0]).toMatchObject({ code: 4001, willReconnect: false });
    expect(log.error[0]).toMatchObject({ code: 'fatal-close', closeCode: 4001 });
    expect(socket.state).toBe('idle');
  });

  it('4003 with nothing subscribed: goes idle with a clear error, and the next subscribe() connects again', async () => {
    const socket = h.socket();
    const errors: Error[] = [];
    socket.on('error', (error) => void errors.push(error));
    const connected = socket.connect();
    await h.tick(10);
    await connected;
    await h.tick(10_100); // the fake enforces the welcome window
    expect(errors[0]).toMatchObject({ code: 'unused', closeCode: 4003 });
    expect(socket.state).toBe('idle');
    await h.tick(60_000);
    expect(h.fake.connections).toHaveLength(1);
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await expect(subscribing).resolves.toMatchObject({ status: 'enabled' });
    expect(h.fake.connections).toHaveLength(2);
  });

  it('4003 with remembered subscriptions: reconnects and creates them', async () => {
    const { socket, log } = await subscribed();
    h.fake.close(4003);
    await h.tick(100);
    expect(log.disconnect[0]).toMatchObject({ code: 4003, willReconnect: true });
    expect(socket.state).toBe('connected');
    expect(log.resubscribed).toHaveLength(1);
  });

  it('subscriptions asked for before the welcome are created right after it, inside the welcome window', async () => {
    const socket = h.socket();
    const a = socket.subscribe('channel.follow', followCondition);
    const b = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
    await h.tick(10);
    await Promise.all([a, b]);
    await h.tick(30_000);
    expect(h.fake.connections).toHaveLength(1);
    expect(socket.state).toBe('connected');
  });
});

describe('connecting', () => {
  it('connect() fails clearly when no welcome arrives, and retries nothing', async () => {
    h.fake.refuse(1, 0); // the connection opens, but no welcome ever comes
    const socket = h.socket({ connectTimeoutMs: 3000 });
    const connecting = socket.connect();
    const check = expect(connecting).rejects.toMatchObject({ code: 'connection', message: expect.stringMatching(/no welcome in time/) });
    await h.tick(3000);
    await check;
    expect(socket.state).toBe('idle');
    await h.tick(60_000);
    expect(h.fake.connections).toHaveLength(1);
  });
});
