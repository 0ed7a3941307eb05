import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '../../src/client.ts';
import { InputError, ValidationError } from '../../src/errors.ts';
import { Paginator } from '../../src/pagination.ts';
import {
  banUser,
  createClipFromVod,
  createPoll,
  getChannelIcalendar,
  getClips,
  getCustomPowerUp,
  getEventSubSubscriptions,
  getHypeTrainStatus,
  getStreams,
  getUsers,
  getVideos,
  modifyChannelInformation,
  pinChatMessage,
  sendExtensionPubsubMessage,
  sendWhisper,
  startCommercial,
  updateConduitShards,
  updatePinnedChatMessage,
} from '../../src/helix/index.ts';

interface Sent {
  method: string;
  url: URL;
  body: string;
}

/** A client whose fetch records each request and answers with `answer()`. */
function stubbed(answer: () => Response = () => Response.json({ data: [] }), options: Partial<ClientOptions> = {}) {
  const sent: Sent[] = [];
  const stub = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({ method: request.method, url: new URL(request.url), body: await request.text() });
    return answer();
  };
  const client = createClient({ clientId: 'cid', auth: 'token', fetch: stub as typeof fetch, retry: { limit: 0 }, ...options });
  return { client, sent };
}

const user = {
  id: '1',
  login: 'a',
  display_name: 'A',
  type: '',
  broadcaster_type: '',
  description: '',
  profile_image_url: '',
  offline_image_url: '',
  view_count: 0,
  created_at: '2020-01-01T00:00:00Z',
};

describe('Helix endpoint functions', () => {
  it('repeats a repeatable query parameter once per value', async () => {
    const { client, sent } = stubbed();
    await getUsers(client, { login: ['a', 'b'], id: '7' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.method).toBe('GET');
    expect(sent[0]!.url.pathname).toBe('/helix/users');
    expect(sent[0]!.url.searchParams.getAll('login')).toEqual(['a', 'b']);
    expect(sent[0]!.url.searchParams.getAll('id')).toEqual(['7']);
  });

  it('sends body fields as JSON and query fields in the URL, each only where it belongs', async () => {
    const { client, sent } = stubbed(() =>
      Response.json({ data: [{ user_id: '9', broadcaster_id: '1', moderator_id: '2', created_at: 'x', end_time: null }] }),
    );
    await banUser(client, { broadcaster_id: '1', moderator_id: '2', data: { user_id: '9', reason: 'spam' } });
    expect(sent[0]!.method).toBe('POST');
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual({ broadcaster_id: '1', moderator_id: '2' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ data: { user_id: '9', reason: 'spam' } });
  });

  it('puts exactly the given body fields in a POST body', async () => {
    const { client, sent } = stubbed(() => Response.json({ data: [{ length: 60, message: '', retry_after: 480 }] }));
    const body = await startCommercial(client, { broadcaster_id: '1', length: 60 });
    expect(sent[0]!.url.search).toBe('');
    expect(JSON.parse(sent[0]!.body)).toEqual({ broadcaster_id: '1', length: 60 });
    expect(body.data[0]!.retry_after).toBe(480);
  });

  it('resolves undefined for an operation that answers 204', async () => {
    const { client, sent } = stubbed(() => new Response(null, { status: 204 }));
    await expect(sendWhisper(client, { from_user_id: '1', to_user_id: '2', message: 'hi' })).resolves.toBeUndefined();
    await expect(modifyChannelInformation(client, { broadcaster_id: '1', title: 't' })).resolves.toBeUndefined();
    expect(sent.map((request) => request.method)).toEqual(['POST', 'PATCH']);
  });

  it('resolves the iCalendar schedule as text', async () => {
    const calendar = 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n';
    const { client } = stubbed(() => new Response(calendar, { headers: { 'content-type': 'text/calendar' } }));
    await expect(getChannelIcalendar(client, { broadcaster_id: '1' })).resolves.toBe(calendar);
  });

  it('returns a Paginator for a paginated operation, following cursors', async () => {
    let page = 0;
    const { client, sent } = stubbed(() => {
      page += 1;
      const stream = { id: String(page), user_id: 'u', user_login: 'u', user_name: 'U', game_id: '', game_name: '',
        type: 'live', title: '', viewer_count: 1, started_at: '', language: 'en', thumbnail_url: '', tags: [], is_mature: false };
      return Response.json({ data: [stream], pagination: page < 2 ? { cursor: `c${page}` } : {} });
    });
    const streams = getStreams(client, { first: 1 });
    expect(streams).toBeInstanceOf(Paginator);
    const ids: string[] = [];
    for await (const stream of streams) ids.push(stream.id);
    expect(ids).toEqual(['1', '2']);
    expect(sent[1]!.url.searchParams.get('after')).toBe('c1');
  });

  it('keeps fields Twitch adds and refuses a body of the wrong shape', async () => {
    const { client } = stubbed(() => Response.json({ data: [{ ...user, brand_new: true }] }));
    const body = await getUsers(client, { id: '1' });
    expect(body.data[0]).toMatchObject({ login: 'a', brand_new: true });

    const broken = stubbed(() => Response.json({ data: [{ ...user, login: 42 }] }), { validate: 'strict' });
    await expect(getUsers(broken.client, { id: '1' })).rejects.toThrow(ValidationError);
  });

  it('takes a field the reference lets be absent (email) or absent or null (view_count) as such, and reports any other value by path and type', async () => {
    const answer = async (fields: Record<string, unknown>) => {
      const { client } = stubbed(() => Response.json({ data: [{ ...user, ...fields }] }), { validate: 'strict' });
      return getUsers(client, { id: '1' }).then(
        () => 'ok',
        (error: ValidationError) => error.issues.map(({ path, expected, received }) => `${path} ${expected} ${received}`),
      );
    };
    const { view_count: _, ...withoutViews } = user;
    const { client } = stubbed(() => Response.json({ data: [withoutViews] }), { validate: 'strict' });
    expect((await getUsers(client, { id: '1' })).data[0]).not.toHaveProperty('view_count');
    expect(await answer({ email: 'a@example.com' })).toBe('ok');
    expect(await answer({ view_count: null })).toBe('ok');
    expect(await answer({ email: null })).toEqual(['data.0.email string null']);
    expect(await answer({ email: 7 })).toEqual(['data.0.email string number']);
    expect(await answer({ view_count: '7' })).toEqual(['data.0.view_count number string']);
    expect(await answer({ login: undefined, view_count: [] })).toEqual(['data.0.login "login" undefined', 'data.0.view_count number array']);
  });

  it('reads a Hype Train with its fields on the train and the records beside it in each item', async () => {
    // Twitch's example: the train's own fields sit on `current`, a contribution only says who gave
    // what, and the all-time highs sit in data[0] beside `current`, not beside `data`.
    const train = {
      id: 't', broadcaster_user_id: '1', broadcaster_user_login: 'b', broadcaster_user_name: 'B',
      level: 2, total: 700, progress: 200, goal: 1000,
      top_contributions: [{ user_id: '2', user_login: 'u', user_name: 'U', type: 'bits', total: 50 }],
      shared_train_participants: null, started_at: '2025-01-01T00:00:00Z', expires_at: '2025-01-01T00:05:00Z',
      type: 'regular', is_shared_train: false,
    };
    const record = { level: 4, total: 3000, achieved_at: '2024-06-01T00:00:00Z' };
    const { client } = stubbed(() =>
      Response.json({ data: [{ current: train, all_time_high: record, shared_all_time_high: null }] }),
    );
    const body = await getHypeTrainStatus(client, { broadcaster_id: '1' });
    expect(body.data[0]!.current?.top_contributions[0]?.type).toBe('bits');
    expect(body.data[0]!.current?.is_shared_train).toBe(false);
    expect(body.data[0]!.all_time_high?.level).toBe(4);

    // The old, mis-nested shape (records beside `data`) is now refused.
    const misnested = stubbed(() => Response.json({ data: [{ current: train }], all_time_high: record, shared_all_time_high: null }), { validate: 'strict' });
    await expect(getHypeTrainStatus(misnested.client, { broadcaster_id: '1' })).rejects.toThrow(/data\.0\.all_time_high/);
  });

  describe('refuses bad input before sending anything', () => {
    const refused = async (call: (client: ReturnType<typeof createClient>) => unknown, param: string) => {
      const { client, sent } = stubbed();
      let error: unknown;
      try {
        await call(client);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).param).toBe(param);
      expect(sent).toHaveLength(0);
    };
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));

    it('more than 100 ids and logins together', async () => {
      await refused((client) => getUsers(client, { id: ids(101) }), 'id');
      await refused((client) => getUsers(client, { id: ids(60), login: ids(41) }), 'id');
    });

    it('a page size above the maximum', async () => {
      await refused((client) => getStreams(client, { first: 101 }), 'first');
      await refused((client) => getStreams(client, { first: 0 }), 'first');
    });

    it('a missing required parameter', async () => {
      // @ts-expect-error broadcaster_id is required
      await refused((client) => getChannelIcalendar(client, {}), 'broadcaster_id');
      // @ts-expect-error the poll needs choices and a duration
      await refused((client) => createPoll(client, { broadcaster_id: '1', title: 'q' }), 'choices');
    });

    it('mutually exclusive parameters given together, or none of a required group', async () => {
      await refused((client) => getClips(client, { broadcaster_id: '1', game_id: '2' }), 'game_id');
      await refused((client) => getClips(client, {}), 'broadcaster_id');
      await refused((client) => getVideos(client, { id: '1', user_id: '2' }), 'user_id');
    });

    it('more than 100 shards in one conduit update', async () => {
      const shards = ids(101).map((id) => ({ id, transport: { method: 'websocket' as const, session_id: 's' } }));
      await refused((client) => updateConduitShards(client, { conduit_id: 'c', shards }), 'shards');
      // 100 is still one request.
      const { client, sent } = stubbed(() => Response.json({ data: [], errors: [] }, { status: 202 }));
      await updateConduitShards(client, { conduit_id: 'c', shards: shards.slice(0, 100) });
      expect(JSON.parse(sent[0]!.body).shards).toHaveLength(100);
    });

    it('more than 50 custom Power-up ids', async () => {
      await refused((client) => getCustomPowerUp(client, { broadcaster_id: '1', id: ids(51) }), 'id');
    });

    it('a pin shorter than 30 or longer than 1800 seconds', async () => {
      const pin = { broadcaster_id: '1', moderator_id: '1', message_id: 'm' };
      await refused((client) => pinChatMessage(client, { ...pin, duration_seconds: 29 }), 'duration_seconds');
      await refused((client) => updatePinnedChatMessage(client, { ...pin, duration_seconds: 1801 }), 'duration_seconds');
    });

    it('a conduit filter beside another subscription filter', async () => {
      await refused((client) => getEventSubSubscriptions(client, { type: 'stream.online', conduit_id: 'c' }), 'conduit_id');
    });

    it('a text longer than Twitch accepts', async () => {
      await refused(
        (client) => createPoll(client, { broadcaster_id: '1', title: 'x'.repeat(61), choices: [{ title: 'a' }, { title: 'b' }], duration: 60 }),
        'title',
      );
    });
  });

  it('sends a clip-from-VOD request the way Twitch’s own example does, without offset or title', async () => {
    // INPUT_ERRATA in scripts/gen-helix.ts: the reference marks both required, Twitch's example omits them.
    const { client, sent } = stubbed(() => Response.json({ data: [{ id: 'c', edit_url: 'https://x' }] }, { status: 202 }));
    await createClipFromVod(client, { broadcaster_id: '1', editor_id: '2', vod_id: '3' });
    expect(Object.fromEntries(sent[0]!.url.searchParams)).toEqual({ broadcaster_id: '1', editor_id: '2', vod_id: '3' });
  });

  it('sends a global extension PubSub message without broadcaster_id, as the reference itself says to', async () => {
    // INPUT_ERRATA in scripts/gen-helix.ts: the reference marks broadcaster_id required and also
    // says to leave it out of a global broadcast.
    const { client, sent } = stubbed(() => new Response(null, { status: 204 }));
    await sendExtensionPubsubMessage(client, { target: ['global'], is_global_broadcast: true, message: 'hi' });
    expect(JSON.parse(sent[0]!.body)).toEqual({ target: ['global'], is_global_broadcast: true, message: 'hi' });
    // A whisper target is typed as the template Twitch fills in.
    await sendExtensionPubsubMessage(client, { target: ['whisper-1234'], broadcaster_id: '1', message: 'hi' });
  });

  it('bundles only the code of the endpoints a program imports', async () => {
    const result = await build({
      stdin: {
        contents: "import { getUsers } from './src/helix/index.ts'; console.log(getUsers);",
        resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
        loader: 'ts',
      },
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toContain('get-users');
    // Another area's path, another Users endpoint, and schemas only other Users endpoints use.
    for (const marker of ['channel_points/custom_rewards', 'get-user-block-list', 'can_activate', 'user_login']) {
      expect(code, marker).not.toContain(marker);
    }
  });
});
