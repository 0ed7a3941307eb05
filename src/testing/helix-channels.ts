/**
 * Fake Helix routes for users, channels, streams, games, search, clips, videos, stream
 * markers, schedules, followers, subscriptions and block lists.
 */
import {
  badRequest,
  flag,
  forbidden,
  isModerator,
  mustBeTokenUser,
  notFound,
  observed,
  omit,
  paginate,
  param,
  params,
  required,
  tokenUser,
  userById,
  type HelixContext,
  type RouteHandler,
} from './helix-context.js';
import {
  isoTime,
  randomNumericId,
  randomString,
  type ChannelRecord,
  type ClipRecord,
  type MembershipRecord,
  type ScheduleSegmentRecord,
  type StreamRecord,
  type TwitchState,
  type UserRecord,
} from './state.js';

function publicUser(ctx: HelixContext, user: UserRecord): Partial<UserRecord> {
  // Twitch includes the email only for the token's own user with user:read:email.
  const own = ctx.token.userId === user.id && ctx.token.scopes.includes('user:read:email');
  return own ? { ...user } : omit(user, 'email');
}

function channelOf(ctx: HelixContext, id: string): ChannelRecord {
  const channel = ctx.state.channels.get(id);
  if (!channel) throw badRequest('The ID in broadcaster_id is not valid');
  return channel;
}

/** Only the broadcaster or one of their editors may change a channel. */
function mustEdit(ctx: HelixContext, broadcasterId: string): void {
  const user = tokenUser(ctx);
  const editor = ctx.state.editors.some((e) => e.broadcaster_id === broadcasterId && e.user_id === user);
  if (user !== broadcasterId && !editor) throw forbidden('The user in the access token may not change this channel');
}

function relationList(list: MembershipRecord[], broadcasterId: string, userIds: string[] = []) {
  return list.filter((m) => m.broadcaster_id === broadcasterId && (userIds.length === 0 || userIds.includes(m.user_id)));
}

function liveStreams(state: TwitchState): StreamRecord[] {
  return [...state.streams.values()].sort((a, b) => b.viewer_count - a.viewer_count);
}

/**
 * A stream as Twitch answers it: a stream without tags has tags null (twitch_api issue 184), and
 * Get Followed Streams leaves the deprecated is_mature out (Twitch's example), unless documented
 * shapes are asked for.
 */
function publicStream(ctx: HelixContext, stream: StreamRecord, followed = false): object {
  if (!observed(ctx)) return stream;
  const { is_mature, ...rest } = stream;
  return { ...rest, tags: stream.tags.length ? stream.tags : null, ...(followed ? {} : { is_mature }) };
}

function scheduleBody(ctx: HelixContext, broadcasterId: string, segments: ScheduleSegmentRecord[]) {
  const user = userById(ctx, broadcasterId, 'broadcaster_id');
  return {
    segments: segments.map((segment) => omit(segment, 'broadcaster_id', 'timezone')),
    broadcaster_id: user.id,
    broadcaster_name: user.display_name,
    broadcaster_login: user.login,
    vacation: ctx.state.scheduleSettings.get(broadcasterId)?.vacation ?? null,
  };
}

function segmentsOf(state: TwitchState, broadcasterId: string): ScheduleSegmentRecord[] {
  return state.scheduleSegments
    .filter((s) => s.broadcaster_id === broadcasterId)
    .sort((a, b) => a.start_time.localeCompare(b.start_time));
}

/** Twitch writes segment durations in minutes; 30 to 1380. */
function minutes(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 30 || n > 1380) throw badRequest('The value in "duration" must be from 30 to 1380 minutes');
  return n;
}

function parseTime(value: string, name: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw badRequest(`The value in "${name}" is not an RFC 3339 timestamp`);
  return ms;
}

function categoryOf(ctx: HelixContext, id: string | undefined) {
  if (id === undefined) return null;
  const game = ctx.state.games.get(id);
  if (!game) throw badRequest('The ID in category_id is not valid');
  return { id: game.id, name: game.name };
}

function newClip(ctx: HelixContext, broadcaster: UserRecord, init: Partial<ClipRecord>): ClipRecord {
  const { state } = ctx;
  const creator = state.users.get(ctx.token.userId ?? '') ?? broadcaster;
  const id = `FakeClip${randomString(state, 12)}`;
  const clip: ClipRecord = {
    id,
    url: `https://clips.twitch.tv/${id}`,
    embed_url: `https://clips.twitch.tv/embed?clip=${id}`,
    broadcaster_id: broadcaster.id,
    broadcaster_name: broadcaster.display_name,
    creator_id: creator.id,
    creator_name: creator.display_name,
    video_id: '',
    game_id: state.channels.get(broadcaster.id)?.game_id ?? '',
    language: 'en',
    title: state.channels.get(broadcaster.id)?.title ?? '',
    view_count: 0,
    created_at: isoTime(state.now()),
    thumbnail_url: `https://clips-media-assets2.twitch.tv/${id}-preview-480x272.jpg`,
    duration: 30,
    vod_offset: null,
    is_featured: false,
    ...init,
  };
  state.clips.set(id, clip);
  return clip;
}

export const channelRoutes: Record<string, RouteHandler> = {
  'get-users'(ctx) {
    const ids = params(ctx, 'id');
    const logins = params(ctx, 'login').map((l) => l.toLowerCase());
    let users: UserRecord[];
    if (ids.length === 0 && logins.length === 0) {
      const self = ctx.token.userId && ctx.state.users.get(ctx.token.userId);
      if (!self) throw badRequest('An app access token needs "id" or "login"');
      users = [self];
    } else {
      users = [...ctx.state.users.values()].filter((u) => ids.includes(u.id) || logins.includes(u.login));
    }
    return { data: users.map((u) => publicUser(ctx, u)) };
  },

  'update-user'(ctx) {
    const user = userById(ctx, tokenUser(ctx));
    const description = ctx.query.get('description');
    if (description !== null) user.description = description;
    return { data: [publicUser(ctx, user)] };
  },

  'get-channel-information'(ctx) {
    const data = params(ctx, 'broadcaster_id').flatMap((id) => ctx.state.channels.get(id) ?? []);
    return { data };
  },

  'modify-channel-information'(ctx) {
    const id = required(ctx, 'broadcaster_id');
    const channel = channelOf(ctx, id);
    mustEdit(ctx, id);
    const { body } = ctx;
    if (typeof body.game_id === 'string') {
      const game = ctx.state.games.get(body.game_id);
      if (body.game_id !== '' && body.game_id !== '0' && !game) throw badRequest('The ID in game_id is not valid');
      channel.game_id = game?.id ?? '';
      channel.game_name = game?.name ?? '';
    }
    if (typeof body.title === 'string') {
      if (body.title === '') throw badRequest('The title may not be empty');
      channel.title = body.title;
    }
    if (typeof body.broadcaster_language === 'string') channel.broadcaster_language = body.broadcaster_language;
    if (typeof body.delay === 'number') channel.delay = body.delay;
    if (Array.isArray(body.tags)) {
      if (body.tags.length > 10) throw badRequest('A channel may have at most 10 tags');
      channel.tags = body.tags.map(String);
    }
    if (Array.isArray(body.content_classification_labels)) {
      const labels = new Set(channel.content_classification_labels);
      for (const label of body.content_classification_labels as { id?: unknown; is_enabled?: unknown }[]) {
        if (typeof label?.id !== 'string') continue;
        if (label.is_enabled) labels.add(label.id);
        else labels.delete(label.id);
      }
      channel.content_classification_labels = [...labels];
    }
    if (typeof body.is_branded_content === 'boolean') channel.is_branded_content = body.is_branded_content;
    const stream = ctx.state.streams.get(id);
    if (stream) Object.assign(stream, { title: channel.title, game_id: channel.game_id, game_name: channel.game_name, tags: channel.tags });
    return undefined;
  },

  'get-channel-editors'(ctx) {
    const id = mustBeTokenUser(ctx, 'broadcaster_id');
    const data = relationList(ctx.state.editors, id).map((e) => ({
      user_id: e.user_id,
      user_name: ctx.state.users.get(e.user_id)?.display_name ?? '',
      created_at: e.since,
    }));
    return { data };
  },

  'get-followed-channels'(ctx) {
    const userId = mustBeTokenUser(ctx, 'user_id');
    const only = param(ctx, 'broadcaster_id');
    const follows = ctx.state.followers
      .filter((f) => f.user_id === userId && (only === undefined || f.broadcaster_id === only))
      .sort((a, b) => b.since.localeCompare(a.since))
      .map((f) => {
        const b = ctx.state.users.get(f.broadcaster_id)!;
        return { broadcaster_id: b.id, broadcaster_login: b.login, broadcaster_name: b.display_name, followed_at: f.since };
      });
    return { ...paginate(ctx, follows), total: follows.length };
  },

  'get-channel-followers'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    // Only the broadcaster and their moderators see the list; anyone else sees the total and their own follow.
    const only = isModerator(ctx, broadcasterId, tokenUser(ctx)) ? param(ctx, 'user_id') : tokenUser(ctx);
    const all = relationList(ctx.state.followers, broadcasterId, only ? [only] : []);
    const followers = all
      .sort((a, b) => b.since.localeCompare(a.since))
      .map((f) => {
        const u = ctx.state.users.get(f.user_id)!;
        return { followed_at: f.since, user_id: u.id, user_login: u.login, user_name: u.display_name };
      });
    return { ...paginate(ctx, followers), total: relationList(ctx.state.followers, broadcasterId).length };
  },

  'get-streams'(ctx) {
    const userIds = params(ctx, 'user_id');
    const logins = params(ctx, 'user_login').map((l) => l.toLowerCase());
    const games = params(ctx, 'game_id');
    const languages = params(ctx, 'language');
    const streams = liveStreams(ctx.state).filter(
      (s) =>
        (userIds.length === 0 && logins.length === 0 ? true : userIds.includes(s.user_id) || logins.includes(s.user_login)) &&
        (games.length === 0 || games.includes(s.game_id)) &&
        (languages.length === 0 || languages.includes(s.language)),
    );
    return paginate(ctx, streams.map((stream) => publicStream(ctx, stream)));
  },

  'get-followed-streams'(ctx) {
    const userId = mustBeTokenUser(ctx, 'user_id');
    const followed = new Set(ctx.state.followers.filter((f) => f.user_id === userId).map((f) => f.broadcaster_id));
    const streams = liveStreams(ctx.state).filter((s) => followed.has(s.user_id));
    return paginate(ctx, streams.map((stream) => publicStream(ctx, stream, true)));
  },

  'get-stream-key'(ctx) {
    const id = mustBeTokenUser(ctx, 'broadcaster_id');
    return { data: [{ stream_key: `live_${id}_fakestreamkey${ctx.state.seed}` }] };
  },

  'get-games'(ctx) {
    const ids = params(ctx, 'id');
    const names = params(ctx, 'name').map((n) => n.toLowerCase());
    const igdb = params(ctx, 'igdb_id');
    const data = [...ctx.state.games.values()].filter(
      (g) => ids.includes(g.id) || names.includes(g.name.toLowerCase()) || igdb.includes(g.igdb_id),
    );
    return { data };
  },

  'get-top-games'(ctx) {
    return paginate(ctx, [...ctx.state.games.values()]);
  },

  'search-categories'(ctx) {
    const query = required(ctx, 'query').toLowerCase();
    const found = [...ctx.state.games.values()]
      .filter((g) => g.name.toLowerCase().includes(query))
      .map((g) => ({ box_art_url: g.box_art_url, name: g.name, id: g.id }));
    // Twitch answers a search without a match with data null (as twitch_api's test records).
    if (found.length === 0 && observed(ctx)) return { data: null, pagination: {} };
    return paginate(ctx, found);
  },

  'search-channels'(ctx) {
    const query = required(ctx, 'query').toLowerCase();
    const liveOnly = flag(ctx, 'live_only') ?? false;
    const found = [...ctx.state.channels.values()]
      .filter((c) => c.broadcaster_login.includes(query) || c.title.toLowerCase().includes(query))
      .map((c) => {
        const stream = ctx.state.streams.get(c.broadcaster_id);
        return {
          broadcaster_language: c.broadcaster_language,
          broadcaster_login: c.broadcaster_login,
          display_name: c.broadcaster_name,
          game_id: c.game_id,
          game_name: c.game_name,
          id: c.broadcaster_id,
          is_live: Boolean(stream),
          tag_ids: [],
          tags: c.tags,
          thumbnail_url: ctx.state.users.get(c.broadcaster_id)?.profile_image_url ?? '',
          title: c.title,
          started_at: stream?.started_at ?? '',
        };
      })
      .filter((c) => !liveOnly || c.is_live);
    return paginate(ctx, found);
  },

  'get-clips'(ctx) {
    const ids = params(ctx, 'id');
    const broadcasterId = param(ctx, 'broadcaster_id');
    const gameId = param(ctx, 'game_id');
    const featured = flag(ctx, 'is_featured');
    const clips = [...ctx.state.clips.values()]
      .filter(
        (c) =>
          (ids.length === 0 || ids.includes(c.id)) &&
          (broadcasterId === undefined || c.broadcaster_id === broadcasterId) &&
          (gameId === undefined || c.game_id === gameId) &&
          (featured === undefined || c.is_featured === featured),
      )
      .sort((a, b) => b.view_count - a.view_count);
    return paginate(ctx, clips);
  },

  'create-clip'(ctx) {
    const broadcaster = userById(ctx, required(ctx, 'broadcaster_id'), 'broadcaster_id');
    if (!ctx.state.streams.has(broadcaster.id)) throw notFound('The broadcaster is not live');
    const title = param(ctx, 'title');
    const duration = param(ctx, 'duration');
    const clip = newClip(ctx, broadcaster, {
      ...(title ? { title } : {}),
      ...(duration ? { duration: Number(duration) } : {}),
    });
    return { data: [{ id: clip.id, edit_url: `https://clips.twitch.tv/${clip.id}/edit` }] };
  },

  'create-clip-from-vod'(ctx) {
    const broadcaster = userById(ctx, required(ctx, 'broadcaster_id'), 'broadcaster_id');
    const video = ctx.state.videos.get(required(ctx, 'vod_id'));
    if (!video || video.user_id !== broadcaster.id) throw notFound('The video in vod_id was not found');
    const duration = Number(param(ctx, 'duration') ?? 30);
    // Twitch's own example sends neither title nor vod_offset; the fake then takes the video's
    // title and the clip's length as the offset (the clip ends where the offset points).
    const clip = newClip(ctx, broadcaster, {
      title: param(ctx, 'title') ?? video.title,
      video_id: video.id,
      vod_offset: Number(param(ctx, 'vod_offset') ?? duration),
      duration,
    });
    return { data: [{ id: clip.id, edit_url: `https://clips.twitch.tv/${clip.id}/edit` }] };
  },

  'get-clips-download'(ctx) {
    const data = params(ctx, 'clip_id')
      .filter((id) => ctx.state.clips.has(id))
      .map((id) => ({
        clip_id: id,
        landscape_download_url: `https://clips-media-assets2.twitch.tv/${id}-landscape.mp4`,
        portrait_download_url: `https://clips-media-assets2.twitch.tv/${id}-portrait.mp4`,
      }));
    return { data };
  },

  'get-videos'(ctx) {
    const ids = params(ctx, 'id');
    const userId = param(ctx, 'user_id');
    const gameId = param(ctx, 'game_id');
    const type = param(ctx, 'type');
    const videos = [...ctx.state.videos.values()]
      .filter(
        (v) =>
          (ids.length === 0 || ids.includes(v.id)) &&
          (userId === undefined || v.user_id === userId) &&
          (gameId === undefined || ctx.state.channels.get(v.user_id)?.game_id === gameId) &&
          (type === undefined || type === 'all' || v.type === type),
      )
      .sort((a, b) => b.created_at.localeCompare(a.created_at))
      .map((v) => ({ ...v, muted_segments: v.muted_segments ?? [] }));
    if (ids.length > 0 && videos.length === 0) throw notFound('No video with that ID');
    return paginate(ctx, videos);
  },

  'delete-videos'(ctx) {
    const user = tokenUser(ctx);
    const deleted = params(ctx, 'id').filter((id) => ctx.state.videos.get(id)?.user_id === user);
    for (const id of deleted) ctx.state.videos.delete(id);
    return { data: deleted };
  },

  'create-stream-marker'(ctx) {
    const { state } = ctx;
    const userId = required(ctx, 'user_id');
    userById(ctx, userId);
    const stream = state.streams.get(userId);
    if (!stream) throw notFound('The user is not live');
    const description = param(ctx, 'description') ?? '';
    if (description.length > 140) throw badRequest('The description may be at most 140 characters');
    const video = [...state.videos.values()].find((v) => v.stream_id === stream.id);
    const marker = {
      id: randomNumericId(state, 9),
      user_id: userId,
      video_id: video?.id ?? '',
      created_at: isoTime(state.now()),
      description,
      position_seconds: Math.max(0, Math.floor((state.now() - Date.parse(stream.started_at)) / 1000)),
    };
    state.markers.push(marker);
    return { data: [{ id: marker.id, created_at: marker.created_at, position_seconds: marker.position_seconds, description }] };
  },

  'get-stream-markers'(ctx) {
    const userId = param(ctx, 'user_id');
    const videoId = param(ctx, 'video_id');
    if (!userId && !videoId) throw badRequest('One of "user_id" or "video_id" is required');
    const markers = ctx.state.markers
      .filter((m) => (userId === undefined || m.user_id === userId) && (videoId === undefined || m.video_id === videoId))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    const page = paginate(ctx, markers);
    const byUser = new Map<string, Map<string, typeof markers>>();
    for (const m of page.data) {
      const videos = byUser.get(m.user_id) ?? new Map<string, typeof markers>();
      byUser.set(m.user_id, videos);
      videos.set(m.video_id, [...(videos.get(m.video_id) ?? []), m]);
    }
    const data = [...byUser].map(([id, videos]) => {
      const user = ctx.state.users.get(id)!;
      return {
        user_id: user.id,
        user_name: user.display_name,
        user_login: user.login,
        videos: [...videos].map(([video_id, list]) => ({
          video_id,
          markers: list.map((m) => ({
            id: m.id,
            created_at: m.created_at,
            description: m.description,
            position_seconds: m.position_seconds,
            // Twitch's example spells the link URL; its field table says url.
            [observed(ctx) ? 'URL' : 'url']: `https://twitch.tv/videos/${video_id}?t=${m.position_seconds}s`,
          })),
        })),
      };
    });
    return { data, pagination: page.pagination };
  },

  'get-channel-stream-schedule'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    const ids = params(ctx, 'id');
    const start = param(ctx, 'start_time');
    const from = start === undefined ? -Infinity : parseTime(start, 'start_time');
    const segments = segmentsOf(ctx.state, broadcasterId).filter(
      (s) => (ids.length === 0 || ids.includes(s.id)) && Date.parse(s.end_time) >= from,
    );
    if (segments.length === 0) throw notFound('The broadcaster has no scheduled segments');
    const page = paginate(ctx, segments, { defaultFirst: 20, max: 25 });
    return { data: scheduleBody(ctx, broadcasterId, page.data), pagination: page.pagination };
  },

  'get-channel-icalendar'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    const user = userById(ctx, broadcasterId, 'broadcaster_id');
    const stamp = (iso: string) => iso.replace(/[-:]/g, '').replace(/\.\d+/, '');
    const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//helixkit//fake twitch//EN', `NAME:${user.display_name}`];
    for (const s of segmentsOf(ctx.state, broadcasterId)) {
      lines.push(
        'BEGIN:VEVENT',
        `UID:${s.id}`,
        `DTSTAMP:${stamp(isoTime(ctx.state.now()))}`,
        `DTSTART:${stamp(s.start_time)}`,
        `DTEND:${stamp(s.end_time)}`,
        `SUMMARY:${s.title}`,
        ...(s.is_recurring ? ['RRULE:FREQ=WEEKLY'] : []),
        'END:VEVENT',
      );
    }
    lines.push('END:VCALENDAR');
    return lines.join('\r\n') + '\r\n';
  },

  'update-channel-stream-schedule'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const settings = ctx.state.scheduleSettings.get(broadcasterId) ?? { vacation: null };
    ctx.state.scheduleSettings.set(broadcasterId, settings);
    const enabled = flag(ctx, 'is_vacation_enabled');
    if (enabled === false) settings.vacation = null;
    if (enabled) {
      const start = required(ctx, 'vacation_start_time');
      const end = required(ctx, 'vacation_end_time');
      if (parseTime(end, 'vacation_end_time') <= parseTime(start, 'vacation_start_time')) {
        throw badRequest('The vacation must end after it starts');
      }
      settings.vacation = { start_time: start, end_time: end };
    }
    return undefined;
  },

  'create-channel-stream-schedule-segment'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const start = parseTime(required(ctx, 'start_time'), 'start_time');
    const duration = minutes(required(ctx, 'duration'), 240);
    const segment: ScheduleSegmentRecord = {
      broadcaster_id: broadcasterId,
      id: randomString(ctx.state, 40, '0123456789abcdef'),
      start_time: isoTime(start),
      end_time: isoTime(start + duration * 60_000),
      title: param(ctx, 'title') ?? '',
      canceled_until: null,
      category: categoryOf(ctx, param(ctx, 'category_id')),
      is_recurring: flag(ctx, 'is_recurring') ?? true,
      timezone: required(ctx, 'timezone'),
    };
    ctx.state.scheduleSegments.push(segment);
    return { data: scheduleBody(ctx, broadcasterId, [segment]) };
  },

  'update-channel-stream-schedule-segment'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const id = required(ctx, 'id');
    const segment = ctx.state.scheduleSegments.find((s) => s.broadcaster_id === broadcasterId && s.id === id);
    if (!segment) throw notFound('No segment with that ID');
    const startText = param(ctx, 'start_time');
    const start = startText === undefined ? Date.parse(segment.start_time) : parseTime(startText, 'start_time');
    const length = minutes(param(ctx, 'duration'), (Date.parse(segment.end_time) - Date.parse(segment.start_time)) / 60_000);
    segment.start_time = isoTime(start);
    segment.end_time = isoTime(start + length * 60_000);
    const title = param(ctx, 'title');
    if (title !== undefined) segment.title = title;
    const category = param(ctx, 'category_id');
    if (category !== undefined) segment.category = categoryOf(ctx, category);
    const timezone = param(ctx, 'timezone');
    if (timezone !== undefined) segment.timezone = timezone;
    const canceled = flag(ctx, 'is_canceled');
    if (canceled !== undefined) segment.canceled_until = canceled ? segment.end_time : null;
    return { data: scheduleBody(ctx, broadcasterId, [segment]) };
  },

  'delete-channel-stream-schedule-segment'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const id = required(ctx, 'id');
    ctx.state.scheduleSegments = ctx.state.scheduleSegments.filter((s) => !(s.broadcaster_id === broadcasterId && s.id === id));
    return undefined;
  },

  'get-broadcaster-subscriptions'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    const all = relationList(ctx.state.subscribers, broadcasterId);
    const subs = relationList(ctx.state.subscribers, broadcasterId, params(ctx, 'user_id')).map((s) => {
      const user = ctx.state.users.get(s.user_id)!;
      return {
        broadcaster_id: broadcaster.id,
        broadcaster_login: broadcaster.login,
        broadcaster_name: broadcaster.display_name,
        gifter_id: '',
        gifter_login: '',
        gifter_name: '',
        is_gift: false,
        plan_name: 'Channel Subscription',
        tier: '1000',
        user_id: user.id,
        user_name: user.display_name,
        user_login: user.login,
      };
    });
    return { ...paginate(ctx, subs), points: all.length, total: all.length };
  },

  'check-user-subscription'(ctx) {
    const broadcasterId = required(ctx, 'broadcaster_id');
    const userId = mustBeTokenUser(ctx, 'user_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    if (relationList(ctx.state.subscribers, broadcasterId, [userId]).length === 0) {
      throw notFound(`${userId} has no subscription to ${broadcasterId}`);
    }
    return {
      data: [
        { broadcaster_id: broadcaster.id, broadcaster_login: broadcaster.login, broadcaster_name: broadcaster.display_name, is_gift: false, tier: '1000' },
      ],
    };
  },

  'get-user-block-list'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const blocked = relationList(ctx.state.blocks, broadcasterId).map((b) => {
      const user = ctx.state.users.get(b.user_id)!;
      return { user_id: user.id, user_login: user.login, display_name: user.display_name };
    });
    return paginate(ctx, blocked);
  },

  'block-user'(ctx) {
    const user = tokenUser(ctx);
    const target = userById(ctx, required(ctx, 'target_user_id'), 'target_user_id');
    if (relationList(ctx.state.blocks, user, [target.id]).length === 0) {
      ctx.state.blocks.push({ broadcaster_id: user, user_id: target.id, since: isoTime(ctx.state.now()) });
    }
    return undefined;
  },

  'unblock-user'(ctx) {
    const user = tokenUser(ctx);
    const target = required(ctx, 'target_user_id');
    ctx.state.blocks = ctx.state.blocks.filter((b) => !(b.broadcaster_id === user && b.user_id === target));
    return undefined;
  },
};
