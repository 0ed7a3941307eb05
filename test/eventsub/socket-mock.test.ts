// The socket against the whole fake Twitch (createMockTwitch): the real Helix fake creates the
// subscriptions and checks the session, the EventSub fake delivers.
import { setupServer } from 'msw/node';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { createMockTwitch, type MockTwitch } from '../../src/testing/mock.js';

let twitch: MockTwitch;
let server: ReturnType<typeof setupServer>;
let socket: EventSubSocket;
const tick = (ms = 10) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers();
  twitch = createMockTwitch();
  server = setupServer(...twitch.handlers);
  server.listen({ onUnhandledFrame: 'error' });
  socket = new EventSubSocket({ client: createClient({ clientId: twitch.clientId, auth: twitch.tokens.user }) });
});
afterEach(() => {
  socket.close();
  server.close();
  vi.useRealTimers();
});

it('follows arrive typed, survive a handover and a lost connection, and are never doubled', async () => {
  const condition = { broadcaster_user_id: twitch.users.broadcaster, moderator_user_id: twitch.users.broadcaster };
  const logins: string[] = [];
  const resubscribed: unknown[] = [];
  socket.on('channel.follow', (event) => void logins.push(event.user_login));
  socket.on('resubscribed', (value) => void resubscribed.push(value));
  const subscribing = socket.subscribe('channel.follow', condition);
  await tick();
  const sub = await subscribing;
  expect(twitch.state.eventSubSubscriptions.get(sub.id)).toMatchObject({ status: 'enabled', transport: { session_id: socket.session!.id } });

  expect(twitch.follow()).toBe(1);
  await tick();
  twitch.reconnect();
  twitch.follow();
  await tick(30_000); // a healthy session: its loss is retried at once
  twitch.eventsub.duplicate();
  twitch.close(4006);
  await tick(100);
  expect(resubscribed).toHaveLength(1);
  expect(twitch.follow()).toBe(1);
  await tick();
  expect(logins).toHaveLength(3);
  expect(new Set(logins).size).toBeGreaterThan(1);
  expect(twitch.eventsub.received).toEqual([]);
});

it('the Helix fake refuses a WebSocket subscription for a session that is gone', async () => {
  const connecting = socket.connect();
  await tick();
  const session = await connecting;
  twitch.close(4000, session.id);
  // while reconnecting, a subscription made for the old session id is refused by Helix
  const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user });
  const { createEventSubSubscription } = await import('../../src/helix/eventsub.js');
  const refused = createEventSubSubscription(client, {
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: twitch.users.broadcaster },
    transport: { method: 'websocket', session_id: session.id },
  });
  const check = expect(refused).rejects.toMatchObject({ status: 400 });
  await tick();
  await check;
});
