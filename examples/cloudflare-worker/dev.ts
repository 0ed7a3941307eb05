// `npm run example:worker`: runs worker.ts locally in workerd, the runtime of Cloudflare Workers
// (through miniflare, bundled with esbuild as wrangler does). With CLIENT_ID in the environment
// its bindings come from the environment and it talks to Twitch; without it, it starts the fake
// Twitch on 127.0.0.1 (`helixkit/testing/server`) and, every few seconds, delivers a follow
// webhook signed the way Twitch signs them, so the Worker thanks the follower in the fake chat.
// Ctrl-C stops it (miniflare ends the process with code 130, as for any interrupted command).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { webhookRequest } from 'helixkit/testing';
import { startMockTwitch } from 'helixkit/testing/server';

const port = Number(process.env.PORT ?? 8787);
const twitch = process.env.CLIENT_ID ? undefined : await startMockTwitch({ seed: 11 });
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see examples/cloudflare-worker/README.md), or unset CLIENT_ID to use the fake Twitch`);
  return value;
};
const bindings: Record<string, string> = twitch
  ? {
      CLIENT_ID: twitch.mock.clientId,
      CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: `fake-webhook-secret-${crypto.randomUUID()}`,
      BOT_USER_ID: twitch.mock.users.moderator,
      HELIX_URL: twitch.helixUrl,
      AUTH_URL: twitch.authUrl,
    }
  : {
      CLIENT_ID: env('CLIENT_ID'),
      CLIENT_SECRET: env('CLIENT_SECRET'),
      WEBHOOK_SECRET: env('WEBHOOK_SECRET'),
      BOT_USER_ID: env('BOT_USER_ID'),
      ...(process.env.HELIX_URL ? { HELIX_URL: process.env.HELIX_URL } : {}),
      ...(process.env.AUTH_URL ? { AUTH_URL: process.env.AUTH_URL } : {}),
    };

// One script with every import inlined, as `wrangler deploy` uploads it.
const bundled = await build({
  entryPoints: [fileURLToPath(new URL('worker.ts', import.meta.url))],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  conditions: ['workerd', 'worker', 'browser'],
  mainFields: ['browser', 'module', 'main'],
  target: 'es2022',
});
const worker = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0]!.text,
  compatibilityDate: '2025-09-01',
  host: '127.0.0.1',
  port,
  bindings,
});
const url = await worker.ready;
if (twitch) console.log(`fake Twitch on ${twitch.origin} (no CLIENT_ID set; see README.md for real Twitch)`);
console.log(`worker on ${url.origin}: POST /eventsub for Twitch, GET /live?login=fakestreamer`);

if (twitch) {
  const mock = twitch.mock;
  const b = mock.users.broadcaster;
  const webhook = new URL('/eventsub', url).href;
  const secret = bindings.WEBHOOK_SECRET!;
  // When a subscription is created, Twitch first checks the callback with a challenge.
  const challenge = await fetch(
    await webhookRequest(webhook, { secret, messageType: 'webhook_callback_verification', type: 'channel.follow', version: '2', challenge: 'fake-challenge' }),
  );
  console.log(`  twitch → challenge; the worker answers ${challenge.status} ${await challenge.text()}`);
  let turn = 0;
  const follow = async () => {
    const login = `viewer${String((turn++ % 25) + 1).padStart(2, '0')}`;
    const viewer = [...mock.state.users.values()].find((u) => u.login === login)!;
    const before = mock.state.chatMessages.length;
    console.log(`  twitch → channel.follow webhook: ${viewer.login} followed`);
    const event = {
      user_id: viewer.id,
      user_login: viewer.login,
      user_name: viewer.display_name,
      broadcaster_user_id: b,
      broadcaster_user_login: 'fakestreamer',
      broadcaster_user_name: 'FakeStreamer',
      followed_at: new Date().toISOString(),
    };
    const answer = await fetch(await webhookRequest(webhook, { secret, type: 'channel.follow', version: '2', condition: { broadcaster_user_id: b, moderator_user_id: b }, event }));
    for (const sent of mock.state.chatMessages.slice(before)) console.log(`  chat   ← ${mock.state.users.get(sent.sender_id)?.display_name}: ${sent.message}`);
    if (answer.status !== 204) console.log(`  the worker answered ${answer.status}`);
  };
  const deliver = () => void follow().catch((error: Error) => console.error(`  webhook failed: ${error.message}`));
  setInterval(deliver, 3000);
  deliver();
}
