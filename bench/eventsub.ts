// EventSub notifications per second on one socket: the same channel.follow frames pushed through
// a fake WebSocket into helixkit's EventSubSocket and into Twurple's EventSubWsListener.
// Each contender runs in its own process (bench/interleave.ts).
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';
import type { Figure, Prepared } from './child.ts';
import { FakeWebSocket } from './fake-ws.ts';

/** Frames per timed round. */
export const FRAMES = 20_000;

export const contenders = {
  helixkit: 'helixkit EventSubSocket (envelope + channel.follow schema)',
  'helixkit-envelope': 'helixkit EventSubSocket (envelope only)',
  twurple: 'Twurple 8.1.4 EventSubWsListener',
  floor: 'floor: JSON.parse of each frame, nothing else',
} as const;
export type Contender = keyof typeof contenders;

const EVENTSUB_URL = 'wss://eventsub.wss.twitch.tv/ws';
const SESSION_ID = 'AgoQbench-session-0000000000000000';
const SUBSCRIPTION_ID = 'f1c2a387-161a-49f9-a165-0f21d7a4e1c4';
const USER_ID = '1337';
const CONDITION = { broadcaster_user_id: USER_ID, moderator_user_id: USER_ID };

const subscription = () => ({
  id: SUBSCRIPTION_ID,
  status: 'enabled',
  type: 'channel.follow',
  version: '2',
  cost: 0,
  condition: CONDITION,
  transport: { method: 'websocket', session_id: SESSION_ID },
  created_at: new Date().toISOString(),
});

const welcome = () =>
  JSON.stringify({
    metadata: { message_id: 'welcome-1', message_type: 'session_welcome', message_timestamp: new Date().toISOString() },
    payload: {
      session: {
        id: SESSION_ID,
        status: 'connected',
        connected_at: new Date().toISOString(),
        keepalive_timeout_seconds: 10,
        reconnect_url: null,
        recovery_url: null,
      },
    },
  });

let batch = 0;
/** A round's frames, each with its own message id (both contenders drop repeated ids). */
function notifications(count: number): string[] {
  batch++;
  const now = new Date().toISOString();
  const sub = subscription();
  const frames: string[] = [];
  for (let i = 0; i < count; i++) {
    frames.push(
      JSON.stringify({
        metadata: {
          message_id: `b${batch}-m${i}-0d3ef1b4-6f1d-4a71-9a2c`,
          message_type: 'notification',
          message_timestamp: now,
          subscription_type: 'channel.follow',
          subscription_version: '2',
        },
        payload: {
          subscription: sub,
          event: {
            user_id: String(100000 + i),
            user_login: `viewer${i}`,
            user_name: `Viewer${i}`,
            broadcaster_user_id: USER_ID,
            broadcaster_user_login: 'cool_user',
            broadcaster_user_name: 'Cool_User',
            followed_at: now,
          },
        },
      }),
    );
  }
  return frames;
}

/** Helix as far as both contenders need it: who the token is, and creating the subscription. */
const helix = (async (input: RequestInfo | URL) => {
  const url = String(input instanceof Request ? input.url : input);
  const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  if (url.includes('oauth2/validate')) {
    return json({ client_id: 'cid', login: 'cool_user', scopes: ['moderator:read:followers'], user_id: USER_ID, expires_in: 5000000 });
  }
  if (url.includes('eventsub/subscriptions')) return json({ data: [subscription()], total: 1, total_cost: 0, max_total_cost: 10 }, 202);
  return json({ error: 'Not Found', status: 404, message: url }, 404);
}) as typeof fetch;

const tick = () => new Promise((resolve) => setImmediate(resolve));

export interface Target {
  /** The socket or listener, kept so it stays alive. */
  handle: unknown;
  /** Notifications the handler has seen. */
  seen(): number;
  /** The user in the latest one: proof the handler got a real event. */
  last(): string;
}

/** One helixkit EventSubSocket, welcomed, subscribed to channel.follow. */
export async function helixkit(schemas: boolean, options: Record<string, unknown> = {}): Promise<Target> {
  const dist = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { createClient } = await dist('index.js');
  const { EventSubSocket } = await dist('eventsub/socket.js');
  const { channelFollowV2 } = await dist('eventsub/schemas.js');
  const client = createClient({ clientId: 'cid', auth: 'token', fetch: helix });
  const socket = new EventSubSocket({ client, WebSocket: FakeWebSocket, schemas: schemas ? [channelFollowV2] : undefined, ...options });
  let count = 0;
  let last = '';
  socket.on('channel.follow', (event: { user_name: string }) => {
    last = event.user_name;
    count++;
  });
  socket.on('error', (error: Error) => {
    throw error;
  });
  const subscribed = socket.subscribe('channel.follow', CONDITION);
  await tick();
  FakeWebSocket.last().receive(welcome());
  await subscribed;
  return { handle: socket, seen: () => count, last: () => last };
}

let hooked = false;

/** One Twurple EventSubWsListener, welcomed, subscribed to channel.follow. */
export async function twurple(): Promise<Target> {
  // Twurple opens its sockets through @d-fischer/isomorphic-ws; the fake takes that module's place.
  const fake = pathToFileURL(join(root, 'bench/fake-ws.ts')).href;
  if (!hooked) {
    hooked = true;
    registerHooks({
      resolve: (specifier, context, nextResolve) =>
        specifier === '@d-fischer/isomorphic-ws' ? { url: fake, shortCircuit: true } : nextResolve(specifier, context),
    });
  }
  globalThis.fetch = helix;
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider } = await import('@twurple/auth');
  const { EventSubWsListener } = await import('@twurple/eventsub-ws');
  const apiClient = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token') });
  const listener = new EventSubWsListener({ apiClient });
  let count = 0;
  let last = '';
  let created = false;
  listener.onSubscriptionCreateSuccess(() => (created = true));
  listener.onSubscriptionCreateFailure((_, error) => {
    throw error;
  });
  listener.onChannelFollow(USER_ID, USER_ID, (event) => {
    last = event.userDisplayName;
    count++;
  });
  listener.start();
  await tick();
  FakeWebSocket.last().receive(welcome());
  for (let i = 0; i < 5_000 && !created; i++) await tick();
  if (!created) throw new Error('Twurple did not create its subscription');
  return { handle: listener, seen: () => count, last: () => last };
}

/** What no contender can beat while it parses JSON: the same fake socket, a listener that only parses. */
function floor(): Target {
  const ws = new FakeWebSocket(EVENTSUB_URL);
  let count = 0;
  let last = '';
  ws.addEventListener('message', (event: { data: string }) => {
    last = (JSON.parse(event.data) as { payload: { event: { user_name: string } } }).payload.event.user_name;
    count++;
  });
  return { handle: ws, seen: () => count, last: () => last };
}

/** Pushes `frames` into the live socket: notifications per second of wall clock and of CPU time. */
async function round(target: Target, frames: string[]): Promise<Figure> {
  const ws = FakeWebSocket.last();
  const before = target.seen();
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (const frame of frames) ws.receive(frame);
  // Handlers that run after a microtask (Twurple's are async) count too.
  for (let spins = 0; target.seen() - before < frames.length; spins++) {
    if (spins > 100_000) throw new Error(`only ${target.seen() - before} of ${frames.length} notifications reached the handler`);
    await (spins < 100 ? Promise.resolve() : new Promise(setImmediate));
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpuStart);
  return { value: frames.length / seconds, cpu: frames.length / ((used.user + used.system) / 1e6) };
}

export async function prepare(contender: string): Promise<Prepared> {
  if (!(contender in contenders)) throw new Error(`unknown contender ${contender}`);
  const target =
    contender === 'twurple' ? await twurple() : contender === 'floor' ? floor() : await helixkit(contender === 'helixkit');
  // Check one frame gets through before timing, then warm up.
  await round(target, notifications(1));
  if (target.last() !== 'Viewer0') throw new Error(`${contender}: the handler saw ${JSON.stringify(target.last())}`);
  // Until the rates settle: the JIT and the heap are still growing over the first rounds.
  for (let i = 0; i < 5; i++) await round(target, notifications(FRAMES));
  return { round: () => round(target, notifications(FRAMES)) };
}
