/**
 * The fake Twitch's memory: plain objects and maps, filled deterministically from a seed so that
 * two runs with the same seed see the same ids, tokens and timestamps. The msw handlers in
 * `helix.ts` (and the OAuth and EventSub fakes) read and change this state; tests may too.
 */
import type { CustomPowerUp } from '../helix/bits.js';

/** Every scope Twitch documents; the seeded broadcaster token holds them all. */
export const ALL_SCOPES: readonly string[] = [
  'analytics:read:extensions', 'analytics:read:games', 'bits:read', 'channel:bot', 'channel:manage:ads',
  'channel:read:ads', 'channel:manage:broadcast', 'channel:read:charity', 'channel:manage:clips',
  'channel:edit:commercial', 'channel:read:editors', 'channel:manage:extensions', 'channel:read:goals',
  'channel:read:guest_star', 'channel:manage:guest_star', 'channel:read:hype_train', 'channel:manage:moderators',
  'channel:read:polls', 'channel:manage:polls', 'channel:read:predictions', 'channel:manage:predictions',
  'channel:manage:raids', 'channel:read:redemptions', 'channel:manage:redemptions', 'channel:manage:schedule',
  'channel:read:stream_key', 'channel:read:subscriptions', 'channel:manage:videos', 'channel:read:vips',
  'channel:manage:vips', 'channel:moderate', 'clips:edit', 'editor:manage:clips', 'moderation:read',
  'moderator:manage:announcements', 'moderator:manage:automod', 'moderator:read:automod_settings',
  'moderator:manage:automod_settings', 'moderator:read:banned_users', 'moderator:manage:banned_users',
  'moderator:read:blocked_terms', 'moderator:read:chat_messages', 'moderator:manage:blocked_terms',
  'moderator:manage:chat_messages', 'moderator:read:chat_settings', 'moderator:manage:chat_settings',
  'moderator:read:chatters', 'moderator:read:followers', 'moderator:read:guest_star', 'moderator:manage:guest_star',
  'moderator:read:moderators', 'moderator:read:shield_mode', 'moderator:manage:shield_mode',
  'moderator:read:shoutouts', 'moderator:manage:shoutouts', 'moderator:read:suspicious_users',
  'moderator:manage:suspicious_users', 'moderator:read:unban_requests', 'moderator:manage:unban_requests',
  'moderator:read:vips', 'moderator:read:warnings', 'moderator:manage:warnings', 'user:bot', 'user:edit',
  'user:edit:broadcast', 'user:read:blocked_users', 'user:manage:blocked_users', 'user:read:broadcast',
  'user:read:chat', 'user:manage:chat_color', 'user:read:email', 'user:read:emotes', 'user:read:follows',
  'user:read:moderated_channels', 'user:read:subscriptions', 'user:read:whispers', 'user:manage:whispers',
  'user:write:chat', 'chat:edit', 'chat:read', 'whispers:read',
];

/** An access token the fake knows. */
export interface TokenRecord {
  clientId: string;
  /** The user the token speaks for; absent for app tokens. */
  userId?: string;
  scopes: string[];
  /** Epoch milliseconds after which the fake answers 401. */
  expiresAt: number;
  type: 'app' | 'user';
  /** The refresh token paired with a user token, when the OAuth fake issued one. */
  refreshToken?: string;
}

/** A per-token rate-limit bucket, as Twitch reports it in `Ratelimit-*` headers. */
export interface RateBucket {
  limit: number;
  /** Whole points left (`Ratelimit-Remaining`). */
  remaining: number;
  /** Epoch milliseconds when the bucket is full again (`Ratelimit-Reset`, in seconds). */
  resetAt: number;
}

/**
 * Rate-limit settings: every token's bucket holds `limit` points and refills continuously,
 * `limit` points per `windowMs`, as Twitch's does (twitchdev/issues#597).
 */
export interface RateLimitSettings {
  limit: number;
  windowMs: number;
  buckets: Map<string, RateBucketState>;
}

/** A bucket as kept: points (fractional while refilling) as of `at`; no refill before `frozenUntil` (set by `setRateLimit`). */
export interface RateBucketState {
  points: number;
  at: number;
  frozenUntil: number;
}

export interface UserRecord {
  id: string;
  login: string;
  display_name: string;
  type: '' | 'admin' | 'global_mod' | 'staff';
  broadcaster_type: '' | 'affiliate' | 'partner';
  description: string;
  profile_image_url: string;
  offline_image_url: string;
  view_count: number;
  email: string;
  created_at: string;
}

export interface ChannelRecord {
  broadcaster_id: string;
  broadcaster_login: string;
  broadcaster_name: string;
  broadcaster_language: string;
  game_id: string;
  game_name: string;
  title: string;
  delay: number;
  tags: string[];
  content_classification_labels: string[];
  is_branded_content: boolean;
}

export interface StreamRecord {
  id: string;
  user_id: string;
  user_login: string;
  user_name: string;
  game_id: string;
  game_name: string;
  type: 'live';
  title: string;
  viewer_count: number;
  started_at: string;
  language: string;
  thumbnail_url: string;
  tag_ids: string[];
  tags: string[];
  is_mature: boolean;
}

export interface GameRecord {
  id: string;
  name: string;
  box_art_url: string;
  igdb_id: string;
}

export interface ClipRecord {
  id: string;
  url: string;
  embed_url: string;
  broadcaster_id: string;
  broadcaster_name: string;
  creator_id: string;
  creator_name: string;
  video_id: string;
  game_id: string;
  language: string;
  title: string;
  view_count: number;
  created_at: string;
  thumbnail_url: string;
  duration: number;
  vod_offset: number | null;
  is_featured: boolean;
}

export interface VideoRecord {
  id: string;
  stream_id: string | null;
  user_id: string;
  user_login: string;
  user_name: string;
  title: string;
  description: string;
  created_at: string;
  published_at: string;
  url: string;
  thumbnail_url: string;
  viewable: string;
  view_count: number;
  language: string;
  type: 'archive' | 'highlight' | 'upload';
  duration: string;
  muted_segments: { duration: number; offset: number }[] | null;
}

export interface PollRecord {
  id: string;
  broadcaster_id: string;
  broadcaster_name: string;
  broadcaster_login: string;
  title: string;
  choices: { id: string; title: string; votes: number; channel_points_votes: number; bits_votes: number }[];
  bits_voting_enabled: boolean;
  bits_per_vote: number;
  channel_points_voting_enabled: boolean;
  channel_points_per_vote: number;
  status: 'ACTIVE' | 'COMPLETED' | 'TERMINATED' | 'ARCHIVED' | 'MODERATED' | 'INVALID';
  duration: number;
  started_at: string;
  ended_at: string | null;
}

export interface PredictionOutcomeRecord {
  id: string;
  title: string;
  users: number;
  channel_points: number;
  top_predictors: { user_id: string; user_name: string; user_login: string; channel_points_used: number; channel_points_won: number }[] | null;
  color: 'BLUE' | 'PINK';
}

export interface PredictionRecord {
  id: string;
  broadcaster_id: string;
  broadcaster_name: string;
  broadcaster_login: string;
  title: string;
  winning_outcome_id: string | null;
  outcomes: PredictionOutcomeRecord[];
  prediction_window: number;
  status: 'ACTIVE' | 'CANCELED' | 'LOCKED' | 'RESOLVED';
  created_at: string;
  ended_at: string | null;
  locked_at: string | null;
}

export interface ImageSet {
  url_1x: string;
  url_2x: string;
  url_4x: string;
}

export interface CustomRewardRecord {
  broadcaster_id: string;
  broadcaster_login: string;
  broadcaster_name: string;
  id: string;
  title: string;
  prompt: string;
  cost: number;
  image: ImageSet | null;
  default_image: ImageSet;
  background_color: string;
  is_enabled: boolean;
  is_user_input_required: boolean;
  max_per_stream_setting: { is_enabled: boolean; max_per_stream: number };
  max_per_user_per_stream_setting: { is_enabled: boolean; max_per_user_per_stream: number };
  global_cooldown_setting: { is_enabled: boolean; global_cooldown_seconds: number };
  is_paused: boolean;
  is_in_stock: boolean;
  should_redemptions_skip_request_queue: boolean;
  redemptions_redeemed_current_stream: number | null;
  cooldown_expires_at: string | null;
  /** Client id that created the reward: only that client may change it. */
  owner_client_id: string;
}

export interface RedemptionRecord {
  broadcaster_id: string;
  broadcaster_login: string;
  broadcaster_name: string;
  id: string;
  user_id: string;
  user_name: string;
  user_login: string;
  reward: { id: string; title: string; prompt: string; cost: number };
  user_input: string;
  status: 'CANCELED' | 'FULFILLED' | 'UNFULFILLED';
  redeemed_at: string;
}

export interface BanRecord {
  broadcaster_id: string;
  user_id: string;
  moderator_id: string;
  reason: string;
  created_at: string;
  /** `''` for a permanent ban, else when the timeout ends. */
  expires_at: string;
}

/** A user-to-channel relation: moderator, VIP, follower, chatter, editor, subscriber... */
export interface MembershipRecord {
  broadcaster_id: string;
  user_id: string;
  /** When the relation began (followed_at, created_at). */
  since: string;
}

export interface UnbanRequestRecord {
  id: string;
  broadcaster_id: string;
  user_id: string;
  text: string;
  status: 'pending' | 'approved' | 'denied' | 'acknowledged' | 'canceled';
  created_at: string;
  /** `''` while pending (sent as null, or `''` with the documented shapes). */
  moderator_id: string;
  resolved_at: string;
  resolution_text: string;
}

export interface BlockedTermRecord {
  broadcaster_id: string;
  moderator_id: string;
  id: string;
  text: string;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
}

export interface ScheduleSegmentRecord {
  broadcaster_id: string;
  id: string;
  start_time: string;
  end_time: string;
  title: string;
  canceled_until: string | null;
  category: { id: string; name: string } | null;
  is_recurring: boolean;
  timezone: string;
}

export interface ScheduleSettingsRecord {
  vacation: { start_time: string; end_time: string } | null;
}

export interface StreamMarkerRecord {
  id: string;
  user_id: string;
  video_id: string;
  created_at: string;
  description: string;
  position_seconds: number;
}

export interface EventSubTransportRecord {
  method: 'webhook' | 'websocket' | 'conduit';
  callback?: string;
  secret?: string;
  session_id?: string;
  conduit_id?: string;
  connected_at?: string;
  disconnected_at?: string;
}

export interface EventSubSubscriptionRecord {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  created_at: string;
  transport: EventSubTransportRecord;
  cost: number;
  /** Client id that owns the subscription. */
  client_id: string;
  /** User whose token created it (WebSocket subscriptions belong to a user token). */
  user_id?: string;
}

export interface ConduitRecord {
  id: string;
  shard_count: number;
  client_id: string;
}

export interface ConduitShardRecord {
  id: string;
  /**
   * As Get Conduit Shards reports it: `enabled`, `webhook_callback_verification_pending`,
   * `webhook_callback_verification_failed`, `notification_failures_exceeded`, or a `websocket_*`
   * reason the shard's connection ended. Only an `enabled` shard takes notifications.
   */
  status: string;
  transport: EventSubTransportRecord;
}

/**
 * What became of one notification of a conduit subscription: the shards Twitch tried (the one
 * hashed from the channel, then at most one other) and the one that took it, or that it was dropped.
 */
export interface ConduitDeliveryRecord {
  conduit_id: string;
  subscription_id: string;
  type: string;
  /** The channel (condition) id the first shard was hashed from. */
  channel: string;
  /** Shard ids tried, in order. */
  tried: string[];
  /** The shard that took it; absent when dropped. */
  shard_id?: string;
  /** No shard tried could take it: Twitch drops such a notification. */
  dropped: boolean;
  /** The notification's message id (also in the WebSocket frame or webhook request). */
  message_id?: string;
  /** A webhook shard took it but its callback did not answer 2xx (Twitch does not resend it to another shard). */
  failed?: boolean;
}

/** Where the fake sends webhook requests: a handler such as `createWebhookHandler(…)`, or `fetch`. */
export type WebhookSink = (request: Request) => Response | Promise<Response>;

export interface ChatSettingsRecord {
  broadcaster_id: string;
  emote_mode: boolean;
  follower_mode: boolean;
  follower_mode_duration: number | null;
  non_moderator_chat_delay: boolean;
  non_moderator_chat_delay_duration: number | null;
  slow_mode: boolean;
  slow_mode_wait_time: number | null;
  subscriber_mode: boolean;
  unique_chat_mode: boolean;
}

export interface ChatMessageRecord {
  message_id: string;
  broadcaster_id: string;
  sender_id: string;
  message: string;
  sent_at: string;
}

/** The message pinned above a broadcaster's chat (one per channel). Times in epoch milliseconds. */
export interface PinnedMessageRecord {
  broadcaster_id: string;
  message_id: string;
  sender_id: string;
  text: string;
  pinned_by: string;
  starts_at: number;
  /** `null`: pinned until the stream ends. */
  ends_at: number | null;
  updated_at: number;
}

/** Ids of the seeded users, so tests can name them. */
export interface SeededUsers {
  broadcaster: string;
  moderator: string;
  viewer: string;
  /** A second channel, live, that the broadcaster follows. */
  other: string;
  /** Users that follow, chat in and subscribe to the broadcaster's channel (enough for several pages). */
  crowd: string[];
}

/**
 * How the fake shapes its answers. `'observed'`: as Twitch's answers vary in the evidence corpus
 * (test/corpus), null or absent where Twitch sends null or nothing. `'documented'`: the tidy
 * shapes of Twitch's reference, every field present, empty lists as `[]`, one spelling.
 */
export type ResponseShapes = 'observed' | 'documented';

/** The whole fake Twitch. Everything is public and may be inspected or changed by tests. */
export interface TwitchState {
  readonly seed: number;
  /** How answers are shaped (see {@link ResponseShapes}). */
  readonly shapes: ResponseShapes;
  /** Deterministic numbers in [0, 1); the only source of randomness in the fake. */
  random(): number;
  /** Milliseconds since the epoch; `Date.now` unless given, read at each call (fake timers apply). */
  now(): number;
  clientId: string;
  clientSecret: string;
  tokens: Map<string, TokenRecord>;
  /** Seeded app token for `clientId`. */
  appToken: string;
  /** Seeded user token of the broadcaster, with every scope. */
  userToken: string;
  /** Seeded user token of the moderator, with every scope. */
  moderatorToken: string;
  ids: SeededUsers;
  rateLimit: RateLimitSettings;
  users: Map<string, UserRecord>;
  channels: Map<string, ChannelRecord>;
  streams: Map<string, StreamRecord>;
  games: Map<string, GameRecord>;
  clips: Map<string, ClipRecord>;
  videos: Map<string, VideoRecord>;
  polls: Map<string, PollRecord>;
  predictions: Map<string, PredictionRecord>;
  rewards: Map<string, CustomRewardRecord>;
  redemptions: Map<string, RedemptionRecord>;
  bans: BanRecord[];
  unbanRequests: UnbanRequestRecord[];
  moderators: MembershipRecord[];
  vips: MembershipRecord[];
  editors: MembershipRecord[];
  followers: MembershipRecord[];
  chatters: MembershipRecord[];
  subscribers: MembershipRecord[];
  /** `broadcaster_id` blocks `user_id`. */
  blocks: MembershipRecord[];
  blockedTerms: BlockedTermRecord[];
  scheduleSegments: ScheduleSegmentRecord[];
  scheduleSettings: Map<string, ScheduleSettingsRecord>;
  markers: StreamMarkerRecord[];
  chatSettings: Map<string, ChatSettingsRecord>;
  chatColors: Map<string, string>;
  chatMessages: ChatMessageRecord[];
  /** Pinned chat messages by broadcaster id. */
  pins: Map<string, PinnedMessageRecord>;
  /** Custom Power-ups (bought with Bits) by id. */
  powerUps: Map<string, CustomPowerUp>;
  eventSubSubscriptions: Map<string, EventSubSubscriptionRecord>;
  conduits: Map<string, ConduitRecord>;
  /** Each conduit's shards by conduit id, shard `i` at index `i`. */
  shards: Map<string, ConduitShardRecord[]>;
  /** Every notification of a conduit subscription, oldest first: which shard took it, or that it was dropped. */
  conduitDeliveries: ConduitDeliveryRecord[];
  /**
   * Where webhook conduit shards' challenges and notifications go. Unset, the fake sends nothing:
   * a webhook shard counts as verified at once, and what it takes is only recorded.
   */
  webhook?: WebhookSink;
  /** Anything a handler wants to remember that has no typed home (shield mode, raids, ...). */
  extra: Map<string, unknown>;
}

/** Options of {@link createState}. */
export interface StateOptions {
  /** Seed of the PRNG; same seed, same state. Default 1. */
  seed?: number;
  /** Clock in epoch milliseconds. Default `Date.now`, read at each call. */
  now?: () => number;
  /** Use this client id instead of a generated one. */
  clientId?: string;
  /** Use this client secret instead of a generated one. */
  clientSecret?: string;
  /** How answers are shaped: `'observed'` (default) or `'documented'` (see {@link ResponseShapes}). */
  shapes?: ResponseShapes;
  /** Where webhook requests go (see {@link TwitchState.webhook}). */
  webhook?: WebhookSink;
}

/** mulberry32: small, fast, good enough for fake ids and sampled bodies. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/** A random string of `length` characters from `alphabet`, drawn from the state's PRNG. */
export function randomString(state: Pick<TwitchState, 'random'>, length: number, alphabet = ALPHANUMERIC): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(state.random() * alphabet.length)];
  return text;
}

/** A random UUID-shaped id (version 4 layout), deterministic per seed. */
export function randomUuid(state: Pick<TwitchState, 'random'>): string {
  const hex = randomString(state, 32, HEX);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** A random numeric id such as Twitch uses for users, videos and games. */
export function randomNumericId(state: Pick<TwitchState, 'random'>, length = 9): string {
  return String(1 + Math.floor(state.random() * 9)) + randomString(state, length - 1, '0123456789');
}

/** An RFC 3339 timestamp for `ms` epoch milliseconds, as Twitch writes them (no fraction). */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Options of {@link issueToken}. */
export interface IssueTokenOptions {
  type: 'app' | 'user';
  userId?: string;
  scopes?: readonly string[];
  /** Default the state's client id. */
  clientId?: string;
  /** Lifetime in milliseconds. Default 4 hours. */
  expiresIn?: number;
  /** Use this token string instead of a generated one. */
  token?: string;
  refreshToken?: string;
}

/** Mints an access token into the state and returns it. */
export function issueToken(state: TwitchState, options: IssueTokenOptions): string {
  const token = options.token ?? randomString(state, 30);
  state.tokens.set(token, {
    clientId: options.clientId ?? state.clientId,
    ...(options.userId === undefined ? {} : { userId: options.userId }),
    scopes: [...(options.scopes ?? [])],
    expiresAt: state.now() + (options.expiresIn ?? 4 * 3600_000),
    type: options.type,
    ...(options.refreshToken === undefined ? {} : { refreshToken: options.refreshToken }),
  });
  return token;
}

/** Forgets a token; later requests with it get 401. Returns whether it was known. */
export function revokeToken(state: TwitchState, token: string): boolean {
  return state.tokens.delete(token);
}

/** The record of a token that is known and not expired, else `undefined`. */
export function findToken(state: TwitchState, token: string): TokenRecord | undefined {
  const record = state.tokens.get(token);
  return record && record.expiresAt > state.now() ? record : undefined;
}

/**
 * Sets the rate limit every token sees. With `remaining`, the bucket holds that many points and
 * does not refill until `resetIn` milliseconds pass (default one window), when it is full again:
 * so `remaining: 0` makes Helix answer 429 until then, as if another program had spent the
 * token's points. Applies to one token when given, else to every token (buckets are recreated
 * from `limit` on their next request).
 */
export function setRateLimit(
  state: TwitchState,
  options: { limit?: number; remaining?: number; resetIn?: number; token?: string },
): void {
  const settings = state.rateLimit;
  if (options.limit !== undefined) settings.limit = options.limit;
  if (options.remaining === undefined) {
    if (options.token) settings.buckets.delete(options.token);
    else settings.buckets.clear();
    return;
  }
  const now = state.now();
  const bucket: RateBucketState = { points: options.remaining, at: now, frozenUntil: now + (options.resetIn ?? settings.windowMs) };
  const tokens = options.token ? [options.token] : [...state.tokens.keys()];
  for (const token of tokens) settings.buckets.set(token, { ...bucket });
}

/**
 * Counts one request against a token's bucket and tells what to put in the `Ratelimit-*`
 * headers; `allowed` is false when the bucket held less than a point (a 429). Takes only the
 * clock and the settings, so a bench can meter its own Helix with it.
 */
export function takeRateLimit(state: Pick<TwitchState, 'now' | 'rateLimit'>, key: string): RateBucket & { allowed: boolean } {
  const { buckets, limit, windowMs } = state.rateLimit;
  const now = state.now();
  let bucket = buckets.get(key);
  if (!bucket) buckets.set(key, (bucket = { points: limit, at: now, frozenUntil: 0 }));
  if (bucket.frozenUntil) {
    if (now >= bucket.frozenUntil) Object.assign(bucket, { points: limit, at: now, frozenUntil: 0 });
  } else {
    bucket.points = Math.min(limit, bucket.points + ((now - bucket.at) * limit) / windowMs);
    bucket.at = now;
  }
  const allowed = bucket.points >= 1;
  if (allowed) bucket.points--;
  const resetAt = bucket.frozenUntil || now + ((limit - bucket.points) * windowMs) / limit;
  return { limit, remaining: Math.floor(bucket.points), resetAt, allowed };
}

const SEED_EPOCH = Date.UTC(2024, 0, 15, 12, 0, 0);

/** Adds a user (and their channel, offline) to the fake; returns the record. */
export function addUser(state: TwitchState, init: Partial<UserRecord> & { login: string }): UserRecord {
  const { login } = init;
  const displayName = init.display_name ?? login;
  const id = init.id ?? randomNumericId(state, 9);
  const user: UserRecord = {
    type: '',
    broadcaster_type: '',
    description: `${displayName} on the fake Twitch`,
    profile_image_url: `https://static-cdn.jtvnw.net/jtv_user_pictures/${login}-profile_image-300x300.png`,
    offline_image_url: '',
    view_count: 0,
    email: `${login}@example.com`,
    created_at: isoTime(SEED_EPOCH - Math.floor(state.random() * 500_000) * 60_000),
    ...init,
    id,
    login,
    display_name: displayName,
  };
  state.users.set(id, user);
  const games = [...state.games.values()];
  const game = games[state.users.size % Math.max(games.length, 1)];
  state.channels.set(id, {
    broadcaster_id: id,
    broadcaster_login: login,
    broadcaster_name: displayName,
    broadcaster_language: 'en',
    game_id: game?.id ?? '',
    game_name: game?.name ?? '',
    title: `${displayName}'s stream`,
    delay: 0,
    tags: ['English'],
    content_classification_labels: [],
    is_branded_content: false,
  });
  return user;
}

/** Takes a user's channel live with its current title and category; returns the stream. */
export function startStream(state: TwitchState, userId: string, init: Partial<StreamRecord> = {}): StreamRecord {
  const user = state.users.get(userId);
  const channel = state.channels.get(userId);
  if (!user || !channel) throw new Error(`No user ${userId} in the fake Twitch`);
  const stream: StreamRecord = {
    id: randomNumericId(state, 11),
    user_id: user.id,
    user_login: user.login,
    user_name: user.display_name,
    game_id: channel.game_id,
    game_name: channel.game_name,
    type: 'live',
    title: channel.title,
    viewer_count: 0,
    started_at: isoTime(state.now()),
    language: channel.broadcaster_language,
    thumbnail_url: `https://static-cdn.jtvnw.net/previews-ttv/live_user_${user.login}-{width}x{height}.jpg`,
    tag_ids: [],
    tags: [...channel.tags],
    is_mature: false,
    ...init,
  };
  state.streams.set(userId, stream);
  return stream;
}

/** Takes a user's channel offline; returns whether it was live. */
export function endStream(state: TwitchState, userId: string): boolean {
  // A message pinned "until the stream ends" comes down with it.
  if (state.pins.get(userId)?.ends_at === null) state.pins.delete(userId);
  return state.streams.delete(userId);
}

const GAME_NAMES = [
  'Just Chatting', 'Software and Game Development', 'Chess', 'Minecraft', 'Art', 'Music',
  'Science & Technology', 'Retro', 'Speedrunning Practice', 'Puzzle Games', 'Talk Shows & Podcasts', 'Pools, Hot Tubs, and Beaches',
];

/** Builds a fresh, seeded fake Twitch. @see https://dev.twitch.tv/docs/api/reference/ */
export function createState(options: StateOptions = {}): TwitchState {
  const seed = options.seed ?? 1;
  const random = prng(seed);
  const now = options.now ?? (() => Date.now());
  const rng = { random };
  const at = (minutes: number) => isoTime(SEED_EPOCH + minutes * 60_000);

  const state: TwitchState = {
    seed,
    shapes: options.shapes ?? 'observed',
    random,
    now,
    clientId: options.clientId ?? randomString(rng, 30),
    clientSecret: options.clientSecret ?? randomString(rng, 30),
    tokens: new Map(),
    appToken: '',
    userToken: '',
    moderatorToken: '',
    ids: { broadcaster: '', moderator: '', viewer: '', other: '', crowd: [] },
    rateLimit: { limit: 800, windowMs: 60_000, buckets: new Map() },
    users: new Map(),
    channels: new Map(),
    streams: new Map(),
    games: new Map(),
    clips: new Map(),
    videos: new Map(),
    polls: new Map(),
    predictions: new Map(),
    rewards: new Map(),
    redemptions: new Map(),
    bans: [],
    unbanRequests: [],
    moderators: [],
    vips: [],
    editors: [],
    followers: [],
    chatters: [],
    subscribers: [],
    blocks: [],
    blockedTerms: [],
    scheduleSegments: [],
    scheduleSettings: new Map(),
    markers: [],
    chatSettings: new Map(),
    chatColors: new Map(),
    chatMessages: [],
    pins: new Map(),
    powerUps: new Map(),
    eventSubSubscriptions: new Map(),
    conduits: new Map(),
    shards: new Map(),
    conduitDeliveries: [],
    ...(options.webhook ? { webhook: options.webhook } : {}),
    extra: new Map(),
  };

  for (const [index, name] of GAME_NAMES.entries()) {
    const id = randomNumericId(state, 6);
    state.games.set(id, {
      id,
      name,
      box_art_url: `https://static-cdn.jtvnw.net/ttv-boxart/${id}-{width}x{height}.jpg`,
      igdb_id: String(1000 + index),
    });
  }
  const games = [...state.games.values()];

  const broadcaster = addUser(state, { login: 'fakestreamer', display_name: 'FakeStreamer', broadcaster_type: 'partner' });
  const moderator = addUser(state, { login: 'fakemod', display_name: 'FakeMod' });
  const viewer = addUser(state, { login: 'fakeviewer', display_name: 'FakeViewer' });
  const other = addUser(state, { login: 'otherstreamer', display_name: 'OtherStreamer', broadcaster_type: 'affiliate' });
  const crowd = Array.from({ length: 25 }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return addUser(state, { login: `viewer${n}`, display_name: `Viewer${n}` });
  });
  state.ids = { broadcaster: broadcaster.id, moderator: moderator.id, viewer: viewer.id, other: other.id, crowd: crowd.map((u) => u.id) };
  // A channel without tags, whose live stream Twitch answers with tags null.
  state.channels.get(other.id)!.tags = [];

  const b = broadcaster.id;
  state.moderators.push({ broadcaster_id: b, user_id: moderator.id, since: at(-9000) });
  state.editors.push({ broadcaster_id: b, user_id: moderator.id, since: at(-9000) });
  state.followers.push({ broadcaster_id: other.id, user_id: b, since: at(-8000) });
  for (const [i, user] of [viewer, moderator, ...crowd].entries()) {
    state.followers.push({ broadcaster_id: b, user_id: user.id, since: at(-5000 + i * 7) });
    state.chatters.push({ broadcaster_id: b, user_id: user.id, since: at(-30) });
  }
  state.chatters.push({ broadcaster_id: b, user_id: b, since: at(-60) });
  for (const user of crowd.slice(0, 12)) state.subscribers.push({ broadcaster_id: b, user_id: user.id, since: at(-3000) });
  state.subscribers.push({ broadcaster_id: other.id, user_id: b, since: at(-4000) });
  state.vips.push({ broadcaster_id: b, user_id: crowd[0]!.id, since: at(-6000) });
  state.bans.push({ broadcaster_id: b, user_id: crowd[1]!.id, moderator_id: moderator.id, reason: 'spam', created_at: at(-600), expires_at: '' });
  state.unbanRequests.push({
    id: randomUuid(state),
    broadcaster_id: b,
    user_id: crowd[1]!.id,
    text: 'Sorry, it will not happen again',
    status: 'pending',
    created_at: at(-300),
    moderator_id: '',
    resolved_at: '',
    resolution_text: '',
  });
  state.blocks.push({ broadcaster_id: b, user_id: crowd[2]!.id, since: at(-500) });
  state.chatColors.set(b, '#9146FF');

  // Two channels are live: the broadcaster's and the one it follows.
  startStream(state, broadcaster.id, { viewer_count: 1234, started_at: at(-45) });
  startStream(state, other.id, { viewer_count: 56, started_at: at(-45) });

  for (let i = 0; i < 3; i++) {
    const id = randomNumericId(state, 10);
    state.videos.set(id, {
      id,
      stream_id: i === 0 ? state.streams.get(b)!.id : randomNumericId(state, 11),
      user_id: b,
      user_login: broadcaster.login,
      user_name: broadcaster.display_name,
      title: `Past broadcast ${i + 1}`,
      description: '',
      created_at: at(-2000 * (i + 1)),
      published_at: at(-2000 * (i + 1)),
      url: `https://www.twitch.tv/videos/${id}`,
      thumbnail_url: `https://static-cdn.jtvnw.net/cf_vods/${id}/thumb/thumb0-%{width}x%{height}.jpg`,
      viewable: 'public',
      view_count: 10 * (i + 1),
      language: 'en',
      type: 'archive',
      duration: '3h8m33s',
      muted_segments: null,
    });
  }
  const firstVideo = [...state.videos.values()][0]!;

  for (let i = 0; i < 3; i++) {
    const id = `FakeClip${randomString(state, 12)}`;
    state.clips.set(id, {
      id,
      url: `https://clips.twitch.tv/${id}`,
      embed_url: `https://clips.twitch.tv/embed?clip=${id}`,
      broadcaster_id: b,
      broadcaster_name: broadcaster.display_name,
      creator_id: viewer.id,
      creator_name: viewer.display_name,
      video_id: firstVideo.id,
      game_id: state.channels.get(b)!.game_id,
      language: 'en',
      title: `Great moment ${i + 1}`,
      view_count: 5 + i,
      created_at: at(-1000 + i),
      thumbnail_url: `https://clips-media-assets2.twitch.tv/${id}-preview-480x272.jpg`,
      duration: 30,
      vod_offset: 600 * (i + 1),
      is_featured: i === 0,
    });
  }

  state.markers.push({
    id: randomNumericId(state, 9),
    user_id: b,
    video_id: firstVideo.id,
    created_at: at(-1900),
    description: 'good bit',
    position_seconds: 244,
  });

  const rewardId = randomUuid(state);
  state.rewards.set(
    rewardId,
    newCustomReward(broadcaster, { id: rewardId, title: 'Hydrate', prompt: 'Make the streamer drink water', cost: 500, owner_client_id: state.clientId }),
  );
  const redemptionId = randomUuid(state);
  state.redemptions.set(redemptionId, {
    broadcaster_id: b,
    broadcaster_login: broadcaster.login,
    broadcaster_name: broadcaster.display_name,
    id: redemptionId,
    user_id: viewer.id,
    user_name: viewer.display_name,
    user_login: viewer.login,
    reward: { id: rewardId, title: 'Hydrate', prompt: 'Make the streamer drink water', cost: 500 },
    user_input: '',
    status: 'UNFULFILLED',
    redeemed_at: at(-20),
  });

  state.blockedTerms.push({
    broadcaster_id: b,
    moderator_id: moderator.id,
    id: randomUuid(state),
    text: 'spoilers',
    created_at: at(-700),
    updated_at: at(-700),
    expires_at: null,
  });

  state.scheduleSegments.push({
    broadcaster_id: b,
    id: randomString(state, 40, HEX),
    start_time: at(60 * 24),
    end_time: at(60 * 27),
    title: 'Weekly build stream',
    canceled_until: null,
    category: { id: games[1]!.id, name: games[1]!.name },
    is_recurring: true,
    timezone: 'UTC',
  });
  state.scheduleSettings.set(b, { vacation: null });

  state.chatSettings.set(b, {
    broadcaster_id: b,
    emote_mode: false,
    follower_mode: false,
    follower_mode_duration: null,
    non_moderator_chat_delay: false,
    non_moderator_chat_delay_duration: null,
    slow_mode: false,
    slow_mode_wait_time: null,
    subscriber_mode: false,
    unique_chat_mode: false,
  });

  // A finished poll and prediction, so the lists are not empty; neither blocks starting new ones.
  const pollId = randomUuid(state);
  state.polls.set(pollId, {
    id: pollId,
    broadcaster_id: b,
    broadcaster_name: broadcaster.display_name,
    broadcaster_login: broadcaster.login,
    title: 'Which game next?',
    choices: ['Chess', 'Minecraft'].map((title, i) => ({ id: randomUuid(state), title, votes: 10 + i, channel_points_votes: 0, bits_votes: 0 })),
    bits_voting_enabled: false,
    bits_per_vote: 0,
    channel_points_voting_enabled: false,
    channel_points_per_vote: 0,
    status: 'COMPLETED',
    duration: 300,
    started_at: at(-400),
    ended_at: at(-395),
  });
  const predictionId = randomUuid(state);
  const outcomes = ['Yes', 'No'].map((title, i) => ({
    id: randomUuid(state),
    title,
    users: 3 - i,
    channel_points: 1000 * (3 - i),
    top_predictors: null,
    color: (i === 0 ? 'BLUE' : 'PINK') as 'BLUE' | 'PINK',
  }));
  state.predictions.set(predictionId, {
    id: predictionId,
    broadcaster_id: b,
    broadcaster_name: broadcaster.display_name,
    broadcaster_login: broadcaster.login,
    title: 'Will the build pass?',
    winning_outcome_id: outcomes[0]!.id,
    outcomes,
    prediction_window: 120,
    status: 'RESOLVED',
    created_at: at(-300),
    ended_at: at(-290),
    locked_at: at(-298),
  });

  const conduitId = randomUuid(state);
  state.conduits.set(conduitId, { id: conduitId, shard_count: 1, client_id: state.clientId });
  state.shards.set(conduitId, [
    { id: '0', status: 'enabled', transport: { method: 'webhook', callback: 'https://example.com/eventsub', secret: 'fake-webhook-secret' } },
  ]);

  const subscriptionId = randomUuid(state);
  state.eventSubSubscriptions.set(subscriptionId, {
    id: subscriptionId,
    status: 'enabled',
    type: 'stream.online',
    version: '1',
    condition: { broadcaster_user_id: b },
    created_at: at(-100),
    transport: { method: 'webhook', callback: 'https://example.com/eventsub', secret: 'fake-webhook-secret' },
    cost: 1,
    client_id: state.clientId,
  });

  state.appToken = issueToken(state, { type: 'app', expiresIn: 60 * 24 * 3600_000 });
  state.userToken = issueToken(state, { type: 'user', userId: b, scopes: ALL_SCOPES, expiresIn: 60 * 24 * 3600_000 });
  state.moderatorToken = issueToken(state, {
    type: 'user',
    userId: moderator.id,
    scopes: ALL_SCOPES,
    expiresIn: 60 * 24 * 3600_000,
  });
  // Seeded last, so the ids and tokens above stay what they were before Power-ups existed.
  for (const [title, bits] of [['Confetti', 100], ['Pick the next song', 500]] as const) {
    const id = randomUuid(state);
    state.powerUps.set(id, newCustomPowerUp(broadcaster, { id, title, bits, is_user_input_required: bits > 100 }));
  }
  return state;
}

/** A custom Power-up of `broadcaster` with plain defaults, changed by `fields`. */
export function newCustomPowerUp(broadcaster: UserRecord, fields: Pick<CustomPowerUp, 'id'> & Partial<CustomPowerUp>): CustomPowerUp {
  return {
    broadcaster_id: broadcaster.id,
    broadcaster_login: broadcaster.login,
    broadcaster_name: broadcaster.display_name,
    title: '',
    prompt: '',
    bits: 100,
    image: null,
    default_image: defaultRewardImage(),
    background_color: '#00E5CB',
    is_enabled: true,
    is_user_input_required: false,
    max_per_stream_setting: { is_enabled: false, max_per_stream: 0 },
    max_per_user_per_stream_setting: { is_enabled: false, max_per_user_per_stream: 0 },
    global_cooldown_setting: { is_enabled: false, global_cooldown_seconds: 0 },
    is_paused: false,
    is_in_stock: true,
    redemptions_redeemed_current_stream: null,
    cooldown_expires_at: null,
    ...fields,
  };
}

/** The images Twitch shows for a reward without its own. */
/** A custom reward of `broadcaster` with Twitch's defaults, changed by `fields`. */
export function newCustomReward(
  broadcaster: UserRecord,
  fields: Pick<CustomRewardRecord, 'id' | 'owner_client_id'> & Partial<CustomRewardRecord>,
): CustomRewardRecord {
  return {
    broadcaster_id: broadcaster.id,
    broadcaster_login: broadcaster.login,
    broadcaster_name: broadcaster.display_name,
    title: '',
    prompt: '',
    cost: 1,
    image: null,
    default_image: defaultRewardImage(),
    background_color: '#9147FF',
    is_enabled: true,
    is_user_input_required: false,
    max_per_stream_setting: { is_enabled: false, max_per_stream: 0 },
    max_per_user_per_stream_setting: { is_enabled: false, max_per_user_per_stream: 0 },
    global_cooldown_setting: { is_enabled: false, global_cooldown_seconds: 0 },
    is_paused: false,
    is_in_stock: true,
    should_redemptions_skip_request_queue: false,
    redemptions_redeemed_current_stream: null,
    cooldown_expires_at: null,
    ...fields,
  };
}

export function defaultRewardImage(): ImageSet {
  const base = 'https://static-cdn.jtvnw.net/custom-reward-images/default';
  return { url_1x: `${base}-1.png`, url_2x: `${base}-2.png`, url_4x: `${base}-4.png` };
}
