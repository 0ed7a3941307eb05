/**
 * Fake Helix routes for pinned chat messages: one pin per channel, set by a moderator (or by
 * `send-chat-message` with `pin`), timed or until the stream ends, read back by
 * `get-pinned-chat-message`.
 */
import {
  badRequest,
  conflict,
  forbidden,
  isModerator,
  mustBeTokenUser,
  notFound,
  param,
  required,
  userById,
  type HelixContext,
  type RouteHandler,
} from './helix-context.js';
import { isoTime, type PinnedMessageRecord, type TwitchState } from './state.js';

/** The broadcaster and the moderator pinning for them; 403 as Twitch answers a non-moderator. */
function pinner(ctx: HelixContext): { broadcasterId: string; moderatorId: string } {
  const broadcasterId = required(ctx, 'broadcaster_id');
  userById(ctx, broadcasterId, 'broadcaster_id');
  const moderatorId = mustBeTokenUser(ctx, 'moderator_id');
  if (!isModerator(ctx, broadcasterId, moderatorId)) throw forbidden('The user may not manage pins in this channel');
  return { broadcasterId, moderatorId };
}

/** `duration_seconds` as an end time: 30 to 1800 seconds from now, or `null` (until the stream ends). */
function endOf(ctx: HelixContext): number | null {
  const raw = param(ctx, 'duration_seconds');
  if (raw === undefined) return null;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 30 || seconds > 1800) {
    throw badRequest('The value in "duration_seconds" must be a whole number from 30 to 1800');
  }
  return ctx.state.now() + seconds * 1000;
}

/** The broadcaster's pin if it has not run out; an expired one is dropped. */
export function currentPin(state: TwitchState, broadcasterId: string): PinnedMessageRecord | undefined {
  const pin = state.pins.get(broadcasterId);
  if (pin && pin.ends_at !== null && pin.ends_at <= state.now()) {
    state.pins.delete(broadcasterId);
    return undefined;
  }
  return pin;
}

/** Pins a message of `broadcasterId`'s chat, replacing any other pin. */
export function pinMessage(
  state: TwitchState,
  pin: Pick<PinnedMessageRecord, 'broadcaster_id' | 'message_id' | 'sender_id' | 'text' | 'pinned_by' | 'ends_at'>,
): void {
  const now = state.now();
  state.pins.set(pin.broadcaster_id, { ...pin, starts_at: now, updated_at: now });
}

/** The pin as Twitch returns it; the fake keeps text only, so the message is one text fragment. */
function publicPin(state: TwitchState, pin: PinnedMessageRecord) {
  const triple = (id: string) => {
    const user = state.users.get(id);
    return { id, login: user?.login ?? '', name: user?.display_name ?? '' };
  };
  const sender = triple(pin.sender_id);
  const by = triple(pin.pinned_by);
  return {
    message_id: pin.message_id,
    broadcaster_id: pin.broadcaster_id,
    sender_user_id: sender.id,
    sender_user_login: sender.login,
    sender_user_name: sender.name,
    pinned_by_user_id: by.id,
    pinned_by_user_login: by.login,
    pinned_by_user_name: by.name,
    message: { text: pin.text, fragments: [{ type: 'text', text: pin.text, cheermote: null, emote: null, mention: null }] },
    starts_at: isoTime(pin.starts_at),
    ends_at: pin.ends_at === null ? null : isoTime(pin.ends_at),
    updated_at: isoTime(pin.updated_at),
  };
}

/** The current pin, which must be the message named in `message_id`; else 404. */
function pinnedMessage(ctx: HelixContext, broadcasterId: string): PinnedMessageRecord {
  const messageId = required(ctx, 'message_id');
  const pin = currentPin(ctx.state, broadcasterId);
  if (!pin || pin.message_id !== messageId) throw notFound('The pinned message was not found');
  return pin;
}

export const pinRoutes: Record<string, RouteHandler> = {
  'get-pinned-chat-message'(ctx) {
    const { broadcasterId } = pinner(ctx);
    const pin = currentPin(ctx.state, broadcasterId);
    return { data: pin ? [publicPin(ctx.state, pin)] : [] };
  },

  'pin-chat-message'(ctx) {
    const { broadcasterId, moderatorId } = pinner(ctx);
    const messageId = required(ctx, 'message_id');
    const endsAt = endOf(ctx);
    const message = ctx.state.chatMessages.find((m) => m.broadcaster_id === broadcasterId && m.message_id === messageId);
    if (!message) throw notFound('The message was not found');
    if (currentPin(ctx.state, broadcasterId)?.message_id === messageId) throw conflict('The message is already pinned');
    pinMessage(ctx.state, {
      broadcaster_id: broadcasterId,
      message_id: messageId,
      sender_id: message.sender_id,
      text: message.message,
      pinned_by: moderatorId,
      ends_at: endsAt,
    });
    return undefined;
  },

  'update-pinned-chat-message'(ctx) {
    const { broadcasterId } = pinner(ctx);
    const endsAt = endOf(ctx);
    const pin = pinnedMessage(ctx, broadcasterId);
    pin.ends_at = endsAt;
    pin.updated_at = ctx.state.now();
    return undefined;
  },

  'unpin-chat-message'(ctx) {
    const { broadcasterId } = pinner(ctx);
    pinnedMessage(ctx, broadcasterId);
    ctx.state.pins.delete(broadcasterId);
    return undefined;
  },
};
