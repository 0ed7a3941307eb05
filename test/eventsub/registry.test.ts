// The generated registry against the raw reference data (projected, uncorrected, into
// fixtures/registry/expected.json by scripts/gen-eventsub.ts), plus the promises users rely on:
// conditions are checked by name, defaults are the newest version, one schema bundles alone.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { InputError, ValidationError } from '../../src/errors.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { channelFollowV2, subscriptionTypes } from '../../src/eventsub/schemas.ts';
import type { EventSubCondition, EventSubEvent, EventSubTypes, EventSubVersionedTypes } from '../../src/eventsub/types.ts';
import { checkCondition, typeInfo } from '../../src/eventsub/versions.ts';

interface Expected {
  type: string;
  version: string;
  condition: { name: string; required: boolean }[];
  scopes: string[][];
  webhookOnly: boolean;
}

const expected = JSON.parse(
  readFileSync(fileURLToPath(new URL('./fixtures/registry/expected.json', import.meta.url)), 'utf8'),
) as Expected[];
const typeNames = [...new Set(expected.map((e) => e.type))];

/** The one condition the generator corrects on purpose (see FIXES in scripts/gen-eventsub.ts). */
const conditionAsSent = (e: Expected) =>
  e.type === 'channel.ad_break.begin'
    ? e.condition.map((f) => (f.name === 'broadcaster_id' ? { ...f, name: 'broadcaster_user_id' } : f))
    : e.condition;

const rank = (version: string) => Number(version) || 0;

/** Runs `fn` and returns the InputError it throws. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('the subscription-type registry', () => {
  it('knows all 83 documented (type, version) pairs across 79 type names', () => {
    expect(expected).toHaveLength(83);
    expect(typeNames).toHaveLength(79);
    for (const e of expected) expect(typeInfo(e.type, e.version), `${e.type}@${e.version}`).toBeDefined();
    expect(Object.keys(subscriptionTypes)).toHaveLength(83);
    expect(Object.keys(subscriptionTypes).sort()).toEqual(expected.map((e) => `${e.type}@${e.version}`).sort());
  });

  it('knows the custom Power-up redemption type Twitch added in 2026', () => {
    const info = typeInfo('channel.custom_power_up_redemption.add');
    expect(info?.version).toBe('1');
    expect(info?.scopes).toEqual([['bits:read']]);
    expect(info?.condition).toEqual([
      { name: 'broadcaster_user_id', required: true },
      { name: 'reward_id', required: false },
    ]);
  });

  it('includes the beta Guest Star types under version "beta"', () => {
    for (const type of ['channel.guest_star_session.begin', 'channel.guest_star_guest.update']) {
      expect(typeInfo(type)?.version).toBe('beta');
    }
  });

  it('defaults every type to its newest version', () => {
    for (const type of typeNames) {
      const versions = expected.filter((e) => e.type === type).map((e) => e.version);
      const newest = versions.reduce((a, b) => (rank(b) > rank(a) ? b : a));
      expect(typeInfo(type)?.version, type).toBe(newest);
      expect(typeInfo(type)?.versions[0]).toBe(newest);
      expect([...(typeInfo(type)?.versions ?? [])].sort()).toEqual([...versions].sort());
    }
    expect(typeInfo('channel.follow')?.version).toBe('2');
    expect(typeInfo('automod.message.hold')?.version).toBe('2');
    expect(typeInfo('automod.message.hold', '1')?.version).toBe('1');
  });

  it('answers undefined for a type or version Twitch does not document', () => {
    expect(typeInfo('channel.follow', '1')).toBeUndefined();
    expect(typeInfo('channel.folow')).toBeUndefined();
    expect(typeInfo('toString')).toBeUndefined();
  });

  it('marks the webhook-only types, and only those', () => {
    const webhookOnly = typeNames.filter((type) => typeInfo(type)?.webhookOnly);
    expect(webhookOnly.sort()).toEqual(expected.filter((e) => e.webhookOnly).map((e) => e.type).sort());
    expect(webhookOnly.sort()).toEqual([
      'drop.entitlement.grant',
      'extension.bits_transaction.create',
      'user.authorization.grant',
      'user.authorization.revoke',
    ]);
    expect(typeInfo('drop.entitlement.grant')?.batched).toBe(true);
    expect(typeInfo('channel.follow')?.batched).toBe(false);
  });

  it('lists each version’s scopes as all-of groups of any-of alternatives, as documented', () => {
    for (const e of expected) expect(typeInfo(e.type, e.version)?.scopes, `${e.type}@${e.version}`).toEqual(e.scopes);
    expect(typeInfo('channel.moderate', '2')?.scopes).toContainEqual(['moderator:read:warnings', 'moderator:manage:warnings']);
    expect(typeInfo('channel.moderate', '1')?.scopes).not.toContainEqual(['moderator:read:warnings', 'moderator:manage:warnings']);
    expect(typeInfo('stream.online')?.scopes).toEqual([]);
  });

  it('lists each version’s condition fields with the required ones marked', () => {
    for (const e of expected) {
      const info = typeInfo(e.type, e.version)!;
      const fields = info.oneOf ? conditionAsSent(e).map((f) => ({ ...f, required: false })) : conditionAsSent(e);
      expect(info.condition, `${e.type}@${e.version}`).toEqual(fields);
    }
  });
});

describe('checkCondition', () => {
  const follow = { broadcaster_user_id: '1', moderator_user_id: '2' };

  it('accepts a complete condition and returns the version it checked', () => {
    expect(checkCondition('channel.follow', undefined, follow).version).toBe('2');
    expect(checkCondition('automod.message.hold', '1', follow).version).toBe('1');
    expect(checkCondition('channel.channel_points_custom_reward_redemption.add', undefined, {
      broadcaster_user_id: '1',
      reward_id: 'r',
    }).type).toBe('channel.channel_points_custom_reward_redemption.add');
  });

  it('allows an optional field to be left out', () => {
    expect(() => checkCondition('channel.channel_points_custom_reward.update', undefined, { broadcaster_user_id: '1' })).not.toThrow();
    expect(() => checkCondition('drop.entitlement.grant', undefined, { organization_id: 'o' })).not.toThrow();
  });

  it('refuses a missing required field, naming it', () => {
    const error = inputError(() => checkCondition('channel.follow', undefined, { broadcaster_user_id: '1' }));
    expect(error.param).toBe('moderator_user_id');
    expect(error.message).toContain('moderator_user_id');
    expect(error.message).toContain('channel.follow');
  });

  it('refuses a field the type does not take, naming it', () => {
    const error = inputError(() => checkCondition('stream.online', undefined, { broadcaster_id: '1' }));
    expect(error.param).toBe('broadcaster_id');
    expect(error.message).toContain('broadcaster_user_id');
  });

  it('refuses a value that is not a string', () => {
    expect(inputError(() => checkCondition('stream.online', undefined, { broadcaster_user_id: 1 })).param).toBe(
      'broadcaster_user_id',
    );
  });

  it('treats an undefined value as absent', () => {
    expect(() => checkCondition('stream.online', undefined, { broadcaster_user_id: '1', extra: undefined })).not.toThrow();
    expect(inputError(() => checkCondition('stream.online', undefined, { broadcaster_user_id: undefined })).param).toBe(
      'broadcaster_user_id',
    );
  });

  it('takes exactly one of the two raid directions', () => {
    expect(() => checkCondition('channel.raid', undefined, { to_broadcaster_user_id: '1' })).not.toThrow();
    expect(() => checkCondition('channel.raid', undefined, { from_broadcaster_user_id: '1' })).not.toThrow();
    const both = { to_broadcaster_user_id: '1', from_broadcaster_user_id: '2' };
    expect(inputError(() => checkCondition('channel.raid', undefined, both)).param).toContain('to_broadcaster_user_id');
    expect(inputError(() => checkCondition('channel.raid', undefined, {})).param).toContain('from_broadcaster_user_id');
  });

  it('refuses an unknown type or version, and a condition that is not an object', () => {
    expect(inputError(() => checkCondition('channel.folow', undefined, follow)).param).toBe('type');
    expect(inputError(() => checkCondition('channel.follow', '1', follow)).param).toBe('version');
    expect(inputError(() => checkCondition('channel.follow', undefined, null)).param).toBe('condition');
  });
});

describe('the generated types', () => {
  it('type events and conditions by subscription type at the newest version', () => {
    expectTypeOf<EventSubEvent<'channel.follow'>['user_login']>().toEqualTypeOf<string>();
    expectTypeOf<EventSubCondition<'channel.follow'>>().toHaveProperty('moderator_user_id');
    expectTypeOf<EventSubTypes['channel.follow']['version']>().toEqualTypeOf<'2'>();
    expectTypeOf<EventSubVersionedTypes['automod.message.hold@1']['version']>().toEqualTypeOf<'1'>();
    expectTypeOf<EventSubVersionedTypes['channel.guest_star_session.begin@beta']['version']>().toEqualTypeOf<'beta'>();
    // Listed values autocomplete, and a value Twitch adds later still type-checks.
    expectTypeOf<EventSubEvent<'channel.custom_power_up_redemption.add'>['custom_power_up']['bits']>().toEqualTypeOf<number>();
    expectTypeOf<EventSubEvent<'stream.offline'>['id']>().toEqualTypeOf<string>();
    const notice: EventSubEvent<'channel.chat.notification'>['notice_type'] = 'resub';
    const later: EventSubEvent<'channel.chat.notification'>['notice_type'] = 'a_future_notice';
    expect([notice, later]).toHaveLength(2);
  });
});

describe('opting into event validation', () => {
  const follow = JSON.parse(
    readFileSync(fileURLToPath(new URL('./fixtures/channel.follow@2.json', import.meta.url)), 'utf8'),
  ) as { subscription: unknown; event: Record<string, unknown> };

  it('checks events of the types passed to parseEventSubMessage, by type and version', () => {
    const broken = { ...follow, event: { ...follow.event, user_login: 42 } };
    expect(() => parseEventSubMessage(broken, { schemas: [channelFollowV2] })).toThrow(ValidationError);
    expect(() => parseEventSubMessage(broken, { schemas: subscriptionTypes })).toThrow(/user_login/);
    expect(() => parseEventSubMessage(broken)).not.toThrow();
    expect(() => parseEventSubMessage(follow, { schemas: subscriptionTypes })).not.toThrow();
  });
});

describe('bundling', () => {
  async function bundle(source: string): Promise<string> {
    const result = await build({
      stdin: { contents: source, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    return result.outputFiles[0]!.text;
  }

  it('keeps the other schemas out of a bundle that imports one descriptor', async () => {
    const code = await bundle(
      "import { channelFollowV2 } from '../../src/eventsub/schemas.ts'; console.log(channelFollowV2);",
    );
    expect(code).toContain('followed_at');
    expect(code).not.toContain('channel.chat.message');
    expect(code).not.toContain('chatter_user_id');
  });

  it('keeps every schema out of a bundle that only checks conditions', async () => {
    const code = await bundle(
      "import { checkCondition } from '../../src/eventsub/versions.ts'; console.log(checkCondition('stream.online', undefined, {}));",
    );
    expect(code).not.toContain('followed_at');
    expect(code).not.toMatch(/looseObject|Invalid type/);
  });
});
