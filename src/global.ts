// The script-tag build (`dist/helixkit.global.js`, global `helixkit`): everything a page or an
// overlay without a bundler needs — Helix, auth, EventSub and chat — in one file.
export * from './index.js';
export {
  CLOSE_CODES,
  EventSubError,
  EventSubSocket,
  checkCondition,
  parseEventSubMessage,
  typeInfo,
  unknownType,
} from './eventsub/index.js';
export { ChatClient, ChatError, IrcParseError, messageParts, parseBadges, parseEmotes, parseIrcMessage } from './chat/index.js';
