/**
 * What every fake Helix route handler gets and the small helpers they share: reading
 * parameters, refusing with Twitch's error body, paging lists with opaque cursors.
 */
import type { EndpointSpec } from '../endpoint.js';
import type { TokenRecord, TwitchState, UserRecord } from './state.js';

/** One request as a route handler sees it, already authenticated. */
export interface HelixContext {
  readonly state: TwitchState;
  readonly spec: EndpointSpec;
  /** The caller's token record (app or user). */
  readonly token: TokenRecord;
  readonly query: URLSearchParams;
  /** The parsed JSON body, `{}` when none was sent. */
  readonly body: Record<string, unknown>;
}

/**
 * A route handler. Its return value is the response body (sent as JSON with the operation's
 * success status); `undefined` answers 204. Throw {@link HelixFault} to refuse.
 */
export type RouteHandler = (ctx: HelixContext) => unknown;

/** A refusal that becomes Twitch's error body `{ error, status, message }`. */
export class HelixFault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

/** The short reason phrase Twitch puts in `error`. */
export function reasonOf(status: number): string {
  return REASONS[status] ?? 'Error';
}

export const badRequest = (message: string) => new HelixFault(400, message);
export const unauthorized = (message: string) => new HelixFault(401, message);
export const forbidden = (message: string) => new HelixFault(403, message);
export const notFound = (message: string) => new HelixFault(404, message);
export const conflict = (message: string) => new HelixFault(409, message);

/**
 * True when answers take the shapes Twitch was seen sending (the default), false for the
 * documented ones (`createMockTwitch({ shapes: 'documented' })`).
 */
export const observed = (ctx: HelixContext): boolean => ctx.state.shapes === 'observed';

/** A query parameter, else a body field, as a string; `undefined` when absent or empty. */
export function param(ctx: HelixContext, name: string): string | undefined {
  const fromQuery = ctx.query.get(name);
  if (fromQuery !== null && fromQuery !== '') return fromQuery;
  const fromBody = ctx.body[name];
  if (fromBody === undefined || fromBody === null || fromBody === '') return undefined;
  return typeof fromBody === 'string' ? fromBody : String(fromBody);
}

/** Like {@link param} but answers 400 when absent. */
export function required(ctx: HelixContext, name: string): string {
  const value = param(ctx, name);
  if (value === undefined) throw badRequest(`Missing required parameter "${name}"`);
  return value;
}

/** Every value of a repeatable query parameter. */
export function params(ctx: HelixContext, name: string): string[] {
  return ctx.query.getAll(name).filter((value) => value !== '');
}

/** A boolean query parameter or body field. */
export function flag(ctx: HelixContext, name: string): boolean | undefined {
  const value = ctx.query.get(name) ?? ctx.body[name];
  if (value === undefined || value === null) return undefined;
  return value === true || value === 'true';
}

/** The user id the token speaks for; 401 for app tokens. */
export function tokenUser(ctx: HelixContext): string {
  if (!ctx.token.userId) throw unauthorized('This operation needs a user access token');
  return ctx.token.userId;
}

/** True when `userId` has authorized the caller's client with `scope` (the fake's record of grants: its tokens). */
export function hasGranted(ctx: HelixContext, userId: string, scope: string): boolean {
  for (const token of ctx.state.tokens.values()) {
    if (token.clientId === ctx.token.clientId && token.userId === userId && token.scopes.includes(scope)) return true;
  }
  return false;
}

/**
 * Chat-bot operations (Twitch's bot model): an app token also needs `user:bot` from the user it
 * acts for and, where named, `channel:bot` from that broadcaster.
 */
const CHAT_BOT: Record<string, { channel?: string }> = {
  'ban-user': {},
  'unban-user': {},
  'send-chat-announcement': { channel: 'broadcaster_id' },
  'send-a-shoutout': { channel: 'from_broadcaster_id' },
  'get-pinned-chat-message': { channel: 'broadcaster_id' },
  'pin-chat-message': { channel: 'broadcaster_id' },
  'update-pinned-chat-message': { channel: 'broadcaster_id' },
  'unpin-chat-message': { channel: 'broadcaster_id' },
};

/**
 * The user a call acts for, named by a parameter such as `moderator_id`: a user token must be that
 * user's; an app token (where the operation takes one) needs that user's grant of the operation's
 * scopes, plus the chat-bot grants above. Refuses with 401 as Twitch does.
 */
export function mustBeTokenUser(ctx: HelixContext, name: string): string {
  const value = required(ctx, name);
  if (ctx.token.type === 'app' && ctx.spec.tokens.includes('app')) {
    const bot = CHAT_BOT[ctx.spec.id];
    const lacking = [...ctx.spec.scopes, ...(bot ? [['user:bot']] : [])].find(
      (group) => !group.some((scope) => hasGranted(ctx, value, scope)),
    );
    if (lacking) throw unauthorized(`The user in ${name} has not granted this app ${lacking.join(' or ')}`);
    if (bot?.channel && !hasGranted(ctx, required(ctx, bot.channel), 'channel:bot')) {
      throw unauthorized(`The user in ${bot.channel} has not granted this app channel:bot`);
    }
    return value;
  }
  if (value !== tokenUser(ctx)) throw unauthorized(`The ID in ${name} must match the user ID in the access token`);
  return value;
}

/** The user with this id; 400 when there is none. */
export function userById(ctx: HelixContext, id: string, name = 'user_id'): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user) throw badRequest(`The ID in ${name} is not valid`);
  return user;
}

/** True when `userId` moderates `broadcasterId`'s channel (the broadcaster counts). */
export function isModerator(ctx: HelixContext, broadcasterId: string, userId: string): boolean {
  return userId === broadcasterId || ctx.state.moderators.some((m) => m.broadcaster_id === broadcasterId && m.user_id === userId);
}

/** Refuses unless `userId` (the user the call acts for) is the broadcaster or one of their moderators. */
export function mustModerate(ctx: HelixContext, broadcasterId: string, userId: string): void {
  if (!isModerator(ctx, broadcasterId, userId)) {
    throw forbidden('The user acting here is not one of the broadcaster\'s moderators');
  }
}

function encodeCursor(offset: number): string {
  return btoa(JSON.stringify({ o: offset })).replace(/=+$/, '');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(atob(cursor)) as { o?: unknown };
    if (typeof value.o === 'number' && Number.isInteger(value.o) && value.o >= 0) return value.o;
  } catch {
    // Fall through to the refusal below.
  }
  throw badRequest('The cursor in "after" is not valid');
}

/**
 * One page of `items` by `first` (default 20, at most the operation's documented maximum) and `after`: the body's `data` and
 * `pagination` (`{ cursor }` while items remain, `{}` after the last page).
 */
export function paginate<T>(
  ctx: HelixContext,
  items: readonly T[],
  options: { defaultFirst?: number; max?: number } = {},
): { data: T[]; pagination: { cursor?: string } } {
  const max = options.max ?? ctx.spec.range?.first?.[1] ?? 100;
  const raw = param(ctx, 'first');
  const first = raw === undefined ? (options.defaultFirst ?? 20) : Number(raw);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw badRequest(`The value in "first" must be a whole number from 1 to ${max}`);
  }
  const after = param(ctx, 'after');
  const start = after === undefined ? 0 : decodeCursor(after);
  const data = items.slice(start, start + first);
  const end = start + data.length;
  return { data, pagination: end < items.length ? { cursor: encodeCursor(end) } : {} };
}

/** Removes bookkeeping fields that Twitch would not send. */
export function omit<T extends object, K extends keyof T>(record: T, ...keys: K[]): Omit<T, K> {
  const copy = { ...record };
  for (const key of keys) delete copy[key];
  return copy;
}
