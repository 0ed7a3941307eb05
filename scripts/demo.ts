// `npm start`: the fake Twitch on 127.0.0.1, the script-tag overlay served against it, and a
// scripted stream (follows, chat, a cheer, a reconnect handover) while this terminal logs what
// the SDK receives. Runs the BUILT package (`npm run build` first; npm start does it).
//   npm start                 play the stream until Ctrl-C
//   npm start -- --once       play it once, headless, and exit 0 when every step arrived
//   npm start -- --port 8080  fake Twitch on a fixed port (the page gets the next one)
import { fileURLToPath } from 'node:url';
import { createClient, getUsers, sendChatMessage } from '../dist/index.js';
import { EventSubSocket } from '../dist/eventsub/socket.js';
import { waitFor } from '../dist/eventsub/listen.js';
import { serveFiles, startMockTwitch } from '../dist/testing/server.js';

const args = process.argv.slice(2);
const once = args.includes('--once');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 0;
const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const log = {
  info: (text: string) => console.log(paint(90, text)),
  play: (text: string) => console.log(`${paint(35, '  twitch →')} ${text}`),
  got: (kind: string, text: string) => console.log(`${paint(32, '  sdk    ←')} ${paint(1, kind.padEnd(9))} ${text}`),
};

const twitch = await startMockTwitch({ seed: 2024, port });
const { mock } = twitch;
const b = mock.users.broadcaster;

// The overlay page lives on its own origin, as a real overlay does; the start page hands it the
// settings in the #fragment so that no token is ever printed here.
const overlaySettings = new URLSearchParams({
  client_id: mock.clientId,
  token: mock.tokens.user,
  helix: twitch.helixUrl,
  eventsub: twitch.eventsubUrl,
});
const files = await serveFiles(
  {
    '/examples/': root('examples'),
    '/dist/': root('dist'),
    '/node_modules/ky/': root('node_modules/ky'),
    '/node_modules/valibot/': root('node_modules/valibot'),
  },
  {
    port: port ? port + 1 : 0,
    pages: {
      '/': `<!doctype html><meta charset="utf-8"><title>helixkit demo</title><script>location.replace('/examples/script-tag-overlay/#${overlaySettings}')</script>`,
    },
  },
);

// The terminal's own SDK session: the same calls the overlay makes, logged.
const client = createClient({ clientId: mock.clientId, auth: mock.tokens.user, baseUrl: twitch.helixUrl });
const socket = new EventSubSocket({ client, url: twitch.eventsubUrl });
socket.on('channel.follow', (e) => log.got('follow', `${e.user_name} followed ${e.broadcaster_user_name}`));
socket.on('channel.chat.message', (e) => log.got('chat', `${e.chatter_user_name}: ${e.message.text}`));
socket.on('channel.cheer', (e) => log.got('cheer', `${e.user_name ?? 'Anonymous'} cheered ${e.bits} bits`));
socket.on('reconnect', (r) => log.got('reconnect', `${r.reason}: opening the new connection`));
socket.on('session', ({ session, resumed }) => {
  if (resumed) log.got('handover', `same session ${session.id.slice(0, 8)}… on a new connection, no re-subscribing, nothing lost`);
  else log.got('session', `welcome, session ${session.id.slice(0, 8)}…`);
});

let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    socket.close();
    await Promise.all([files.close(), twitch.close()]);
    log.info(code === 0 ? 'stopped.' : 'failed.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const { data: [me] } = await getUsers(client, { id: b });
log.info(`fake Twitch   ${twitch.origin}  (Helix ${twitch.helixUrl}, EventSub ${twitch.eventsubUrl})`);
await Promise.all([
  socket.subscribe('channel.follow', { broadcaster_user_id: b, moderator_user_id: b }),
  socket.subscribe('channel.chat.message', { broadcaster_user_id: b, user_id: b }),
  socket.subscribe('channel.cheer', { broadcaster_user_id: b }),
]);
if (!once) {
  console.log(`\n  Overlay for ${me?.display_name}: ${paint(36, `${files.origin}/`)}  (open it in a browser; Ctrl-C stops)\n`);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, once ? Math.min(ms, 20) : ms));
const within = <T>(promise: Promise<T>, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the SDK did not receive ${what}`)), 5000))]);
const handover = () =>
  new Promise<void>((resolve) => {
    const off: () => void = socket.on('session', ({ resumed }) => {
      if (!resumed) return;
      off();
      resolve();
    });
  });

const lines = ['hello chat!', 'that build is green', 'PogChamp', 'what are we building today?', 'gg'];
async function play(round: number): Promise<void> {
  const viewer = (n: number) => `viewer${String(((round * 5 + n) % 25) + 1).padStart(2, '0')}`;
  let got: Promise<unknown>;

  got = waitFor(socket, 'channel.follow');
  log.play(`${viewer(0)} follows`);
  mock.follow({ from: viewer(0) });
  await within(got, 'the follow');
  await pause(1200);

  got = waitFor(socket, 'channel.chat.message');
  log.play(`${viewer(1)} writes in chat`);
  mock.chat(lines[round % lines.length]!, { from: viewer(1) });
  await within(got, 'the chat message');
  await pause(1200);

  got = waitFor(socket, 'channel.chat.message');
  log.play('the broadcaster answers with sendChatMessage (Helix)');
  await sendChatMessage(client, { broadcaster_id: b, sender_id: b, message: `welcome ${viewer(0)}!` });
  await within(got, 'the echo of sendChatMessage');
  await pause(1200);

  got = waitFor(socket, 'channel.cheer');
  log.play(`${viewer(2)} cheers`);
  mock.cheer(100 * (round + 1), { from: viewer(2), message: 'keep going' });
  await within(got, 'the cheer');
  await pause(1200);

  got = handover();
  log.play('Twitch asks every client to move (session_reconnect)');
  mock.reconnect();
  await within(got, 'the handover');
  await pause(1200);

  got = waitFor(socket, 'channel.follow');
  log.play(`${viewer(3)} follows, on the new connection`);
  mock.follow({ from: viewer(3) });
  await within(got, 'the follow after the handover');
  await pause(2500);
}

try {
  if (once) {
    await play(0);
    await stop(0);
  }
  for (let round = 0; !stopping; round++) await play(round);
} catch (error) {
  if (!stopping) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}
