// examples/deno run by the real Deno (node_modules/.bin/deno) against the loopback fake Twitch:
// an app token, two Helix reads, then signed webhooks into its Deno.serve endpoint.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { webhookRequest } from '../../src/testing/webhook.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const SECRET = 'deno-webhook-secret-123';
let twitch: RunningMockTwitch;
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 3 });
});
afterAll(() => twitch?.close());

test('deno run main.ts: live status, then follows and cheers from signed webhooks', async () => {
  const child = spawn(
    `${repo}node_modules/.bin/deno`,
    ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-env', '--allow-read', 'examples/deno/main.ts'],
    {
      cwd: repo,
      env: {
        ...process.env,
        NO_COLOR: '1',
        TWITCH_CLIENT_ID: twitch.mock.clientId,
        TWITCH_CLIENT_SECRET: twitch.mock.clientSecret,
        WEBHOOK_SECRET: SECRET,
        CHANNEL_LOGIN: 'fakestreamer',
        PORT: '0',
        HELIX_URL: twitch.helixUrl,
        AUTH_URL: twitch.authUrl,
      },
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<unknown>((resolve) => child.on('exit', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await expect.poll(() => output, { timeout: 15_000 }).toMatch(/listening on (http:\/\/127\.0\.0\.1:\d+\/eventsub)/);
    expect(output).toContain("FakeStreamer is live: FakeStreamer's stream");
    expect(twitch.mock.oauth.grants.client_credentials).toBe(1);
    const url = /listening on (\S+)/.exec(output)![1]!;
    const b = twitch.mock.users.broadcaster;
    const broadcaster = { broadcaster_user_id: b, broadcaster_user_login: 'fakestreamer', broadcaster_user_name: 'FakeStreamer' };
    const follow = await webhookRequest(url, {
      secret: SECRET,
      type: 'channel.follow',
      version: '2',
      event: { user_id: '1', user_login: 'denofan', user_name: 'DenoFan', ...broadcaster, followed_at: new Date().toISOString() },
    });
    expect((await fetch(follow)).status).toBe(204);
    const cheer = await webhookRequest(url, {
      secret: SECRET,
      type: 'channel.cheer',
      event: { is_anonymous: true, user_id: null, user_login: null, user_name: null, ...broadcaster, message: 'Cheer42', bits: 42 },
    });
    expect((await fetch(cheer)).status).toBe(204);
    const forged = await webhookRequest(url, { secret: SECRET, signWith: 'wrong-secret-value', type: 'channel.cheer', event: {} });
    expect((await fetch(forged)).status).toBe(403);
    await expect.poll(() => output).toContain('Anonymous cheered 42 bits');
    expect(output).toContain('DenoFan followed FakeStreamer');
  } finally {
    clearTimeout(killer);
    child.kill('SIGTERM');
    await exited;
  }
});
