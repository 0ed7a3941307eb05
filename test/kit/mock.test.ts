// createMockTwitch's controls as a user's test leans on them, under msw in Node.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { waitFor } from '../../src/eventsub/listen.js';
import type { EventSubSubscription } from '../../src/eventsub/messages.js';
import { getUsers } from '../../src/helix/index.js';
import { createMockTwitch } from '../../src/testing/mock.js';

const twitch = createMockTwitch({ seed: 4 });
const server = setupServer(...twitch.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());
const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user });
const b = twitch.users.broadcaster;

test('the same seed gives the same ids and tokens; another seed, others', () => {
  const again = createMockTwitch({ seed: 4 });
  expect(again.tokens).toEqual(twitch.tokens);
  expect(again.users).toEqual(twitch.users);
  expect(createMockTwitch({ seed: 5 }).tokens.user).not.toBe(twitch.tokens.user);
});

test('emit sends a typed event to that type\'s subscribers only, and says how many got it', async () => {
  expect(twitch.emit('channel.raid', {
    from_broadcaster_user_id: twitch.users.other,
    from_broadcaster_user_login: 'otherstreamer',
    from_broadcaster_user_name: 'OtherStreamer',
    to_broadcaster_user_id: b,
    to_broadcaster_user_login: 'fakestreamer',
    to_broadcaster_user_name: 'FakeStreamer',
    viewers: 42,
  })).toBe(0);
  const socket = new EventSubSocket({ client });
  try {
    await socket.subscribe('channel.raid', { to_broadcaster_user_id: b });
    const raid = waitFor(socket, 'channel.raid', { timeout: 5000 });
    const follows: unknown[] = [];
    socket.on('channel.follow', (event) => follows.push(event));
    expect(twitch.emit('channel.raid', {
      from_broadcaster_user_id: twitch.users.other,
      from_broadcaster_user_login: 'otherstreamer',
      from_broadcaster_user_name: 'OtherStreamer',
      to_broadcaster_user_id: b,
      to_broadcaster_user_login: 'fakestreamer',
      to_broadcaster_user_name: 'FakeStreamer',
      viewers: 42,
    })).toBe(1);
    expect((await raid).viewers).toBe(42);
    expect(twitch.follow()).toBe(0); // nobody subscribed to follows
    expect(follows).toEqual([]);
  } finally {
    socket.close();
  }
});

test('revoke tells the socket, which forgets the subscription', async () => {
  const socket = new EventSubSocket({ client });
  try {
    const sub = await socket.subscribe('channel.cheer', { broadcaster_user_id: b });
    const revoked = new Promise<EventSubSubscription>((resolve) => socket.on('revocation', resolve));
    expect(twitch.revoke(sub.id, 'user_removed')).toBe(true);
    expect(await revoked).toMatchObject({ id: sub.id, status: 'user_removed' });
    expect(socket.subscriptions).toEqual([]);
    expect(twitch.cheer(10)).toBe(0);
  } finally {
    socket.close();
  }
});

test('close(4000) drops the connection; the socket reconnects and re-creates its subscriptions', async () => {
  const socket = new EventSubSocket({ client });
  try {
    await socket.subscribe('channel.follow', { broadcaster_user_id: b, moderator_user_id: b });
    const first = socket.session!.id;
    const resubscribed = new Promise<number>((resolve) => socket.on('resubscribed', (r) => resolve(r.subscriptions.length)));
    twitch.close(4000);
    expect(await resubscribed).toBe(1);
    expect(socket.session!.id).not.toBe(first);
    const follow = waitFor(socket, 'channel.follow', { timeout: 5000 });
    twitch.follow({ from: 'fakeviewer' });
    expect((await follow).user_login).toBe('fakeviewer');
  } finally {
    socket.close();
  }
});

test('state is the fake Twitch itself: change it and Helix answers accordingly', async () => {
  twitch.state.users.get(b)!.description = 'changed by a test';
  const { data } = await getUsers(client, { id: b });
  expect(data[0]?.description).toBe('changed by a test');
});

test('a notification goes only to subscriptions whose condition fits the event', async () => {
  const socket = new EventSubSocket({ client });
  try {
    await socket.subscribe('channel.chat.message', { broadcaster_user_id: twitch.users.other, user_id: b });
    const seen: string[] = [];
    socket.on('channel.chat.message', (event) => seen.push(event.broadcaster_user_login));
    expect(twitch.chat('in the broadcaster\'s channel')).toBe(0); // subscribed to the other channel only
    await socket.subscribe('channel.chat.message', { broadcaster_user_id: b, user_id: b });
    const next = waitFor(socket, 'channel.chat.message', { timeout: 5000 });
    expect(twitch.chat('now it arrives')).toBe(1);
    expect((await next).message.text).toBe('now it arrives');
    expect(seen).toEqual(['fakestreamer']);
  } finally {
    socket.close();
  }
});
