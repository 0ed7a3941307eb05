import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import { BadRequestError, ConflictError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../src/errors.js';
import {
  addBlockedTerm,
  addChannelModerator,
  addChannelVip,
  banUser,
  createChannelStreamScheduleSegment,
  createClip,
  createClipFromVod,
  createConduits,
  createCustomRewards,
  createEventSubSubscription,
  createPoll,
  createPrediction,
  createStreamMarker,
  deleteConduit,
  deleteCustomReward,
  deleteEventSubSubscription,
  endPoll,
  endPrediction,
  getAuthorizationByUser,
  getAutomodSettings,
  getBannedUsers,
  getChannelFollowers,
  getCharityCampaign,
  getExtensionConfigurationSegment,
  getUserActiveExtensions,
  getBlockedTerms,
  getChannelIcalendar,
  getChannelInformation,
  getChannelStreamSchedule,
  getClips,
  getConduitShards,
  getCustomPowerUp,
  getCustomReward,
  getEventSubSubscriptions,
  getModerators,
  getPinnedChatMessage,
  getPolls,
  getUnbanRequests,
  getPredictions,
  getStreamMarkers,
  getStreams,
  getUsers,
  getVips,
  modifyChannelInformation,
  pinChatMessage,
  removeBlockedTerm,
  resolveUnbanRequests,
  sendChatMessage,
  setExtensionConfigurationSegment,
  startARaid,
  checkAutomodStatus,
  updateUserExtensions,
  unbanUser,
  unpinChatMessage,
  updateAutomodSettings,
  updateChannelStreamSchedule,
  updateConduitShards,
  updateCustomReward,
  updatePinnedChatMessage,
  updateUser,
} from '../../src/helix/index.js';
import { eventsubSessions } from '../../src/testing/eventsub-ws.js';
import { helixHandlers } from '../../src/testing/helix.js';
import { addUser, createState, endStream, issueToken, startStream, type TwitchState } from '../../src/testing/state.js';

const server = setupServer();
let state: TwitchState;
let client: Client;
let app: Client;
let b: string;

beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
beforeEach(() => {
  state = createState({ seed: 3 });
  server.resetHandlers(...helixHandlers(state));
  client = createClient({ clientId: state.clientId, auth: state.userToken });
  app = createClient({ clientId: state.clientId, auth: state.appToken });
  b = state.ids.broadcaster;
});
afterAll(() => server.close());

/** Registers an open EventSub WebSocket session, as the socket fake does on welcome. */
function openSession(id: string) {
  eventsubSessions(state).set(id, { id, status: 'connected', connected_at: '2024-01-15T12:00:00Z', keepalive_timeout_seconds: 10 });
}

describe('stateful flows against the fake Helix', () => {
  it('creates a poll, reads it back, then ends it', async () => {
    const created = await createPoll(client, {
      broadcaster_id: b,
      title: 'Pizza or pasta?',
      choices: [{ title: 'Pizza' }, { title: 'Pasta' }],
      duration: 60,
    });
    const poll = created.data[0]!;
    expect(poll).toMatchObject({ title: 'Pizza or pasta?', status: 'ACTIVE', broadcaster_id: b });
    expect(poll.choices.map((c) => c.title)).toEqual(['Pizza', 'Pasta']);

    const listed = await getPolls(client, { broadcaster_id: b, id: poll.id });
    expect(listed.data).toEqual([poll]);

    const ended = await endPoll(client, { broadcaster_id: b, id: poll.id, status: 'TERMINATED' });
    expect(ended.data[0]).toMatchObject({ id: poll.id, status: 'TERMINATED' });
    expect(ended.data[0]!.ended_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect((await getPolls(client, { broadcaster_id: b, id: poll.id })).data[0]!.status).toBe('TERMINATED');
  });

  it('refuses a second active poll', async () => {
    const input = { broadcaster_id: b, title: 'One?', choices: [{ title: 'a' }, { title: 'b' }], duration: 60 };
    await createPoll(client, input);
    await expect(createPoll(client, input)).rejects.toBeInstanceOf(BadRequestError);
  });

  it('creates a prediction and resolves it with a winning outcome', async () => {
    const created = await createPrediction(client, {
      broadcaster_id: b,
      title: 'Boss down first try?',
      outcomes: [{ title: 'Yes' }, { title: 'No' }],
      prediction_window: 120,
    });
    const prediction = created.data[0]!;
    expect(prediction.status).toBe('ACTIVE');
    const winner = prediction.outcomes[1]!.id;

    const resolved = await endPrediction(client, { broadcaster_id: b, id: prediction.id, status: 'RESOLVED', winning_outcome_id: winner });
    expect(resolved.data[0]).toMatchObject({ status: 'RESOLVED', winning_outcome_id: winner });
    const listed = await getPredictions(client, { broadcaster_id: b, id: prediction.id });
    expect(listed.data[0]).toMatchObject({ status: 'RESOLVED', winning_outcome_id: winner });
  });

  it('creates, lists, updates and deletes a custom reward', async () => {
    const created = await createCustomRewards(client, { broadcaster_id: b, title: 'Stretch break', cost: 250 });
    const reward = created.data[0]!;
    expect(reward).toMatchObject({ title: 'Stretch break', cost: 250, is_enabled: true });

    const all = await getCustomReward(client, { broadcaster_id: b });
    expect(all.data.map((r) => r.id)).toContain(reward.id);

    const updated = await updateCustomReward(client, { broadcaster_id: b, id: reward.id, cost: 300, is_paused: true });
    expect(updated.data[0]).toMatchObject({ cost: 300, is_paused: true });

    await deleteCustomReward(client, { broadcaster_id: b, id: reward.id });
    await expect(getCustomReward(client, { broadcaster_id: b, id: reward.id })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to change a reward another client id created', async () => {
    const reward = (await createCustomRewards(client, { broadcaster_id: b, title: 'Mine', cost: 10 })).data[0]!;
    const otherToken = issueToken(state, { type: 'user', userId: b, scopes: ['channel:manage:redemptions'], clientId: 'another-client' });
    const other = createClient({ clientId: 'another-client', auth: otherToken });
    await expect(updateCustomReward(other, { broadcaster_id: b, id: reward.id, cost: 1 })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('bans a user, lists the ban, then unbans', async () => {
    const viewer = state.ids.viewer;
    const banned = await banUser(client, { broadcaster_id: b, moderator_id: b, data: { user_id: viewer, reason: 'spam links' } });
    expect(banned.data[0]).toMatchObject({ user_id: viewer, end_time: null });

    const bans = await getBannedUsers(client, { broadcaster_id: b, user_id: viewer });
    expect(bans.data).toHaveLength(1);
    expect(bans.data[0]).toMatchObject({ user_id: viewer, user_login: 'fakeviewer', reason: 'spam links', expires_at: '' });

    await unbanUser(client, { broadcaster_id: b, moderator_id: b, user_id: viewer });
    expect((await getBannedUsers(client, { broadcaster_id: b, user_id: viewer })).data).toEqual([]);
    await expect(unbanUser(client, { broadcaster_id: b, moderator_id: b, user_id: viewer })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('times a user out until the duration passes', async () => {
    let now = Date.UTC(2025, 0, 1);
    state = createState({ seed: 3, now: () => now });
    server.resetHandlers(...helixHandlers(state));
    const mod = createClient({ clientId: state.clientId, auth: state.userToken });
    const viewer = state.ids.viewer;
    const banned = await banUser(mod, { broadcaster_id: state.ids.broadcaster, moderator_id: state.ids.broadcaster, data: { user_id: viewer, duration: 60 } });
    expect(banned.data[0]!.end_time).toBe('2025-01-01T00:01:00Z');
    now += 61_000;
    expect((await getBannedUsers(mod, { broadcaster_id: state.ids.broadcaster, user_id: viewer })).data).toEqual([]);
  });

  it('approves a pending unban request, which lifts the ban', async () => {
    const pending = await getUnbanRequests(client, { broadcaster_id: b, moderator_id: b, status: 'pending' });
    expect(pending.data).toHaveLength(1);
    const request = pending.data[0]!;
    expect((await getBannedUsers(client, { broadcaster_id: b, user_id: request.user_id })).data).toHaveLength(1);

    const resolved = await resolveUnbanRequests(client, {
      broadcaster_id: b,
      moderator_id: b,
      unban_request_id: request.id,
      status: 'approved',
      resolution_text: 'Welcome back',
    });
    expect(resolved.data[0]).toMatchObject({ status: 'approved', moderator_id: b, resolution_text: 'Welcome back' });
    expect((await getBannedUsers(client, { broadcaster_id: b, user_id: request.user_id })).data).toEqual([]);
    expect((await getUnbanRequests(client, { broadcaster_id: b, moderator_id: b, status: 'pending' })).data).toEqual([]);
  });

  it('adds a moderator, then lists them', async () => {
    await addChannelModerator(client, { broadcaster_id: b, user_id: state.ids.viewer });
    const mods = await getModerators(client, { broadcaster_id: b });
    expect(mods.data.map((m) => m.user_login)).toEqual(expect.arrayContaining(['fakemod', 'fakeviewer']));
    await expect(addChannelModerator(client, { broadcaster_id: b, user_id: state.ids.viewer })).rejects.toBeInstanceOf(BadRequestError);
  });

  it('adds a VIP, then lists them', async () => {
    await addChannelVip(client, { broadcaster_id: b, user_id: state.ids.viewer });
    const vips = await getVips(client, { broadcaster_id: b, user_id: state.ids.viewer });
    expect(vips.data).toEqual([{ user_id: state.ids.viewer, user_login: 'fakeviewer', user_name: 'FakeViewer' }]);
  });

  it('adds a blocked term, lists it, then removes it', async () => {
    const added = await addBlockedTerm(client, { broadcaster_id: b, moderator_id: b, text: 'bad phrase' });
    const term = added.data[0]!;
    expect(term).toMatchObject({ text: 'bad phrase', moderator_id: b, expires_at: null });

    const listed = await getBlockedTerms(client, { broadcaster_id: b, moderator_id: b });
    expect(listed.data.map((t) => t.text)).toContain('bad phrase');

    await removeBlockedTerm(client, { broadcaster_id: b, moderator_id: b, id: term.id });
    const after = await getBlockedTerms(client, { broadcaster_id: b, moderator_id: b });
    expect(after.data.map((t) => t.id)).not.toContain(term.id);
  });

  it('creates a schedule segment, then finds it in the schedule and the iCalendar feed', async () => {
    const created = await createChannelStreamScheduleSegment(client, {
      broadcaster_id: b,
      start_time: '2030-05-01T17:00:00Z',
      timezone: 'America/New_York',
      duration: '90',
      title: 'Launch party',
    });
    const segment = created.data.segments![0]!;
    expect(segment).toMatchObject({ title: 'Launch party', start_time: '2030-05-01T17:00:00Z', end_time: '2030-05-01T18:30:00Z' });

    const schedule = await getChannelStreamSchedule(client, { broadcaster_id: b });
    expect(schedule.data.segments!.map((s) => s.id)).toContain(segment.id);

    const calendar = await getChannelIcalendar(client, { broadcaster_id: b });
    expect(calendar).toContain('BEGIN:VCALENDAR');
    expect(calendar).toContain('SUMMARY:Launch party');
  });

  it('records a vacation in the schedule', async () => {
    await updateChannelStreamSchedule(client, {
      broadcaster_id: b,
      is_vacation_enabled: true,
      vacation_start_time: '2030-07-01T00:00:00Z',
      vacation_end_time: '2030-07-14T00:00:00Z',
      timezone: 'UTC',
    });
    const schedule = await getChannelStreamSchedule(app, { broadcaster_id: b });
    expect(schedule.data.vacation).toEqual({ start_time: '2030-07-01T00:00:00Z', end_time: '2030-07-14T00:00:00Z' });
  });

  it('answers the iCalendar feed as text/calendar, to anyone', async () => {
    const response = await fetch(`https://api.twitch.tv/helix/schedule/icalendar?broadcaster_id=${b}`);
    expect(response.headers.get('content-type')).toBe('text/calendar');
    expect(await response.text()).toMatch(/^BEGIN:VCALENDAR\r\n/);
  });

  it('creates a clip, then gets it by id', async () => {
    const created = await createClip(client, { broadcaster_id: b });
    const { id, edit_url } = created.data[0]!;
    expect(edit_url).toContain(id);
    const clips = await getClips(client, { id });
    expect(clips.data).toHaveLength(1);
    expect(clips.data[0]).toMatchObject({ id, broadcaster_id: b });
  });

  it('refuses a clip of a channel that is not live', async () => {
    await expect(createClip(client, { broadcaster_id: state.ids.viewer })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('creates a stream marker, then lists it under the live video', async () => {
    const created = await createStreamMarker(client, { user_id: b, description: 'epic play' });
    const marker = created.data[0]!;
    const listed = await getStreamMarkers(client, { user_id: b });
    const markers = listed.data[0]!.videos.flatMap((v) => v.markers);
    expect(markers.find((m) => m.id === marker.id)).toMatchObject({ description: 'epic play', position_seconds: marker.position_seconds });
  });

  it('creates an EventSub subscription, lists it, then deletes it', async () => {
    const created = await createEventSubSubscription(app, {
      type: 'channel.update',
      version: '2',
      condition: { broadcaster_user_id: b },
      transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'a-long-enough-secret' },
    });
    const sub = created.data[0]!;
    expect(sub).toMatchObject({ type: 'channel.update', status: 'webhook_callback_verification_pending' });
    expect(sub.transport).toEqual({ method: 'webhook', callback: 'https://example.com/hook' });

    const listed = await getEventSubSubscriptions(app, { type: 'channel.update' });
    expect(listed.data.map((s) => s.id)).toEqual([sub.id]);

    await expect(
      createEventSubSubscription(app, {
        type: 'channel.update',
        version: '2',
        condition: { broadcaster_user_id: b },
        transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'a-long-enough-secret' },
      }),
    ).rejects.toBeInstanceOf(ConflictError);

    await deleteEventSubSubscription(app, { id: sub.id });
    expect((await getEventSubSubscriptions(app, { type: 'channel.update' })).data).toEqual([]);
  });

  it('creates a WebSocket subscription with a user token on an open session only', async () => {
    const subscribe = () =>
      createEventSubSubscription(client, {
        type: 'channel.chat.message',
        version: '1',
        condition: { broadcaster_user_id: b, user_id: b },
        transport: { method: 'websocket', session_id: 'session-abc' },
      });
    await expect(subscribe()).rejects.toBeInstanceOf(BadRequestError);
    openSession('session-abc');
    const created = await subscribe();
    expect(created.data[0]).toMatchObject({
      status: 'enabled',
      transport: { method: 'websocket', session_id: 'session-abc', connected_at: '2024-01-15T12:00:00Z' },
    });
    expect(created.data[0]!.cost).toBe(0);
    expect(created).toMatchObject({ total: 1, max_total_cost: 10 });
    // The app token sees its webhook subscriptions, not the user's WebSocket ones.
    const asApp = await getEventSubSubscriptions(app);
    expect(asApp.data.map((s) => s.transport.method)).not.toContain('websocket');
  });

  it('creates a conduit, points its shards at a session, then reads the shards', async () => {
    openSession('session-1');
    const conduit = (await createConduits(app, { shard_count: 2 })).data[0]!;
    expect(conduit.shard_count).toBe(2);

    const updated = await updateConduitShards(app, {
      conduit_id: conduit.id,
      shards: [
        { id: '0', transport: { method: 'websocket', session_id: 'session-1' } },
        { id: '5', transport: { method: 'websocket', session_id: 'session-2' } },
      ],
    });
    expect(updated.data.map((s) => s.id)).toEqual(['0']);
    expect(updated.errors.map((e) => e.id)).toEqual(['5']);

    const shards = await getConduitShards(app, { conduit_id: conduit.id });
    expect(shards.data).toHaveLength(2);
    expect(shards.data[0]).toMatchObject({ id: '0', status: 'enabled', transport: { method: 'websocket', session_id: 'session-1' } });
    expect(shards.data[1]!.status).toBe('websocket_disconnected');
  });

  it('modifies channel information, then reads it back', async () => {
    const game = [...state.games.values()][2]!;
    await modifyChannelInformation(client, { broadcaster_id: b, title: 'Speedrun time', game_id: game.id, tags: ['Speedrun', 'English'] });
    const info = await getChannelInformation(app, { broadcaster_id: b });
    expect(info.data[0]).toMatchObject({ title: 'Speedrun time', game_id: game.id, game_name: game.name, tags: ['Speedrun', 'English'] });
  });

  it('updates the user description, then reads it back', async () => {
    const updated = await updateUser(client, { description: 'I build things live' });
    expect(updated.data[0]!.description).toBe('I build things live');
    const users = await getUsers(client);
    expect(users.data[0]).toMatchObject({ id: b, login: 'fakestreamer', description: 'I build things live' });
    expect(users.data[0]!.email).toBe('fakestreamer@example.com');
    const seenByApp = await getUsers(app, { login: 'fakestreamer' });
    expect(seenByApp.data[0]!.email).toBeUndefined();
  });
});

describe('pinned chat messages', () => {
  /** A message the broadcaster just sent, as pins need one in the chat. */
  async function send(message = 'read the rules'): Promise<string> {
    return (await sendChatMessage(client, { broadcaster_id: b, sender_id: b, message })).data[0]!.message_id;
  }

  it('pins a message, reads it back, extends it, then unpins it', async () => {
    let now = Date.UTC(2026, 5, 1, 20);
    state = createState({ seed: 3, now: () => now });
    server.resetHandlers(...helixHandlers(state));
    client = createClient({ clientId: state.clientId, auth: state.userToken });
    b = state.ids.broadcaster;
    const pin = { broadcaster_id: b, moderator_id: b };
    expect((await getPinnedChatMessage(client, pin)).data).toEqual([]);

    const messageId = await send();
    await pinChatMessage(client, { ...pin, message_id: messageId, duration_seconds: 60 });
    const pinned = (await getPinnedChatMessage(client, pin)).data[0]!;
    expect(pinned).toMatchObject({
      message_id: messageId,
      sender_user_login: 'fakestreamer',
      pinned_by_user_id: b,
      message: { text: 'read the rules', fragments: [{ type: 'text', text: 'read the rules' }] },
      starts_at: '2026-06-01T20:00:00Z',
      ends_at: '2026-06-01T20:01:00Z',
    });

    now += 30_000;
    await updatePinnedChatMessage(client, { ...pin, message_id: messageId, duration_seconds: 600 });
    expect((await getPinnedChatMessage(client, pin)).data[0]).toMatchObject({
      ends_at: '2026-06-01T20:10:30Z',
      updated_at: '2026-06-01T20:00:30Z',
    });
    // Without a duration the pin stays until the stream ends.
    await updatePinnedChatMessage(client, { ...pin, message_id: messageId });
    expect((await getPinnedChatMessage(client, pin)).data[0]!.ends_at).toBeNull();

    await unpinChatMessage(client, { ...pin, message_id: messageId });
    expect((await getPinnedChatMessage(client, pin)).data).toEqual([]);
    await expect(unpinChatMessage(client, { ...pin, message_id: messageId })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lets a pin run out, and ends an untimed pin with the stream', async () => {
    let now = Date.UTC(2026, 5, 1, 20);
    state = createState({ seed: 3, now: () => now });
    server.resetHandlers(...helixHandlers(state));
    client = createClient({ clientId: state.clientId, auth: state.userToken });
    b = state.ids.broadcaster;
    const pin = { broadcaster_id: b, moderator_id: b };
    const first = await send('first');
    await pinChatMessage(client, { ...pin, message_id: first, duration_seconds: 30 });
    now += 30_000;
    expect((await getPinnedChatMessage(client, pin)).data).toEqual([]);
    await expect(updatePinnedChatMessage(client, { ...pin, message_id: first })).rejects.toBeInstanceOf(NotFoundError);

    await pinChatMessage(client, { ...pin, message_id: await send('second') });
    endStream(state, b);
    expect((await getPinnedChatMessage(client, pin)).data).toEqual([]);
  });

  it('replaces the pin with another message, and refuses the same one twice', async () => {
    const pin = { broadcaster_id: b, moderator_id: b };
    const first = await send('first');
    const second = await send('second');
    await pinChatMessage(client, { ...pin, message_id: first });
    await expect(pinChatMessage(client, { ...pin, message_id: first })).rejects.toBeInstanceOf(ConflictError);
    await pinChatMessage(client, { ...pin, message_id: second });
    expect((await getPinnedChatMessage(client, pin)).data.map((p) => p.message_id)).toEqual([second]);
    // Only the pinned message can be updated or unpinned.
    await expect(unpinChatMessage(client, { ...pin, message_id: first })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers as Twitch does: 404 for an unknown message, 403 for a non-moderator, 400 for a bad duration or a missing id', async () => {
    const pin = { broadcaster_id: b, moderator_id: b };
    await expect(pinChatMessage(client, { ...pin, message_id: 'no-such-message' })).rejects.toBeInstanceOf(NotFoundError);
    const viewer = createClient({
      clientId: state.clientId,
      auth: issueToken(state, { type: 'user', userId: state.ids.viewer, scopes: ['moderator:manage:chat_messages'] }),
    });
    const messageId = await send();
    await expect(pinChatMessage(viewer, { broadcaster_id: b, moderator_id: state.ids.viewer, message_id: messageId })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    // Past the client's own checks, straight to the fake: Twitch refuses these with 400.
    const raw = (query: string) =>
      fetch(`https://api.twitch.tv/helix/chat/pins?${query}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${state.userToken}`, 'client-id': state.clientId },
      });
    expect((await raw(`broadcaster_id=${b}&moderator_id=${b}&message_id=${messageId}&duration_seconds=10`)).status).toBe(400);
    expect((await raw(`broadcaster_id=${b}&moderator_id=${b}`)).status).toBe(400);
  });

  it('sends and pins in one call, for 20 minutes; a non-moderator sends nothing', async () => {
    let now = Date.UTC(2026, 5, 1, 20);
    state = createState({ seed: 3, now: () => now });
    server.resetHandlers(...helixHandlers(state));
    client = createClient({ clientId: state.clientId, auth: state.userToken });
    b = state.ids.broadcaster;
    const sent = await sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'welcome!', pin: true });
    const pinned = (await getPinnedChatMessage(client, { broadcaster_id: b, moderator_id: b })).data[0]!;
    expect(pinned).toMatchObject({ message_id: sent.data[0]!.message_id, ends_at: '2026-06-01T20:20:00Z' });

    const viewerId = state.ids.viewer;
    const viewer = createClient({
      clientId: state.clientId,
      auth: issueToken(state, { type: 'user', userId: viewerId, scopes: ['user:write:chat', 'moderator:manage:chat_messages'] }),
    });
    const before = state.chatMessages.length;
    await expect(sendChatMessage(viewer, { broadcaster_id: b, sender_id: viewerId, message: 'me!', pin: true })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: 'x', pin: true, reply_parent_message_id: 'm' }),
    ).rejects.toBeInstanceOf(BadRequestError);
    expect(state.chatMessages).toHaveLength(before);
  });

  it('lets an app token pin for a moderator who granted the app, and only then', async () => {
    const mod = state.ids.moderator;
    const messageId = await send();
    await pinChatMessage(app, { broadcaster_id: b, moderator_id: mod, message_id: messageId });
    expect((await getPinnedChatMessage(app, { broadcaster_id: b, moderator_id: mod })).data[0]!.pinned_by_user_id).toBe(mod);

    // A moderator who authorized the app without user:bot has not made it their bot.
    const other = addUser(state, { login: 'newmod' });
    state.moderators.push({ broadcaster_id: b, user_id: other.id, since: '2024-01-01T00:00:00Z' });
    issueToken(state, { type: 'user', userId: other.id, scopes: ['moderator:manage:chat_messages'] });
    await expect(unpinChatMessage(app, { broadcaster_id: b, moderator_id: other.id, message_id: messageId })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );

    // A channel whose broadcaster did not grant channel:bot keeps the app out, whoever moderates.
    const small = addUser(state, { login: 'smallchannel' });
    issueToken(state, { type: 'user', userId: small.id, scopes: ['moderator:manage:chat_messages', 'user:bot'] });
    const own = { broadcaster_id: small.id, moderator_id: small.id, message_id: 'none' };
    await expect(pinChatMessage(app, own)).rejects.toBeInstanceOf(UnauthorizedError);
    issueToken(state, { type: 'user', userId: small.id, scopes: ['channel:bot'] });
    await expect(pinChatMessage(app, own)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('what Twitch changed in 2026', () => {
  it('lets an app token ban for a moderator who granted it the scope and user:bot', async () => {
    const viewer = state.ids.viewer;
    await banUser(app, { broadcaster_id: b, moderator_id: state.ids.moderator, data: { user_id: viewer, reason: 'spam' } });
    expect((await getBannedUsers(client, { broadcaster_id: b, user_id: viewer })).data[0]!.moderator_id).toBe(state.ids.moderator);
    // The viewer granted nothing: the app cannot act for them.
    await expect(unbanUser(app, { broadcaster_id: b, moderator_id: viewer, user_id: viewer })).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('lists the broadcaster’s custom Power-ups by id, 404 for unknown ids, 403 for a channel without Bits', async () => {
    const all = await getCustomPowerUp(client, { broadcaster_id: b });
    expect(all.data.map((p) => p.title).sort()).toEqual(['Confetti', 'Pick the next song']);
    expect(all.data.map((p) => p.id)).toEqual(all.data.map((p) => p.id).sort());
    const one = all.data[1]!;
    expect((await getCustomPowerUp(client, { broadcaster_id: b, id: one.id })).data).toEqual([one]);
    await expect(getCustomPowerUp(client, { broadcaster_id: b, id: 'nope' })).rejects.toBeInstanceOf(NotFoundError);

    const viewerId = state.ids.viewer;
    const viewer = createClient({ clientId: state.clientId, auth: issueToken(state, { type: 'user', userId: viewerId, scopes: ['bits:read'] }) });
    await expect(getCustomPowerUp(viewer, { broadcaster_id: viewerId })).rejects.toBeInstanceOf(ForbiddenError);
  });

  it('subscribes to custom Power-up redemptions of one Power-up', async () => {
    const powerUp = (await getCustomPowerUp(client, { broadcaster_id: b })).data[0]!;
    const created = await createEventSubSubscription(app, {
      type: 'channel.custom_power_up_redemption.add',
      version: '1',
      condition: { broadcaster_user_id: b, reward_id: powerUp.id },
      transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'a-long-enough-secret' },
    });
    expect(created.data[0]).toMatchObject({ type: 'channel.custom_power_up_redemption.add', condition: { reward_id: powerUp.id } });
  });

  it('filters subscriptions by conduit, and keeps them as conduit_deleted when the conduit goes', async () => {
    const conduit = (await createConduits(app, { shard_count: 1 })).data[0]!;
    const created = await createEventSubSubscription(app, {
      type: 'stream.online',
      version: '1',
      condition: { broadcaster_user_id: b },
      transport: { method: 'conduit', conduit_id: conduit.id },
    });
    const id = created.data[0]!.id;
    expect((await getEventSubSubscriptions(app, { conduit_id: conduit.id })).data.map((s) => s.id)).toEqual([id]);

    await deleteConduit(app, { id: conduit.id });
    const gone = await getEventSubSubscriptions(app, { status: 'conduit_deleted' });
    expect(gone.data.map((s) => s.id)).toEqual([id]);
  });

  it('answers 410 to a subscription version Twitch removed', async () => {
    const old = createEventSubSubscription(app, {
      type: 'channel.follow',
      version: '1',
      condition: { broadcaster_user_id: b },
      transport: { method: 'webhook', callback: 'https://example.com/hook', secret: 'a-long-enough-secret' },
    });
    await expect(old).rejects.toMatchObject({ status: 410 });
  });

  it('refuses more than 100 shards in one update, even past the client', async () => {
    const conduit = (await createConduits(app, { shard_count: 101 })).data[0]!;
    const shards = Array.from({ length: 101 }, (_, i) => ({ id: String(i), transport: { method: 'websocket', session_id: 's' } }));
    const response = await fetch('https://api.twitch.tv/helix/eventsub/conduits/shards', {
      method: 'PATCH',
      headers: { authorization: `Bearer ${state.appToken}`, 'client-id': state.clientId, 'content-type': 'application/json' },
      body: JSON.stringify({ conduit_id: conduit.id, shards }),
    });
    expect(response.status).toBe(400);
  });

  it('clips a video without a title or offset, as Twitch’s own example does', async () => {
    const video = [...state.videos.values()].find((v) => v.user_id === b)!;
    const created = await createClipFromVod(client, { broadcaster_id: b, editor_id: b, vod_id: video.id });
    const clip = (await getClips(client, { id: created.data[0]!.id })).data[0]!;
    expect(clip).toMatchObject({ video_id: video.id, title: video.title, vod_offset: 30 });
  });
});

describe('smaller areas', () => {
  it('shows a user taken live by the test, and hides them once offline', async () => {
    const user = addUser(state, { login: 'latecomer' });
    startStream(state, user.id, { title: 'First stream!' });
    const live = await getStreams(app, { user_login: 'latecomer' });
    expect(live.data[0]).toMatchObject({ user_id: user.id, title: 'First stream!', type: 'live' });
    endStream(state, user.id);
    expect((await getStreams(app, { user_login: 'latecomer' })).data).toEqual([]);
  });

  it('shows a channel\'s follower list to its moderators only; others see the total and their own follow', async () => {
    const asViewer = createClient({ clientId: state.clientId, auth: issueToken(state, { type: 'user', userId: state.ids.viewer, scopes: ['moderator:read:followers'] }) });
    const seen = await getChannelFollowers(asViewer, { broadcaster_id: b });
    expect(seen.total).toBe(27);
    expect(seen.data.map((f) => f.user_id)).toEqual([state.ids.viewer]);
    const asMod = createClient({ clientId: state.clientId, auth: state.moderatorToken });
    expect((await getChannelFollowers(asMod, { broadcaster_id: b })).data).toHaveLength(20);
  });

  it('refuses a second raid while one is in progress', async () => {
    const raid = await startARaid(client, { from_broadcaster_id: b, to_broadcaster_id: state.ids.other });
    expect(raid.data[0]!.is_mature).toBe(false);
    await expect(startARaid(client, { from_broadcaster_id: b, to_broadcaster_id: state.ids.other })).rejects.toBeInstanceOf(ConflictError);
  });

  it('keeps AutoMod levels set one by one', async () => {
    await updateAutomodSettings(client, { broadcaster_id: b, moderator_id: b, swearing: 4, bullying: 2 });
    const settings = (await getAutomodSettings(client, { broadcaster_id: b, moderator_id: b })).data[0]!;
    expect(settings).toMatchObject({ swearing: 4, bullying: 2, overall_level: null });
  });

  it('reports the scopes a user granted this client', async () => {
    const result = await getAuthorizationByUser(app, { user_id: [b, state.ids.viewer] });
    expect(result.data.find((u) => u.user_id === b)?.scopes).toContain('channel:manage:polls');
    expect(result.data.find((u) => u.user_id === state.ids.viewer)?.scopes).toEqual([]);
  });

  it('holds back a message that contains a blocked term', async () => {
    const result = await checkAutomodStatus(client, {
      broadcaster_id: b,
      data: [
        { msg_id: 'a', msg_text: 'no SPOILERS please' },
        { msg_id: 'b', msg_text: 'hello' },
      ],
    });
    expect(result.data).toEqual([
      { msg_id: 'a', is_permitted: false },
      { msg_id: 'b', is_permitted: true },
    ]);
  });

  it('stores an extension configuration segment and reads it back', async () => {
    await setExtensionConfigurationSegment(client, { extension_id: 'ext', segment: 'broadcaster', broadcaster_id: b, content: '{"theme":"dark"}', version: '2' });
    const read = await getExtensionConfigurationSegment(client, { extension_id: 'ext', segment: 'broadcaster', broadcaster_id: b });
    expect(read.data).toEqual([{ segment: 'broadcaster', broadcaster_id: b, content: '{"theme":"dark"}', version: '2' }]);
  });

  it('activates an extension in a panel slot', async () => {
    await updateUserExtensions(client, { data: { panel: { '1': { active: true, id: 'ext', version: '1.0.0' } } } });
    const active = await getUserActiveExtensions(app, { user_id: b });
    expect(active.data?.panel?.['1']).toMatchObject({ active: true, id: 'ext', version: '1.0.0' });
  });

  it('fills sampled bodies with the users the request names', async () => {
    const campaign = await getCharityCampaign(client, { broadcaster_id: b });
    expect(campaign.data[0]).toMatchObject({ broadcaster_id: b, broadcaster_login: 'fakestreamer', broadcaster_name: 'FakeStreamer' });
  });
});
