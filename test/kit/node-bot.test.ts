// examples/node-bot: a chat bot on EventSub chat + sendChatMessage, against the loopback fake;
// the README's commands as a user types them.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { issueToken } from '../../src/testing/state.js';
import { startMockTwitch, type RunningMockTwitch } from '../../src/testing/server.js';
import { startBot, type Bot } from '../../examples/node-bot/bot.ts';
import { fill, runCommand } from './commands.ts';

let twitch: RunningMockTwitch;
let bot: Bot;
const logged: string[] = [];
beforeAll(async () => {
  twitch = await startMockTwitch({ seed: 5 });
  bot = await startBot({
    clientId: twitch.mock.clientId,
    clientSecret: twitch.mock.clientSecret,
    accessToken: twitch.mock.tokens.moderator, // the bot is the channel's moderator, FakeMod
    channelId: twitch.mock.users.broadcaster,
    urls: { helix: twitch.helixUrl, auth: twitch.authUrl, eventsub: twitch.eventsubUrl },
    log: (line) => logged.push(line),
  });
});
afterAll(async () => {
  bot?.close();
  await twitch?.close();
});

const botMessages = () => twitch.mock.state.chatMessages.filter((m) => m.sender_id === twitch.mock.users.moderator).map((m) => m.message);

test('joins the channel chat as the token\'s user', () => {
  expect(bot.login).toBe('fakemod');
  expect(logged).toContain("fakemod is in FakeStreamer's chat");
});

test('answers !hello once, and does not answer its own message', async () => {
  twitch.mock.chat('!hello', { from: 'viewer04' });
  await expect.poll(botMessages).toContain('Hello, Viewer04!');
  // Its answer comes back as a chat notification too; give a loop the chance to show itself.
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(botMessages()).toEqual(['Hello, Viewer04!']);
});

test('answers !uptime from getStreams, and ignores plain chat', async () => {
  twitch.mock.chat('nice stream', { from: 'viewer05' });
  twitch.mock.chat('!uptime', { from: 'viewer06' });
  await expect.poll(botMessages).toContainEqual(expect.stringMatching(/^FakeStreamer has been live for \d+ h \d+ min\.$/));
  expect(botMessages()).toHaveLength(2);
});

test('node bot.ts runs from the environment and stops on Ctrl-C', async () => {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../examples/node-bot/bot.ts', import.meta.url))], {
    env: {
      ...process.env,
      TWITCH_CLIENT_ID: twitch.mock.clientId,
      BOT_ACCESS_TOKEN: twitch.mock.tokens.moderator,
      CHANNEL_ID: twitch.mock.users.broadcaster,
      HELIX_URL: twitch.helixUrl,
      AUTH_URL: twitch.authUrl,
      EVENTSUB_URL: twitch.eventsubUrl,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  try {
    await expect.poll(() => output, { timeout: 10_000 }).toContain("fakemod is in FakeStreamer's chat");
    twitch.mock.chat('!dice', { from: 'viewer07' });
    await expect.poll(() => output, { timeout: 5000 }).toMatch(/Viewer07: !dice {2}→ {2}Viewer07 rolls a [1-6]\./);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  } finally {
    clearTimeout(killer);
  }
});

test('npm run example:bot: the bot in the fake Twitch\'s chat answers the viewers; Ctrl-C stops it', async () => {
  const command = runCommand('npm run example:bot');
  try {
    await command.waitFor(/fake Twitch on http:\/\/127\.0\.0\.1:\d+/);
    await command.waitFor(/viewer\d\d writes: !hello\nViewer\d\d: !hello {2}→ {2}Hello, Viewer\d\d!/);
  } finally {
    expect(await command.interrupt()).toBe(130); // npm's code for an interrupted script
  }
  expect(command.output()).toContain('stopped.');
});

test('npm run example:bot with TWITCH_CLIENT_ID…: the bot runs on the given settings and URLs', async () => {
  const moderator = twitch.mock.users.moderator;
  const scopes = ['user:read:chat', 'user:write:chat', 'user:bot'];
  const access = issueToken(twitch.mock.state, { type: 'user', userId: moderator, scopes, refreshToken: 'a-refresh-token-of-the-fake' });
  const command = runCommand(
    fill('TWITCH_CLIENT_ID=… TWITCH_CLIENT_SECRET=… BOT_ACCESS_TOKEN=… BOT_REFRESH_TOKEN=… CHANNEL_ID=… npm run example:bot', {
      TWITCH_CLIENT_ID: twitch.mock.clientId,
      TWITCH_CLIENT_SECRET: twitch.mock.clientSecret,
      BOT_ACCESS_TOKEN: access,
      BOT_REFRESH_TOKEN: 'a-refresh-token-of-the-fake',
      CHANNEL_ID: twitch.mock.users.broadcaster,
    }),
    { env: { HELIX_URL: twitch.helixUrl, AUTH_URL: twitch.authUrl, EVENTSUB_URL: twitch.eventsubUrl } },
  );
  try {
    await command.waitFor(/fakemod is in FakeStreamer's chat/);
    expect(command.output()).not.toContain('fake Twitch on'); // no fake of its own
    twitch.mock.chat('!hello', { from: 'viewer09' });
    await command.waitFor(/Viewer09: !hello {2}→ {2}Hello, Viewer09!/);
    expect(botMessages()).toContain('Hello, Viewer09!');
  } finally {
    await command.interrupt();
  }
  expect(command.output()).not.toContain(access);
});
