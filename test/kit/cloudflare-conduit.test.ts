// examples/cloudflare-conduit in workerd (miniflare), against the loopback fake Twitch: a conduit of
// four shards, three held by Durable Objects over WebSockets and one a webhook shard that the fake
// delivers to two Worker isolates at once (a redelivery racing the first delivery). A stream of
// events flows while a shard object crashes; later Twitch refuses the app token and two shards
// lose their connection one after the other. What must hold:
// - every notification the fake handed to a live shard reaches the queue (and the log behind it)
//   from exactly one dispatch; the only ones missing are those in flight to the crashed object,
//   and Twitch drops none (one shard down at a time);
// - the crashed object comes back by its alarm, on a new session, with no request to wake it;
// - the webhook shard's messages, each delivered to both isolates, are dispatched once (the SEEN
//   objects); and one app token is fetched for every isolate and object, and one more after Twitch
//   refused it (the TOKENS object);
// - a stopped shard object lets its shard go for good (its alarm is gone).
// Then the README's commands.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import { createConduits, createEventSubSubscription, getConduitShards } from '../../src/helix/index.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import type { LoggedEvent } from '../../examples/cloudflare-conduit/log.ts';
import { fill, runCommand } from './commands.ts';

const SECRET = 'conduit-webhook-secret';
const PUBLIC_URL = 'https://conduit.example';
const CHANNELS = 24;
const EVENTS = 120;
const PACE_MS = 15;
const CRASH = 1;
const CRASH_AT = 40;

let twitch: RunningMockTwitch;
let app: Client;
let mf: Miniflare;
let script: string;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with `value()` once it is truthy; fails naming `what` after `timeout` ms. */
async function until<T>(value: () => T | undefined | Promise<T | undefined>, what: string, timeout = 10_000): Promise<T> {
  for (const end = Date.now() + timeout; ; await sleep(5)) {
    const found = await value();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
  }
}

/** The example bundled as `wrangler deploy` would: one script, npm imports inlined, the runtime's own modules left to it. */
async function bundleConduitWorker(): Promise<string> {
  const bundled = await build({
    entryPoints: [fileURLToPath(new URL('../../examples/cloudflare-conduit/worker.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    external: ['cloudflare:*'],
    target: 'es2022',
  });
  return bundled.outputFiles[0]!.text;
}

beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 31 });
  app = createClient({ clientId: twitch.mock.clientId, auth: twitch.mock.tokens.app, baseUrl: twitch.helixUrl, retry: { limit: 0 } });
  script = await bundleConduitWorker();
  const bindings = {
    CLIENT_ID: twitch.mock.clientId,
    CLIENT_SECRET: twitch.mock.clientSecret,
    WEBHOOK_SECRET: SECRET,
    PUBLIC_URL,
    ALARM_SECONDS: '1',
    HELIX_URL: twitch.helixUrl,
    AUTH_URL: twitch.authUrl,
    EVENTSUB_URL: twitch.eventsubUrl,
  };
  const objects = { SHARDS: 'ShardObject', TOKENS: 'TokenStoreObject', SEEN: 'SeenStoreObject', LOG: 'EventLogObject' };
  mf = new Miniflare({
    workers: [
      {
        name: 'conduit',
        modules: true,
        script,
        compatibilityDate: '2025-09-01',
        bindings,
        durableObjects: objects,
        queueProducers: { EVENTS: 'conduit-events' },
        queueConsumers: { 'conduit-events': { maxBatchTimeout: 0.05 } },
      },
      {
        // The same Worker in a second isolate (as on another machine), sharing the objects and the queue.
        name: 'edge',
        modules: true,
        script,
        compatibilityDate: '2025-09-01',
        bindings,
        durableObjects: Object.fromEntries(Object.entries(objects).map(([binding, className]) => [binding, { className, scriptName: 'conduit' }])),
        queueProducers: { EVENTS: 'conduit-events' },
      },
    ],
  });
  await mf.ready;
}, 30_000);
afterAll(async () => {
  await mf?.dispose();
  await twitch?.close();
});

/** A fetch to one of the two isolates, from a Request built in Node. */
async function call(worker: 'conduit' | 'edge', request: Request): Promise<Response> {
  // (miniflare types its Fetcher with the Workers' own Request type.)
  const fetcher = (await mf.getWorker(worker)) as unknown as { fetch: typeof fetch };
  const response = await fetcher.fetch(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    ...(request.method === 'GET' ? {} : { body: await request.text() }),
  });
  const text = await response.text();
  return new Response(response.status === 204 ? null : text, { status: response.status, headers: Object.fromEntries(response.headers) });
}

const logged = async () => (await (await call('conduit', new Request('http://worker/events'))).json()) as LoggedEvent[];

test('a conduit in Durable Objects: a crashed shard object comes back by its alarm; every event is queued once; one token, one seen-store', async () => {
  const mock = twitch.mock;
  const conduitId = (await createConduits(app, { shard_count: 4 })).data[0]!.id;
  const channels = Array.from({ length: CHANNELS }, (_, i) => String(90_000_000 + i));
  for (const channel of channels) {
    await createEventSubSubscription(app, {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: channel },
      transport: { method: 'conduit', conduit_id: conduitId },
    });
  }
  // Twitch's webhook calls reach both isolates at once; the fake takes the first answer.
  const webhookAnswers: number[] = [];
  mock.state.webhook = async (request) => {
    const body = await request.text();
    const local = (worker: 'conduit' | 'edge') => call(worker, new Request(request.url.replace(PUBLIC_URL, 'http://worker'), { method: 'POST', headers: request.headers, body }));
    const [first, second] = await Promise.all([local('conduit'), local('edge')]);
    webhookAnswers.push(first.status, second.status);
    return first;
  };

  const started = await call('conduit', new Request('http://worker/start', { method: 'POST', body: JSON.stringify({ conduitId, shards: [0, 1, 2], webhookShards: [3] }) }));
  expect(started.status).toBe(200);
  const shardsNow = () => mock.state.shards.get(conduitId)!;
  await until(() => shardsNow().every((s) => s.status === 'enabled') || undefined, 'every shard to be enabled');
  expect(mock.oauth.grants.client_credentials, 'one app token for the Worker and the three shard objects').toBe(1);

  const crashedSession = shardsNow()[CRASH]!.transport.session_id!;
  const times: { crash?: number; back?: number } = {};
  for (let i = 0; i < EVENTS; i++) {
    if (i === CRASH_AT) {
      times.crash = performance.now();
      expect((await call('conduit', new Request(`http://worker/shards/${CRASH}/crash`, { method: 'POST' }))).status).toBe(200);
    }
    const shard = shardsNow()[CRASH]!;
    if (times.crash !== undefined && times.back === undefined && shard.status === 'enabled' && shard.transport.session_id !== crashedSession) times.back = performance.now();
    const channel = channels[i % CHANNELS]!;
    mock.emit('stream.online', { id: `s-${i}`, broadcaster_user_id: channel, broadcaster_user_login: `c${channel}`, broadcaster_user_name: `C${channel}`, type: 'live', started_at: '2026-01-15T12:00:00Z' });
    await sleep(PACE_MS);
  }
  // Nothing asked the crashed object anything: its alarm brought it back (generous bound).
  await until(() => {
    const shard = shardsNow()[CRASH]!;
    return shard.status === 'enabled' && shard.transport.session_id !== crashedSession ? (times.back ??= performance.now()) : undefined;
  }, 'the crashed shard object to re-attach by its alarm');
  await mock.eventsub.settled();

  const deliveries = mock.state.conduitDeliveries.filter((d) => d.conduit_id === conduitId && d.type === 'stream.online');
  const sessionOf = new Map(mock.eventsub.sent.filter((f) => f.messageType === 'notification').map((f) => [f.messageId, f.sessionId]));
  const sent = deliveries.filter((d) => !d.dropped).map((d) => ({ ...d, session: sessionOf.get(d.message_id!) }));
  const expected = sent.filter((d) => d.session !== crashedSession);
  let log = await until(async () => {
    const now = await logged();
    return expected.every((d) => now.some((e) => e.id === d.message_id)) ? now : undefined;
  }, 'every event sent to a live shard to reach the log', 5000).catch(async () => logged());

  const byId = new Map(log.map((e) => [e.id, e]));
  const missing = sent.filter((d) => !byId.has(d.message_id!));
  const webhookSent = sent.filter((d) => d.shard_id === '3');
  const figures = {
    emitted: EVENTS,
    delivered: sent.length,
    logged: log.length,
    viaWebhook: webhookSent.length,
    rescuedByRetryShard: sent.filter((d) => d.tried.length === 2).length,
    lostInFlightToCrashedObject: missing.length,
    droppedByTwitch: deliveries.filter((d) => d.dropped).length,
    crashToReattachedMs: Math.round(times.back! - times.crash!),
    alarmSeconds: 1,
  };
  console.log(`conduit in Durable Objects: ${JSON.stringify(figures)}`);

  expect(log.filter((e) => e.dispatches !== 1).map((e) => [e.id, e.via, e.dispatches]), 'events dispatched more than once').toEqual([]);
  expect(log.filter((e) => !sent.some((d) => d.message_id === e.id)).map((e) => e.id), 'logged events the fake never sent').toEqual([]);
  expect(missing.filter((d) => d.session !== crashedSession).map((d) => d.message_id), 'events sent to a live shard that never reached the queue').toEqual([]);
  expect(deliveries.filter((d) => d.dropped), 'Twitch drops only when a channel\'s shard and its retry shard are both down').toEqual([]);
  expect(deliveries.filter((d) => d.failed), 'webhook deliveries the Worker did not acknowledge').toEqual([]);
  expect(log.filter((e) => e.via === 'webhook')).toHaveLength(webhookSent.length);
  expect(webhookSent.length).toBeGreaterThan(0);
  // Every webhook call reached both isolates, and both answered it.
  expect(webhookAnswers.length).toBe(2 * (webhookSent.length + 1)); // + the shard's challenge
  expect(new Set(webhookAnswers)).toEqual(new Set([200, 204]));

  // Twitch refuses the app token; two shards lose their connection, one after the other. The first
  // to re-attach fetches a new token, the second adopts it from the TOKENS object.
  const grants = mock.oauth.grants.client_credentials ?? 0;
  for (const [token, record] of mock.state.tokens) if (record.type === 'app' && token !== mock.tokens.app) mock.state.tokens.delete(token);
  for (const shard of [0, 2]) {
    const before = shardsNow()[shard]!.transport.session_id;
    mock.eventsub.disableShard(conduitId, shard);
    await until(() => {
      const now = shardsNow()[shard]!;
      return now.status === 'enabled' && now.transport.session_id !== before;
    }, `shard ${shard} to re-attach with a new token`);
  }
  expect((mock.oauth.grants.client_credentials ?? 0) - grants, 'app tokens fetched after Twitch refused the first').toBe(1);
  const { data } = await getConduitShards(app, { conduit_id: conduitId });
  expect(data.map((s) => s.status)).toEqual(['enabled', 'enabled', 'enabled', 'enabled']);
  log = await logged();
  expect(log.every((e) => e.deliveries >= 1)).toBe(true);

  // A stopped shard object lets its shard go, and its alarm no longer brings it back.
  expect(await (await call('conduit', new Request('http://worker/shards/2/stop', { method: 'POST' }))).json()).toMatchObject({ state: 'none' });
  await until(() => shardsNow()[2]!.status !== 'enabled' || undefined, 'the stopped shard to go down');
  await sleep(1500); // more than the alarm period
  expect(shardsNow()[2]!.status).toBe('websocket_disconnected');
});

test('npm run example:conduit: shard objects on the fake Twitch queue its events, and a crashed one comes back', async () => {
  const command = runCommand('npm run example:conduit', { env: { PORT: '0' } });
  try {
    await command.waitFor(/worker on http:\/\/127\.0\.0\.1:\d+/, 20_000);
    for (const shard of [0, 1, 2]) await command.waitFor(new RegExp(`shard ${shard} attached: session \\w+`));
    await command.waitFor(/queue ← stream\.online for Viewer01 via (shard \d|webhook)/);
    await command.waitFor(/shard 1 crashed/);
    await command.waitFor(/shard 1 back on session \w+ after \d+ ms \(its alarm woke it\)/);
  } finally {
    expect(await command.interrupt()).toBe(130);
  }
});

test('npm run example:conduit with CLIENT_ID…: serves the shards of a conduit that already exists', async () => {
  const mock = twitch.mock;
  const conduitId = (await createConduits(app, { shard_count: 2 })).data[0]!.id;
  const channel = mock.users.broadcaster;
  await createEventSubSubscription(app, { type: 'stream.online', version: '1', condition: { broadcaster_user_id: channel }, transport: { method: 'conduit', conduit_id: conduitId } });
  const command = runCommand(
    fill('CLIENT_ID=… CLIENT_SECRET=… CONDUIT_ID=… SHARDS=… npm run example:conduit', {
      CLIENT_ID: mock.clientId,
      CLIENT_SECRET: mock.clientSecret,
      CONDUIT_ID: conduitId,
      SHARDS: '0,1',
    }),
    { env: { PORT: '0', HELIX_URL: twitch.helixUrl, AUTH_URL: twitch.authUrl, EVENTSUB_URL: twitch.eventsubUrl } },
  );
  try {
    await command.waitFor(/shard 1 attached: session \w+/, 20_000);
    expect(command.output()).not.toContain('fake Twitch on'); // no fake of its own
    expect(mock.state.shards.get(conduitId)!.map((s) => s.status)).toEqual(['enabled', 'enabled']);
    mock.emit('stream.online', { id: 'stream-1', broadcaster_user_id: channel, broadcaster_user_login: 'fakestreamer', broadcaster_user_name: 'FakeStreamer', type: 'live', started_at: '2026-01-15T12:00:00Z' });
    await command.waitFor(/queue ← stream\.online for FakeStreamer via shard [01]/);
  } finally {
    expect(await command.interrupt()).toBe(130);
  }
});
