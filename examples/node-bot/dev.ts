// `npm run example:bot`: runs the bot from this repository. With TWITCH_CLIENT_ID in the
// environment it joins real Twitch chat with the settings of bot.ts; without it, it starts the
// fake Twitch on 127.0.0.1 (`helixkit/testing/server`), joins as the fake channel's moderator,
// and plays viewers typing in chat every few seconds. Ctrl-C stops it.
import { startMockTwitch, type RunningMockTwitch } from 'helixkit/testing/server';
import { settingsFromEnv, startBot, type BotOptions } from './bot.ts';

let twitch: RunningMockTwitch | undefined;
let settings: BotOptions;
if (process.env.TWITCH_CLIENT_ID) {
  settings = settingsFromEnv(process.env);
} else {
  twitch = await startMockTwitch({ seed: 7 });
  console.log(`fake Twitch on ${twitch.origin} (no TWITCH_CLIENT_ID set; see README.md for real Twitch)`);
  settings = {
    clientId: twitch.mock.clientId,
    clientSecret: twitch.mock.clientSecret,
    accessToken: twitch.mock.tokens.moderator, // the bot is FakeMod, the channel's moderator
    channelId: twitch.mock.users.broadcaster,
    urls: { helix: twitch.helixUrl, auth: twitch.authUrl, eventsub: twitch.eventsubUrl },
  };
}

const bot = await startBot(settings);

// On the fake, viewers take turns typing; the bot answers the commands and ignores the rest.
let turn = 0;
const lines = ['!hello', 'nice stream', '!dice', '!uptime'];
const play = () => {
  const text = lines[turn++ % lines.length]!;
  const viewer = `viewer${String((turn % 25) + 1).padStart(2, '0')}`;
  console.log(`  ${viewer} writes: ${text}`);
  twitch!.mock.chat(text, { from: viewer });
};
const timer = twitch ? setInterval(play, 3000) : undefined;
if (twitch) play();

process.once('SIGINT', async () => {
  clearInterval(timer);
  bot.close();
  await twitch?.close();
  console.log('stopped.');
});
