/**
 * The fake Helix's answer for operations it keeps no state for: a body sampled from the
 * operation's response schema (so it validates), with the users the request names filled in.
 */
import type { HelixContext } from './helix-context.js';
import { sampleFromSchema } from './sample.js';
import type { UserRecord } from './state.js';

/** The sampled, personalised body of the operation in `ctx`. */
export function sampledBody(ctx: HelixContext): unknown {
  return personalize(ctx, sampleFromSchema(ctx.spec.response ?? {}, seedOf(ctx.spec.id, ctx.state.seed)));
}

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
