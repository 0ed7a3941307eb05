// Alias errata (a field Twitch spells two ways) and the spellings that lack current evidence.
import { readFileSync } from 'node:fs';
import { describe, expect, it, test } from 'vitest';
import { createClient } from '../../src/client.ts';
import { ValidationError } from '../../src/errors.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';
import { getAdSchedule } from '../../src/helix/index.ts';
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
