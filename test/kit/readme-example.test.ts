import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { createClient, getUsers, sendChatMessage, RateLimitError } from 'helixkit';
import { EventSubSocket, waitFor } from 'helixkit/eventsub';
import { createMockTwitch } from 'helixkit/testing';

const twitch = createMockTwitch({ seed: 42 });
const server = setupServer(...twitch.handlers);
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user });

test('reads the seeded broadcaster', async () => {
  const { data } = await getUsers(client, { id: twitch.users.broadcaster });
  expect(data[0]?.login).toBe('fakestreamer');
});

test('receives a follow and a chat message over EventSub', async () => {
  const socket = new EventSubSocket({ client });
  const condition = { broadcaster_user_id: twitch.users.broadcaster };
  await socket.subscribe('channel.follow', { ...condition, moderator_user_id: twitch.users.broadcaster });
  await socket.subscribe('channel.chat.message', { ...condition, user_id: twitch.users.broadcaster });

  const follow = waitFor(socket, 'channel.follow');
  twitch.follow({ from: 'viewer01' });
  expect((await follow).user_login).toBe('viewer01');

  // A message sent over Helix comes back as a chat notification, as on Twitch.
  const chat = waitFor(socket, 'channel.chat.message');
  await sendChatMessage(client, { broadcaster_id: twitch.users.broadcaster, sender_id: twitch.users.broadcaster, message: 'hello chat' });
  expect((await chat).message.text).toBe('hello chat');
  socket.close();
});

test('keeps every event across a reconnect handover', async () => {
  const socket = new EventSubSocket({ client });
  await socket.subscribe('channel.cheer', { broadcaster_user_id: twitch.users.broadcaster });
  const resumed = new Promise((resolve) => socket.on('session', ({ resumed }) => resumed && resolve(true)));
  twitch.reconnect();
  await resumed; // the same session on a new connection: nothing to re-subscribe

  const cheer = waitFor(socket, 'channel.cheer');
  twitch.cheer(100, { from: 'viewer02' });
  expect((await cheer).bits).toBe(100);
  socket.close();
});

test('answers 429 when the rate limit runs out', async () => {
  twitch.rateLimit(0, { resetIn: 60_000 });
  const impatient = createClient({ clientId: twitch.clientId, auth: twitch.tokens.app, retry: { limit: 0 } });
  await expect(getUsers(impatient, { login: 'fakestreamer' })).rejects.toBeInstanceOf(RateLimitError);
  twitch.rateLimit(800);
});
