// After a lost connection the socket re-creates every remembered subscription on the new session:
// all at once within the token's rate-limit bucket, not one after another. Run against the whole
// fake Twitch, with 50 ms of latency on every Helix answer.
import { setupServer } from 'msw/node';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { createMockTwitch, type MockTwitch } from '../../src/testing/mock.js';
import { setRateLimit } from '../../src/testing/state.js';

const LATENCY_MS = 50;
const COUNT = 300;

let twitch: MockTwitch;
let server: ReturnType<typeof setupServer>;
let socket: EventSubSocket;
/** Every subscription request's status, in the order answered. */
let created: number[];
/** Subscription requests sent (answered or not). */
let sent: number;
const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
  twitch = createMockTwitch();
  server = setupServer(...twitch.handlers);
  server.listen({ onUnhandledFrame: 'error' });
  created = [];
  sent = 0;
  // Helix as far away as a real one: each answer comes LATENCY_MS after its request.
  const slow = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.endsWith('eventsub/subscriptions')) sent++;
    const answer = await fetch(input, init);
    await new Promise((resolve) => setTimeout(resolve, LATENCY_MS));
    if (url.endsWith('eventsub/subscriptions')) created.push(answer.status);
    return answer;
  }) as typeof fetch;
  socket = new EventSubSocket({ client: createClient({ clientId: twitch.clientId, auth: twitch.tokens.user, fetch: slow }) });
});
afterEach(() => {
  socket.close();
  server.close();
  vi.useRealTimers();
});

/**
 * Subscribes to the chat of COUNT channels (free to a user token reading as itself) and lets the
 * session live past 30 s (a healthy session's loss is retried at once). Returns the statuses of
 * those COUNT subscription requests.
 */
async function subscribeAll(): Promise<number[]> {
  const me = twitch.users.broadcaster;
  let done = false;
  const subscribing = Promise.all(
    Array.from({ length: COUNT }, (_, i) => socket.subscribe('channel.chat.message', { broadcaster_user_id: String(9_000_000 + i), user_id: me })),
  ).then(() => (done = true));
  for (let waited = 0; !done && waited < 300; waited++) await tick(1000);
  await subscribing;
  await tick(30_000);
  return created.splice(0);
}

const onNewSession = () => [...twitch.state.eventSubSubscriptions.values()].filter((sub) => sub.status === 'enabled' && sub.transport.session_id === socket.session?.id);

test(`${COUNT} remembered subscriptions come back together after a lost connection, not one after another`, async () => {
  expect(await subscribeAll()).toEqual(Array(COUNT).fill(202));
  const resubscribed: { subscriptions: readonly unknown[]; failed: readonly unknown[] }[] = [];
  socket.on('resubscribed', (value) => void resubscribed.push(value));
  twitch.close(4006);
  // One after another would take COUNT × 50 ms = 15 s; together, a few round trips.
  await tick(500);
  expect(resubscribed).toHaveLength(1);
  expect(resubscribed[0]!.subscriptions).toHaveLength(COUNT);
  expect(resubscribed[0]!.failed).toEqual([]);
  expect(created).toEqual(Array(COUNT).fill(202));
  expect(onNewSession()).toHaveLength(COUNT);
});

test('the subscriptions and their re-creation stay within the bucket: what it holds goes at once, the rest as points flow back, with no 429', async () => {
  // 250 points, refilled continuously: fewer than the subscriptions, a point every 240 ms.
  setRateLimit(twitch.state, { limit: 250 });
  expect(await subscribeAll()).toEqual(Array(COUNT).fill(202));
  // The bucket is full again before the loss.
  await tick(60_000);
  twitch.close(4006);
  await tick(1000);
  // 250 at once, then the few points that flowed back in that second.
  expect(created.length).toBeGreaterThanOrEqual(250);
  expect(created.length).toBeLessThanOrEqual(255);
  await tick(15_000);
  expect(created).toEqual(Array(COUNT).fill(202));
  expect(onNewSession()).toHaveLength(COUNT);
});

test('close() during the re-creation stops it: what waits for the bucket is never sent, and nothing is reported', async () => {
  setRateLimit(twitch.state, { limit: 250 });
  expect(await subscribeAll()).toEqual(Array(COUNT).fill(202));
  await tick(60_000);
  const errors: unknown[] = [];
  socket.on('error', (error) => void errors.push(error));
  twitch.close(4006);
  await tick(1000); // the bucket's 250 went; about 50 wait for points
  const before = sent;
  expect(before).toBeLessThan(2 * COUNT);
  socket.close();
  await tick(15_000);
  expect(sent).toBe(before);
  expect(errors).toEqual([]);
});
