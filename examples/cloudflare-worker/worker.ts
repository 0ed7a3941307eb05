// A Cloudflare Worker that thanks new followers in chat: Twitch calls it with EventSub webhooks,
// it answers the challenge, checks the signature, and sends a chat message with an app token.
// GET /live?login=… tells whether a channel is live.
import { createClient, createTokenManager, getStreams, sendChatMessage, type Client } from 'helixkit';
import { createWebhookHandler, type WebhookHandler } from 'helixkit/webhooks';

export interface Env {
  CLIENT_ID: string;
  CLIENT_SECRET: string;
  /** The secret given to Twitch when creating the webhook subscription. */
  WEBHOOK_SECRET: string;
  /** The chat bot's user id (it authorized your app with `user:bot`; the channel with `channel:bot`). */
  BOT_USER_ID: string;
  /** Only to point the Worker at a fake Twitch in tests. */
  HELIX_URL?: string;
  AUTH_URL?: string;
}

// Built once per isolate and reused across requests: the app token is fetched once, then cached.
let cached: { client: Client; webhooks: WebhookHandler } | undefined;

function setup(env: Env) {
  if (cached) return cached;
  const auth = createTokenManager({
    clientId: env.CLIENT_ID,
    clientSecret: env.CLIENT_SECRET,
    ...(env.AUTH_URL ? { authBaseUrl: env.AUTH_URL } : {}),
  });
  const client = createClient({ clientId: env.CLIENT_ID, auth, ...(env.HELIX_URL ? { baseUrl: env.HELIX_URL } : {}) });
  const webhooks = createWebhookHandler({
    secret: env.WEBHOOK_SECRET,
    on: {
      'channel.follow': async (event) => {
        await sendChatMessage(client, {
          broadcaster_id: event.broadcaster_user_id,
          sender_id: env.BOT_USER_ID,
          message: `Thanks for the follow, ${event.user_name}!`,
        });
      },
    },
  });
  return (cached = { client, webhooks });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const { client, webhooks } = setup(env);
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/eventsub') return webhooks(request);
    if (request.method === 'GET' && url.pathname === '/live') {
      const login = url.searchParams.get('login');
      if (!login) return Response.json({ error: 'add ?login=' }, { status: 400 });
      const { data } = await getStreams(client, { user_login: login });
      const stream = data[0];
      return Response.json(stream ? { live: true, title: stream.title, viewers: stream.viewer_count } : { live: false });
    }
    return new Response('not found', { status: 404 });
  },
};
