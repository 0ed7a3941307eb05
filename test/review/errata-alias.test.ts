import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';

// An alias erratum says "one of the two spellings is there" (the generated doc line), but makes
// both optional: strict mode then accepts an event with neither, so the broadcaster is gone and
// nothing reports it. (For channel.charity_campaign.donate the alias itself lacks evidence:
// twitchdev/issues#738 says broadcaster_user_* is what Twitch sends and the table was fixed.)
test('strict mode refuses a charity donation that names the broadcaster under neither spelling', () => {
  const body = JSON.parse(readFileSync(new URL('../eventsub/fixtures/channel.charity_campaign.donate@1.json', import.meta.url), 'utf8'));
  for (const key of ['broadcaster_user_id', 'broadcaster_user_login', 'broadcaster_user_name']) delete body.event[key];
  expect(() => parseEventSubMessage(body, { validate: 'strict', schemas: subscriptionTypes })).toThrow(/broadcaster/);
});
