// The socket over real WebSockets (Node's own WebSocket against the loopback fake Twitch), to be
// sure nothing depends on msw's emulation: close codes, handover and resubscription on the wire.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket, type EventSubSocketEvents } from '../../src/eventsub/socket.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';

let twitch: RunningMockTwitch;
beforeAll(async () => {
  twitch = await startMockTwitch();
});
afterAll(() => twitch.close());

const until = async (check: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

it('subscribes, survives a 4000 close and a handover on real sockets, delivering each follow once', async () => {
  const { mock } = twitch;
  const client = createClient({ clientId: mock.clientId, auth: mock.tokens.user, baseUrl: twitch.helixUrl });
  const socket = new EventSubSocket({ client, url: twitch.eventsubUrl, WebSocket });
  const logins: string[] = [];
  const sessions: EventSubSocketEvents['session'][] = [];
  const disconnects: EventSubSocketEvents['disconnect'][] = [];
  const resubscribed: EventSubSocketEvents['resubscribed'][] = [];
  socket.on('channel.follow', (event) => void logins.push(event.user_login));
  socket.on('session', (value) => void sessions.push(value));
  socket.on('disconnect', (value) => void disconnects.push(value));
  socket.on('resubscribed', (value) => void resubscribed.push(value));
  try {
    const me = mock.users.broadcaster;
    await socket.subscribe('channel.follow', { broadcaster_user_id: me, moderator_user_id: me });
    mock.follow();
    await until(() => logins.length === 1);

    mock.close(4000);
    await until(() => resubscribed.length === 1);
    expect(disconnects[0]).toMatchObject({ code: 4000, willReconnect: true });
    mock.follow();
    await until(() => logins.length === 2);

    // A handover on a session this young waits a backoff step (at most a second) before moving.
    mock.reconnect();
    mock.follow(); // on the old connection, during the handover
    await until(() => sessions.length === 3 && logins.length === 3);
    expect(sessions[2]!.resumed).toBe(true);
    mock.follow();
    await until(() => logins.length === 4);
    expect(mock.eventsub.received).toEqual([]);
    expect(new Set(mock.eventsub.sent.filter((f) => f.messageType === 'notification').map((f) => f.messageId)).size).toBe(4);
  } finally {
    socket.close();
  }
});
