// `npm run example:deno`: runs main.ts with the Deno from devDependencies. With TWITCH_CLIENT_ID in
// the environment it talks to Twitch with your settings; without it, it starts the fake Twitch on
// 127.0.0.1 (`helixkit/testing/server`) and, every few seconds, sends main.ts a webhook signed the
// way Twitch signs them, as Twitch would deliver a follow or a cheer. Ctrl-C stops it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { webhookRequest } from 'helixkit/testing';
import { startMockTwitch } from 'helixkit/testing/server';

const main = fileURLToPath(new URL('main.ts', import.meta.url));
const real = Boolean(process.env.TWITCH_CLIENT_ID);
const twitch = real ? undefined : await startMockTwitch({ seed: 3 });
const secret = `fake-webhook-secret-${crypto.randomUUID()}`;
const env = twitch
  ? {
      ...process.env,
      TWITCH_CLIENT_ID: twitch.mock.clientId,
      TWITCH_CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: secret,
      CHANNEL_LOGIN: 'fakestreamer',
      PORT: process.env.PORT ?? '0',
      HELIX_URL: twitch.helixUrl,
      AUTH_URL: twitch.authUrl,
    }
  : process.env;
if (twitch) console.log(`fake Twitch on ${twitch.origin} (no TWITCH_CLIENT_ID set; see README.md for real Twitch)`);

// The fake has only loopback to offer, so Deno gets no more than that there.
const net = twitch ? '--allow-net=127.0.0.1' : '--allow-net';
const deno = spawn('deno', ['run', net, '--allow-env', main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
deno.on('error', async (error) => {
  console.error(`could not start deno: ${error.message} (run this through npm, which puts it on PATH: npm run example:deno)`);
  await twitch?.close();
  process.exit(1);
});

let timer: ReturnType<typeof setInterval> | undefined;
deno.stdout.setEncoding('utf8').on('data', (text: string) => {
  process.stdout.write(text);
  const listening = /listening on (\S+)/.exec(text);
  if (twitch && listening && !timer) {
    const url = listening[1]!;
    let turn = 0;
    const deliver = () => void sendWebhook(url, ++turn).catch((error: Error) => console.error(`  webhook failed: ${error.message}`));
    timer = setInterval(deliver, 3000);
    deliver();
  }
});

/** What Twitch would send: a follow, then a cheer, in turn, from the fake's crowd. */
async function sendWebhook(url: string, turn: number) {
  const viewer = [...twitch!.mock.state.users.values()].find((u) => u.login === `viewer${String(turn % 25 || 25).padStart(2, '0')}`)!;
  const user = { user_id: viewer.id, user_login: viewer.login, user_name: viewer.display_name };
  const broadcaster = { broadcaster_user_id: twitch!.mock.users.broadcaster, broadcaster_user_login: 'fakestreamer', broadcaster_user_name: 'FakeStreamer' };
  const follow = turn % 2 === 1;
  console.log(`  twitch → ${follow ? 'channel.follow' : 'channel.cheer'} webhook from ${viewer.login}`);
  const request = follow
    ? await webhookRequest(url, { secret, type: 'channel.follow', version: '2', event: { ...user, ...broadcaster, followed_at: new Date().toISOString() } })
    : await webhookRequest(url, { secret, type: 'channel.cheer', event: { is_anonymous: false, ...user, ...broadcaster, message: 'Cheer100', bits: 100 } });
  await fetch(request);
}

const stop = () => {
  clearInterval(timer);
  if (deno.exitCode === null && deno.signalCode === null) deno.kill('SIGINT');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
deno.on('exit', async (code, signal) => {
  clearInterval(timer);
  await twitch?.close();
  console.log('stopped.');
  // Deno ends on Ctrl-C by the signal; that is the normal way out here.
  process.exit(signal === 'SIGINT' || signal === 'SIGTERM' || code === 130 ? 0 : (code ?? 1));
});
