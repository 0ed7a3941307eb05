// Alias errata (a field Twitch spells two ways) and the spellings that lack current evidence.
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { ValidationError } from '../../src/errors.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';

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
