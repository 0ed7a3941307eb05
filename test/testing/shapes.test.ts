// The fake Twitch answers the way Twitch does (the evidence corpus, test/corpus), so a user's tests
// meet the nulls and absent fields production sends; `shapes: 'documented'` gives the reference's
// tidy shapes instead. Every answer here also passes strict validation.
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../src/client.js';
import {
  createGuestStarSession,
  createPoll,
  getChannelTeams,
  getExtensions,
  getFollowedStreams,
  getGuestStarSession,
  getHypeTrainStatus,
  getPolls,
  getStreamMarkers,
  getStreams,
  getTeams,
  getUnbanRequests,
  resolveUnbanRequests,
  searchCategories,
} from '../../src/helix/index.js';
import { createMockTwitch, type MockTwitch } from '../../src/testing/mock.js';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledFrame: 'error' }));
afterAll(() => server.close());

/** A fresh fake with these shapes (on a fixed clock), and a strict client of its broadcaster. */
function fake(shapes?: 'observed' | 'documented'): { twitch: MockTwitch; client: Client; b: string } {
  const twitch = createMockTwitch({ now: () => Date.UTC(2024, 0, 15, 13), ...(shapes ? { shapes } : {}) });
  server.resetHandlers(...twitch.handlers);
  const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user, validate: 'strict', retry: { limit: 0 } });
  return { twitch, client, b: twitch.users.broadcaster };
}

/** One kind of variance: what the call answers by default, and with documented shapes. */
interface Variance {
  name: string;
  answer(f: ReturnType<typeof fake>): Promise<unknown>;
  observed(value: unknown): void;
  documented(value: unknown): void;
}

const has = (key: string) => (value: unknown) => expect(value).toHaveProperty([key]);
const lacks = (key: string) => (value: unknown) => expect(value).not.toHaveProperty([key]);

const variances: Variance[] = [
  {
    name: 'a live stream without tags has tags null',
    answer: async ({ twitch, client }) => (await getStreams(client, { user_id: twitch.users.other })).data[0]!.tags,
    observed: (tags) => expect(tags).toBeNull(),
    documented: (tags) => expect(tags).toEqual([]),
  },
  {
    name: 'Get Followed Streams leaves out the deprecated is_mature',
    answer: async ({ client, b }) => (await getFollowedStreams(client, { user_id: b })).data[0],
    observed: lacks('is_mature'),
    documented: has('is_mature'),
  },
  {
    name: 'a search that finds nothing has data null',
    answer: async ({ client }) => (await searchCategories(client, { query: 'no such category' })).data,
    observed: (data) => expect(data).toBeNull(),
    documented: (data) => expect(data).toEqual([]),
  },
  {
    name: 'a broadcaster in no team has data null',
    answer: async ({ twitch, client }) => (await getChannelTeams(client, { broadcaster_id: twitch.users.viewer })).data,
    observed: (data) => expect(data).toBeNull(),
    documented: (data) => expect(data).toEqual([]),
  },
  {
    name: "the broadcaster's team has no banner or background image",
    answer: async ({ client, b }) => (await getChannelTeams(client, { broadcaster_id: b })).data![0],
    observed: (team) => expect(team).toMatchObject({ banner: null, background_image_url: null }),
    documented: (team) => expect(team).toMatchObject({ banner: expect.any(String), background_image_url: expect.any(String) }),
  },
  {
    name: 'a team without logo, banner or background has them null',
    answer: async ({ client }) => (await getTeams(client, { name: 'fakers' })).data[0],
    observed: (team) => expect(team).toMatchObject({ thumbnail_url: null, banner: null, background_image_url: null }),
    documented: (team) =>
      expect(team).toMatchObject({ thumbnail_url: expect.any(String), banner: expect.any(String), background_image_url: expect.any(String) }),
  },
  {
    name: 'a pending unban request has null resolution and moderator fields',
    answer: async ({ client, b }) => (await getUnbanRequests(client, { broadcaster_id: b, moderator_id: b, status: 'pending' })).data[0],
    observed: (request) =>
      expect(request).toMatchObject({ moderator_id: null, moderator_login: null, moderator_name: null, resolved_at: null, resolution_text: null }),
    documented: (request) =>
      expect(request).toMatchObject({ moderator_id: '', moderator_login: '', moderator_name: '', resolved_at: '', resolution_text: '' }),
  },
  {
    name: 'an unban request resolved without a text has resolution_text null',
    answer: async ({ twitch, client, b }) => {
      const id = twitch.state.unbanRequests[0]!.id;
      return (await resolveUnbanRequests(client, { broadcaster_id: b, moderator_id: b, unban_request_id: id, status: 'denied' })).data[0];
    },
    observed: (request) => expect(request).toMatchObject({ resolution_text: null, resolved_at: expect.any(String) }),
    documented: (request) => expect(request).toMatchObject({ resolution_text: '', resolved_at: expect.any(String) }),
  },
  {
    name: 'a running poll has no ended_at, also when listed',
    answer: async ({ client, b }) => {
      const created = (await createPoll(client, { broadcaster_id: b, title: 'Tea?', choices: [{ title: 'Yes' }, { title: 'No' }], duration: 60 })).data[0]!;
      const listed = (await getPolls(client, { broadcaster_id: b, id: created.id })).data[0]!;
      expect(listed).toEqual(created);
      return created;
    },
    observed: lacks('ended_at'),
    documented: (poll) => expect(poll).toHaveProperty('ended_at', null),
  },
  {
    name: "a stream marker's link is spelled URL",
    answer: async ({ client, b }) => (await getStreamMarkers(client, { user_id: b })).data[0]!.videos[0]!.markers[0],
    observed: (marker) => {
      has('URL')(marker);
      lacks('url')(marker);
    },
    documented: (marker) => {
      has('url')(marker);
      lacks('URL')(marker);
    },
  },
  {
    name: 'a running hype train has no is_shared_train',
    answer: async ({ client, b }) => (await getHypeTrainStatus(client, { broadcaster_id: b })).data[0]!.current,
    observed: lacks('is_shared_train'),
    documented: has('is_shared_train'),
  },
  {
    name: 'an extension without a config view has no views.config',
    answer: async ({ client }) => (await getExtensions(client, { extension_id: 'fake-extension' })).data[0]!.views,
    observed: lacks('config'),
    documented: has('config'),
  },
  {
    name: "a new Guest Star session names the guest's slot id, as Twitch's example does",
    answer: async ({ client, b }) => (await createGuestStarSession(client, { broadcaster_id: b })).data[0]!.guests[0],
    observed: (guest) => {
      has('id')(guest);
      lacks('slot_id')(guest);
    },
    documented: (guest) => {
      has('slot_id')(guest);
      lacks('id')(guest);
    },
  },
];

describe('the default fake answers with the variance Twitch shows', () => {
  it.each(variances.map((variance) => [variance.name, variance] as const))('%s', async (_name, variance) => {
    variance.observed(await variance.answer(fake()));
  });

  it('does so the same way every time, for the same state', async () => {
    for (const variance of variances) expect(await variance.answer(fake()), variance.name).toEqual(await variance.answer(fake()));
  });

  it('names a guest slot one way only, slot_id, when reading a session', async () => {
    const { client, b } = fake();
    const guest = (await getGuestStarSession(client, { broadcaster_id: b, moderator_id: b })).data[0]!.guests[0];
    has('slot_id')(guest);
    lacks('id')(guest);
  });
});

describe("shapes: 'documented' answers with the reference's tidy shapes", () => {
  it.each(variances.map((variance) => [variance.name, variance] as const))('not: %s', async (_name, variance) => {
    variance.documented(await variance.answer(fake('documented')));
  });
});
