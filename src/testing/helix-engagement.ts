/**
 * Fake Helix routes for polls, predictions, Channel Points custom rewards and redemptions, and
 * custom Power-ups (bought with Bits).
 */
import {
  badRequest,
  flag,
  forbidden,
  mustBeTokenUser,
  notFound,
  observed,
  omit,
  paginate,
  param,
  params,
  required,
  userById,
  type HelixContext,
  type RouteHandler,
} from './helix-context.js';
import {
  isoTime,
  randomUuid,
  type CustomRewardRecord,
  type PollRecord,
  type PredictionRecord,
  newCustomReward,
} from './state.js';

function intIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw badRequest(`The value in "${name}" must be a whole number from ${min} to ${max}`);
  }
  return value;
}

function titlesOf(value: unknown, name: string, min: number, max: number): string[] {
  if (!Array.isArray(value) || value.length < min || value.length > max) {
    throw badRequest(`"${name}" must hold from ${min} to ${max} entries`);
  }
  return value.map((entry: { title?: unknown }) => {
    if (typeof entry?.title !== 'string' || entry.title === '' || entry.title.length > 25) {
      throw badRequest(`Each entry in "${name}" needs a title of at most 25 characters`);
    }
    return entry.title;
  });
}

/** Polls and predictions past their window are finished when read. */
function settlePoll(ctx: HelixContext, poll: PollRecord): PollRecord {
  if (poll.status === 'ACTIVE' && Date.parse(poll.started_at) + poll.duration * 1000 <= ctx.state.now()) {
    poll.status = 'COMPLETED';
    poll.ended_at = isoTime(Date.parse(poll.started_at) + poll.duration * 1000);
  }
  return poll;
}

function settlePrediction(ctx: HelixContext, prediction: PredictionRecord): PredictionRecord {
  const closes = Date.parse(prediction.created_at) + prediction.prediction_window * 1000;
  if (prediction.status === 'ACTIVE' && closes <= ctx.state.now()) {
    prediction.status = 'LOCKED';
    prediction.locked_at = isoTime(closes);
  }
  return prediction;
}

/** A poll as Twitch answers it: a running one has no ended_at at all (null with documented shapes). */
function publicPoll(ctx: HelixContext, poll: PollRecord): Partial<PollRecord> {
  return poll.ended_at === null && observed(ctx) ? omit(poll, 'ended_at') : poll;
}

function byIdsNewestFirst<T extends { id: string; broadcaster_id: string }>(
  ctx: HelixContext,
  items: Iterable<T>,
  broadcasterId: string,
  time: (item: T) => string,
): T[] {
  const ids = params(ctx, 'id');
  return [...items]
    .filter((item) => item.broadcaster_id === broadcasterId && (ids.length === 0 || ids.includes(item.id)))
    .sort((a, b) => time(b).localeCompare(time(a)));
}

function publicReward(reward: CustomRewardRecord) {
  // Twitch sends the default images when a reward has none of its own.
  return { ...omit(reward, 'owner_client_id'), image: reward.image ?? reward.default_image };
}

function ownReward(ctx: HelixContext, broadcasterId: string, id: string): CustomRewardRecord {
  const reward = ctx.state.rewards.get(id);
  if (!reward || reward.broadcaster_id !== broadcasterId) throw notFound('No custom reward with that ID');
  if (reward.owner_client_id !== ctx.token.clientId) {
    throw forbidden('The custom reward was created by another client id');
  }
  return reward;
}

/** Applies the reward fields that create and update share. */
function applyRewardFields(ctx: HelixContext, reward: CustomRewardRecord): void {
  const b = ctx.body;
  if (typeof b.title === 'string') {
    if (b.title === '' || b.title.length > 45) throw badRequest('The title must be from 1 to 45 characters');
    const clash = [...ctx.state.rewards.values()].some(
      (r) => r.broadcaster_id === reward.broadcaster_id && r.id !== reward.id && r.title.toLowerCase() === (b.title as string).toLowerCase(),
    );
    if (clash) throw badRequest('CREATE_CUSTOM_REWARD_DUPLICATE_REWARD');
    reward.title = b.title;
  }
  if (b.cost !== undefined) reward.cost = intIn(b.cost, 'cost', 1, 2 ** 31 - 1);
  if (typeof b.prompt === 'string') reward.prompt = b.prompt;
  if (typeof b.background_color === 'string') reward.background_color = b.background_color;
  for (const key of ['is_enabled', 'is_user_input_required', 'is_paused', 'should_redemptions_skip_request_queue'] as const) {
    if (typeof b[key] === 'boolean') reward[key] = b[key] as boolean;
  }
  if (typeof b.is_max_per_stream_enabled === 'boolean') reward.max_per_stream_setting.is_enabled = b.is_max_per_stream_enabled;
  if (typeof b.max_per_stream === 'number') reward.max_per_stream_setting.max_per_stream = b.max_per_stream;
  if (typeof b.is_max_per_user_per_stream_enabled === 'boolean') {
    reward.max_per_user_per_stream_setting.is_enabled = b.is_max_per_user_per_stream_enabled;
  }
  if (typeof b.max_per_user_per_stream === 'number') {
    reward.max_per_user_per_stream_setting.max_per_user_per_stream = b.max_per_user_per_stream;
  }
  if (typeof b.is_global_cooldown_enabled === 'boolean') reward.global_cooldown_setting.is_enabled = b.is_global_cooldown_enabled;
  if (typeof b.global_cooldown_seconds === 'number') reward.global_cooldown_setting.global_cooldown_seconds = b.global_cooldown_seconds;
}

export const engagementRoutes: Record<string, RouteHandler> = {
  'get-polls'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const polls = byIdsNewestFirst(ctx, ctx.state.polls.values(), broadcasterId, (p) => p.started_at);
    return paginate(ctx, polls.map((p) => publicPoll(ctx, settlePoll(ctx, p))), { max: 20 });
  },

  'create-poll'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    const title = required(ctx, 'title');
    if (title.length > 60) throw badRequest('The title may be at most 60 characters');
    const choices = titlesOf(ctx.body.choices, 'choices', 2, 5);
    const duration = intIn(ctx.body.duration, 'duration', 15, 1800);
    const active = [...ctx.state.polls.values()].some((p) => p.broadcaster_id === broadcasterId && settlePoll(ctx, p).status === 'ACTIVE');
    if (active) throw badRequest('The broadcaster already has an active poll');
    const pointsEnabled = flag(ctx, 'channel_points_voting_enabled') ?? false;
    const poll: PollRecord = {
      id: randomUuid(ctx.state),
      broadcaster_id: broadcaster.id,
      broadcaster_name: broadcaster.display_name,
      broadcaster_login: broadcaster.login,
      title,
      choices: choices.map((choice) => ({ id: randomUuid(ctx.state), title: choice, votes: 0, channel_points_votes: 0, bits_votes: 0 })),
      bits_voting_enabled: false,
      bits_per_vote: 0,
      channel_points_voting_enabled: pointsEnabled,
      channel_points_per_vote: pointsEnabled ? intIn(ctx.body.channel_points_per_vote ?? 1, 'channel_points_per_vote', 1, 1_000_000) : 0,
      status: 'ACTIVE',
      duration,
      started_at: isoTime(ctx.state.now()),
      ended_at: null,
    };
    ctx.state.polls.set(poll.id, poll);
    return { data: [publicPoll(ctx, poll)] };
  },

  'end-poll'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const poll = ctx.state.polls.get(required(ctx, 'id'));
    if (!poll || poll.broadcaster_id !== broadcasterId) throw badRequest('No poll with that ID');
    const status = required(ctx, 'status');
    if (status !== 'TERMINATED' && status !== 'ARCHIVED') throw badRequest('"status" must be TERMINATED or ARCHIVED');
    settlePoll(ctx, poll);
    if (status === 'TERMINATED' && poll.status !== 'ACTIVE') throw badRequest('The poll is not active');
    poll.status = status;
    poll.ended_at ??= isoTime(ctx.state.now());
    return { data: [publicPoll(ctx, poll)] };
  },

  'get-predictions'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const predictions = byIdsNewestFirst(ctx, ctx.state.predictions.values(), broadcasterId, (p) => p.created_at);
    return paginate(ctx, predictions.map((p) => settlePrediction(ctx, p)), { max: 25 });
  },

  'create-prediction'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    const title = required(ctx, 'title');
    if (title.length > 45) throw badRequest('The title may be at most 45 characters');
    const outcomes = titlesOf(ctx.body.outcomes, 'outcomes', 2, 10);
    const window = intIn(ctx.body.prediction_window, 'prediction_window', 30, 1800);
    const open = [...ctx.state.predictions.values()].some(
      (p) => p.broadcaster_id === broadcasterId && ['ACTIVE', 'LOCKED'].includes(settlePrediction(ctx, p).status),
    );
    if (open) throw badRequest('The broadcaster already has an open prediction');
    const prediction: PredictionRecord = {
      id: randomUuid(ctx.state),
      broadcaster_id: broadcaster.id,
      broadcaster_name: broadcaster.display_name,
      broadcaster_login: broadcaster.login,
      title,
      winning_outcome_id: null,
      outcomes: outcomes.map((outcome, i) => ({
        id: randomUuid(ctx.state),
        title: outcome,
        users: 0,
        channel_points: 0,
        top_predictors: null,
        color: i === 0 ? 'BLUE' : 'PINK',
      })),
      prediction_window: window,
      status: 'ACTIVE',
      created_at: isoTime(ctx.state.now()),
      ended_at: null,
      locked_at: null,
    };
    ctx.state.predictions.set(prediction.id, prediction);
    return { data: [prediction] };
  },

  'end-prediction'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const prediction = ctx.state.predictions.get(required(ctx, 'id'));
    if (!prediction || prediction.broadcaster_id !== broadcasterId) throw notFound('No prediction with that ID');
    settlePrediction(ctx, prediction);
    const status = required(ctx, 'status');
    const now = isoTime(ctx.state.now());
    if (prediction.status === 'RESOLVED' || prediction.status === 'CANCELED') throw badRequest('The prediction has already ended');
    if (status === 'LOCKED') {
      if (prediction.status !== 'ACTIVE') throw badRequest('Only an active prediction can be locked');
      prediction.status = 'LOCKED';
      prediction.locked_at = now;
    } else if (status === 'RESOLVED') {
      const winner = param(ctx, 'winning_outcome_id');
      if (!winner || !prediction.outcomes.some((o) => o.id === winner)) {
        throw badRequest('"winning_outcome_id" must name one of the outcomes');
      }
      prediction.status = 'RESOLVED';
      prediction.winning_outcome_id = winner;
      prediction.locked_at ??= now;
      prediction.ended_at = now;
    } else if (status === 'CANCELED') {
      prediction.status = 'CANCELED';
      prediction.ended_at = now;
    } else {
      throw badRequest('"status" must be RESOLVED, CANCELED or LOCKED');
    }
    return { data: [prediction] };
  },

  'create-custom-rewards'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    if (broadcaster.broadcaster_type === '') throw forbidden('The broadcaster must be a partner or affiliate');
    required(ctx, 'title');
    if (ctx.body.cost === undefined) throw badRequest('Missing required parameter "cost"');
    const count = [...ctx.state.rewards.values()].filter((r) => r.broadcaster_id === broadcasterId).length;
    if (count >= 50) throw badRequest('CREATE_CUSTOM_REWARD_TOO_MANY_REWARDS');
    const reward = newCustomReward(broadcaster, { id: randomUuid(ctx.state), owner_client_id: ctx.token.clientId });
    applyRewardFields(ctx, reward);
    ctx.state.rewards.set(reward.id, reward);
    return { data: [publicReward(reward)] };
  },

  'get-custom-power-up'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const broadcaster = userById(ctx, broadcasterId, 'broadcaster_id');
    if (broadcaster.broadcaster_type === '') throw forbidden('The broadcaster must be a partner or affiliate');
    const ids = params(ctx, 'id');
    if (ids.length > 50) throw badRequest('Too many "id" parameters (at most 50)');
    const powerUps = [...ctx.state.powerUps.values()]
      .filter((p) => p.broadcaster_id === broadcasterId && (ids.length === 0 || ids.includes(p.id)))
      .sort((a, b) => a.id.localeCompare(b.id));
    if (ids.length > 0 && powerUps.length === 0) throw notFound('None of the requested custom Power-ups were found');
    return { data: powerUps };
  },

  'get-custom-reward'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const ids = params(ctx, 'id');
    const manageable = flag(ctx, 'only_manageable_rewards') ?? false;
    const rewards = [...ctx.state.rewards.values()].filter(
      (r) =>
        r.broadcaster_id === broadcasterId &&
        (ids.length === 0 || ids.includes(r.id)) &&
        (!manageable || r.owner_client_id === ctx.token.clientId),
    );
    if (ids.length > 0 && rewards.length === 0) throw notFound('No custom reward with that ID');
    return { data: rewards.map(publicReward) };
  },

  'update-custom-reward'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const reward = ownReward(ctx, broadcasterId, required(ctx, 'id'));
    applyRewardFields(ctx, reward);
    return { data: [publicReward(reward)] };
  },

  'delete-custom-reward'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const reward = ownReward(ctx, broadcasterId, required(ctx, 'id'));
    ctx.state.rewards.delete(reward.id);
    return undefined;
  },

  'get-custom-reward-redemption'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const reward = ownReward(ctx, broadcasterId, required(ctx, 'reward_id'));
    const ids = params(ctx, 'id');
    const status = param(ctx, 'status');
    if (ids.length === 0 && status === undefined) throw badRequest('One of "status" or "id" is required');
    const newest = param(ctx, 'sort') === 'NEWEST';
    const redemptions = [...ctx.state.redemptions.values()]
      .filter((r) => r.reward.id === reward.id && (ids.length === 0 || ids.includes(r.id)) && (status === undefined || r.status === status))
      .sort((a, b) => (newest ? -1 : 1) * a.redeemed_at.localeCompare(b.redeemed_at));
    return paginate(ctx, redemptions, { max: 50 });
  },

  'update-redemption-status'(ctx) {
    const broadcasterId = mustBeTokenUser(ctx, 'broadcaster_id');
    const reward = ownReward(ctx, broadcasterId, required(ctx, 'reward_id'));
    const status = required(ctx, 'status');
    if (status !== 'CANCELED' && status !== 'FULFILLED') throw badRequest('"status" must be CANCELED or FULFILLED');
    const updated = params(ctx, 'id').flatMap((id) => {
      const redemption = ctx.state.redemptions.get(id);
      if (!redemption || redemption.reward.id !== reward.id || redemption.status !== 'UNFULFILLED') return [];
      redemption.status = status;
      return [redemption];
    });
    if (updated.length === 0) throw notFound('No unfulfilled redemption with those IDs');
    return { data: updated };
  },
};
