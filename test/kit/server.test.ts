// The fake Twitch over real HTTP and WebSocket: what pages, other runtimes and `npm start` use.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { waitFor } from '../../src/eventsub/listen.js';
import { getUsers, sendChatMessage } from '../../src/helix/index.js';
import { startDeviceAuth, pollDeviceToken, validateToken } from '../../src/auth/index.js';
import { serveFiles, startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';

let twitch: RunningMockTwitch;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 7 });
});
afterAll(() => twitch.close());

const clientOf = (token = twitch.mock.tokens.user) =>
  createClient({ clientId: twitch.mock.clientId, auth: token, baseUrl: twitch.helixUrl });

describe('startMockTwitch', () => {
  test('serves Helix on 127.0.0.1 with rate-limit headers', async () => {
    expect(twitch.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { data } = await getUsers(clientOf(), { id: twitch.mock.users.broadcaster });
    expect(data[0]?.login).toBe('fakestreamer');
    const raw = await fetch(`${twitch.helixUrl}users?login=fakeviewer`, {
      headers: { authorization: `Bearer ${twitch.mock.tokens.app}`, 'client-id': twitch.mock.clientId },
    });
    expect(raw.headers.get('ratelimit-limit')).toBe('800');
    expect(raw.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('answers a CORS preflight from another local origin', async () => {
    const response = await fetch(`${twitch.helixUrl}users`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-headers': 'authorization,client-id' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-headers')).toContain('client-id');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  test('refuses a bad token with 401', async () => {
    await expect(getUsers(clientOf('not-a-token'), { login: 'fakestreamer' })).rejects.toMatchObject({ status: 401 });
  });

  test('keeps the authorize redirect on the loopback origin for Twitch URLs, and on the app for others', async () => {
    const url = new URL(`${twitch.authUrl}authorize`);
    url.searchParams.set('client_id', twitch.mock.clientId);
    url.searchParams.set('redirect_uri', 'http://localhost:8000/callback');
    url.searchParams.set('response_type', 'token');
    url.searchParams.set('scope', 'user:read:chat');
    url.searchParams.set('state', 'abc');
    const response = await fetch(url, { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe('http://localhost:8000');
    const token = new URLSearchParams(location.hash.slice(1)).get('access_token')!;
    const valid = await validateToken(token, { authBaseUrl: twitch.authUrl });
    expect(valid.user_id).toBe(twitch.mock.users.broadcaster);
  });

  test('runs the device flow', async () => {
    twitch.mock.oauth.deviceInterval = 1;
    const scopes = ['user:read:chat'] as const;
    const device = await startDeviceAuth({ clientId: twitch.mock.clientId, scopes, authBaseUrl: twitch.authUrl });
    expect(device.interval).toBe(1);
    const polled = pollDeviceToken({
      clientId: twitch.mock.clientId,
      deviceCode: device.device_code,
      interval: device.interval,
      scopes,
      authBaseUrl: twitch.authUrl,
    });
    twitch.mock.oauth.approveDevice(device.user_code);
    const token = await polled;
    expect(token.access_token).toBeTruthy();
  });

  test('serves the EventSub WebSocket: events, a handover, and chat sent over Helix', async () => {
    const client = clientOf();
    const socket = new EventSubSocket({ client, url: twitch.eventsubUrl });
    const b = twitch.mock.users.broadcaster;
    await socket.subscribe('channel.follow', { broadcaster_user_id: b, moderator_user_id: b });
    await socket.subscribe('channel.chat.message', { broadcaster_user_id: b, user_id: b });
    const follow = waitFor(socket, 'channel.follow', { timeout: 5000 });
    expect(twitch.mock.follow({ from: 'fakeviewer' })).toBe(1);
    expect((await follow).user_name).toBe('FakeViewer');

    const resumed = new Promise<string>((resolve) => socket.on('session', (s) => s.resumed && resolve(s.session.id)));
    const before = socket.session!.id;
    twitch.mock.reconnect();
    expect(await resumed).toBe(before);

    const chat = waitFor(socket, 'channel.chat.message', { timeout: 5000 });
    await sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'over the loopback' });
    expect((await chat).message.text).toBe('over the loopback');
    socket.close();
  });
});

test('serveFiles serves a folder and nothing outside it', async () => {
  const files = await serveFiles({ '/': 'examples/script-tag-overlay' });
  try {
    const page = await fetch(`${files.origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect((await fetch(`${files.origin}/..%2f..%2fpackage.json`)).status).toBe(404);
  } finally {
    await files.close();
  }
});
