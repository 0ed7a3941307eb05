// A Twitch EventSub conduit on Cloudflare: WebSocket shards in Durable Objects (shard.ts),
// webhook shards answered by this Worker, every notification on a Queue. Routes:
//   POST /start {conduitId, shards: [0, 1, …], webhookShards?: [3, …]}  start serving those shards
//   GET  /shards/:id · POST /shards/:id/stop · POST /shards/:id/crash  a shard object's status; stop it; a crash to watch
//   POST /eventsub                                                      Twitch's webhook calls
//   GET  /events                                                        what the queue consumer logged
import { getConduits, updateConduitShards } from 'helixkit';
import { createWebhookHandler, type WebhookHandler } from 'helixkit/webhooks';
import { appClient, type Env, type QueuedEvent } from './env.ts';
import { seenStore } from './stores.ts';

export { EventLogObject } from './log.ts';
export { ShardObject } from './shard.ts';
export { SeenStoreObject, TokenStoreObject } from './stores.ts';

// Per isolate. Its memory of message ids covers this isolate only; the SEEN objects cover them all.
let webhooks: WebhookHandler | undefined;

function webhookHandler(env: Env): WebhookHandler {
  return (webhooks ??= createWebhookHandler({
    secret: env.WEBHOOK_SECRET,
    seen: seenStore(env.SEEN),
    onNotification: (message) => {
      const { event, events } = message.body;
      const queued: QueuedEvent = { id: message.id, type: message.subscription.type, via: 'webhook', dispatch: crypto.randomUUID(), event: events ?? event };
      return env.EVENTS.send(queued);
    },
  }));
}

interface StartRequest {
  conduitId: string;
  /** Shard ids served by shard objects over WebSockets. */
  shards?: (string | number)[];
  /** Shard ids pointed at this Worker's `/eventsub` (needs PUBLIC_URL). */
  webhookShards?: (string | number)[];
}

async function start(env: Env, { conduitId, shards = [], webhookShards = [] }: StartRequest): Promise<Response> {
  const client = appClient(env);
  // Fetches the app token once; the shard objects find it in the TOKENS object.
  const conduit = (await getConduits(client)).data.find((c) => c.id === conduitId);
  if (!conduit) return Response.json({ error: `no conduit ${conduitId} for this client id` }, { status: 404 });
  const ids = [...shards, ...webhookShards].map(String);
  const outside = ids.filter((id) => !/^\d+$/.test(id) || Number(id) >= conduit.shard_count);
  if (outside.length) return Response.json({ error: `the conduit has ${conduit.shard_count} shards: no ${outside.join(', ')}` }, { status: 400 });
  if (webhookShards.length) {
    if (!env.PUBLIC_URL) return Response.json({ error: 'webhook shards need PUBLIC_URL, the https origin Twitch calls' }, { status: 400 });
    const callback = new URL('/eventsub', env.PUBLIC_URL).href;
    const { errors } = await updateConduitShards(client, {
      conduit_id: conduitId,
      shards: webhookShards.map((id) => ({ id: String(id), transport: { method: 'webhook', callback, secret: env.WEBHOOK_SECRET } })),
    });
    if (errors.length) return Response.json({ error: 'Twitch refused webhook shards', errors }, { status: 502 });
  }
  const started = await Promise.all(shards.map((id) => env.SHARDS.getByName(`shard-${id}`).start(conduitId, String(id))));
  return Response.json({ shards: started });
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/eventsub') return webhookHandler(env)(request);
    if (request.method === 'GET' && url.pathname === '/events') return Response.json(await env.LOG.getByName('log').list());

    if (env.ADMIN_KEY && request.headers.get('authorization') !== `Bearer ${env.ADMIN_KEY}`) return new Response('unauthorized', { status: 401 });
    if (request.method === 'POST' && url.pathname === '/start') return start(env, (await request.json()) as StartRequest);
    const [, id, action] = /^\/shards\/(\d+)(?:\/(stop|crash))?$/.exec(url.pathname) ?? [];
    if (id) {
      const object = env.SHARDS.getByName(`shard-${id}`);
      if (request.method === 'GET' && !action) return Response.json(await object.status());
      if (request.method === 'POST' && action === 'stop') return Response.json(await object.stop());
      if (request.method === 'POST' && action === 'crash') {
        // The object ends mid-call: the call fails, which is the point.
        await object.crash().catch(() => {});
        return Response.json({ crashed: id });
      }
    }
    return new Response('not found', { status: 404 });
  },

  /** The queue's consumer: here, the log. */
  async queue(batch: MessageBatch<QueuedEvent>, env: Env): Promise<void> {
    await env.LOG.getByName('log').record(batch.messages.map((message) => message.body));
    for (const message of batch.messages) message.ack();
  },
};
