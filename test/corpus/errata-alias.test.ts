// A field Twitch spells two ways (an `alias` erratum of scripts/gen-helix.ts) is still a required
// field: strict mode takes either spelling and refuses a body with neither, naming the field with
// types only, and the TypeScript type makes a user handle both. Spellings without current evidence
// are not taken at all (the charity donation's broadcaster_*, the ad schedule's 2023 beta names).
import { readFileSync } from 'node:fs';
import { describe, expect, it, test } from 'vitest';
import { createClient } from '../../src/client.ts';
import { ValidationError } from '../../src/errors.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';
import {
  createGuestStarSession,
  getAdSchedule,
  getGuestStarSession,
  getStreamMarkers,
  type GetStreamMarkersResponse,
  type Guest,
} from '../../src/helix/index.ts';
import { json } from '../fetch-stub.ts';
import { checkedBody, loadCorpus } from './check.ts';

const donation = () => JSON.parse(readFileSync(new URL('../eventsub/fixtures/channel.charity_campaign.donate@1.json', import.meta.url), 'utf8'));

function catchSync(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('nothing was thrown');
}

const issuesOf = (error: ValidationError) => error.issues.map(({ path, expected, received }) => ({ path, expected, received }));

// An alias erratum says "one of the two spellings is there" (the generated doc line), but makes
// both optional: strict mode then accepts an event with neither, so the broadcaster is gone and
// nothing reports it. (For channel.charity_campaign.donate the alias itself lacks evidence:
// twitchdev/issues#738 says broadcaster_user_* is what Twitch sends and the table was fixed.)
test('strict mode refuses a charity donation that names the broadcaster under neither spelling', () => {
  const body = donation();
  for (const key of ['broadcaster_user_id', 'broadcaster_user_login', 'broadcaster_user_name']) delete body.event[key];
  expect(() => parseEventSubMessage(body, { validate: 'strict', schemas: subscriptionTypes })).toThrow(/broadcaster/);
});

test("strict mode refuses a charity donation under the old docs' broadcaster_* names", () => {
  const body = donation();
  for (const part of ['id', 'login', 'name']) {
    body.event[`broadcaster_${part}`] = body.event[`broadcaster_user_${part}`];
    delete body.event[`broadcaster_user_${part}`];
  }
  const error = catchSync(() => parseEventSubMessage(body, { validate: 'strict', schemas: subscriptionTypes }));
  expect(issuesOf(error)).toEqual(
    ['id', 'login', 'name'].map((part) => ({ path: `event.broadcaster_user_${part}`, expected: `"broadcaster_user_${part}"`, received: 'undefined' })),
  );
});

const corpus = new Map(loadCorpus().flatMap((file) => [...file.cases, ...file.excluded]).map((item) => [item.id, item]));
/** A corpus body as its endpoint answers it, to change freely. */
const bodyOf = (id: string) => structuredClone(checkedBody(corpus.get(id)!)) as { data: any[] };

function clientAnswering(body: unknown, validate: 'strict' | 'report', reports: ValidationError[] = []) {
  return createClient({
    clientId: 'cid',
    auth: 'token',
    validate,
    retry: { limit: 0 },
    fetch: (async () => json(body)) as typeof fetch,
    onInvalid: (error) => void reports.push(error),
  });
}

async function refusal(call: PromiseLike<unknown>): Promise<ValidationError> {
  const error = await Promise.resolve(call).then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('a stream marker’s link, url or URL', () => {
  const input = { user_id: '1' };
  const withUrl = bodyOf('twitch_api:get-stream-markers:test_request');
  const withURL = bodyOf('docs:get-stream-markers:200');
  const marker = (body: { data: any[] }) => body.data[0].videos[0].markers[0];

  it('takes either spelling in strict mode', async () => {
    expect(marker(withUrl).url).toBeTypeOf('string');
    expect(marker(withURL).URL).toBeTypeOf('string');
    await expect(getStreamMarkers(clientAnswering(withUrl, 'strict'), input)).resolves.toEqual(withUrl);
    await expect(getStreamMarkers(clientAnswering(withURL, 'strict'), input)).resolves.toEqual(withURL);
  });

  it('refuses neither in strict mode, naming the field and types only', async () => {
    const body = structuredClone(withURL);
    delete marker(body).URL;
    const error = await refusal(getStreamMarkers(clientAnswering(body, 'strict'), input));
    expect(issuesOf(error)).toEqual([{ path: 'data.0.videos.0.markers.0.url', expected: '"url" or "URL"', received: 'undefined' }]);
    expect(error.message).toBe('get-stream-markers: unexpected data at data.0.videos.0.markers.0.url: expected "url" or "URL", received undefined');
  });

  it('reports neither once in the default mode and delivers the body as sent', async () => {
    const body = structuredClone(withUrl);
    delete marker(body).url;
    const reports: ValidationError[] = [];
    await expect(getStreamMarkers(clientAnswering(body, 'report', reports), input)).resolves.toEqual(body);
    expect(reports.map(issuesOf)).toEqual([[{ path: 'data.0.videos.0.markers.0.url', expected: '"url" or "URL"', received: 'undefined' }]]);
  });

  it('is typed so that a marker has one of the two and `url ?? URL` is a string', () => {
    type Marker = GetStreamMarkersResponse['data'][number]['videos'][number]['markers'][number];
    const base = { id: '1', created_at: '2024-01-01T00:00:00Z', description: '', position_seconds: 1 };
    // @ts-expect-error a marker without either spelling is not a Marker
    const neither: Marker = base;
    const markers: Marker[] = [{ ...base, url: 'https://example.com/a' }, { ...base, URL: 'https://example.com/b' }, neither];
    const link = (m: Marker): string => m.url ?? m.URL;
    expect(markers.slice(0, 2).map(link)).toEqual(['https://example.com/a', 'https://example.com/b']);
  });
});

describe('a Guest Star guest’s slot, slot_id or id', () => {
  const input = { broadcaster_id: '1', moderator_id: '1' };
  const withSlotId = bodyOf('docs:get-guest-star-session:200');
  const withId = bodyOf('docs:create-guest-star-session:200');
  const guest = (body: { data: any[] }) => body.data[0].guests[0];

  it('takes either spelling in strict mode', async () => {
    expect(guest(withSlotId).slot_id).toBeTypeOf('string');
    expect(guest(withId).id).toBeTypeOf('string');
    await expect(getGuestStarSession(clientAnswering(withSlotId, 'strict'), input)).resolves.toEqual(withSlotId);
    await expect(createGuestStarSession(clientAnswering(withId, 'strict'), { broadcaster_id: '1' })).resolves.toEqual(withId);
  });

  it('refuses neither in strict mode, naming the field', async () => {
    const body = structuredClone(withId);
    delete guest(body).id;
    const error = await refusal(createGuestStarSession(clientAnswering(body, 'strict'), { broadcaster_id: '1' }));
    expect(issuesOf(error)).toEqual([{ path: 'data.0.guests.0.slot_id', expected: '"slot_id" or "id"', received: 'undefined' }]);
  });

  it('is typed so that `slot_id ?? id` is a string', () => {
    const slot = (g: Guest): string => g.slot_id ?? g.id;
    expect(slot(guest(withSlotId))).toBe(guest(withSlotId).slot_id);
    expect(slot(guest(withId))).toBe(guest(withId).id);
  });
});

describe('the ad schedule’s 2023 beta names', () => {
  // twitch4j's captures of the open beta; Twitch renamed the fields before the API left beta.
  const beta = bodyOf('twitch4j:get-ad-schedule:deserializePartner');

  it('are refused in strict mode: duration and preroll_free_time are required', async () => {
    expect(beta.data[0]).toHaveProperty('length_seconds');
    const error = await refusal(getAdSchedule(clientAnswering(beta, 'strict'), { broadcaster_id: '1' }));
    expect(issuesOf(error)).toEqual([
      { path: 'data.0.duration', expected: '"duration"', received: 'undefined' },
      { path: 'data.0.preroll_free_time', expected: '"preroll_free_time"', received: 'undefined' },
    ]);
  });

  it('are still delivered as sent in the default mode, with one report', async () => {
    const reports: ValidationError[] = [];
    await expect(getAdSchedule(clientAnswering(beta, 'report', reports), { broadcaster_id: '1' })).resolves.toEqual(beta);
    expect(reports).toHaveLength(1);
  });
});
