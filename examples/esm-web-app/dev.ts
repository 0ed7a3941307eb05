// `npm run example:web`: serves this page from the repository on 127.0.0.1, with the built
// package where its import map looks (../../dist, ../../node_modules). With TWITCH_CLIENT_ID in the
// environment the page logs in with Twitch; without it, it starts the fake Twitch
// (`helixkit/testing/server`), hands the page the fake's addresses in its query, and once someone
// has logged in, viewers write in the fake chat every few seconds. Ctrl-C stops it.
import { fileURLToPath } from 'node:url';
import { serveFiles, startMockTwitch } from 'helixkit/testing/server';

const from = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const clientId = process.env.TWITCH_CLIENT_ID;
const twitch = clientId ? undefined : await startMockTwitch({ seed: 2024 });
const files = await serveFiles(
  {
    '/examples/esm-web-app/': from('.'),
    '/dist/': from('../../dist'),
    '/node_modules/ky/': from('../../node_modules/ky'),
    '/node_modules/valibot/': from('../../node_modules/valibot'),
  },
  { port: Number(process.env.PORT ?? 3000) },
);
const page = new URL('/examples/esm-web-app/', files.origin);

let timer: ReturnType<typeof setInterval> | undefined;
if (twitch) {
  const { mock } = twitch;
  page.search = new URLSearchParams({ client_id: mock.clientId, auth: twitch.authUrl, helix: twitch.helixUrl, eventsub: twitch.eventsubUrl }).toString();
  console.log(`fake Twitch on ${twitch.origin} (no TWITCH_CLIENT_ID set; see README.md for real Twitch)`);
  console.log(`open ${page.href}`);
  let turn = 0;
  const lines = ['hello!', 'what are we playing today?', 'GG', 'first time here'];
  timer = setInterval(() => {
    const text = lines[turn % lines.length]!;
    const viewer = `viewer${String((turn++ % 25) + 1).padStart(2, '0')}`;
    if (mock.chat(text, { from: viewer }) > 0) console.log(`  ${viewer} writes: ${text}`);
  }, 3000);
} else {
  // Twitch sends the popup back only to a registered address; localhost is what it accepts for http.
  page.hostname = 'localhost';
  page.search = new URLSearchParams({ client_id: clientId! }).toString();
  console.log(`open ${page.href}`);
  console.log(`(register ${new URL('callback.html', page).href} as an OAuth redirect URL of your app)`);
}

const stop = async () => {
  clearInterval(timer);
  await Promise.all([files.close(), twitch?.close()]);
  console.log('stopped.');
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
