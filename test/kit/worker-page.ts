// Bundled into a page by browser-examples.test.ts: createMockTwitch under msw's service worker
// (setupWorker), with the SDK calling Twitch's real URLs in a real browser.
import { setupWorker } from 'msw/browser';
import { createClient } from '../../src/client.js';
import { EventSubSocket } from '../../src/eventsub/socket.js';
import { waitFor } from '../../src/eventsub/listen.js';
import { getUsers } from '../../src/helix/users.js';
import { createMockTwitch } from '../../src/testing/mock.js';

export async function run(): Promise<{ login: string | undefined; follower: string; resumed: boolean }> {
  const twitch = createMockTwitch({ seed: 3 });
  const worker = setupWorker(...twitch.handlers);
  await worker.start({ quiet: true, onUnhandledFrame: 'error', serviceWorker: { url: '/mockServiceWorker.js' } });
  try {
    const client = createClient({ clientId: twitch.clientId, auth: twitch.tokens.user });
    const { data } = await getUsers(client, { id: twitch.users.broadcaster });
    const socket = new EventSubSocket({ client });
    const b = twitch.users.broadcaster;
    await socket.subscribe('channel.follow', { broadcaster_user_id: b, moderator_user_id: b });
    const resumed = new Promise<boolean>((resolve) => socket.on('session', (s) => s.resumed && resolve(true)));
    twitch.reconnect();
    await resumed;
    const follow = waitFor(socket, 'channel.follow', { timeout: 5000 });
    twitch.follow({ from: 'viewer12' });
    const follower = (await follow).user_name;
    socket.close();
    return { login: data[0]?.login, follower, resumed: await resumed };
  } finally {
    worker.stop();
  }
}
