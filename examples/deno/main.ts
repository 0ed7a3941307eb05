// Stream alerts on Deno: a webhook endpoint for EventSub (Deno.serve + createWebhookHandler) that
// prints follows and cheers, after checking with an app token whether the channel is live.
//   deno run --allow-net --allow-env main.ts
import { appToken, createClient, getStreams, getUsers } from 'helixkit';
import { createWebhookHandler } from 'helixkit/webhooks';

const env = (name: string, fallback?: string) => {
  const value = Deno.env.get(name) ?? fallback;
  if (value === undefined) throw new Error(`set ${name}`);
  return value;
};
const clientId = env('TWITCH_CLIENT_ID');
const authBaseUrl = Deno.env.get('AUTH_URL'); // only to point at a fake Twitch
const helixUrl = Deno.env.get('HELIX_URL');

// Client credentials: an app token for reading public data.
const { access_token } = await appToken({ clientId, clientSecret: env('TWITCH_CLIENT_SECRET'), ...(authBaseUrl ? { authBaseUrl } : {}) });
const client = createClient({ clientId, auth: access_token, ...(helixUrl ? { baseUrl: helixUrl } : {}) });

const login = env('CHANNEL_LOGIN');
const [{ data: [user] }, { data: [stream] }] = await Promise.all([getUsers(client, { login }), getStreams(client, { user_login: login })]);
console.log(`${user?.display_name ?? login} is ${stream ? `live: ${stream.title}` : 'offline'}`);

const handler = createWebhookHandler({
  secret: env('WEBHOOK_SECRET'),
  on: {
    'channel.follow': (event) => console.log(`${event.user_name} followed ${event.broadcaster_user_name}`),
    'channel.cheer': (event) => console.log(`${event.user_name ?? 'Anonymous'} cheered ${event.bits} bits`),
  },
  onRevocation: (message) => console.log(`Twitch revoked ${message.subscription.type}: ${message.subscription.status}`),
});

Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(env('PORT', '8787')),
    onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}/eventsub`),
  },
  (request) => (new URL(request.url).pathname === '/eventsub' ? handler(request) : new Response('not found', { status: 404 })),
);
