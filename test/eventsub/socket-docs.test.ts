import { setupServer } from 'msw/node';
import { it, expect } from 'vitest';
import { createClient } from '../../src/client.js';
import { attachToConduit, EventSubSocket, waitFor, createConduits, createEventSubSubscription } from '../../src/eventsub/index.js';
import { createMockTwitch } from '../../src/testing/mock.js';

it('the EventSub docs examples (quick start, a conduit shard) run against createMockTwitch', async () => {
  const twitch = createMockTwitch();
  const server = setupServer(...twitch.handlers);
  server.listen();
  const socket = new EventSubSocket({ client: createClient({ clientId: twitch.clientId, auth: twitch.tokens.user }) });
  const me = twitch.users.broadcaster;
  await socket.subscribe('channel.follow', { broadcaster_user_id: me, moderator_user_id: me });
  const next = waitFor(socket, 'channel.follow');
  twitch.follow();
  expect((await next).user_login).toBeTypeOf('string');
  socket.close();

  const app = createClient({ clientId: twitch.clientId, auth: twitch.tokens.app });
  const { data: [conduit] } = await createConduits(app, { shard_count: 4 });
  await createEventSubSubscription(app, {
    type: 'channel.chat.message', version: '1',
    condition: { broadcaster_user_id: me, user_id: me },
    transport: { method: 'conduit', conduit_id: conduit!.id },
  });
  // One socket per shard, as the README's "each of the 4 processes": Twitch sends a channel's
  // events to one shard (a hash of the channel), and loses them when that shard and its one
  // retry are both down.
  const texts: string[] = [];
  const shards = [0, 1, 2, 3].map(() => new EventSubSocket({ client: app }));
  for (const shard of shards) shard.on('channel.chat.message', (e) => void texts.push(e.message.text));
  await Promise.all(shards.map((shard, n) => attachToConduit(shard, conduit!.id, n)));
  const got = Promise.race(shards.map((shard) => waitFor(shard, 'channel.chat.message')));
  twitch.chat('hello');
  await got;
  expect(texts).toEqual(['hello']);
  for (const shard of shards) shard.close();
  server.close();
});
