// Subscription type names are checked at compile time: `npm run typecheck` compiles this file
// (tsconfig.test.json), so each `@ts-expect-error` below fails the build if its line compiles.
// The one escape, `unknownType`, compiles and works at runtime against the fake Twitch.
import { setupServer } from 'msw/node';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createClient } from '../../src/client.js';
import { ChatClient, ChatError, IrcParseError } from '../../src/chat/index.js';
import type { ValidationError } from '../../src/errors.js';
import { checkCondition, events, EventSubSocket, waitFor, unknownType, type EventSubSubscription, type UnknownEventSubType } from '../../src/eventsub/index.js';
import { createMockTwitch } from '../../src/testing/mock.js';
import { createWebhookHandler, subscribeWebhook, type WebhookError } from '../../src/webhooks.js';

const client = createClient({ clientId: 'cid', auth: 'token' });
const condition = { broadcaster_user_id: '1', moderator_user_id: '1' };

/** Never called: the compiler is the one checking these lines. */
function typos(socket: EventSubSocket) {
  // @ts-expect-error: 'channel.folow' is not a subscription type
  socket.on('channel.folow', () => {});
  // @ts-expect-error
  void socket.subscribe('channel.folow', condition);
  // @ts-expect-error
  void waitFor(socket, 'channel.folow');
  // @ts-expect-error
  events(socket, 'channel.folow');
  // @ts-expect-error: nor is a socket event name misspelt
  socket.on('disconect', () => {});
  createWebhookHandler({
    secret: 'a-secret-of-some-length',
    on: {
      // @ts-expect-error
      'channel.folow': () => {},
    },
  });
  // @ts-expect-error
  void subscribeWebhook(client, 'channel.folow', condition, { callback: 'https://example.com/hook', secret: 'a-secret-of-some-length' });
  // A string from anywhere is no type name either: that is what unknownType is for.
  const name: string = 'channel.follow';
  // @ts-expect-error
  socket.on(name, () => {});
  // @ts-expect-error: an unknown type needs its version to subscribe
  void socket.subscribe(unknownType('channel.new_type'), { broadcaster_user_id: '1' });
}

/** Never called either: the escape compiles everywhere, with plain objects. */
function escapes(socket: EventSubSocket) {
  const type = unknownType('channel.new_type');
  expectTypeOf(type).toEqualTypeOf<UnknownEventSubType<'channel.new_type'>>();
  socket.on(type, (event) => expectTypeOf(event).toEqualTypeOf<Record<string, unknown>>());
  expectTypeOf(socket.subscribe(type, { anything: '1' }, { version: '1' })).resolves.toEqualTypeOf<EventSubSubscription<typeof type>>();
  expectTypeOf(waitFor(socket, type)).resolves.toEqualTypeOf<Record<string, unknown>>();
  expectTypeOf(events(socket, type)).toEqualTypeOf<AsyncIterableIterator<Record<string, unknown>>>();
  createWebhookHandler({
    secret: 'a-secret-of-some-length',
    // Its handler's event is `any` in a map (see EventHandlers): annotate it; known keys stay typed.
    on: {
      [type]: (event: Record<string, unknown>) => event.anything,
      'stream.online': (event) => expectTypeOf(event.broadcaster_user_id).toEqualTypeOf<string>(),
    },
  });
  void subscribeWebhook(client, type, { anything: '1' }, { callback: 'https://example.com/hook', secret: 'a-secret-of-some-length', version: '1' });
  // A name helixkit knows keeps its types through the escape.
  socket.on(unknownType('channel.follow'), (event) => expectTypeOf(event.user_login).toEqualTypeOf<string>());
  // The socket's own events work with events() and waitFor() too.
  expectTypeOf(waitFor(socket, 'session')).resolves.toHaveProperty('resumed');
}

describe('subscription type names', () => {
  it('are checked at compile time (see the @ts-expect-error lines), and the escape compiles', () => {
    expect([typos, escapes]).toHaveLength(2);
  });

  it('the escape works at runtime: subscribe with a version, then on() and waitFor() receive its events', async () => {
    const twitch = createMockTwitch();
    const server = setupServer(...twitch.handlers);
    server.listen();
    const socket = new EventSubSocket({ client: createClient({ clientId: twitch.clientId, auth: twitch.tokens.user }) });
    try {
      const type = unknownType('channel.new_type');
      const me = twitch.users.broadcaster;
      const subscription = await socket.subscribe(type, { broadcaster_user_id: me }, { version: '1' });
      expect(subscription).toMatchObject({ type: 'channel.new_type', version: '1', condition: { broadcaster_user_id: me } });
      const seen: unknown[] = [];
      socket.on(type, (event) => void seen.push(event));
      const next = waitFor(socket, type);
      expect(twitch.emit(type, { broadcaster_user_id: me, novel: true })).toBe(1);
      expect(await next).toEqual({ broadcaster_user_id: me, novel: true });
      expect(seen).toEqual([{ broadcaster_user_id: me, novel: true }]);
    } finally {
      socket.close();
      server.close();
    }
  });

  it('at runtime, a type helixkit does not know is refused without a version (so a JS typo still fails fast)', () => {
    expect(() => checkCondition('channel.folow', undefined, condition)).toThrow(/unknown EventSub subscription type/);
    expect(checkCondition('channel.new_type', '1', { anything: 'x' })).toMatchObject({ version: '1', scopes: [], webhookOnly: false });
    expect(() => checkCondition('channel.new_type', '1', { anything: 5 })).toThrow(/must be a string/);
  });
});

describe('error listeners get a closed union', () => {
  it("ChatClient's error and the webhook handler's onError are typed", () => {
    const chat = new ChatClient();
    chat.on('error', (error) => expectTypeOf(error).toEqualTypeOf<ChatError | IrcParseError>());
    createWebhookHandler({ secret: 'a-secret-of-some-length', onError: (error) => expectTypeOf(error).toEqualTypeOf<ValidationError | WebhookError>() });
    chat.close();
  });
});
