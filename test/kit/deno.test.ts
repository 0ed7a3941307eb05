// examples/deno run by the real Deno (node_modules/.bin/deno) through the README's commands: on
// its own fake Twitch, and with given credentials against the loopback fake Twitch, then signed
// webhooks into its Deno.serve endpoint.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { webhookRequest } from '../../src/testing/webhook.js';
import { fill, runCommand } from './commands.ts';

const SECRET = 'deno-webhook-secret-123';
let twitch: RunningMockTwitch;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 3 });
});
afterAll(() => twitch?.close());

test('npm run example:deno: main.ts on the fake Twitch prints the follows and cheers it delivers', async () => {
  const command = runCommand('npm run example:deno', { env: { PORT: '0' } });
  try {
    await command.waitFor(/FakeStreamer is live: FakeStreamer's stream/);
    await command.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+\/eventsub/);
    await command.waitFor(/Viewer01 followed FakeStreamer/);
  } finally {
    expect(await command.interrupt()).toBe(130);
  }
  expect(command.output()).toContain('stopped.');
});

test('npm run example:deno with TWITCH_CLIENT_ID…: live status, then follows and cheers from signed webhooks', async () => {
  const command = runCommand(
    fill('TWITCH_CLIENT_ID=… TWITCH_CLIENT_SECRET=… WEBHOOK_SECRET=… CHANNEL_LOGIN=… npm run example:deno', {
      TWITCH_CLIENT_ID: twitch.mock.clientId,
      TWITCH_CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: SECRET,
      CHANNEL_LOGIN: 'fakestreamer',
    }),
    { env: { PORT: '0', HELIX_URL: twitch.helixUrl, AUTH_URL: twitch.authUrl } },
  );
  try {
    const [, url] = await command.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+\/eventsub)/);
    expect(command.output()).toContain("FakeStreamer is live: FakeStreamer's stream");
    expect(command.output()).not.toContain('fake Twitch on'); // no fake of its own
    expect(twitch.mock.oauth.grants.client_credentials).toBe(1);
    const b = twitch.mock.users.broadcaster;
    const broadcaster = { broadcaster_user_id: b, broadcaster_user_login: 'fakestreamer', broadcaster_user_name: 'FakeStreamer' };
    const follow = await webhookRequest(url!, {
      secret: SECRET,
      type: 'channel.follow',
      version: '2',
      event: { user_id: '1', user_login: 'denofan', user_name: 'DenoFan', ...broadcaster, followed_at: new Date().toISOString() },
    });
    expect((await fetch(follow)).status).toBe(204);
    const cheer = await webhookRequest(url!, {
      secret: SECRET,
      type: 'channel.cheer',
      event: { is_anonymous: true, user_id: null, user_login: null, user_name: null, ...broadcaster, message: 'Cheer42', bits: 42 },
    });
    expect((await fetch(cheer)).status).toBe(204);
    const forged = await webhookRequest(url!, { secret: SECRET, signWith: 'wrong-secret-value', type: 'channel.cheer', event: {} });
    expect((await fetch(forged)).status).toBe(403);
    await command.waitFor(/Anonymous cheered 42 bits/);
    expect(command.output()).toContain('DenoFan followed FakeStreamer');
  } finally {
    await command.interrupt();
  }
  expect(command.output()).not.toContain(twitch.mock.clientSecret);
});
