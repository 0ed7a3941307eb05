// Records every event a ChatClient emits, by name, for assertions.
import type { ChatClient, ChatEvents } from '../../src/chat/index.js';

export type Seen = { [K in keyof ChatEvents]?: ChatEvents[K][] };

const NAMES: (keyof ChatEvents)[] = [
  'message', 'usernotice', 'viewermilestone', 'modiversary', 'join', 'part', 'notice', 'clearchat', 'clearmsg',
  'roomstate', 'userstate', 'globaluserstate', 'whisper', 'connected', 'disconnected', 'reconnecting', 'error', 'irc',
];

export function record(client: ChatClient): Seen {
  const seen: Seen = {};
  for (const name of NAMES) client.on(name, (event) => void ((seen[name] ??= []) as unknown[]).push(event));
  return seen;
}
