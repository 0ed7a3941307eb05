/**
 * Fake Helix routes for moderation and chat: bans, moderators, VIPs, blocked terms, chatters,
 * chat settings, shield mode, warnings, chat messages and colors.
 */
import {
  badRequest,
  flag,
  forbidden,
  hasGranted,
  HelixFault,
  isModerator,
  unauthorized,
  mustBeTokenUser,
  mustModerate,
  notFound,
  observed,
  paginate,
  param,
  params,
  required,
  userById,
  type HelixContext,
  type RouteHandler,
} from './helix-context.js';
import { pinMessage } from './helix-pins.js';
import { isoTime, randomUuid, type MembershipRecord, type UnbanRequestRecord, type UserRecord } from './state.js';

/** The scope a sender needs to pin with `send-chat-message`, and how long that pin lasts. */
const PIN_SCOPE = 'moderator:manage:chat_messages';
const SEND_PIN_MS = 20 * 60_000;

/** The broadcaster and the moderator acting for them, checked as Twitch checks them. */
function moderation(ctx: HelixContext): { broadcasterId: string; moderatorId: string } {
  const broadcasterId = required(ctx, 'broadcaster_id');
  userById(ctx, broadcasterId, 'broadcaster_id');
  const moderatorId = mustBeTokenUser(ctx, 'moderator_id');
  mustModerate(ctx, broadcasterId, moderatorId);
  return { broadcasterId, moderatorId };
}

function userTriple(user: UserRecord) {
  return { user_id: user.id, user_login: user.login, user_name: user.display_name };
}

function publicUnbanRequest(ctx: HelixContext, request: UnbanRequestRecord) {
  const broadcaster = ctx.state.users.get(request.broadcaster_id)!;
  const user = ctx.state.users.get(request.user_id)!;
  const mod = ctx.state.users.get(request.moderator_id);
  // What a request does not have yet (a pending one: no moderator, no resolution), Twitch sends as null.
  const none = observed(ctx) ? null : '';
  return {
    id: request.id,
    broadcaster_id: broadcaster.id,
    broadcaster_name: broadcaster.display_name,
    broadcaster_login: broadcaster.login,
    moderator_id: mod?.id ?? none,
    moderator_login: mod?.login ?? none,
    moderator_name: mod?.display_name ?? none,
    ...userTriple(user),
    text: request.text,
    status: request.status,
    created_at: request.created_at,
    resolved_at: request.resolved_at || none,
    resolution_text: request.resolution_text || none,
  };
}

function has(list: MembershipRecord[], broadcasterId: string, userId: string): boolean {
  return list.some((m) => m.broadcaster_id === broadcasterId && m.user_id === userId);
}

function members(ctx: HelixContext, list: MembershipRecord[], broadcasterId: string) {
  const only = params(ctx, 'user_id');
  return list
    .filter((m) => m.broadcaster_id === broadcasterId && (only.length === 0 || only.includes(m.user_id)))
    .map((m) => userTriple(ctx.state.users.get(m.user_id)!));
}

function shieldOf(ctx: HelixContext, broadcasterId: string) {
  const key = `shield:${broadcasterId}`;
  const known = ctx.state.extra.get(key) as
    | { is_active: boolean; moderator_id: string; moderator_login: string; moderator_name: string; last_activated_at: string }
    | undefined;
  return known ?? { is_active: false, moderator_id: '', moderator_login: '', moderator_name: '', last_activated_at: '' };
}

/** Twitch's 422, used where a role change conflicts with another role. */
function unprocessable(message: string): never {
  throw new HelixFault(422, message);
}

export const moderationRoutes: Record<string, RouteHandler> = {
  'get-banned-users'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const only = params(ctx, 'user_id');
    const now = ctx.state.now();
    const bans = ctx.state.bans
      .filter((b) => b.broadcaster_id === broadcasterId && (only.length === 0 || only.includes(b.user_id)))
      .filter((b) => b.expires_at === '' || Date.parse(b.expires_at) > now)
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map((b) => {
        const mod = ctx.state.users.get(b.moderator_id)!;
        return {
          ...userTriple(ctx.state.users.get(b.user_id)!),
          expires_at: b.expires_at,
          created_at: b.created_at,
          reason: b.reason,
          moderator_id: mod.id,
          moderator_login: mod.login,
          moderator_name: mod.display_name,
        };
      });
    return paginate(ctx, bans);
  },

  'ban-user'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const data = ctx.body.data as { user_id?: unknown; duration?: unknown; reason?: unknown } | undefined;
    if (!data || typeof data.user_id !== 'string') throw badRequest('Missing required parameter "data.user_id"');
    const user = userById(ctx, data.user_id, 'user_id');
    if (user.id === broadcasterId) throw badRequest('The broadcaster may not be banned');
    const now = ctx.state.now();
    const active = ctx.state.bans.find(
      (b) => b.broadcaster_id === broadcasterId && b.user_id === user.id && (b.expires_at === '' || Date.parse(b.expires_at) > now),
    );
    if (active) throw badRequest('The user is already banned');
    const duration = typeof data.duration === 'number' ? data.duration : undefined;
    if (duration !== undefined && (!Number.isInteger(duration) || duration < 1 || duration > 1_209_600)) {
      throw badRequest('The value in "duration" must be from 1 to 1209600 seconds');
    }
    const ban = {
      broadcaster_id: broadcasterId,
      user_id: user.id,
      moderator_id: moderatorId,
      reason: typeof data.reason === 'string' ? data.reason : '',
      created_at: isoTime(now),
      expires_at: duration === undefined ? '' : isoTime(now + duration * 1000),
    };
    ctx.state.bans.push(ban);
    return {
      data: [
        { broadcaster_id: broadcasterId, moderator_id: moderatorId, user_id: user.id, created_at: ban.created_at, end_time: ban.expires_at || null },
      ],
    };
  },

  'unban-user'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const userId = required(ctx, 'user_id');
    const before = ctx.state.bans.length;
    ctx.state.bans = ctx.state.bans.filter((b) => !(b.broadcaster_id === broadcasterId && b.user_id === userId));
    if (ctx.state.bans.length === before) throw badRequest('The user is not banned');
    return undefined;
  },

  'get-moderators'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    return paginate(ctx, members(ctx, ctx.state.moderators, broadcasterId));
  },

  'add-channel-moderator'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const user = userById(ctx, required(ctx, 'user_id'));
    if (has(ctx.state.moderators, broadcasterId, user.id)) throw badRequest('The user is already a moderator');
    if (has(ctx.state.vips, broadcasterId, user.id)) unprocessable('The user is a VIP; remove the VIP status first');
    ctx.state.moderators.push({ broadcaster_id: broadcasterId, user_id: user.id, since: isoTime(ctx.state.now()) });
    return undefined;
  },

  'remove-channel-moderator'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const userId = required(ctx, 'user_id');
    if (!has(ctx.state.moderators, broadcasterId, userId)) throw badRequest('The user is not a moderator');
    ctx.state.moderators = ctx.state.moderators.filter((m) => !(m.broadcaster_id === broadcasterId && m.user_id === userId));
    return undefined;
  },

  'get-moderated-channels'(ctx) {
    const userId = mustBeTokenUser(ctx, 'user_id');
    const channels = ctx.state.moderators
      .filter((m) => m.user_id === userId)
      .map((m) => {
        const b = ctx.state.users.get(m.broadcaster_id)!;
        return { broadcaster_id: b.id, broadcaster_login: b.login, broadcaster_name: b.display_name };
      });
    return paginate(ctx, channels);
  },

  'get-vips'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    return paginate(ctx, members(ctx, ctx.state.vips, broadcasterId));
  },

  'add-channel-vip'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const user = userById(ctx, required(ctx, 'user_id'));
    if (has(ctx.state.moderators, broadcasterId, user.id)) unprocessable('The user is a moderator; moderators cannot be VIPs');
    if (has(ctx.state.vips, broadcasterId, user.id)) unprocessable('The user is already a VIP');
    ctx.state.vips.push({ broadcaster_id: broadcasterId, user_id: user.id, since: isoTime(ctx.state.now()) });
    return undefined;
  },

  'remove-channel-vip'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const userId = required(ctx, 'user_id');
    if (!has(ctx.state.vips, broadcasterId, userId)) unprocessable('The user is not a VIP');
    ctx.state.vips = ctx.state.vips.filter((m) => !(m.broadcaster_id === broadcasterId && m.user_id === userId));
    return undefined;
  },

  'get-blocked-terms'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const terms = ctx.state.blockedTerms
      .filter((t) => t.broadcaster_id === broadcasterId)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    return paginate(ctx, terms);
  },

  'add-blocked-term'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const text = required(ctx, 'text');
    if (text.length < 2 || text.length > 500) throw badRequest('The term must be from 2 to 500 characters');
    const existing = ctx.state.blockedTerms.find((t) => t.broadcaster_id === broadcasterId && t.text === text);
    if (existing) return { data: [existing] };
    const now = isoTime(ctx.state.now());
    const term = { broadcaster_id: broadcasterId, moderator_id: moderatorId, id: randomUuid(ctx.state), text, created_at: now, updated_at: now, expires_at: null };
    ctx.state.blockedTerms.push(term);
    return { data: [term] };
  },

  'remove-blocked-term'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const id = required(ctx, 'id');
    ctx.state.blockedTerms = ctx.state.blockedTerms.filter((t) => !(t.broadcaster_id === broadcasterId && t.id === id));
    return undefined;
  },

  'get-chatters'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const chatters = ctx.state.chatters
      .filter((c) => c.broadcaster_id === broadcasterId)
      .map((c) => userTriple(ctx.state.users.get(c.user_id)!));
    return { ...paginate(ctx, chatters, { defaultFirst: 100, max: 1000 }), total: chatters.length };
  },

  'get-chat-settings'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    const settings = ctx.state.chatSettings.get(broadcasterId);
    if (!settings) throw badRequest('The ID in broadcaster_id is not valid');
    // Only a moderator's token sees the moderator-only fields.
    const moderatorId = param(ctx, 'moderator_id');
    const asMod = moderatorId !== undefined && moderatorId === ctx.token.userId;
    if (!asMod) {
      const { non_moderator_chat_delay: _d, non_moderator_chat_delay_duration: _dd, ...rest } = settings;
      return { data: [rest] };
    }
    return { data: [{ ...settings, moderator_id: moderatorId }] };
  },

  'update-chat-settings'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const settings = ctx.state.chatSettings.get(broadcasterId);
    if (!settings) throw badRequest('The ID in broadcaster_id is not valid');
    const b = ctx.body;
    const bool = (key: keyof typeof settings) => {
      if (typeof b[key] === 'boolean') (settings as unknown as Record<string, unknown>)[key] = b[key];
    };
    bool('emote_mode');
    bool('follower_mode');
    bool('non_moderator_chat_delay');
    bool('slow_mode');
    bool('subscriber_mode');
    bool('unique_chat_mode');
    if (typeof b.follower_mode_duration === 'number') settings.follower_mode_duration = b.follower_mode_duration;
    if (typeof b.slow_mode_wait_time === 'number') settings.slow_mode_wait_time = b.slow_mode_wait_time;
    if (typeof b.non_moderator_chat_delay_duration === 'number') {
      if (![2, 4, 6].includes(b.non_moderator_chat_delay_duration)) throw badRequest('non_moderator_chat_delay_duration must be 2, 4 or 6');
      settings.non_moderator_chat_delay_duration = b.non_moderator_chat_delay_duration;
    }
    if (settings.follower_mode && settings.follower_mode_duration === null) settings.follower_mode_duration = 0;
    if (!settings.follower_mode) settings.follower_mode_duration = null;
    if (settings.slow_mode && settings.slow_mode_wait_time === null) settings.slow_mode_wait_time = 30;
    if (!settings.slow_mode) settings.slow_mode_wait_time = null;
    if (!settings.non_moderator_chat_delay) settings.non_moderator_chat_delay_duration = null;
    return { data: [{ ...settings, moderator_id: moderatorId }] };
  },

  'get-shield-mode-status'(ctx) {
    const { broadcasterId } = moderation(ctx);
    return { data: [shieldOf(ctx, broadcasterId)] };
  },

  'update-shield-mode-status'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    if (typeof ctx.body.is_active !== 'boolean') throw badRequest('Missing required parameter "is_active"');
    const mod = ctx.state.users.get(moderatorId)!;
    const previous = shieldOf(ctx, broadcasterId);
    const status = {
      is_active: ctx.body.is_active,
      moderator_id: mod.id,
      moderator_login: mod.login,
      moderator_name: mod.display_name,
      last_activated_at: ctx.body.is_active ? isoTime(ctx.state.now()) : previous.last_activated_at,
    };
    ctx.state.extra.set(`shield:${broadcasterId}`, status);
    return { data: [status] };
  },

  'warn-chat-user'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const data = ctx.body.data as { user_id?: unknown; reason?: unknown } | undefined;
    if (!data || typeof data.user_id !== 'string' || typeof data.reason !== 'string') {
      throw badRequest('Missing required parameters "data.user_id" and "data.reason"');
    }
    userById(ctx, data.user_id);
    return { data: [{ broadcaster_id: broadcasterId, user_id: data.user_id, moderator_id: moderatorId, reason: data.reason }] };
  },

  'send-chat-message'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    userById(ctx, broadcasterId, 'broadcaster_id');
    const senderId = required(ctx, 'sender_id');
    if (ctx.token.type === 'user' && senderId !== ctx.token.userId) {
      throw unauthorized('The ID in sender_id must match the user ID in the access token');
    }
    const message = required(ctx, 'message');
    if (message.length > 500) throw badRequest('The message may be at most 500 characters');
    const sourceOnly = ctx.body.for_source_only !== undefined;
    if (sourceOnly && ctx.token.type === 'user') throw badRequest('for_source_only cannot be set with a user access token');
    const pin = flag(ctx, 'pin') === true;
    if (pin) {
      if (sourceOnly || param(ctx, 'reply_parent_message_id') !== undefined) {
        throw badRequest('pin cannot be combined with reply_parent_message_id or for_source_only');
      }
      const scoped = ctx.token.type === 'user' ? ctx.token.scopes.includes(PIN_SCOPE) : hasGranted(ctx, senderId, PIN_SCOPE);
      if (!scoped) throw unauthorized(`Pinning also needs the ${PIN_SCOPE} scope`);
      // Nothing is sent when the pin would fail.
      if (!isModerator(ctx, broadcasterId, senderId)) throw forbidden('Only the broadcaster or a moderator may pin');
    }
    const banned = ctx.state.bans.some((b) => b.broadcaster_id === broadcasterId && b.user_id === senderId);
    const record = { message_id: randomUuid(ctx.state), broadcaster_id: broadcasterId, sender_id: senderId, message, sent_at: isoTime(ctx.state.now()) };
    if (banned) {
      return { data: [{ message_id: '', is_sent: false, drop_reason: { code: 'user_banned', message: 'The sender is banned in this channel' } }] };
    }
    ctx.state.chatMessages.push(record);
    if (pin) {
      const endsAt = ctx.state.now() + SEND_PIN_MS;
      pinMessage(ctx.state, { broadcaster_id: broadcasterId, message_id: record.message_id, sender_id: senderId, text: message, pinned_by: senderId, ends_at: endsAt });
    }
    return { data: [{ message_id: record.message_id, is_sent: true }] };
  },

  'delete-chat-messages'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const messageId = param(ctx, 'message_id');
    const before = ctx.state.chatMessages.length;
    ctx.state.chatMessages = ctx.state.chatMessages.filter(
      (m) => !(m.broadcaster_id === broadcasterId && (messageId === undefined || m.message_id === messageId)),
    );
    if (messageId !== undefined && ctx.state.chatMessages.length === before) throw notFound('No message with that ID');
    // A deleted message no longer stays pinned.
    const pin = ctx.state.pins.get(broadcasterId);
    if (pin && (messageId === undefined || pin.message_id === messageId)) ctx.state.pins.delete(broadcasterId);
    return undefined;
  },

  'get-user-chat-color'(ctx) {
    const data = params(ctx, 'user_id').flatMap((id) => {
      const user = ctx.state.users.get(id);
      return user ? [{ ...userTriple(user), color: ctx.state.chatColors.get(id) ?? '' }] : [];
    });
    return { data };
  },

  'update-user-chat-color'(ctx) {
    const userId = mustBeTokenUser(ctx, 'user_id');
    ctx.state.chatColors.set(userId, required(ctx, 'color'));
    return undefined;
  },

  'send-chat-announcement'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const message = required(ctx, 'message');
    if (ctx.body.for_source_only !== undefined && ctx.token.type === 'user') {
      throw badRequest('for_source_only cannot be set with a user access token');
    }
    ctx.state.chatMessages.push({ message_id: randomUuid(ctx.state), broadcaster_id: broadcasterId, sender_id: moderatorId, message, sent_at: isoTime(ctx.state.now()) });
    return undefined;
  },

  'send-whisper'(ctx) {
    mustBeTokenUser(ctx, 'from_user_id');
    userById(ctx, required(ctx, 'to_user_id'), 'to_user_id');
    required(ctx, 'message');
    return undefined;
  },

  'get-unban-requests'(ctx) {
    const { broadcasterId } = moderation(ctx);
    const status = required(ctx, 'status');
    const userId = param(ctx, 'user_id');
    const requests = ctx.state.unbanRequests
      .filter((r) => r.broadcaster_id === broadcasterId && r.status === status && (userId === undefined || r.user_id === userId))
      .map((r) => publicUnbanRequest(ctx, r));
    return paginate(ctx, requests);
  },

  'resolve-unban-requests'(ctx) {
    const { broadcasterId, moderatorId } = moderation(ctx);
    const id = required(ctx, 'unban_request_id');
    const request = ctx.state.unbanRequests.find((r) => r.broadcaster_id === broadcasterId && r.id === id);
    if (!request) throw notFound('No unban request with that ID');
    if (request.status !== 'pending') throw badRequest('The unban request is already resolved');
    const status = required(ctx, 'status');
    if (status !== 'approved' && status !== 'denied') throw badRequest('"status" must be approved or denied');
    Object.assign(request, {
      status,
      moderator_id: moderatorId,
      resolved_at: isoTime(ctx.state.now()),
      resolution_text: param(ctx, 'resolution_text') ?? '',
    });
    if (status === 'approved') {
      ctx.state.bans = ctx.state.bans.filter((b) => !(b.broadcaster_id === broadcasterId && b.user_id === request.user_id));
    }
    return { data: [publicUnbanRequest(ctx, request)] };
  },

  'get-user-emotes'(ctx) {
    mustBeTokenUser(ctx, 'user_id');
    return { ...paginate(ctx, []), template: 'https://static-cdn.jtvnw.net/emoticons/v2/{{id}}/{{format}}/{{theme_mode}}/{{scale}}' };
  },
};
