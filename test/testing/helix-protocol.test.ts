import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../src/client.js';
import { UnauthorizedError } from '../../src/errors.js';
import { getChannelFollowers, getChatters, getPolls, getUsers } from '../../src/helix/index.js';
import { helixHandlers } from '../../src/testing/helix.js';
import { createState, issueToken, revokeToken, setRateLimit, type TwitchState } from '../../src/testing/state.js';

const server = setupServer();
let state: TwitchState;
const requests: Request[] = [];

beforeAll(() => {
  server.listen({ onUnhandledFrame: 'error' });
  server.events.on('request:start', ({ request }) => void requests.push(request));
});
beforeEach(() => {
  state = createState({ seed: 5 });
  requests.length = 0;
  server.resetHandlers(...helixHandlers(state));
});
afterEach(() => vi.useRealTimers());
afterAll(() => server.close());

const helix = (path: string, init: RequestInit = {}) => fetch(`https://api.twitch.tv/helix/${path}`, init);
const auth = (token: string, clientId: string) => ({ Authorization: `Bearer ${token}`, 'Client-Id': clientId });

describe('authentication', () => {
  it('answers 401 with Twitch\'s error body when the token is unknown', async () => {
    const response = await helix('users?login=fakestreamer', { headers: auth('not-a-real-token', state.clientId) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'Unauthorized', status: 401, message: 'Invalid OAuth token' });
  });

  it('throws UnauthorizedError from a client with a bad token, without echoing the token', async () => {
    const client = createClient({ clientId: state.clientId, auth: 'bogus-token-value' });
    const error = await getUsers(client, { login: 'fakestreamer' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(String((error as Error).message)).not.toContain('bogus-token-value');
  });

  it('answers 401 without Authorization or Client-Id, and for a token of another client', async () => {
    expect((await helix('users?login=x', { headers: { 'Client-Id': state.clientId } })).status).toBe(401);
    expect((await helix('users?login=x', { headers: { Authorization: `Bearer ${state.appToken}` } })).status).toBe(401);
    const mismatch = await helix('users?login=x', { headers: auth(state.appToken, 'some-other-client') });
    expect(mismatch.status).toBe(401);
    expect((await mismatch.json()).message).toMatch(/do not match/);
  });

  it('answers 401 once a token expires or is revoked', async () => {
    let now = Date.UTC(2025, 0, 1);
    state = createState({ seed: 5, now: () => now });
    server.resetHandlers(...helixHandlers(state));
    const token = issueToken(state, { type: 'app', expiresIn: 1000 });
    expect((await helix('users?login=fakestreamer', { headers: auth(token, state.clientId) })).status).toBe(200);
    now += 1000;
    expect((await helix('users?login=fakestreamer', { headers: auth(token, state.clientId) })).status).toBe(401);
    revokeToken(state, state.appToken);
    expect((await helix('users?login=fakestreamer', { headers: auth(state.appToken, state.clientId) })).status).toBe(401);
  });

  it('answers 401 for an app token where a user token is needed, and for a missing scope', async () => {
    const polls = await helix(`polls?broadcaster_id=${state.ids.broadcaster}`, { headers: auth(state.appToken, state.clientId) });
    expect(polls.status).toBe(401);
    const weak = issueToken(state, { type: 'user', userId: state.ids.broadcaster, scopes: ['user:read:email'] });
    const client = createClient({ clientId: state.clientId, auth: weak });
    await expect(getPolls(client, { broadcaster_id: state.ids.broadcaster })).rejects.toMatchObject({
      status: 401,
      message: expect.stringContaining('channel:read:polls'),
    });
  });
});

describe('parameters', () => {
  it('answers 400 when a required parameter is missing', async () => {
    const response = await helix('polls', { headers: auth(state.userToken, state.clientId) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'Bad Request', status: 400, message: expect.stringContaining('broadcaster_id') });
  });

  it('answers 204 with no body where Twitch does', async () => {
    const response = await helix(`moderation/moderators?broadcaster_id=${state.ids.broadcaster}&user_id=${state.ids.viewer}`, {
      method: 'POST',
      headers: auth(state.userToken, state.clientId),
    });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });
});

describe('unknown paths', () => {
  it('answers 404 with Twitch\'s error body for a path Helix does not have', async () => {
    const response = await helix('no/such/thing', { headers: auth(state.appToken, state.clientId) });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ status: 404, error: 'Not Found' });
  });
});

describe('rate limits', () => {
  it('sends Twitch\'s Ratelimit headers, counting down per token', async () => {
    const first = await helix('users?login=fakestreamer', { headers: auth(state.appToken, state.clientId) });
    const second = await helix('users?login=fakestreamer', { headers: auth(state.appToken, state.clientId) });
    const other = await helix('users?login=fakestreamer', { headers: auth(state.userToken, state.clientId) });
    expect(first.headers.get('Ratelimit-Limit')).toBe('800');
    expect(first.headers.get('Ratelimit-Remaining')).toBe('799');
    expect(second.headers.get('Ratelimit-Remaining')).toBe('798');
    expect(other.headers.get('Ratelimit-Remaining')).toBe('799');
    expect(Number(first.headers.get('Ratelimit-Reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('answers 429 when the bucket is empty, and the client retries after the reset', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    // Ratelimit-Reset is in whole seconds: start on one so the reset is exactly 1 s ahead.
    vi.setSystemTime(Date.UTC(2025, 0, 1));
    setRateLimit(state, { remaining: 0, resetIn: 1000, token: state.appToken });
    const client = createClient({ clientId: state.clientId, auth: state.appToken });
    const pending = getUsers(client, { login: 'fakestreamer' });
    await vi.advanceTimersByTimeAsync(1100);
    const body = await pending;
    expect(body.data[0]!.login).toBe('fakestreamer');
    expect(requests).toHaveLength(2);
  });

  it('answers a raw 429 with the reset time in the headers', async () => {
    setRateLimit(state, { remaining: 0, resetIn: 5000 });
    const response = await helix('users?login=fakestreamer', { headers: auth(state.appToken, state.clientId) });
    expect(response.status).toBe(429);
    expect(response.headers.get('Ratelimit-Remaining')).toBe('0');
    expect(await response.json()).toMatchObject({ status: 429, error: 'Too Many Requests' });
  });
});

describe('pagination', () => {
  it('walks every follower across several pages with for await', async () => {
    const client = createClient({ clientId: state.clientId, auth: state.userToken });
    const logins: string[] = [];
    for await (const follower of getChannelFollowers(client, { broadcaster_id: state.ids.broadcaster, first: 10 })) {
      logins.push(follower.user_login);
    }
    expect(logins).toHaveLength(27);
    expect(new Set(logins).size).toBe(27);
    expect(requests).toHaveLength(3);
    const cursors = requests.map((r) => new URL(r.url).searchParams.get('after'));
    expect(cursors[0]).toBeNull();
    expect(cursors[1]).toMatch(/^[A-Za-z0-9+/]+$/);
  });

  it('sends a cursor while items remain and an empty pagination object on the last page', async () => {
    const client = createClient({ clientId: state.clientId, auth: state.userToken });
    const pages = [];
    for await (const page of getChatters(client, { broadcaster_id: state.ids.broadcaster, moderator_id: state.ids.broadcaster, first: 20 }).pages()) {
      pages.push(page);
    }
    expect(pages).toHaveLength(2);
    expect(pages[0]!.pagination?.cursor).toEqual(expect.any(String));
    expect(pages[1]!.pagination).toEqual({});
    expect(pages[0]!.total).toBe(28);
  });

  it('answers 400 when first is beyond the operation\'s maximum', async () => {
    const headers = auth(state.userToken, state.clientId);
    expect((await helix(`channels/followers?broadcaster_id=${state.ids.broadcaster}&first=101`, { headers })).status).toBe(400);
    expect((await helix(`polls?broadcaster_id=${state.ids.broadcaster}&first=21`, { headers })).status).toBe(400);
    expect((await helix(`polls?broadcaster_id=${state.ids.broadcaster}&first=20`, { headers })).status).toBe(200);
  });

  it('answers 400 for a cursor it did not issue', async () => {
    const response = await helix(`channels/followers?broadcaster_id=${state.ids.broadcaster}&after=%%%`, {
      headers: auth(state.userToken, state.clientId),
    });
    expect(response.status).toBe(400);
  });
});
