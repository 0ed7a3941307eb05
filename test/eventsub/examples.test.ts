// Every notification example in Twitch's EventSub reference, validated with our schemas.
// The fixtures are the examples' JSON as the reference shows them (comments and trailing
// commas removed so they parse); a few examples contradict what Twitch sends, and those are
// listed below with the exact paths our schemas refuse, so each claim stays checked.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { subscriptionTypes, type EventSchema } from '../../src/eventsub/schemas.ts';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Example {
  subscription?: { type: string; version: string; condition: unknown };
  event?: unknown;
  events?: unknown[];
}

/** `channel.chat.message@1.shared-chat.json` → `channel.chat.message@1` */
const keyOf = (file: string) => {
  const [type, rest = ''] = file.replace(/\.json$/, '').split('@');
  return `${type}@${rest.split('.')[0]}`;
};

/**
 * Examples that contradict Twitch's field tables and what Twitch delivers; the value lists the
 * issue paths our schemas report, so a schema change in either direction fails this test.
 */
const DOC_ERRATA: Record<string, { why: string; event?: string[] | 'refused'; condition?: string[] }> = {
  'automod.message.hold@1.json': {
    why: 'an outdated example: message is a string and fragments sit at the top level (the field table, and twitch4j#988 tested against Twitch, have a message object)',
    event: ['message'],
  },
  'automod.message.update@1.json': {
    why: 'an outdated example: message is a string and fragments sit at the top level (the field table, and twitch4j#988 tested against Twitch, have a message object)',
    event: ['message'],
  },
  'automod.settings.update@1.json': {
    why: 'the example wraps the event in a data array; the event is the settings object itself',
    event: 'refused',
  },
  'channel.ad_break.begin@1.json': {
    why: 'the example quotes a number and a boolean (Twitch\'s own twitch-cli mock sends 60 and false)',
    event: ['duration_seconds', 'is_automatic'],
  },
  'channel.chat.notification@1.json': {
    why: 'the example uses sub_plan, an older name for sub_tier',
    event: ['resub.sub_tier'],
  },
  'channel.chat.notification@1.shared-chat.json': {
    why: 'the example uses sub_plan, an older name for sub_tier',
    event: ['shared_chat_resub.sub_tier'],
  },
  'channel.channel_points_custom_reward.remove@1.json': {
    why: 'the example gives reward_id as a number; condition values are strings',
    condition: ['reward_id'],
  },
  'channel.moderate@1.json': {
    why: 'the example condition omits moderator_user_id, which the subscription requires',
    condition: ['moderator_user_id'],
  },
  'channel.moderate@1.emote-only.json': {
    why: 'the example condition omits moderator_user_id, which the subscription requires',
    condition: ['moderator_user_id'],
  },
  'channel.moderate@2.mod.json': {
    why: 'the example condition omits moderator_user_id, which the subscription requires',
    condition: ['moderator_user_id'],
  },
  'channel.moderate@2.timeout.json': {
    why: 'the example condition omits moderator_user_id, which the subscription requires',
    condition: ['moderator_user_id'],
  },
  'channel.moderate@2.emote-only.json': {
    why: 'the example condition omits moderator_user_id, which the subscription requires',
    condition: ['moderator_user_id'],
  },
  'stream.offline@1.json': {
    why: 'the example predates 2026-06-26, when Twitch added the ended stream\'s id',
    event: ['id'],
  },
  'channel.prediction.progress@1.json': {
    why: 'the example gives one predictor user_id as a number (reported as a docs bug in twitchdev/issues#390)',
    event: ['outcomes.1.top_predictors.0.user_id'],
  },
  'channel.prediction.lock@1.json': {
    why: 'the example gives one predictor user_id as a number (reported as a docs bug in twitchdev/issues#390)',
    event: ['outcomes.1.top_predictors.0.user_id'],
  },
  'channel.prediction.end@1.json': {
    why: 'the example gives two predictor user_ids as numbers (reported as a docs bug in twitchdev/issues#390)',
    event: ['outcomes.1.top_predictors.0.user_id', 'outcomes.1.top_predictors.1.user_id'],
  },
};

/** Types whose Twitch example could not be read when the data was refreshed (its README says so). */
const NO_EXAMPLE = ['channel.custom_power_up_redemption.add@1'];

const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const registry: Record<string, EventSchema> = subscriptionTypes;

function issuePaths(schema: v.GenericSchema, value: unknown): string[] {
  const result = v.safeParse(schema, value);
  if (result.success) return [];
  const paths = result.issues.map((issue) => (issue.path ?? []).map((p) => String(p.key)).join('.'));
  return [...new Set(paths)].sort();
}

/** Values put in place of each field in turn: one of each JSON type, NaN (which valibot refuses) and nothing. */
const REPLACEMENTS = [undefined, null, 'x', 0, Number.NaN, true, {}, []];

/** The value with one field (at any depth) replaced by each of REPLACEMENTS, or left out. */
function* variants(value: unknown): Generator<unknown> {
  if (value === null || typeof value !== 'object') return;
  const list = Array.isArray(value);
  for (const [key, item] of Object.entries(value)) {
    const put = (replacement: unknown) => (list ? value.map((old, i) => (String(i) === key ? replacement : old)) : { ...value, [key]: replacement });
    for (const replacement of REPLACEMENTS) yield put(replacement);
    for (const inner of variants(item)) yield put(inner);
    if (!list) yield Object.fromEntries(Object.entries(value).filter(([name]) => name !== key));
  }
}

describe("Twitch's documented notification examples", () => {
  it('are refused only where the evidence corpus excludes them at the source, with the same reasons', () => {
    const corpus = JSON.parse(readFileSync(new URL('../corpus/cases/twitch-docs-eventsub.json', import.meta.url), 'utf8')) as {
      excluded: { id: string }[];
    };
    const excluded = corpus.excluded.map((entry) => `${entry.id.replace(/^docs:/, '')}.json`).sort();
    expect(Object.keys(DOC_ERRATA).sort()).toEqual(excluded);
  });

  it('cover every (type, version) in the registry', () => {
    const covered = new Set(files.map(keyOf));
    expect(Object.keys(registry).filter((key) => !covered.has(key))).toEqual(NO_EXAMPLE);
  });

  describe.each(files)('%s', (file) => {
    const example = JSON.parse(readFileSync(dir + file, 'utf8')) as Example;
    const descriptor = registry[keyOf(file)];
    const errata = DOC_ERRATA[file];

    it('names a known type and version', () => {
      expect(descriptor, keyOf(file)).toBeDefined();
    });

    it(errata?.event ? `event: refused where the example is wrong (${errata.why})` : 'event parses', () => {
      const events = example.events ?? [example.event];
      const paths = events.flatMap((event) => issuePaths(descriptor!.event, event));
      if (errata?.event === 'refused') expect(paths.length).toBeGreaterThan(0);
      else expect(paths).toEqual(errata?.event ?? []);
    });

    // The parsers skip the valibot walk when `fits` says yes: it must never say yes where the schema says no.
    it("the schema's quick test agrees with the schema on the example and on every one-field change of it", () => {
      const events = example.events ?? [example.event];
      const disagree: string[] = [];
      for (const event of events) {
        for (const value of [event, ...REPLACEMENTS, ...variants(event)]) {
          const fits = descriptor!.fits(value);
          if (fits !== v.safeParse(descriptor!.event, value).success) disagree.push(`${JSON.stringify(value)?.slice(0, 200)}: fits says ${fits}`);
        }
      }
      expect(disagree).toEqual([]);
    });

    it.skipIf(!example.subscription)(
      errata?.condition ? `condition: refused where the example is wrong (${errata.why})` : 'condition parses',
      () => {
        expect(issuePaths(descriptor!.condition, example.subscription!.condition)).toEqual(errata?.condition ?? []);
      },
    );
  });
});
