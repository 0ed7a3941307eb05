// The fake Twitch's IRC chat: ChatClient reads and writes it, and it is the same chat EventSub
// and Helix see — over the loopback server and under msw.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ChatClient } from '../../src/chat/index.js';
import type { ChatMessage } from '../../src/chat/events.js';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { waitFor } from '../../src/eventsub/listen.js';
import { sendChatMessage } from '../../src/helix/index.js';
import { createMockTwitch } from '../../src/testing/mock.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';

const nextMessage = (chat: ChatClient) => new Promise<ChatMessage>((resolve) => {
  const off = chat.on('message', (message) => {
    off();
    resolve(message);
  });
});

describe('over the loopback server', () => {
  let twitch: RunningMockTwitch;
  const clients: ChatClient[] = [];
  beforeAll(async () => {
    twitch = await startMockTwitch({ seed: 21 });
  });
  afterAll(async () => {
    for (const chat of clients) chat.close();
    await twitch.close();
  });
  const chatClient = (options: ConstructorParameters<typeof ChatClient>[0] = {}) => {
    const chat = new ChatClient({ url: twitch.chatUrl, ...options });
    clients.push(chat);
    return chat;
  };

  test('an anonymous reader sees chat from the fake, from Helix and from another IRC user, with tags', async () => {
    const reader = chatClient();
    await reader.connect();
    await reader.join('fakestreamer');

    let next = nextMessage(reader);
    twitch.mock.chat('hello irc', { from: 'viewer01' });
    expect(await next).toMatchObject({ channel: 'fakestreamer', channelId: twitch.mock.users.broadcaster, displayName: 'Viewer01', text: 'hello irc', broadcaster: false });

    next = nextMessage(reader);
    const client = createClient({ clientId: twitch.mock.clientId, auth: twitch.mock.tokens.user, baseUrl: twitch.helixUrl });
    const b = twitch.mock.users.broadcaster;
    await sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'sent with Helix' });
    expect(await next).toMatchObject({ login: 'fakestreamer', text: 'sent with Helix', broadcaster: true });

    // A logged-in IRC user writes; the reader and an EventSub socket both get it.
    const socket = new EventSubSocket({ client, url: twitch.eventsubUrl });
    await socket.subscribe('channel.chat.message', { broadcaster_user_id: b, user_id: b });
    const viaEventSub = waitFor(socket, 'channel.chat.message', { timeout: 5000 });
    const writer = chatClient({ login: 'fakemod', token: twitch.mock.tokens.moderator });
    await writer.connect();
    await writer.join('fakestreamer');
    next = nextMessage(reader);
    await writer.say('fakestreamer', 'from the mod over IRC');
    expect(await next).toMatchObject({ login: 'fakemod', text: 'from the mod over IRC', mod: true });
    expect(await viaEventSub).toMatchObject({ chatter_user_login: 'fakemod', message: { text: 'from the mod over IRC' } });
    expect(twitch.mock.irc.received).toContain('PASS ***'); // the token is never kept in the log
    socket.close();
  });

  test('refuses a login with a token the fake does not know', async () => {
    const chat = chatClient({ login: 'fakemod', token: 'not-a-real-token' });
    await expect(chat.connect()).rejects.toMatchObject({ code: 'login' });
  });
});

describe('under msw', () => {
  const twitch = createMockTwitch({ seed: 22 });
  const server = setupServer(...twitch.handlers);
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterAll(() => server.close());

  test('ChatClient on Twitch\'s own URL reads the fake chat, and follows a RECONNECT', async () => {
    const reader = new ChatClient();
    try {
      await reader.connect();
      await reader.join('fakestreamer');
      let next = nextMessage(reader);
      twitch.chat('msw chat', { from: 'viewer02' });
      expect((await next).text).toBe('msw chat');

      const back = new Promise<void>((resolve) => reader.on('connected', () => resolve()));
      twitch.irc.reconnect();
      await back;
      await reader.join('fakestreamer');
      next = nextMessage(reader);
      twitch.chat('after the reconnect', { from: 'viewer03' });
      expect((await next).text).toBe('after the reconnect');
    } finally {
      reader.close();
    }
  });
});
