import { setupServer } from 'msw/node';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { batch } from '../src/batch.js';
import { createClient, type AuthProvider } from '../src/client.js';
import { BadRequestError, InputError } from '../src/errors.js';
import { getChannelFollowers, getEmoteSets, getModerators, getStreams, getUsers, getVideos } from '../src/helix/index.js';
import { helixHandlers } from '../src/testing/helix.js';
import { createState, startStream } from '../src/testing/state.js';
import { fetchStub, json, type FetchStub } from './fetch-stub.js';

/** A user as Twitch answers it, for an id (logins are the id's lower-case `user<id>`). */
const user = (id: string) => ({
  id,
  login: `user${id}`,
  display_name: `User${id}`,
  type: '',
  broadcaster_type: '',
  description: '',
  profile_image_url: '',
  offline_image_url: '',
  created_at: '2020-01-01T00:00:00Z',
});

/** Answers get-users like Twitch, for ids (only numeric ones exist) and logins, in reverse order so matching cannot lean on order. */
function usersStub(): FetchStub {
  return fetchStub((request) => {
    const url = new URL(request.url);
    const byId = url.searchParams.getAll('id').filter((id) => /^\d+$/.test(id));
    const byLogin = url.searchParams.getAll('login').flatMap((login) => (/^user\d+$/.test(login) ? [login.slice(4)] : []));
    return json({ data: [...byId, ...byLogin].map(user).reverse() });
  });
}

const asked = (request: Request, key: string) => new URL(request.url).searchParams.getAll(key);
const clientWith = (stub: FetchStub, auth: string | AuthProvider = 'token') => createClient({ clientId: 'cid', auth, fetch: stub.fetch, retry: { limit: 0 } });

afterEach(() => {
  vi.useRealTimers();
});

describe('batch', () => {
  it('shares requests of at most 100 ids among concurrent lookups, each caller getting its own item', async () => {
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const ids = Array.from({ length: 250 }, (_, i) => String(1000 + i));
    const users = await Promise.all(ids.map((id) => userById(client, id)));
    expect(users.map((found) => found?.id)).toEqual(ids);
    expect(stub.requests.map((request) => asked(request, 'id').length)).toEqual([100, 100, 50]);
    expect(stub.requests.flatMap((request) => asked(request, 'id'))).toEqual(ids);
  });

  it('asks a value once however many callers ask for it', async () => {
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const results = await Promise.all(['1', '2', '1', '3', '2', '1'].map((id) => userById(client, id)));
    expect(results.map((found) => found?.id)).toEqual(['1', '2', '1', '3', '2', '1']);
    expect(stub.requests).toHaveLength(1);
    expect(asked(stub.requests[0]!, 'id')).toEqual(['1', '2', '3']);
  });

  it('joins a lookup already on its way instead of asking again, and asks again once it is answered', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const stub = fetchStub(async (request) => {
      await held;
      return json({ data: asked(request, 'id').map(user) });
    });
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const first = userById(client, '1');
    await vi.waitFor(() => expect(stub.requests).toHaveLength(1)); // on its way, unanswered
    const second = userById(client, '1');
    release();
    expect(await second).toBe(await first);
    expect(stub.requests).toHaveLength(1);
    await userById(client, '1');
    expect(stub.requests).toHaveLength(2);
  });

  it('resolves undefined for an id Twitch does not know', async () => {
    const stub = usersStub();
    const userById = batch(getUsers, 'id');
    const client = clientWith(stub);
    const [known, unknown] = await Promise.all([userById(client, '7'), userById(client, 'nobody')]);
    expect(known?.id).toBe('7');
    expect(unknown).toBeUndefined();
  });

  it('matches logins whatever their case, asking each once in lower case', async () => {
    const stub = usersStub();
    const userByLogin = batch(getUsers, 'login');
    const client = clientWith(stub);
    const [a, b, c] = await Promise.all([userByLogin(client, 'User5'), userByLogin(client, 'user5'), userByLogin(client, 'USER6')]);
    expect([a?.id, b?.id, c?.id]).toEqual(['5', '5', '6']);
    expect(asked(stub.requests[0]!, 'login')).toEqual(['user5', 'user6']);
  });

  it('rejects only the callers of a failed request, and asks again when called again', async () => {
    let failing = true;
    const stub = fetchStub((request) => {
      const ids = asked(request, 'id');
      if (failing && ids.includes('42')) return json({ error: 'Bad Request', status: 400, message: 'Invalid id' }, { status: 400 });
      return json({ data: ids.map(user) });
    });
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const ids = Array.from({ length: 150 }, (_, i) => String(i));
    const results = await Promise.allSettled(ids.map((id) => userById(client, id)));
    // 0–99 went together (42 among them); 100–149 in their own request.
    expect(results.slice(0, 100).every((result) => result.status === 'rejected' && result.reason instanceof BadRequestError)).toBe(true);
    expect(results.slice(100).map((result) => result.status === 'fulfilled' && result.value?.id)).toEqual(ids.slice(100));
    failing = false;
    expect((await userById(client, '42'))?.id).toBe('42');
    expect(stub.requests).toHaveLength(3);
  });

  it('by default groups the lookups of one turn of the event loop, promise chains included', async () => {
    vi.useFakeTimers();
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const first = userById(client, '1');
    const later = Promise.resolve().then(() => Promise.resolve()).then(() => userById(client, '2'));
    await vi.advanceTimersByTimeAsync(0);
    await Promise.all([first, later]);
    expect(stub.requests.map((request) => asked(request, 'id'))).toEqual([['1', '2']]);
    const next = userById(client, '3');
    await vi.advanceTimersByTimeAsync(0);
    await next;
    expect(stub.requests.map((request) => asked(request, 'id'))).toEqual([['1', '2'], ['3']]);
  });

  it('collects lookups for waitMs after the first one, then asks', async () => {
    vi.useFakeTimers();
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id', { waitMs: 10 });
    const lookups = [userById(client, '1')];
    await vi.advanceTimersByTimeAsync(6);
    lookups.push(userById(client, '2'));
    await vi.advanceTimersByTimeAsync(3);
    expect(stub.requests).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(stub.requests).toHaveLength(1);
    lookups.push(userById(client, '3'));
    await vi.advanceTimersByTimeAsync(10);
    expect((await Promise.all(lookups)).map((found) => found?.id)).toEqual(['1', '2', '3']);
    expect(stub.requests.map((request) => asked(request, 'id'))).toEqual([['1', '2'], ['3']]);
  });

  it('sends a full request at once, without waiting for the window', async () => {
    vi.useFakeTimers();
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id', { waitMs: 1000 });
    const lookups = Array.from({ length: 101 }, (_, i) => userById(client, String(i)));
    await vi.advanceTimersByTimeAsync(0);
    expect(stub.requests.map((request) => asked(request, 'id').length)).toEqual([100]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(lookups);
    expect(stub.requests.map((request) => asked(request, 'id').length)).toEqual([100, 1]);
  });

  it('never mixes clients or users in one request', async () => {
    const stub = usersStub();
    const tokens: AuthProvider = { getToken: ({ user }) => ({ token: `token-of-${user ?? 'app'}` }) };
    const one = clientWith(stub, tokens);
    const two = clientWith(stub, tokens);
    const userById = batch(getUsers, 'id');
    await Promise.all([
      userById(one, '1'),
      userById(one, '2', { user: 'a' }),
      userById(one, '3', { user: 'b' }),
      userById(two, '4'),
      userById(one, '5', { user: 'a' }),
      userById(two, '6'),
    ]);
    const sent = stub.requests.map((request) => [request.headers.get('authorization'), asked(request, 'id')]);
    expect(sent).toHaveLength(4);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['Bearer token-of-app', ['1']],
        ['Bearer token-of-a', ['2', '5']],
        ['Bearer token-of-b', ['3']],
        ['Bearer token-of-app', ['4', '6']],
      ]),
    );
  });

  it('resolves every item of a value that several items share (an emote set), or none', async () => {
    const emote = (id: string, set: string) => ({ id, name: `e${id}`, images: {}, emote_type: 'subscriptions', emote_set_id: set, owner_id: '1', format: ['static'], scale: ['1.0'], theme_mode: ['light'] });
    const stub = fetchStub(() => json({ data: [emote('a', '10'), emote('b', '20'), emote('c', '10')], template: 'x' }));
    const client = clientWith(stub);
    const emotesOfSet = batch(getEmoteSets, 'emote_set_id');
    const [ten, twenty, none] = await Promise.all(['10', '20', '30'].map((set) => emotesOfSet(client, set)));
    expect(ten!.map((e) => e.id)).toEqual(['a', 'c']);
    expect(twenty!.map((e) => e.id)).toEqual(['b']);
    expect(none).toEqual([]);
    expect(stub.requests).toHaveLength(1);
  });

  it('asks a paginated endpoint for its largest page where Twitch allows it, and for the first page only', async () => {
    const stub = fetchStub(() => json({ data: [], pagination: { cursor: 'more' } }));
    const client = clientWith(stub);
    await Promise.all([batch(getStreams, 'user_id')(client, '1'), batch(getVideos, 'id')(client, '2')]);
    expect(stub.requests).toHaveLength(2);
    const [streams, videos] = stub.requests.map((request) => new URL(request.url));
    expect(streams!.searchParams.get('first')).toBe('100');
    // Twitch takes get-videos' `first` only with user_id or game_id.
    expect(videos!.searchParams.has('first')).toBe(false);
  });

  it('sends the fixed input of an endpoint that needs more than the key with every request', async () => {
    const stub = fetchStub((request) => json({ data: asked(request, 'user_id').filter((id) => id !== '9').map((id) => ({ user_id: id, user_login: `u${id}`, user_name: `U${id}` })), pagination: {} }));
    const client = clientWith(stub);
    const moderator = batch(getModerators, 'user_id', { input: { broadcaster_id: '100' } });
    const [mod, notMod] = await Promise.all([moderator(client, '8'), moderator(client, '9')]);
    expect(mod?.user_id).toBe('8');
    expect(notMod).toBeUndefined();
    expect(new URL(stub.requests[0]!.url).searchParams.get('broadcaster_id')).toBe('100');
  });

  it('counts fixed values under the key\'s limit, so no request goes over it', async () => {
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id', { input: { login: ['user1', 'user2'] } });
    const ids = Array.from({ length: 100 }, (_, i) => String(1000 + i));
    const users = await Promise.all(ids.map((id) => userById(client, id)));
    expect(users.map((found) => found?.id)).toEqual(ids);
    expect(stub.requests.map((request) => asked(request, 'id').length + asked(request, 'login').length)).toEqual([100, 4]);
    const logins = Array.from({ length: 100 }, (_, i) => `user${i}`);
    expect(() => batch(getUsers, 'id', { input: { login: logins } })).toThrow(/the fixed input fills every request/);
  });

  it('refuses, before any request, what cannot be batched', async () => {
    const stub = usersStub();
    const client = clientWith(stub);
    // The types refuse these too (the @ts-expect-error lines fail the type check if they stop doing so).
    // @ts-expect-error getChannelFollowers takes one user_id, not a list
    expect(() => batch(getChannelFollowers, 'user_id')).toThrow(InputError);
    // @ts-expect-error display_name is no input of getUsers
    expect(() => batch(getUsers, 'display_name')).toThrow(InputError);
    // @ts-expect-error constructor is no key, whatever the prototype says
    expect(() => batch(getUsers, 'constructor')).toThrow(InputError);
    // @ts-expect-error getModerators needs broadcaster_id beside the user ids
    expect(() => batch(getModerators, 'user_id')).toThrow(InputError);
    expect(() => batch(getUsers, 'id', { waitMs: -1 })).toThrow(InputError);
    expect(() => batch(getUsers, 'id', { waitMs: 2 ** 31 })).toThrow(/under 2\^31/);
    const userById = batch(getUsers, 'id');
    await expect(userById(client, '')).rejects.toBeInstanceOf(InputError);
    await expect(userById(client, 7 as never)).rejects.toBeInstanceOf(InputError);
    expect(stub.requests).toHaveLength(0);
  });

  it('lets a caller stop waiting with its signal while the others get their answer', async () => {
    const stub = usersStub();
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const controller = new AbortController();
    const waiting = userById(client, '1', { signal: controller.signal });
    const other = userById(client, '1');
    controller.abort(new Error('not needed'));
    await expect(waiting).rejects.toThrow('not needed');
    expect((await other)?.id).toBe('1');
  });
  // An unwanted lookup must not go out: were its request to fail, nobody would be listening for
  // that failure, and an unhandled rejection ends a Node process.
  it('asks nothing for a caller whose signal has already aborted', async () => {
    const stub = fetchStub(() => json({ error: 'Bad Request', status: 400, message: 'Invalid id' }, { status: 400 }));
    const client = clientWith(stub);
    const userById = batch(getUsers, 'id');
    const reason = new Error('gone');
    await expect(userById(client, '1', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(userById(client, '2')).rejects.toBeInstanceOf(BadRequestError);
    expect(stub.requests.map((request) => asked(request, 'id'))).toEqual([['2']]);
  });

  // A server that looks users up on behalf of each of its users (`options.user`) keeps one
  // client for all of them: what batch holds per user must go once that user's lookups are in.
  it('holds nothing for a user once its lookups are answered', async () => {
    const lookup = Object.assign(async () => ({ data: [] }), { endpoint: getUsers.endpoint }) as unknown as typeof getUsers;
    const userById = batch(lookup, 'id');
    const client = createClient({ clientId: 'cid', auth: 'token' });
    const ask = async (from: number, users: number) => {
      for (let start = from; start < from + users; start += 1000) {
        await Promise.all(Array.from({ length: 1000 }, (_, i) => userById(client, '1', { user: `user${start + i}` })));
      }
    };
    // (A real collection before each heap reading: Node exposes gc on request.)
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    await ask(0, 1000);
    gc();
    const before = process.memoryUsage().heapUsed;
    await ask(1000, 100_000);
    gc();
    // Kept per user, 100,000 users held about 36 MiB.
    expect((process.memoryUsage().heapUsed - before) / 2 ** 20).toBeLessThan(4);
  });
});

describe('batch against the fake Twitch', () => {
  const server = setupServer();
  beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
  afterAll(() => server.close());

  it('looks up users by login, live streams by user id and moderators of a channel', async () => {
    const state = createState({ seed: 5 });
    server.resetHandlers(...helixHandlers(state));
    const client = createClient({ clientId: state.clientId, auth: state.userToken });
    const { broadcaster, moderator, viewer } = state.ids;
    const logins = [broadcaster, moderator, viewer].map((id) => state.users.get(id)!.login);
    startStream(state, broadcaster);

    const userByLogin = batch(getUsers, 'login');
    const users = await Promise.all([...logins.map((login) => userByLogin(client, login.toUpperCase())), userByLogin(client, 'no_such_login')]);
    expect(users.map((found) => found?.id)).toEqual([broadcaster, moderator, viewer, undefined]);

    const streamOf = batch(getStreams, 'user_id');
    const streams = await Promise.all([broadcaster, viewer].map((id) => streamOf(client, id)));
    expect(streams.map((stream) => stream?.user_id)).toEqual([broadcaster, undefined]);

    const moderatorOf = batch(getModerators, 'user_id', { input: { broadcaster_id: broadcaster } });
    const mods = await Promise.all([moderator, viewer].map((id) => moderatorOf(client, id)));
    expect(mods.map((mod) => mod?.user_id)).toEqual([moderator, undefined]);
  });
});
