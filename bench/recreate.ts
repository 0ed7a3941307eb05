// Recovery: an EventSub socket holding 300 subscriptions loses its connection; how long until all
// 300 are re-created on the new session, with every Helix answer 50 ms after its request and
// Twitch's bucket (800 points a minute) metered. The server welcomes each new connection at once.
// Each contender runs in its own Node process (bench/interleave.ts).
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './bundle.ts';
import type { Figure, Prepared } from './child.ts';
import { FakeWebSocket } from './fake-ws.ts';
import { metered } from './metered.ts';

export const RECREATE_SUBSCRIPTIONS = 300;
export const RECREATE_LATENCY_MS = 50;

export const contenders = {
  helixkit: 'helixkit EventSubSocket',
  twurple: 'Twurple 8.1.4 EventSubWsListener',
} as const;
export type Contender = keyof typeof contenders;

const USER_ID = '1337';
const helix = metered({ limit: 800, windowMs: 60_000, latencyMs: RECREATE_LATENCY_MS, scopes: ['user:read:chat'] });
const broadcasters = Array.from({ length: RECREATE_SUBSCRIPTIONS }, (_, i) => String(9_000_000 + i));

// Before each loss the clock moves on a minute, as if the session had run that long: a session
// that lived 30 s is healthy, and helixkit then reconnects at once (as Twurple always does); the
// metered bucket is full again, as it would be.
const realNow = Date.now.bind(Date);
let offset = 0;
Date.now = () => realNow() + offset;

let sessions = 0;
const welcome = () =>
  JSON.stringify({
    metadata: { message_id: `welcome-${sessions}`, message_type: 'session_welcome', message_timestamp: new Date(Date.now()).toISOString() },
    payload: {
      session: {
        id: `session-${++sessions}`,
        status: 'connected',
        connected_at: new Date(Date.now()).toISOString(),
        // Long enough that no keepalive watchdog fires while other contenders run their rounds.
        keepalive_timeout_seconds: 600,
        reconnect_url: null,
        recovery_url: null,
      },
    },
  });

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Waits for the contender to open a new connection and welcomes it. */
async function welcomeNext(opened: number): Promise<void> {
  for (let spins = 0; FakeWebSocket.opened.length === opened; spins++) {
    if (spins > 100_000) throw new Error('no new connection was opened');
    await tick();
  }
  await Promise.resolve(); // (the fake opens in a microtask)
  FakeWebSocket.last().receive(welcome());
}

interface Target {
  /** Resolves once every subscription exists on the newest session. */
  recreated(): Promise<void>;
}

async function helixkit(): Promise<Target> {
  const dist = (path: string) => import(pathToFileURL(join(root, 'dist', path)).href);
  const { createClient } = await dist('index.js');
  const { EventSubSocket } = await dist('eventsub/socket.js');
  const client = createClient({ clientId: 'cid', auth: 'token', fetch: helix.fetch });
  const socket = new EventSubSocket({ client, WebSocket: FakeWebSocket });
  socket.on('error', (error: Error) => {
    throw error;
  });
  const opened = FakeWebSocket.opened.length;
  const subscribing = Promise.all(broadcasters.map((id) => socket.subscribe('channel.chat.message', { broadcaster_user_id: id, user_id: USER_ID })));
  await welcomeNext(opened);
  await subscribing;
  return {
    recreated: () =>
      new Promise((resolve, reject) => {
        const off = socket.on('resubscribed', ({ subscriptions, failed }: { subscriptions: unknown[]; failed: unknown[] }) => {
          off();
          if (failed.length || subscriptions.length !== RECREATE_SUBSCRIPTIONS) reject(new Error(`${failed.length} failed`));
          else resolve();
        });
      }),
  };
}

let hooked = false;

async function twurple(): Promise<Target> {
  // Twurple opens its sockets through @d-fischer/isomorphic-ws; the fake takes that module's place.
  if (!hooked) {
    hooked = true;
    const fake = pathToFileURL(join(root, 'bench/fake-ws.ts')).href;
    registerHooks({
      resolve: (specifier, context, nextResolve) =>
        specifier === '@d-fischer/isomorphic-ws' ? { url: fake, shortCircuit: true } : nextResolve(specifier, context),
    });
  }
  globalThis.fetch = helix.fetch;
  const { ApiClient } = await import('@twurple/api');
  const { StaticAuthProvider } = await import('@twurple/auth');
  const { EventSubWsListener } = await import('@twurple/eventsub-ws');
  const logger = { minLevel: 'error' as const };
  const apiClient = new ApiClient({ authProvider: new StaticAuthProvider('cid', 'token'), logger });
  const listener = new EventSubWsListener({ apiClient, logger });
  let created = 0;
  let waiting: (() => void) | undefined;
  listener.onSubscriptionCreateSuccess(() => {
    if (++created === RECREATE_SUBSCRIPTIONS) waiting?.();
  });
  listener.onSubscriptionCreateFailure((_, error) => {
    throw error;
  });
  for (const id of broadcasters) listener.onChannelChatMessage(id, USER_ID, () => {});
  const opened = FakeWebSocket.opened.length;
  const all = new Promise<void>((resolve) => (waiting = resolve));
  listener.start();
  await welcomeNext(opened);
  await all;
  return {
    recreated() {
      created = 0;
      return new Promise((resolve) => (waiting = resolve));
    },
  };
}

/** Drops the connection and times the re-creation of every subscription, from the drop. */
async function round(target: Target): Promise<Figure & { count: number }> {
  offset += 61_000;
  const refused = helix.refused();
  const recreated = target.recreated();
  const opened = FakeWebSocket.opened.length;
  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  FakeWebSocket.last().close(4006, 'network error');
  await welcomeNext(opened);
  await recreated;
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  return { value: wall, cpu: (cpu.user + cpu.system) / 1000, count: helix.refused() - refused };
}

/** Subscribes, warms up with one loss, and hands back the timed rounds. */
export async function prepare(contender: string): Promise<Prepared> {
  if (!(contender in contenders)) throw new Error(`unknown contender ${contender}`);
  const target = contender === 'twurple' ? await twurple() : await helixkit();
  await round(target);
  return { round: () => round(target) };
}
