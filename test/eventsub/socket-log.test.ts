// The EventSub socket's `log`: by default its client's, which also sees the Helix calls that
// subscribe; a reconnect when it starts; a validation report when a frame is reported. Against
// the fake EventSub WebSocket (msw) under fake timers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.js';
import type { LogEntry } from '../../src/log.js';
import { follow, followCondition, harness, type Harness } from './socket.helpers.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.stop());

/** A client on the fake's user token whose log lands in `entries`. */
function loggedClient(entries: LogEntry[]) {
  return createClient({ clientId: h.state.clientId, auth: h.state.userToken, retry: { limit: 0 }, log: (entry) => void entries.push(entry) });
}

describe('the log option of EventSubSocket', () => {
  it("writes to its client's log: the subscribing Helix call, then a reconnect once the keepalive runs out", async () => {
    const entries: LogEntry[] = [];
    const socket = h.socket({ client: loggedClient(entries), keepaliveGraceMs: 2000 });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    expect(entries.map((entry) => [entry.source, entry.type])).toEqual([
      ['helix', 'request'],
      ['helix', 'response'],
    ]);
    expect(entries[0]).toMatchObject({ method: 'POST', path: 'eventsub/subscriptions', attempt: 1 });
    expect(entries[1]).toMatchObject({ status: 202 });

    entries.length = 0;
    h.fake.silence(60_000, socket.session!.id);
    await h.tick(11_900); // 10 s keepalive + 2 s grace not yet over
    expect(entries).toEqual([]);
    await h.tick(200);
    expect(entries[0]).toEqual({ type: 'reconnect', source: 'eventsub', reason: 'keepalive_timeout', attempt: 0, delay: 0, url: 'wss://eventsub.wss.twitch.tv/ws' });
    await h.tick(100);
    // Then the subscription is created again on the new session, through the same client.
    expect(entries.slice(1).map((entry) => [entry.source, entry.type])).toEqual([
      ['helix', 'request'],
      ['helix', 'response'],
    ]);
  });

  it('a log of its own takes the socket entries; the Helix ones stay with the client', async () => {
    const own: LogEntry[] = [];
    const clients: LogEntry[] = [];
    const socket = h.socket({ client: loggedClient(clients), log: (entry) => void own.push(entry) });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.reconnect(socket.session!.id);
    await h.tick(10);
    expect(own.map((entry) => [entry.type, entry.type === 'reconnect' && entry.source === 'eventsub' ? entry.reason : undefined])).toEqual([
      ['reconnect', 'session_reconnect'],
    ]);
    expect(clients.every((entry) => entry.source === 'helix')).toBe(true);
  });

  it('logs a validation report when a frame is reported, before onInvalid gets it', async () => {
    const { channelFollowV2 } = await import('../../src/eventsub/schemas.js');
    const order: string[] = [];
    const entries: LogEntry[] = [];
    const socket = h.socket({
      schemas: [channelFollowV2],
      onInvalid: () => void order.push('onInvalid'),
      log: (entry) => {
        entries.push(entry);
        order.push(entry.type);
      },
    });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    expect(entries).toEqual([]);
    h.fake.emit('channel.follow', { ...follow('2'), user_login: 5 });
    await h.tick(10);
    expect(order).toEqual(['invalid', 'onInvalid']);
    expect(entries[0]).toMatchObject({ type: 'invalid', source: 'eventsub', error: { path: 'payload.event.user_login' } });
  });

  it('a log that throws is reported on `error` and the socket carries on', async () => {
    const errors: Error[] = [];
    const socket = h.socket({
      log: () => {
        throw new Error('log down');
      },
    });
    socket.on('error', (error) => void errors.push(error));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.reconnect(socket.session!.id);
    await h.tick(10);
    expect(errors).toMatchObject([{ code: 'handler', cause: new Error('log down') }]);
    expect(socket.state).toBe('connected');
  });

  it('no entry holds the token', async () => {
    const entries: LogEntry[] = [];
    const socket = h.socket({ client: loggedClient(entries) });
    const subscribing = socket.subscribe('channel.follow', followCondition);
    await h.tick(10);
    await subscribing;
    h.fake.reconnect(socket.session!.id);
    await h.tick(10);
    h.fake.silence(60_000, socket.session!.id);
    await h.tick(20_000);
    expect(entries.map((entry) => entry.type)).toContain('reconnect');
    expect(JSON.stringify(entries)).not.toContain(h.state.userToken);
  });
});
