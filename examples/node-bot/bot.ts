// A chat bot on EventSub: it reads the channel's chat over the EventSub WebSocket and answers
// commands with sendChatMessage — Twitch's recommended way for bots (no IRC).
//   TWITCH_CLIENT_ID=… TWITCH_CLIENT_SECRET=… BOT_ACCESS_TOKEN=… BOT_REFRESH_TOKEN=… CHANNEL_ID=… node bot.ts
// The bot's token needs `user:read:chat` and `user:write:chat` (and `user:bot`).
import { createClient, createTokenManager, getStreams, getUsers, sendChatMessage } from 'helixkit';
import { EventSubSocket } from 'helixkit/eventsub';

export interface BotOptions {
  clientId: string;
  clientSecret?: string;
  /** The bot account's user token (and refresh token, so it keeps working for months). */
  accessToken: string;
  refreshToken?: string;
  /** The channel (broadcaster user id) whose chat the bot joins. */
  channelId: string;
  /** Only to run against a fake Twitch. */
  urls?: { helix?: string; auth?: string; eventsub?: string };
  log?: (line: string) => void;
}

export interface Bot {
  /** The bot account's login. */
  login: string;
  close(): void;
}

/** Answers `!hello`, `!uptime` and `!dice` in a channel's chat until closed. */
export async function startBot(options: BotOptions): Promise<Bot> {
  const { urls = {}, log = console.log } = options;
  const auth = createTokenManager({
    clientId: options.clientId,
    ...(options.clientSecret ? { clientSecret: options.clientSecret } : {}),
    ...(urls.auth ? { authBaseUrl: urls.auth } : {}),
  });
  // Validates the token (Twitch asks for that at start) and learns whose it is.
  const bot = await auth.addUser({ access_token: options.accessToken, ...(options.refreshToken ? { refresh_token: options.refreshToken } : {}) });
  const client = createClient({ clientId: options.clientId, auth, ...(urls.helix ? { baseUrl: urls.helix } : {}) });
  const { data: [channel] } = await getUsers(client, { id: options.channelId });
  if (!channel) throw new Error(`no channel with id ${options.channelId}`);

  const say = (text: string, replyTo: string) =>
    sendChatMessage(client, { broadcaster_id: channel.id, sender_id: bot.id, message: text, reply_parent_message_id: replyTo });

  const commands: Record<string, (name: string) => Promise<string>> = {
    async '!hello'(name) {
      return `Hello, ${name}!`;
    },
    async '!uptime'() {
      const { data: [stream] } = await getStreams(client, { user_id: channel.id });
      if (!stream) return `${channel.display_name} is offline.`;
      const minutes = Math.floor((Date.now() - Date.parse(stream.started_at)) / 60_000);
      return `${channel.display_name} has been live for ${Math.floor(minutes / 60)} h ${minutes % 60} min.`;
    },
    async '!dice'(name) {
      return `${name} rolls a ${1 + Math.floor(Math.random() * 6)}.`;
    },
  };

  const socket = new EventSubSocket({ client, ...(urls.eventsub ? { url: urls.eventsub } : {}) });
  socket.on('channel.chat.message', async (event) => {
    if (event.chatter_user_id === bot.id) return; // its own messages come back too
    const command = commands[event.message.text.trim().split(/\s+/)[0]!.toLowerCase()];
    if (!command) return;
    try {
      const answer = await command(event.chatter_user_name);
      await say(answer, event.message_id);
      log(`${event.chatter_user_name}: ${event.message.text}  →  ${answer}`);
    } catch (error) {
      log(`could not answer ${event.message.text}: ${error instanceof Error ? error.message : error}`);
    }
  });
  socket.on('resubscribed', ({ since }) => log(`reconnected; messages after ${since} may have been missed`));
  await socket.subscribe('channel.chat.message', { broadcaster_user_id: channel.id, user_id: bot.id });
  log(`${bot.login} is in ${channel.display_name}'s chat`);
  return { login: bot.login, close: () => socket.close() };
}

/** The bot's settings from environment variables (see the README's table). */
export function settingsFromEnv(env: Record<string, string | undefined>): BotOptions {
  const need = (name: string) => {
    const value = env[name];
    if (!value) throw new Error(`set ${name} (see examples/node-bot/README.md)`);
    return value;
  };
  return {
    clientId: need('TWITCH_CLIENT_ID'),
    ...(env.TWITCH_CLIENT_SECRET ? { clientSecret: env.TWITCH_CLIENT_SECRET } : {}),
    accessToken: need('BOT_ACCESS_TOKEN'),
    ...(env.BOT_REFRESH_TOKEN ? { refreshToken: env.BOT_REFRESH_TOKEN } : {}),
    channelId: need('CHANNEL_ID'),
    urls: { helix: env.HELIX_URL, auth: env.AUTH_URL, eventsub: env.EVENTSUB_URL },
  };
}

// `node bot.ts`: settings from the environment; Ctrl-C stops.
if (import.meta.main) {
  const bot = await startBot(settingsFromEnv(process.env));
  process.once('SIGINT', () => bot.close());
}
