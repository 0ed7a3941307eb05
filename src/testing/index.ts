/**
 * `helixkit/testing`: the fake Twitch for your tests — `createMockTwitch()` (msw handlers plus the
 * controls to play a stream) and `webhookRequest()` (a request signed like Twitch's). Needs `msw`
 * (an optional peer: `npm install --save-dev msw`). The loopback server lives apart, in
 * `helixkit/testing/server`, because it needs Node (and `ws`).
 *
 * Only what a test holds is exported: the functions, their options and the types of the controls
 * and the state. The fake's building blocks stay internal, free to change between releases.
 */
export { createMockTwitch } from './mock.js';
export type { FromOption, MockTokens, MockTwitch, MockTwitchOptions } from './mock.js';
export { webhookRequest } from './webhook.js';
export type { WebhookRequestOptions } from './webhook.js';
// The types of `twitch.eventsub`, `twitch.oauth` and `twitch.irc`.
export type { EventSubWsControls, FakeConnection, FakeSessionRecord, SentFrame } from './eventsub-ws.js';
export type { OAuthFake, PendingCode, PendingDevice } from './oauth.js';
export type { FakeChatIrc } from './irc.js';
// The types of `twitch.state` (readable and writable), for helpers that fill or read it.
export type {
  BanRecord,
  BlockedTermRecord,
  ChannelRecord,
  ChatMessageRecord,
  ChatSettingsRecord,
  ClipRecord,
  ConduitDeliveryRecord,
  ConduitRecord,
  ConduitShardRecord,
  CustomRewardRecord,
  EventSubSubscriptionRecord,
  EventSubTransportRecord,
  GameRecord,
  ImageSet,
  MembershipRecord,
  PinnedMessageRecord,
  PollRecord,
  PredictionOutcomeRecord,
  PredictionRecord,
  RateBucket,
  RateBucketState,
  RateLimitSettings,
  RedemptionRecord,
  ResponseShapes,
  ScheduleSegmentRecord,
  ScheduleSettingsRecord,
  SeededUsers,
  StreamMarkerRecord,
  StreamRecord,
  TokenRecord,
  TwitchState,
  UnbanRequestRecord,
  UserRecord,
  VideoRecord,
  WebhookSink,
} from './state.js';
