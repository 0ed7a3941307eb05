// `npm run example:conduit`: runs worker.ts locally in workerd, the runtime of Cloudflare Workers,
// with its Durable Objects and Queue (through miniflare, bundled with esbuild as wrangler does).
// With CLIENT_ID in the environment it serves the shards SHARDS of conduit CONDUIT_ID on Twitch;
// without it, it starts the fake Twitch on 127.0.0.1 (`helixkit/testing/server`), makes a conduit
// of four shards (three shard objects and a webhook shard), sends a stream.online event every
// second, prints each one the queue consumer logs, and once crashes a shard object to show its
// alarm bringing it back. Ctrl-C stops it (miniflare ends the process with code 130).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { createClient, createConduits, createEventSubSubscription } from 'helixkit';
import { startMockTwitch } from 'helixkit/testing/server';
import type { LoggedEvent } from './log.ts';
import type { ShardStatus } from './shard.ts';

const port = Number(process.env.PORT ?? 8788);
const twitch = process.env.CLIENT_ID ? undefined : await startMockTwitch({ seed: 11 });
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name} (see examples/cloudflare-conduit/README.md), or unset CLIENT_ID to use the fake Twitch`);
  return value;
};
const optional = (...names: string[]) => Object.fromEntries(names.filter((name) => process.env[name]).map((name) => [name, process.env[name]!]));
/** Where the fake's webhook calls for the webhook shard come from (Twitch calls https only). */
const FAKE_PUBLIC_URL = 'https://conduit.example';
const bindings: Record<string, string> = twitch
  ? {
      CLIENT_ID: twitch.mock.clientId,
      CLIENT_SECRET: twitch.mock.clientSecret,
      WEBHOOK_SECRET: `fake-webhook-secret-${crypto.randomUUID()}`,
      PUBLIC_URL: FAKE_PUBLIC_URL,
      // Every 2 s instead of 30, so the crash below heals while you watch.
      ALARM_SECONDS: '2',
      HELIX_URL: twitch.helixUrl,
      AUTH_URL: twitch.authUrl,
      EVENTSUB_URL: twitch.eventsubUrl,
    }
  : {
      CLIENT_ID: env('CLIENT_ID'),
      CLIENT_SECRET: env('CLIENT_SECRET'),
      WEBHOOK_SECRET: process.env.WEBHOOK_SECRET ?? `local-webhook-secret-${crypto.randomUUID()}`,
      ...optional('PUBLIC_URL', 'ALARM_SECONDS', 'HELIX_URL', 'AUTH_URL', 'EVENTSUB_URL'),
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
  external: ['cloudflare:*'],
  target: 'es2022',
});
const worker = new Miniflare({
  modules: true,
  script: bundled.outputFiles[0]!.text,
  compatibilityDate: '2025-09-01',
  host: '127.0.0.1',
  port,
  bindings,
  durableObjects: { SHARDS: 'ShardObject', TOKENS: 'TokenStoreObject', SEEN: 'SeenStoreObject', LOG: 'EventLogObject' },
  queueProducers: { EVENTS: 'conduit-events' },
  queueConsumers: { 'conduit-events': { maxBatchTimeout: 0.1 } },
});
const url = await worker.ready;
if (twitch) console.log(`fake Twitch on ${twitch.origin} (no CLIENT_ID set; see README.md for real Twitch)`);
console.log(`worker on ${url.origin}: GET /events for what the queue consumer logged`);

let conduitId: string;
let shards: string[];
let webhookShards: string[] = [];
if (twitch) {
  const mock = twitch.mock;
  const app = createClient({ clientId: mock.clientId, auth: mock.tokens.app, baseUrl: twitch.helixUrl });
  conduitId = (await createConduits(app, { shard_count: 4 })).data[0]!.id;
  shards = ['0', '1', '2'];
  webhookShards = ['3'];
  for (const channel of mock.users.crowd) {
    await createEventSubSubscription(app, { type: 'stream.online', version: '1', condition: { broadcaster_user_id: channel }, transport: { method: 'conduit', conduit_id: conduitId } });
  }
  // The webhook shard's calls: to the Worker, as Twitch would reach its public address.
  mock.state.webhook = async (request) =>
    fetch(request.url.replace(FAKE_PUBLIC_URL, url.origin), { method: 'POST', headers: request.headers, body: await request.text() });
  console.log(`conduit ${conduitId}: shards 0-2 in Durable Objects, shard 3 a webhook; ${mock.users.crowd.length} channels subscribed`);
} else {
  conduitId = env('CONDUIT_ID');
  shards = env('SHARDS').split(',').map((id) => id.trim());
  webhookShards = (process.env.WEBHOOK_SHARDS ?? '').split(',').map((id) => id.trim()).filter(Boolean);
}

const started = await worker.dispatchFetch(new URL('/start', url), { method: 'POST', body: JSON.stringify({ conduitId, shards, webhookShards }) });
if (!started.ok) throw new Error(`POST /start answered ${started.status}: ${await started.text()}`);
for (const shard of ((await started.json()) as { shards: ShardStatus[] }).shards) console.log(`shard ${shard.shardId} attached: session ${shard.sessionId}`);
for (const shard of webhookShards) console.log(`shard ${shard} is a webhook shard: Twitch calls POST /eventsub`);

// Print what the queue consumer logs, as it comes.
const printed = new Set<string>();
const follow = async () => {
  for (const entry of (await (await worker.dispatchFetch(new URL('/events', url))).json()) as LoggedEvent[]) {
    if (printed.has(entry.id)) continue;
    printed.add(entry.id);
    const event = entry.event as { broadcaster_user_name?: string };
    console.log(`  queue ← ${entry.type}${event.broadcaster_user_name ? ` for ${event.broadcaster_user_name}` : ''} via ${entry.via}`);
  }
};
setInterval(() => void follow().catch((error: Error) => console.error(`  reading /events failed: ${error.message}`)), 500);

if (twitch) {
  const mock = twitch.mock;
  /** Ends shard object `id` as an eviction or a deploy would, and reports when its alarm has brought it back. */
  const crash = async (id: string) => {
    const shard = () => mock.state.shards.get(conduitId)!.find((s) => s.id === id)!;
    const before = shard().transport.session_id;
    const at = performance.now();
    await worker.dispatchFetch(new URL(`/shards/${id}/crash`, url), { method: 'POST' });
    console.log(`shard ${id} crashed (its memory and WebSocket are gone); its channels go to their retry shard meanwhile`);
    while (!(shard().status === 'enabled' && shard().transport.session_id !== before)) await new Promise((resolve) => setTimeout(resolve, 20));
    console.log(`shard ${id} back on session ${shard().transport.session_id} after ${Math.round(performance.now() - at)} ms (its alarm woke it)`);
  };
  let turn = 0;
  const live = () => {
    const user = mock.state.users.get(mock.users.crowd[turn++ % mock.users.crowd.length]!)!;
    mock.emit('stream.online', { id: `stream-${turn}`, broadcaster_user_id: user.id, broadcaster_user_login: user.login, broadcaster_user_name: user.display_name, type: 'live', started_at: new Date().toISOString() });
    if (turn === 5) void crash('1');
  };
  setInterval(live, 1000);
  live();
}
