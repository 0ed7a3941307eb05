// examples/cloudflare-worker in workerd (miniflare): Twitch's webhook calls in, an app-token
// Helix call out to the loopback fake Twitch; and the README's `npm run example:worker` commands.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { webhookRequest } from '../../src/testing/webhook.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { fill, runCommand } from './commands.ts';

const SECRET = 'a-webhook-secret-for-tests';
let twitch: RunningMockTwitch;
let worker: Miniflare;

beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 11 });
  // Bundled as `wrangler deploy` would: miniflare runs one script, npm imports resolved.
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('../../examples/cloudflare-worker/worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
  });
  worker = new Miniflare({
    modules: true,
    script: bundled.outputFiles[0]!.text,
    compatibilityDate: '2025-09-01',
    bindings: {
      CLIENT_ID: twitch.mock.clientId,
      CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: SECRET,
      BOT_USER_ID: twitch.mock.users.moderator,
      HELIX_URL: twitch.helixUrl,
      AUTH_URL: twitch.authUrl,
    },
  });
});
afterAll(async () => {
  await worker?.dispose();
  await twitch?.close();
});

/** Sends a Request built in Node through miniflare. */
async function send(request: Request) {
  const response = await worker.dispatchFetch(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  });
  return { status: response.status, text: await response.text() };
}

const b = () => twitch.mock.users.broadcaster;
const followEvent = (login: string) => {
  const user = [...twitch.mock.state.users.values()].find((u) => u.login === login)!;
  return {
    user_id: user.id,
    user_login: user.login,
    user_name: user.display_name,
    broadcaster_user_id: b(),
    broadcaster_user_login: 'fakestreamer',
    broadcaster_user_name: 'FakeStreamer',
    followed_at: new Date().toISOString(),
  };
};

test('answers Twitch\'s challenge', async () => {
  const request = await webhookRequest('http://worker/eventsub', {
    secret: SECRET,
    messageType: 'webhook_callback_verification',
    type: 'channel.follow',
    version: '2',
    challenge: 'pogchamp-kappa-360noscope',
  });
  expect(await send(request)).toEqual({ status: 200, text: 'pogchamp-kappa-360noscope' });
});

test('thanks a new follower in chat with an app token, once even when Twitch redelivers', async () => {
  const request = await webhookRequest('http://worker/eventsub', {
    secret: SECRET,
    type: 'channel.follow',
    version: '2',
    condition: { broadcaster_user_id: b(), moderator_user_id: b() },
    event: followEvent('viewer05'),
    messageId: 'follow-message-1',
  });
  const again = request.clone();
  expect((await send(request)).status).toBe(204);
  expect((await send(again)).status).toBe(204);
  const thanks = twitch.mock.state.chatMessages.filter((m) => m.message === 'Thanks for the follow, Viewer05!');
  expect(thanks).toHaveLength(1);
  expect(thanks[0]).toMatchObject({ broadcaster_id: b(), sender_id: twitch.mock.users.moderator });
  // The Worker got its app token from the client-credentials grant.
  expect(twitch.mock.oauth.grants.client_credentials).toBe(1);
});

test('refuses a forged signature', async () => {
  const forged = await webhookRequest('http://worker/eventsub', {
    secret: SECRET,
    signWith: 'not-the-secret-at-all',
    type: 'channel.follow',
    version: '2',
    event: followEvent('viewer06'),
  });
  expect((await send(forged)).status).toBe(403);
  expect(twitch.mock.state.chatMessages.some((m) => m.message.includes('Viewer06'))).toBe(false);
});

test('GET /live reads Helix with the cached app token', async () => {
  const live = await worker.dispatchFetch('http://worker/live?login=fakestreamer');
  expect(await live.json()).toMatchObject({ live: true, title: "FakeStreamer's stream" });
  const offline = await worker.dispatchFetch('http://worker/live?login=fakeviewer');
  expect(await offline.json()).toEqual({ live: false });
  expect(twitch.mock.oauth.grants.client_credentials).toBe(1);
});

test('npm run example:worker: workerd on the fake Twitch thanks each follower it delivers', async () => {
  const command = runCommand('npm run example:worker', { env: { PORT: '0' } });
  try {
    const [, origin] = await command.waitFor(/worker on (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
    await command.waitFor(/twitch → challenge; the worker answers 200 fake-challenge/);
    await command.waitFor(/chat {3}← FakeMod: Thanks for the follow, Viewer01!/);
    const live = await fetch(`${origin}/live?login=fakestreamer`);
    expect(await live.json()).toMatchObject({ live: true, title: "FakeStreamer's stream" });
  } finally {
    expect(await command.interrupt()).toBe(130);
  }
});

test('npm run example:worker with CLIENT_ID…: the bindings come from the environment', async () => {
  const secret = 'a-webhook-secret-from-the-environment';
  const command = runCommand(
    fill('CLIENT_ID=… CLIENT_SECRET=… WEBHOOK_SECRET=… BOT_USER_ID=… npm run example:worker', {
      CLIENT_ID: twitch.mock.clientId,
      CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: secret,
      BOT_USER_ID: twitch.mock.users.moderator,
    }),
    { env: { PORT: '0', HELIX_URL: twitch.helixUrl, AUTH_URL: twitch.authUrl } },
  );
  try {
    const [, origin] = await command.waitFor(/worker on (http:\/\/127\.0\.0\.1:\d+)/, 20_000);
    expect(command.output()).not.toContain('fake Twitch on'); // no fake of its own
    const follow = await webhookRequest(`${origin}/eventsub`, {
      secret,
      type: 'channel.follow',
      version: '2',
      condition: { broadcaster_user_id: b(), moderator_user_id: b() },
      event: followEvent('viewer12'),
    });
    expect((await fetch(follow)).status).toBe(204);
    expect(twitch.mock.state.chatMessages.map((m) => m.message)).toContain('Thanks for the follow, Viewer12!');
  } finally {
    await command.interrupt();
  }
});
