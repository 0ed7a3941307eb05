import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import type { EndpointSpec } from '../../src/endpoint.js';
import * as helix from '../../src/helix/index.js';
import { Paginator } from '../../src/pagination.js';
import { eventsubSessions } from '../../src/testing/eventsub-ws.js';
import { helixHandlers } from '../../src/testing/helix.js';
import { statefulOperations } from '../../src/testing/helix-routes.js';
import { createState, type TwitchState } from '../../src/testing/state.js';

type Input = Record<string, unknown>;
type Fn = ((client: Client, input?: Input) => unknown) & { endpoint: EndpointSpec };

const operations = (Object.entries(helix) as [string, unknown][]).filter(
  (entry): entry is [string, Fn] => typeof entry[1] === 'function' && 'endpoint' in entry[1],
);

/** A value for a parameter by its wire name, taken from the seeded world. */
function byName(state: TwitchState, name: string): unknown {
  const { broadcaster, viewer, other } = state.ids;
  const first = <T>(map: Map<string, T>) => [...map.keys()][0]!;
  const values: Record<string, unknown> = {
    broadcaster_id: broadcaster,
    moderator_id: broadcaster,
    user_id: broadcaster,
    editor_id: broadcaster,
    sender_id: broadcaster,
    from_broadcaster_id: broadcaster,
    to_broadcaster_id: other,
    from_user_id: broadcaster,
    to_user_id: viewer,
    target_user_id: viewer,
    guest_id: viewer,
    session_id: 'fake-session',
    slot_id: '1',
    source_slot_id: '1',
    extension_id: 'fake-extension',
    extension_version: '1.0.0',
    segment: 'broadcaster',
    emote_set_id: '300374282',
    clip_id: first(state.clips),
    vod_id: first(state.videos),
    vod_offset: 60,
    reward_id: first(state.rewards),
    conduit_id: first(state.conduits),
    title: 'A fine title',
    message: 'hello chat',
    text: 'blocked words',
    query: 'chess',
    length: 30,
    shard_count: 2,
    color: 'blue',
    cost: 100,
    status: 'ACTIVE',
    unban_request_id: 'fake-unban-request',
    msg_id: 'fake-message',
    action: 'ALLOW',
    target: ['broadcast'],
    is_active: true,
    required_configuration: '1',
    sku: 'fake-sku',
    display_name: 'Fake product',
    name: 'fakers',
    game_id: first(state.games),
    id: 'fake-id',
  };
  return values[name] ?? `fake-${name}`;
}

/** Inputs that depend on the operation, not just on the parameter's name. */
const overrides: Record<string, (state: TwitchState, client: Client) => Input | Promise<Input>> = {
  'get-custom-reward-redemption': () => ({ status: 'UNFULFILLED' }),
  'update-custom-reward': (s) => ({ id: [...s.rewards.keys()][0], cost: 200 }),
  'delete-custom-reward': (s) => ({ id: [...s.rewards.keys()][0] }),
  'update-redemption-status': (s) => ({ id: [...s.redemptions.keys()][0], status: 'FULFILLED' }),
  'create-custom-rewards': () => ({ title: 'Stretch', cost: 100 }),
  'modify-channel-information': () => ({ title: 'New title' }),
  'get-games': (s) => ({ id: [...s.games.keys()][0] }),
  'get-videos': (s) => ({ id: [...s.videos.keys()][0] }),
  'delete-videos': (s) => ({ id: [...s.videos.keys()][0] }),
  'get-stream-markers': (s) => ({ user_id: s.ids.broadcaster }),
  'get-teams': () => ({ name: 'fakers' }),
  'update-conduits': (s) => ({ id: [...s.conduits.keys()][0], shard_count: 3 }),
  'delete-conduit': (s) => ({ id: [...s.conduits.keys()][0] }),
  'update-conduit-shards': (s) => ({
    conduit_id: [...s.conduits.keys()][0],
    shards: [{ id: '0', transport: { method: 'websocket', session_id: 'fake-session' } }],
  }),
  'create-eventsub-subscription': (s) => ({
    type: 'channel.follow',
    version: '2',
    condition: { broadcaster_user_id: s.ids.broadcaster, moderator_user_id: s.ids.broadcaster },
    transport: { method: 'websocket', session_id: 'fake-session' },
  }),
  'delete-eventsub-subscription': (s) => ({ id: [...s.eventSubSubscriptions.keys()][0] }),
  'create-poll': () => ({ title: 'Tea or coffee?', choices: [{ title: 'Tea' }, { title: 'Coffee' }], duration: 60 }),
  'end-poll': async (s, client) => {
    const body = (await helix.createPoll(client, {
      broadcaster_id: s.ids.broadcaster,
      title: 'Tea or coffee?',
      choices: [{ title: 'Tea' }, { title: 'Coffee' }],
      duration: 60,
    })) as { data: { id: string }[] };
    return { id: body.data[0]!.id, status: 'TERMINATED' };
  },
  'create-prediction': () => ({ title: 'Will it work?', outcomes: [{ title: 'Yes' }, { title: 'No' }], prediction_window: 60 }),
  'end-prediction': async (s, client) => {
    const body = (await helix.createPrediction(client, {
      broadcaster_id: s.ids.broadcaster,
      title: 'Will it work?',
      outcomes: [{ title: 'Yes' }, { title: 'No' }],
      prediction_window: 60,
    })) as { data: { id: string; outcomes: { id: string }[] }[] };
    const prediction = body.data[0]!;
    return { id: prediction.id, status: 'RESOLVED', winning_outcome_id: prediction.outcomes[0]!.id };
  },
  'cancel-a-raid': async (s, client) => {
    await helix.startARaid(client, { from_broadcaster_id: s.ids.broadcaster, to_broadcaster_id: s.ids.other });
    return {};
  },
  'ban-user': (s) => ({ data: { user_id: s.ids.viewer, reason: 'spam' } }),
  'unban-user': (s) => ({ user_id: s.ids.crowd[1] }),
  'warn-chat-user': (s) => ({ data: { user_id: s.ids.viewer, reason: 'be nice' } }),
  'check-automod-status': () => ({ data: [{ msg_id: 'm1', msg_text: 'hello' }] }),
  'update-user-extensions': () => ({ data: { panel: {} } }),
  'add-channel-moderator': (s) => ({ user_id: s.ids.viewer }),
  'remove-channel-moderator': (s) => ({ user_id: s.ids.moderator }),
  'add-channel-vip': (s) => ({ user_id: s.ids.viewer }),
  'remove-channel-vip': (s) => ({ user_id: s.ids.crowd[0] }),
  'unblock-user': (s) => ({ target_user_id: s.ids.crowd[2] }),
  'remove-blocked-term': (s) => ({ id: s.blockedTerms[0]!.id }),
  'get-unban-requests': () => ({ status: 'pending' }),
  'resolve-unban-requests': (s) => ({ unban_request_id: s.unbanRequests[0]!.id, status: 'approved' }),
  'add-suspicious-status-to-chat-user': (s) => ({ user_id: s.ids.viewer, status: 'RESTRICTED' }),
  'remove-suspicious-status-from-chat-user': (s) => ({ user_id: s.ids.viewer }),
  'check-user-subscription': (s) => ({ broadcaster_id: s.ids.other }),
  'create-channel-stream-schedule-segment': () => ({ start_time: '2030-01-01T18:00:00Z', timezone: 'UTC', duration: '120', title: 'Launch' }),
  'update-channel-stream-schedule-segment': (s) => ({ id: s.scheduleSegments[0]!.id, title: 'Moved' }),
  'delete-channel-stream-schedule-segment': (s) => ({ id: s.scheduleSegments[0]!.id }),
  'update-extension-bits-product': () => ({ cost: { amount: 100, type: 'bits' } }),
  'set-extension-configuration-segment': (s) => ({ segment: 'broadcaster', broadcaster_id: s.ids.broadcaster, content: '{}' }),
  'send-extension-pubsub-message': () => ({ target: ['broadcast'] }),
  'send-chat-announcement': () => ({ message: 'hello everyone' }),
  'create-clip-from-vod': () => ({ title: 'From the VOD' }),
  'update-user-chat-color': () => ({ color: 'blue' }),
  'get-custom-power-up': (s) => ({ id: [...s.powerUps.keys()][0] }),
  'pin-chat-message': async (s, client) => ({ message_id: await sentMessage(s, client), duration_seconds: 60 }),
  'update-pinned-chat-message': async (s, client) => ({ message_id: await pinnedMessage(s, client), duration_seconds: 120 }),
  'unpin-chat-message': async (s, client) => ({ message_id: await pinnedMessage(s, client) }),
};

/** A message the broadcaster just sent in their own chat. */
async function sentMessage(s: TwitchState, client: Client): Promise<string> {
  const b = s.ids.broadcaster;
  const body = await helix.sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'pin me' });
  return body.data[0]!.message_id;
}

/** A message sent and pinned, as the pin operations need one. */
async function pinnedMessage(s: TwitchState, client: Client): Promise<string> {
  const b = s.ids.broadcaster;
  const body = await helix.sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'pinned', pin: true });
  return body.data[0]!.message_id;
}

/** Fills every required parameter and the first of each one-of group. */
async function typicalInput(spec: EndpointSpec, state: TwitchState, client: Client): Promise<Input> {
  const input: Input = {};
  const wanted = [...(spec.required ?? []), ...(spec.oneOf ?? []).map((group) => group[0]!)];
  const extra = await overrides[spec.id]?.(state, client);
  const coveredByOverride = new Set(Object.keys(extra ?? {}));
  for (const name of wanted) {
    const group = spec.oneOf?.find((g) => g.includes(name));
    if (group && group.some((n) => coveredByOverride.has(n))) continue;
    const value = byName(state, name);
    // Repeatable query parameters may take an array; a single value is typical.
    input[name] = value;
  }
  return { ...input, ...extra };
}

const server = setupServer();
let state: TwitchState;

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));

/** A fresh fake answering with `shapes`, before each test of the block that calls this. */
function freshFake(shapes: TwitchState['shapes']) {
  beforeEach(() => {
    state = createState({ seed: 42, shapes });
    server.resetHandlers(...helixHandlers(state));
    // An open EventSub WebSocket session, as the socket fake would register it.
    eventsubSessions(state).set('fake-session', {
      id: 'fake-session',
      status: 'connected',
      connected_at: '2024-01-15T12:00:00Z',
      keepalive_timeout_seconds: 10,
    });
  });
}

/** Operations that take either token but whose seeded data belongs to the app token. */
const appTokenFor = new Set(['delete-eventsub-subscription']);
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

// Strict validation in both modes: the observed variance is what the schemas (through their
// errata) accept, and the documented shapes are what the reference describes.
describe.each(['observed', 'documented'] as const)('with %s shapes, every Helix operation answers a schema-valid body from the fake', (shapes) => {
  freshFake(shapes);

  it('covers all 149 operations', () => {
    expect(operations).toHaveLength(149);
  });

  it('keeps state for most operations, and names only real ones in its route table', () => {
    const ids = new Set(operations.map(([, fn]) => fn.endpoint.id));
    const stateful = statefulOperations();
    expect(stateful.filter((id) => !ids.has(id))).toEqual([]);
    expect(new Set(stateful).size).toBe(stateful.length);
    expect(stateful.length).toBeGreaterThanOrEqual(100);
  });

  it.each(operations)('%s', async (_name, fn) => {
    const spec = fn.endpoint;
    const useUser = !appTokenFor.has(spec.id) && (spec.tokens.length === 0 || spec.tokens.includes('user'));
    const token = useUser ? state.userToken : state.appToken;
    const client = createClient({ clientId: state.clientId, auth: token, retry: { limit: 0 }, validate: 'strict' });
    const input = await typicalInput(spec, state, client);
    const result = fn(client, input);
    const body = result instanceof Paginator ? await result : await result;
    if (spec.text) expect(body).toMatch(/BEGIN:VCALENDAR/);
    else if (spec.response) expect(body).toBeTypeOf('object');
    else expect(body).toBeUndefined();
  });
});

/** What an app token must name that a user token implies (Twitch answers 400 or 403 otherwise). */
const appOverrides: Record<string, (state: TwitchState) => Input> = {
  'get-users': (s) => ({ id: s.ids.broadcaster }),
  'get-user-active-extensions': (s) => ({ user_id: s.ids.broadcaster }),
  'create-eventsub-subscription': (s) => ({
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: s.ids.broadcaster },
    transport: { method: 'conduit', conduit_id: [...s.conduits.keys()][0] },
  }),
};

describe('every operation that takes either token also answers the app token', () => {
  freshFake('observed');

  // The seeded broadcaster granted this app every scope (user:bot and channel:bot included), so
  // an app token may act for them wherever Twitch lets it.
  const both = operations.filter(([, fn]) => fn.endpoint.tokens.includes('app') && fn.endpoint.tokens.includes('user'));

  it.each(both)('%s', async (_name, fn) => {
    const spec = fn.endpoint;
    const client = createClient({ clientId: state.clientId, auth: state.appToken, retry: { limit: 0 } });
    const input = { ...(await typicalInput(spec, state, client)), ...appOverrides[spec.id]?.(state) };
    const result = fn(client, input);
    const body = result instanceof Paginator ? await result : await result;
    if (spec.response) expect(body).toBeTypeOf('object');
    else expect(body).toBeUndefined();
  });
});
