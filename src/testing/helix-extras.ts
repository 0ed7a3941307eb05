/**
 * Fake Helix routes for the smaller areas: authorizations, raids, shoutouts, AutoMod, suspicious
 * users, ads, content classification labels, extension configuration and a user's extension slots.
 */
import {
  badRequest,
  conflict,
  HelixFault,
  mustBeTokenUser,
  mustModerate,
  notFound,
  param,
  params,
  required,
  tokenUser,
  userById,
  type HelixContext,
  type RouteHandler,
} from './helix-context.js';
import { isoTime } from './state.js';

const LABELS: readonly [string, string][] = [
  ['DebatedSocialIssuesAndPolitics', 'Politics and Sensitive Social Issues'],
  ['DrugsIntoxication', 'Drugs, Intoxication, or Excessive Tobacco Use'],
  ['Gambling', 'Gambling'],
  ['ProfanityVulgarity', 'Significant Profanity or Vulgarity'],
  ['SexualThemes', 'Sexual Themes'],
  ['ViolentGraphic', 'Violent and Graphic Depictions'],
];

const AUTOMOD_FIELDS = [
  'disability',
  'aggression',
  'sexuality_sex_or_gender',
  'misogyny',
  'bullying',
  'swearing',
  'race_ethnicity_or_religion',
  'sex_based_terms',
] as const;

type AutomodSettings = Record<(typeof AUTOMOD_FIELDS)[number], number> & { overall_level: number | null };

function moderation(ctx: HelixContext) {
  const broadcasterId = required(ctx, 'broadcaster_id');
  userById(ctx, broadcasterId, 'broadcaster_id');
  const moderatorId = mustBeTokenUser(ctx, 'moderator_id');
  mustModerate(ctx, broadcasterId, moderatorId);
  return { broadcasterId, moderatorId };
}

function automodOf(ctx: HelixContext, broadcasterId: string): AutomodSettings {
  const key = `automod:${broadcasterId}`;
  let settings = ctx.state.extra.get(key) as AutomodSettings | undefined;
  if (!settings) {
    settings = { overall_level: 1, disability: 1, aggression: 1, sexuality_sex_or_gender: 1, misogyny: 1, bullying: 1, swearing: 0, race_ethnicity_or_religion: 1, sex_based_terms: 1 };
    ctx.state.extra.set(key, settings);
  }
  return settings;
}

function level(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 4) {
    throw badRequest(`"${name}" must be a whole number from 0 to 4`);
  }
  return value;
}

/** Seconds between ads and the length of the next one, as the fake runs them. */
const AD_INTERVAL_SECONDS = 3600;

function adsOf(ctx: HelixContext, broadcasterId: string) {
  const key = `ads:${broadcasterId}`;
  let ads = ctx.state.extra.get(key) as { last: number; next: number; snoozes: number } | undefined;
  if (!ads) {
    const now = Math.floor(ctx.state.now() / 1000);
    ads = { last: now - 1800, next: now + 1800, snoozes: 3 };
    ctx.state.extra.set(key, ads);
  }
  return ads;
}

type Slot = { active: boolean; id?: string; version?: string; name?: string; x?: number; y?: number };
type ExtensionSlots = { panel: Record<string, Slot>; overlay: Record<string, Slot>; component: Record<string, Slot> };

function slotsOf(ctx: HelixContext, userId: string): ExtensionSlots {
  const key = `extension-slots:${userId}`;
  let slots = ctx.state.extra.get(key) as ExtensionSlots | undefined;
  if (!slots) {
    const empty = () => ({ '1': { active: false }, '2': { active: false }, '3': { active: false } });
    slots = { panel: empty(), overlay: { '1': { active: false } }, component: { '1': { active: false }, '2': { active: false } } };
    ctx.state.extra.set(key, slots);
  }
  return slots;
}

/** Where an extension configuration segment is kept in `state.extra`. */
function segmentKey(extensionId: string, segment: string, broadcasterId: string | undefined): string {
  return `extension-config:${extensionId}:${segment}:${segment === 'broadcaster' || segment === 'developer' ? (broadcasterId ?? '') : ''}`;
}

export const extraRoutes: Record<string, RouteHandler> = {
  'check-automod-status'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const messages = ctx.body.data;
    if (!Array.isArray(messages) || messages.length === 0) throw badRequest('Missing required parameter "data"');
    const terms = ctx.state.blockedTerms.filter((t) => t.broadcaster_id === broadcasterId).map((t) => t.text.toLowerCase());
    const data = (messages as { msg_id?: unknown; msg_text?: unknown }[]).map((m) => ({
      msg_id: String(m?.msg_id ?? ''),
      is_permitted: !terms.some((term) => String(m?.msg_text ?? '').toLowerCase().includes(term)),
    }));
    return { data };
  },

  'manage-held-automod-messages'(ctx) {
    mustBeTokenUser(ctx, 'user_id');
    required(ctx, 'msg_id');
    const action = required(ctx, 'action');
    if (action !== 'ALLOW' && action !== 'DENY') throw badRequest('"action" must be ALLOW or DENY');
    return undefined;
  },

  'get-extension-configuration-segment'(ctx) {
    const extensionId = required(ctx, 'extension_id');
    const broadcasterId = param(ctx, 'broadcaster_id');
    const data = params(ctx, 'segment').flatMap((segment) => {
      const stored = ctx.state.extra.get(segmentKey(extensionId, segment, broadcasterId)) as { content: string; version: string } | undefined;
      if (!stored) return [];
      return [{ segment, ...(broadcasterId && segment !== 'global' ? { broadcaster_id: broadcasterId } : {}), ...stored }];
    });
    return { data };
  },

  'set-extension-configuration-segment'(ctx) {
    const extensionId = required(ctx, 'extension_id');
    const segment = required(ctx, 'segment');
    if (!['broadcaster', 'developer', 'global'].includes(segment)) throw badRequest('"segment" must be broadcaster, developer or global');
    const broadcasterId = param(ctx, 'broadcaster_id');
    if (segment !== 'global' && !broadcasterId) throw badRequest('"broadcaster_id" is required for this segment');
    const content = param(ctx, 'content') ?? '';
    if (content.length > 5 * 1024) throw badRequest('A segment holds at most 5 KB');
    ctx.state.extra.set(segmentKey(extensionId, segment, broadcasterId), { content, version: param(ctx, 'version') ?? '' });
    return undefined;
  },

  'set-extension-required-configuration'(ctx) {
    userById(ctx, required(ctx, 'broadcaster_id'), 'broadcaster_id');
    required(ctx, 'extension_id');
    required(ctx, 'extension_version');
    required(ctx, 'required_configuration');
    return undefined;
  },

  'get-user-active-extensions'(ctx) {
    const userId = param(ctx, 'user_id') ?? tokenUser(ctx);
    userById(ctx, userId);
    return { data: slotsOf(ctx, userId) };
  },

  'update-user-extensions'(ctx) {
    const slots = slotsOf(ctx, tokenUser(ctx));
    const update = ctx.body.data as Partial<Record<keyof ExtensionSlots, Record<string, Slot>>> | undefined;
    if (typeof update !== 'object' || update === null) throw badRequest('Missing required parameter "data"');
    for (const kind of ['panel', 'overlay', 'component'] as const) {
      for (const [slot, value] of Object.entries(update[kind] ?? {})) {
        if (!(slot in slots[kind])) throw notFound(`No ${kind} slot ${slot}`);
        if (typeof value?.active !== 'boolean') throw badRequest(`${kind}.${slot}.active must be true or false`);
        slots[kind][slot] = value.active ? { ...value, name: value.name ?? value.id ?? '' } : { active: false };
      }
    }
    return { data: slots };
  },


  'get-authorization-by-user'(ctx) {
    const data = params(ctx, 'user_id').flatMap((id) => {
      const user = ctx.state.users.get(id);
      if (!user) return [];
      const scopes = new Set<string>();
      for (const token of ctx.state.tokens.values()) {
        if (token.clientId === ctx.token.clientId && token.userId === id) for (const scope of token.scopes) scopes.add(scope);
      }
      return [{ user_id: user.id, user_name: user.display_name, user_login: user.login, scopes: [...scopes], has_authorized: scopes.size > 0 }];
    });
    return { data };
  },

  'get-content-classification-labels'() {
    return { data: LABELS.map(([id, name]) => ({ id, description: `Content about ${name.toLowerCase()}`, name })) };
  },

  'start-a-raid'(ctx) {
    const from = mustBeTokenUser(ctx, 'from_broadcaster_id');
    const to = userById(ctx, required(ctx, 'to_broadcaster_id'), 'to_broadcaster_id');
    if (to.id === from) throw badRequest('A broadcaster may not raid themselves');
    const key = `raid:${from}`;
    if (ctx.state.extra.has(key)) throw conflict('A raid is already in progress');
    const createdAt = isoTime(ctx.state.now());
    ctx.state.extra.set(key, { to: to.id, created_at: createdAt });
    return { data: [{ created_at: createdAt, is_mature: false }] };
  },

  'cancel-a-raid'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    if (!ctx.state.extra.delete(`raid:${broadcasterId}`)) throw notFound('No raid is in progress');
    return undefined;
  },

  'send-a-shoutout'(ctx) {
    const from = required(ctx, 'from_broadcaster_id');
    userById(ctx, from, 'from_broadcaster_id');
    const to = userById(ctx, required(ctx, 'to_broadcaster_id'), 'to_broadcaster_id');
    mustModerate(ctx, from, mustBeTokenUser(ctx, 'moderator_id'));
    if (to.id === from) throw badRequest('A broadcaster may not shout themselves out');
    if (!ctx.state.streams.has(from)) throw new HelixFault(400, 'The broadcaster is not live');
    return undefined;
  },

  'get-automod-settings'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    return { data: [{ broadcaster_id: broadcasterId, moderator_id: moderatorId, ...automodOf(ctx, broadcasterId) }] };
  },

  'update-automod-settings'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const settings = automodOf(ctx, broadcasterId);
    const b = ctx.body;
    const given = AUTOMOD_FIELDS.filter((field) => b[field] !== undefined);
    if (b.overall_level !== undefined && given.length > 0) {
      throw badRequest('Set either "overall_level" or the individual levels, not both');
    }
    if (b.overall_level !== undefined) {
      const overall = level(b.overall_level, 'overall_level');
      settings.overall_level = overall;
      for (const field of AUTOMOD_FIELDS) settings[field] = field === 'swearing' ? 0 : overall;
    } else {
      for (const field of given) settings[field] = level(b[field], field);
      if (given.length > 0) settings.overall_level = null;
    }
    return { data: [{ broadcaster_id: broadcasterId, moderator_id: moderatorId, ...settings }] };
  },

  'add-suspicious-status-to-chat-user'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const user = userById(ctx, required(ctx, 'user_id'));
    const status = required(ctx, 'status');
    if (status !== 'ACTIVE_MONITORING' && status !== 'RESTRICTED') throw badRequest('"status" must be ACTIVE_MONITORING or RESTRICTED');
    const record = { user_id: user.id, broadcaster_id: broadcasterId, moderator_id: moderatorId, updated_at: isoTime(ctx.state.now()), status, types: ['MANUALLY_ADDED'] };
    ctx.state.extra.set(`suspicious:${broadcasterId}:${user.id}`, record);
    return { data: [record] };
  },

  'remove-suspicious-status-from-chat-user'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const user = userById(ctx, required(ctx, 'user_id'));
    ctx.state.extra.delete(`suspicious:${broadcasterId}:${user.id}`);
    return {
      data: [{ user_id: user.id, broadcaster_id: broadcasterId, moderator_id: moderatorId, updated_at: isoTime(ctx.state.now()), status: 'NO_TREATMENT', types: [] }],
    };
  },

  'get-ad-schedule'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const ads = adsOf(ctx, broadcasterId);
    return {
      data: [
        {
          snooze_count: ads.snoozes,
          snooze_refresh_at: ads.last + AD_INTERVAL_SECONDS,
          next_ad_at: ads.next,
          duration: 60,
          last_ad_at: ads.last,
          preroll_free_time: 0,
        },
      ],
    };
  },

  'snooze-next-ad'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const ads = adsOf(ctx, broadcasterId);
    if (ads.snoozes === 0) throw new HelixFault(429, 'No snoozes left');
    ads.snoozes--;
    ads.next += 300;
    return { data: [{ snooze_count: ads.snoozes, snooze_refresh_at: ads.last + AD_INTERVAL_SECONDS, next_ad_at: ads.next }] };
  },

  'start-commercial'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    if (!ctx.state.streams.has(broadcasterId)) throw badRequest('The broadcaster is not live');
    const length = Number(required(ctx, 'length'));
    if (!Number.isInteger(length) || length < 1) throw badRequest('"length" must be a whole number of seconds');
    const served = Math.min(length, 180);
    const ads = adsOf(ctx, broadcasterId);
    ads.last = Math.floor(ctx.state.now() / 1000);
    ads.next = ads.last + AD_INTERVAL_SECONDS;
    return { data: [{ length: served, message: '', retry_after: 480 }] };
  },
};
