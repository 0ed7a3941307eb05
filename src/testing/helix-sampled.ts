/**
 * The fake Helix's answer for operations it keeps no state for: a body sampled from the
 * operation's response schema (so it validates), with the users the request names filled in.
 */
import { observed, param, type HelixContext } from './helix-context.js';
import { sampleFromSchema } from './sample.js';
import type { UserRecord } from './state.js';

/** The sampled, personalised body of the operation in `ctx`, shaped as Twitch answers it. */
export function sampledBody(ctx: HelixContext): unknown {
  const body = personalize(ctx, sampleFromSchema(ctx.spec.response ?? {}, seedOf(ctx.spec.id, ctx.state.seed)));
  SHAPES[ctx.spec.id]?.(body as Body, ctx, observed(ctx));
  return body;
}

type Body = Record<string, any>;

/** Calls `change` on each object in `list` (a body's `data`, say). */
function each(list: unknown, change: (item: Body) => void): void {
  if (Array.isArray(list)) for (const item of list) if (typeof item === 'object' && item !== null) change(item as Body);
}

/** Each guest's slot under one spelling only, `keep` (a sample fills both). */
const slotAs = (body: Body, keep: 'slot_id' | 'id') =>
  each(body.data, (session) =>
    each(session.guests, (guest) => {
      const slot = guest.slot_id ?? guest.id;
      delete guest.slot_id;
      delete guest.id;
      guest[keep] = slot;
    }),
  );

/** Twitch's examples show an extension without a config view. */
const noConfigView = (body: Body, _ctx: HelixContext, seen: boolean) => seen && each(body.data, (extension) => delete extension.views?.config);

/**
 * Where the evidence corpus (test/corpus; RESPONSE_ERRATA in scripts/gen-helix.ts) shows Twitch
 * answering a sampled operation differently from its documented shape, the fake does the same,
 * unless `seen` is false (documented shapes were asked for).
 */
const SHAPES: Record<string, (body: Body, ctx: HelixContext, seen: boolean) => void> = {
  // A team without logo, banner or background image: null, as twitch_api captured.
  'get-teams': (body, _ctx, seen) => seen && each(body.data, (team) => Object.assign(team, { thumbnail_url: null, banner: null, background_image_url: null })),
  // Only the seeded broadcaster is on a team; Twitch answers for anyone else with data null.
  'get-channel-teams': (body, ctx, seen) => {
    if (param(ctx, 'broadcaster_id') !== ctx.state.ids.broadcaster) body.data = seen ? null : [];
    else if (seen) each(body.data, (team) => Object.assign(team, { banner: null, background_image_url: null }));
  },
  // Twitch's example of a running train has no is_shared_train.
  'get-hype-train-status': (body, _ctx, seen) => seen && each(body.data, (status) => status.current && delete status.current.is_shared_train),
  'get-extensions': noConfigView,
  'get-released-extensions': noConfigView,
  // Twitch's create and end examples spell a guest's slot `id`; the get example and table `slot_id`.
  'get-guest-star-session': (body) => slotAs(body, 'slot_id'),
  'create-guest-star-session': (body, _ctx, seen) => slotAs(body, seen ? 'id' : 'slot_id'),
  'end-guest-star-session': (body, _ctx, seen) => slotAs(body, seen ? 'id' : 'slot_id'),
};

/** A stable number per operation id, so sampled bodies differ between operations but not between runs. */
function seedOf(id: string, seed: number): number {
  let hash = seed | 0;
  for (let i = 0; i < id.length; i++) hash = (Math.imul(hash, 31) + id.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Puts the users a request names into a sampled body: where the request has `broadcaster_id`
 * (say) of a known user, the body's `broadcaster_id`, `broadcaster_login` and `broadcaster_name`
 * become that user's, at any depth. Only string fields are replaced, so the body stays valid.
 */
function personalize(ctx: HelixContext, body: unknown): unknown {
  const named = new Map<string, UserRecord>();
  const consider = (key: string, value: unknown) => {
    const user = typeof value === 'string' && key.endsWith('_id') ? ctx.state.users.get(value) : undefined;
    if (!user) return;
    const prefix = key.slice(0, -'id'.length);
    named.set(prefix, user);
    // EventSub-style names (`broadcaster_user_id`) also appear in some Helix bodies.
    if (prefix === 'broadcaster_') named.set('broadcaster_user_', user);
  };
  for (const [key, value] of ctx.query) consider(key, value);
  for (const [key, value] of Object.entries(ctx.body)) consider(key, value);
  if (named.size === 0) return body;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    for (const [prefix, user] of named) {
      if (typeof record[`${prefix}id`] !== 'string') continue;
      record[`${prefix}id`] = user.id;
      if (typeof record[`${prefix}login`] === 'string') record[`${prefix}login`] = user.login;
      if (typeof record[`${prefix}name`] === 'string') record[`${prefix}name`] = user.display_name;
    }
    Object.values(record).forEach(visit);
  };
  visit(body);
  return body;
}
