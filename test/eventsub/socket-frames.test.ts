import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventSubSocketEvents } from '../../src/eventsub/socket.js';
import { follow, followCondition, harness, type Harness } from './socket.helpers.js';

let h: Harness;
beforeEach(() => {
  h = harness();
});
afterEach(() => h.stop());

async function subscribed(options: Parameters<Harness['socket']>[0] = {}) {
  const socket = h.socket(options);
  const errors: Error[] = [];
  const revocations: EventSubSocketEvents['revocation'][] = [];
  socket.on('error', (error) => void errors.push(error));
  socket.on('revocation', (sub) => void revocations.push(sub));
  const follows: string[] = [];
  socket.on('channel.follow', (event) => void follows.push(event.user_id));
  const subscribing = socket.subscribe('channel.follow', followCondition);
  await h.tick(10);
  const subscription = await subscribing;
  return { socket, errors, revocations, follows, subscription };
}

describe('duplicates', () => {
  it('drops a notification whose message_id was already seen', async () => {
    const { follows } = await subscribed();
    h.fake.emit('channel.follow', follow('1'));
    h.fake.duplicate();
    h.fake.duplicate();
    h.fake.emit('channel.follow', follow('2'));
    await h.tick(10);
    expect(follows).toEqual(['1', '2']);
  });

  it('remembers at most maxRememberedIds ids (bounded memory)', async () => {
    const { follows } = await subscribed({ maxRememberedIds: 2 });
    const [first] = h.fake.emit('channel.follow', follow('1'));
    h.fake.emit('channel.follow', follow('2'));
    h.fake.emit('channel.follow', follow('3'));
    h.fake.duplicate(first!.messageId); // forgotten: the oldest of three with room for two
    await h.tick(10);
    expect(follows).toEqual(['1', '2', '3', '1']);
  });

  it('among thousands of ids, drops each repeat of the newest maxRememberedIds and delivers older ones again', async () => {
    const { follows } = await subscribed({ maxRememberedIds: 300 });
    const sent = Array.from({ length: 2000 }, (_, i) => h.fake.emit('channel.follow', follow(String(i)))[0]!);
    await h.tick(10);
    expect(follows).toHaveLength(2000);
    follows.length = 0;
    for (const frame of sent.slice(-300)) h.fake.duplicate(frame.messageId);
    for (const frame of sent.slice(-300)) h.fake.duplicate(frame.messageId);
    await h.tick(10);
    expect(follows).toEqual([]);
    // Each delivered repeat is remembered anew and pushes the oldest kept id out.
    for (const i of [1699, 1000, 1000, 1700, 1704]) h.fake.duplicate(sent[i]!.messageId);
    await h.tick(10);
    expect(follows).toEqual(['1699', '1000', '1700']);
  });

  it('remembers ids for ten minutes', async () => {
    const { follows } = await subscribed();
    const [first] = h.fake.emit('channel.follow', follow('1'));
    await h.tick(9 * 60_000);
    h.fake.duplicate(first!.messageId);
    await h.tick(10);
    expect(follows).toEqual(['1']);
    await h.tick(2 * 60_000);
    // the same id eleven minutes later, freshly stamped: forgotten, so delivered
    const again = JSON.parse(first!.text);
    again.metadata.message_timestamp = new Date(h.state.now()).toISOString();
    h.fake.send(again);
    await h.tick(10);
    expect(follows).toEqual(['1', '1']);
  });


  it('drops a notification sent more than ten minutes ago (a replay past the id window), on Twitch\'s clock', async () => {
    vi.setSystemTime(Date.now() + 3 * 3600_000); // our clock runs three hours ahead of Twitch's
    const socket = h.socket();
    const follows: string[] = [];
    socket.on('channel.follow', (event) => void follows.push(event.user_id));
    const subscribing = socket.subscribe('channel.follow', followCondition);
    h.state.now = () => Date.now() - 3 * 3600_000;
    await h.tick(10);
    const sub = await subscribing;
    const frame = (id: string, ageMs: number, user: string) => ({
      metadata: {
        message_id: id,
        message_type: 'notification',
        message_timestamp: new Date(h.state.now() - ageMs).toISOString(),
        subscription_type: 'channel.follow',
        subscription_version: '2',
      },
      payload: { subscription: sub, event: follow(user) },
    });
    h.fake.send(frame('old', 11 * 60_000, 'old'));
    h.fake.send(frame('recent', 9 * 60_000, 'recent'));
    await h.tick(10);
    expect(follows).toEqual(['recent']);
  });
});

describe('message timestamps', () => {
  it('are read to the millisecond in every form Twitch writes them: older than ten minutes is too old', async () => {
    // The fake stamps whole seconds: welcomed on one, Twitch's clock and ours agree.
    vi.setSystemTime(Date.parse('2026-12-04T12:09:00Z'));
    const { follows, subscription } = await subscribed();
    // The cut falls at 12:00:00.500. (Time passes: the socket measures it on the monotonic clock.)
    await h.tick(Date.parse('2026-12-04T12:10:00.500Z') - Date.now());
    const timestamps = [
      '2026-12-04T12:00:00.4Z',
      '2026-12-04T12:00:00.6Z',
      '2026-12-04T12:00:00.39Z',
      '2026-12-04T12:00:00.61Z',
      '2026-12-04T12:00:00.387654321Z',
      '2026-12-04T12:00:00.612345678Z',
      '2026-12-04T12:00:00Z',
      '2026-12-04T12:00:01Z',
      '2026-12-04T11:59:59.999999999Z',
      '2026-12-04T14:00:00.4+02:00', // another form: read by Date.parse
      '2026-12-04T14:00:00.6+02:00',
    ];
    timestamps.forEach((timestamp, i) =>
      h.fake.send({
        metadata: { message_id: `t${i}`, message_type: 'notification', message_timestamp: timestamp, subscription_type: 'channel.follow', subscription_version: '2' },
        payload: { subscription, event: follow(String(i)) },
      }),
    );
    await h.tick(10);
    expect(follows).toEqual(['1', '3', '5', '7', '10']);
  });
});

describe('listeners', () => {
  it('a listener added after notifications of its type arrived gets the next one; one added while one is delivered waits for the next', async () => {
    const { socket, follows } = await subscribed();
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    const late: string[] = [];
    const inner: string[] = [];
    const off = socket.on('channel.follow', (event) => {
      late.push(event.user_id);
      if (late.length === 1) socket.on('channel.follow', (added) => void inner.push(added.user_id));
    });
    h.fake.emit('channel.follow', follow('2'));
    h.fake.emit('channel.follow', follow('3'));
    await h.tick(10);
    off();
    h.fake.emit('channel.follow', follow('4'));
    await h.tick(10);
    expect(follows).toEqual(['1', '2', '3', '4']);
    expect(late).toEqual(['2', '3']);
    expect(inner).toEqual(['3', '4']);
  });
});

describe('revocations', () => {
  it('are emitted, final, and never re-created after a reconnect', async () => {
    const { socket, revocations, subscription } = await subscribed();
    const other = socket.subscribe('stream.online', { broadcaster_user_id: '1' });
    await h.tick(10);
    await other;
    h.fake.revoke(subscription.id, 'authorization_revoked');
    await h.tick(10);
    expect(revocations).toMatchObject([{ id: subscription.id, status: 'authorization_revoked', type: 'channel.follow' }]);
    expect(socket.subscriptions.map((sub) => sub.type)).toEqual(['stream.online']);
    const before = h.calls.length;
    h.fake.close(4006);
    await h.tick(100);
    const recreated = h.calls.slice(before).filter((call) => call.method === 'POST').map((call) => call.body!.type);
    expect(recreated).toEqual(['stream.online']);
  });
});

describe('bad frames', () => {
  it('reports unparseable and unknown frames on error and keeps the socket', async () => {
    const { socket, errors, follows } = await subscribed();
    h.fake.send('not json at all');
    h.fake.send({ metadata: { message_id: 'u1', message_type: 'session_party', message_timestamp: 'x' }, payload: {} });
    h.fake.send({ metadata: { message_id: 'u2', message_type: 'notification', message_timestamp: 'x' }, payload: { subscription: { id: 1 } } });
    h.fake.emit('channel.follow', follow('1'));
    await h.tick(10);
    expect(errors.map((error) => error.name)).toEqual(['ValidationError', 'ValidationError', 'ValidationError']);
    expect(errors.map((error) => (error as { path?: string }).path)).toEqual(['', 'metadata.message_type', 'payload.subscription.id']);
    expect(follows).toEqual(['1']);
    expect(socket.state).toBe('connected');
    expect(h.fake.connections).toHaveLength(1);
  });
});

describe('the client never sends data', () => {
  it('sends no data frame across connect, subscribe, handover, loss and close', async () => {
    const { socket } = await subscribed();
    h.fake.emit('channel.follow', follow('1'));
    h.fake.reconnect();
    await h.tick(100);
    h.fake.close(4000);
    await h.tick(100);
    await h.tick(30_000);
    socket.close();
    await h.tick(10);
    expect(h.fake.received).toEqual([]);
    expect(h.fake.connections.every((c) => c.closed?.code !== 4001)).toBe(true);
    expect(h.fake.connections).toHaveLength(3);
  });
});
