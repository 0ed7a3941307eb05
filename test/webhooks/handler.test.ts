import { describe, expect, expectTypeOf, test } from 'vitest';
import {
  createWebhookHandler,
  memorySeen,
  verifyEventSubRequest,
  WebhookError,
  type SeenStore,
  type WebhookMessage,
} from '../../src/webhooks.ts';
import { InputError } from '../../src/errors.ts';
import {
  SECRET,
  followEvent,
  followNotification,
  newId,
  signedRequest,
  subscription,
  twitchTime,
} from './sign.ts';

const MINUTE = 60_000;

describe('verifyEventSubRequest', () => {
  test('accepts a request signed with the secret and leaves its body readable', async () => {
    const request = await signedRequest(followNotification());
    expect(await verifyEventSubRequest(request, SECRET)).toBe(true);
    expect(await request.json()).toEqual(followNotification());
  });

  test('refuses another secret, a changed body, a changed id and a changed timestamp', async () => {
    expect(await verifyEventSubRequest(await signedRequest(followNotification()), 'another-secret-123')).toBe(false);

    const good = await signedRequest(followNotification());
    const changedBody = new Request(good.url, { method: 'POST', headers: good.headers, body: JSON.stringify(followNotification('evil')) });
    expect(await verifyEventSubRequest(changedBody, SECRET)).toBe(false);

    const changedId = await signedRequest(followNotification());
    changedId.headers.set('Twitch-Eventsub-Message-Id', 'other-id');
    expect(await verifyEventSubRequest(changedId, SECRET)).toBe(false);

    const changedTime = await signedRequest(followNotification());
    changedTime.headers.set('Twitch-Eventsub-Message-Timestamp', twitchTime(Date.now() - 1000));
    expect(await verifyEventSubRequest(changedTime, SECRET)).toBe(false);
  });

  test('refuses missing headers and signatures that are not sha256=<64 hex>', async () => {
    for (const signature of [null, '', 'sha256=', 'sha1=abc', 'sha256=zz' + '0'.repeat(62), 'sha256=' + '0'.repeat(64)]) {
      expect(await verifyEventSubRequest(await signedRequest(followNotification(), { signature }), SECRET)).toBe(false);
    }
    const noId = await signedRequest(followNotification());
    noId.headers.delete('Twitch-Eventsub-Message-Id');
    expect(await verifyEventSubRequest(noId, SECRET)).toBe(false);
  });

  test('accepts the signature header in upper-case hex', async () => {
    const request = await signedRequest(followNotification());
    const header = request.headers.get('Twitch-Eventsub-Message-Signature')!;
    request.headers.set('Twitch-Eventsub-Message-Signature', 'sha256=' + header.slice(7).toUpperCase());
    expect(await verifyEventSubRequest(request, SECRET)).toBe(true);
  });

  test('refuses a timestamp outside the window, and honours maxAgeSeconds and now', async () => {
    const old = await signedRequest(followNotification(), { timestamp: twitchTime(Date.now() - 11 * MINUTE) });
    expect(await verifyEventSubRequest(old, SECRET)).toBe(false);
    expect(await verifyEventSubRequest(old, SECRET, { maxAgeSeconds: 20 * 60 })).toBe(true);
    expect(await verifyEventSubRequest(old, SECRET, { now: () => Date.now() - 11 * MINUTE })).toBe(true);
  });

  test('accepts any secret of a list (rotation)', async () => {
    const request = await signedRequest(followNotification(), { secret: 'new-secret-abcdefgh' });
    expect(await verifyEventSubRequest(request, [SECRET, 'new-secret-abcdefgh'])).toBe(true);
    expect(await verifyEventSubRequest(request, [SECRET])).toBe(false);
    expect(await verifyEventSubRequest(request, '')).toBe(false);
  });
});

/** A streamed body of `count` chunks of `size` zero bytes; `onPull` counts the chunks read. */
function chunkedBody(count: number, size: number, onPull: () => void): ReadableStream<Uint8Array> {
  let left = count;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      onPull();
      if (left-- > 0) controller.enqueue(new Uint8Array(size));
      else controller.close();
    },
  });
}

/** A handler with spies; `calls` lists what ran, in order. */
function setup(extra: Partial<Parameters<typeof createWebhookHandler>[0]> = {}) {
  const calls: string[] = [];
  const follows: unknown[] = [];
  const errors: unknown[] = [];
  const handle = createWebhookHandler({
    secret: SECRET,
    on: {
      'channel.follow': (event, message) => {
        follows.push(event);
        calls.push(`follow:${message.id}`);
      },
    },
    onNotification: (message) => void calls.push(`notification:${message.subscription.type}`),
    onRevocation: (message) => void calls.push(`revocation:${message.subscription.status}`),
    onError: (error) => void errors.push(error),
    ...extra,
  });
  return { handle, calls, follows, errors };
}

describe('createWebhookHandler', () => {
  test('answers a signed challenge with 200 text/plain and the challenge, dispatching nothing', async () => {
    const { handle, calls } = setup();
    const body = { challenge: 'pogchamp-kappa-360noscope', subscription: subscription('channel.follow', 'webhook_callback_verification_pending') };
    const response = await handle(await signedRequest(body, { kind: 'webhook_callback_verification' }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('pogchamp-kappa-360noscope');
    expect(calls).toEqual([]);
  });

  test('refuses an unsigned or wrongly signed challenge with 403 and no challenge', async () => {
    const { handle } = setup();
    const body = { challenge: 'abc', subscription: subscription() };
    for (const request of [
      await signedRequest(body, { kind: 'webhook_callback_verification', signature: null }),
      await signedRequest(body, { kind: 'webhook_callback_verification', secret: 'wrong-secret-123' }),
    ]) {
      const response = await handle(request);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('abc');
    }
  });

  test('dispatches a signed notification to its typed handler and onNotification, then 204', async () => {
    const { handle, calls, follows } = setup();
    const response = await handle(await signedRequest(followNotification('alice'), { id: 'n-1' }));
    expect(response.status).toBe(204);
    expect(calls).toEqual(['notification:channel.follow', 'follow:n-1']);
    expect(follows).toEqual([followEvent('alice')]);
  });

  test('gives handlers the message id, timestamp, retry count and subscription', async () => {
    let seenMessage: WebhookMessage | undefined;
    const handle = createWebhookHandler({ secret: SECRET, onNotification: (m) => void (seenMessage = m) });
    const timestamp = twitchTime(Date.now());
    await handle(await signedRequest(followNotification(), { id: 'n-meta', timestamp, retry: 2 }));
    expect(seenMessage).toMatchObject({ id: 'n-meta', timestamp, retry: 2, subscription: { type: 'channel.follow' } });
  });

  test('refuses bad or missing signatures with 403 and dispatches nothing', async () => {
    const { handle, calls } = setup();
    const forged = [
      await signedRequest(followNotification(), { secret: 'wrong-secret-123' }),
      await signedRequest(followNotification(), { signature: null }),
      await signedRequest(followNotification(), { signature: 'sha256=' + 'a'.repeat(64) }),
      await signedRequest(followNotification(), { signature: 'garbage' }),
    ];
    for (const request of forged) expect((await handle(request)).status).toBe(403);
    expect(calls).toEqual([]);
  });

  test('refuses stale, future and unparseable timestamps with 403', async () => {
    const { handle, calls } = setup();
    for (const timestamp of [
      twitchTime(Date.now() - 10 * MINUTE - 5000),
      twitchTime(Date.now() + 11 * MINUTE),
      'yesterday',
      '',
    ]) {
      expect((await handle(await signedRequest(followNotification(), { timestamp }))).status).toBe(403);
    }
    expect(calls).toEqual([]);
  });

  test('uses maxAgeSeconds and the injected clock for the window', async () => {
    const { handle, calls } = setup({ maxAgeSeconds: 60 });
    const twoMinutesAgo = twitchTime(Date.now() - 2 * MINUTE);
    expect((await handle(await signedRequest(followNotification(), { timestamp: twoMinutesAgo }))).status).toBe(403);
    const late = setup({ now: () => Date.now() - 2 * MINUTE });
    expect((await late.handle(await signedRequest(followNotification(), { timestamp: twoMinutesAgo }))).status).toBe(204);
    expect(calls).toEqual([]);
    expect(late.calls).toHaveLength(2);
  });

  test('acknowledges a redelivered message id with 204 without dispatching again', async () => {
    const { handle, follows } = setup();
    const first = await handle(await signedRequest(followNotification(), { id: 'dup-1' }));
    const again = await handle(await signedRequest(followNotification(), { id: 'dup-1', retry: 1 }));
    expect(first.status).toBe(204);
    expect(again.status).toBe(204);
    expect(follows).toHaveLength(1);
  });

  test('a redelivery that arrives while the first is still running waits and is not dispatched', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const handle = createWebhookHandler({
      secret: SECRET,
      on: { 'channel.follow': async () => { runs++; await gate; } },
    });
    const first = handle(await signedRequest(followNotification(), { id: 'slow-1' }));
    const second = handle(await signedRequest(followNotification(), { id: 'slow-1', retry: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect([(await first).status, (await second).status]).toEqual([204, 204]);
    expect(runs).toBe(1);
  });

  test('uses a pluggable async seen store (e.g. Workers KV) with a time-to-live', async () => {
    const kv = new Map<string, number>();
    const store: SeenStore = {
      has: async (id) => kv.has(id),
      add: async (id, ttl) => void kv.set(id, ttl ?? -1),
    };
    const { handle, follows } = setup({ seen: store, seenTtlSeconds: 1800 });
    await handle(await signedRequest(followNotification(), { id: 'kv-1' }));
    expect(kv.get('kv-1')).toBe(1800);
    // Another instance sharing the store: the id is known already.
    const other = setup({ seen: store });
    expect((await other.handle(await signedRequest(followNotification(), { id: 'kv-1' }))).status).toBe(204);
    expect(follows).toHaveLength(1);
    expect(other.follows).toHaveLength(0);
  });

  test('dispatches each event of a batched events[] body, one by one', async () => {
    const received: unknown[] = [];
    const handle = createWebhookHandler({
      secret: SECRET,
      on: { 'drop.entitlement.grant': (event) => void received.push(event) },
    });
    const events = [
      { id: 'e1', data: { organization_id: 'o', user_id: 'u1' } },
      { id: 'e2', data: { organization_id: 'o', user_id: 'u2' } },
      { id: 'e3', data: { organization_id: 'o', user_id: 'u3' } },
    ];
    const body = { subscription: subscription('drop.entitlement.grant'), events };
    expect((await handle(await signedRequest(body))).status).toBe(204);
    expect(received).toEqual(events);
  });

  test('a revocation calls onRevocation and answers 204, and is deduplicated too', async () => {
    const { handle, calls } = setup();
    const body = { subscription: subscription('channel.follow', 'authorization_revoked') };
    expect((await handle(await signedRequest(body, { kind: 'revocation', id: 'rev-1' }))).status).toBe(204);
    expect((await handle(await signedRequest(body, { kind: 'revocation', id: 'rev-1' }))).status).toBe(204);
    expect(calls).toEqual(['revocation:authorization_revoked']);
  });

  test('answers 400 to malformed JSON or a body without a subscription, with a valid signature', async () => {
    const { handle, calls, errors } = setup();
    expect((await handle(await signedRequest('{"subscription": '))).status).toBe(400);
    expect((await handle(await signedRequest({ event: followEvent() }))).status).toBe(400);
    expect((await handle(await signedRequest({ subscription: subscription() }))).status).toBe(400);
    expect(calls).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(2);
  });

  test('a handler that throws gives 500 and Twitch’s retry of the same id runs it again', async () => {
    let fail = true;
    const runs: string[] = [];
    const errors: unknown[] = [];
    const handle = createWebhookHandler({
      secret: SECRET,
      on: {
        'channel.follow': (event) => {
          runs.push(event.user_login);
          if (fail) throw new Error('database down');
        },
      },
      onError: (error) => void errors.push(error),
    });
    expect((await handle(await signedRequest(followNotification('bob'), { id: 'retry-1' }))).status).toBe(500);
    // What the handler threw comes wrapped, so onError's type is a closed union.
    expect(errors).toEqual([expect.objectContaining({ name: 'WebhookError', code: 'handler', cause: new Error('database down') })]);
    expect(errors[0]).toBeInstanceOf(WebhookError);
    fail = false;
    expect((await handle(await signedRequest(followNotification('bob'), { id: 'retry-1', retry: 1 }))).status).toBe(204);
    expect((await handle(await signedRequest(followNotification('bob'), { id: 'retry-1', retry: 2 }))).status).toBe(204);
    expect(runs).toEqual(['bob', 'bob']);
  });

  test('a failing seen store gives 500 before dispatch, and a failing add still answers 204', async () => {
    const broken = setup({ seen: { has: () => Promise.reject(new Error('kv down')), add: () => {} } });
    expect((await broken.handle(await signedRequest(followNotification()))).status).toBe(500);
    expect(broken.follows).toHaveLength(0);
    expect(broken.errors).toEqual([expect.objectContaining({ code: 'store', cause: new Error('kv down') })]);

    const forgetful = setup({ seen: { has: () => false, add: () => Promise.reject(new Error('kv full')) } });
    expect((await forgetful.handle(await signedRequest(followNotification()))).status).toBe(204);
    expect(forgetful.follows).toHaveLength(1);
    expect(forgetful.errors).toEqual([expect.objectContaining({ code: 'store', cause: new Error('kv full') })]);
  });

  test('answers 405 with Allow: POST to other methods', async () => {
    const { handle } = setup();
    for (const method of ['GET', 'PUT', 'HEAD']) {
      const response = await handle(new Request('https://example.com/eventsub', { method }));
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
  });

  test('acknowledges a signed message of an unknown kind without dispatching', async () => {
    const { handle, calls } = setup();
    expect((await handle(await signedRequest(followNotification(), { kind: 'something_new' }))).status).toBe(204);
    expect(calls).toEqual([]);
  });

  test('refuses a Content-Length over maxBodyBytes with 413 without reading the body', async () => {
    const { handle, calls } = setup();
    let pulled = 0;
    const big = chunkedBody(32, 64 * 1024, () => pulled++); // 2 MiB
    const headers = (await signedRequest(followNotification())).headers;
    headers.set('Content-Length', String(32 * 64 * 1024));
    const request = new Request('https://example.com/eventsub', { method: 'POST', headers, body: big, duplex: 'half' } as RequestInit);
    expect((await handle(request)).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(1); // at most the stream's first eager pull
    expect(calls).toEqual([]);
  });

  test('stops reading a streamed body at maxBodyBytes and answers 413', async () => {
    const { handle, calls } = setup({ maxBodyBytes: 1000 });
    let pulled = 0;
    const big = chunkedBody(64, 256, () => pulled++); // 16 KiB, no Content-Length
    const headers = (await signedRequest(followNotification())).headers;
    const request = new Request('https://example.com/eventsub', { method: 'POST', headers, body: big, duplex: 'half' } as RequestInit);
    expect((await handle(request)).status).toBe(413);
    expect(pulled).toBeLessThan(8); // read no further than the limit
    expect(calls).toEqual([]);
    // A signed message within the limit still goes through.
    expect((await handle(await signedRequest(followNotification()))).status).toBe(204);
  });

  test('never puts the secret in a response or an error', async () => {
    const { handle, errors } = setup({ on: { 'channel.follow': () => { throw new Error('boom'); } } });
    const requests = [
      await signedRequest(followNotification()),
      await signedRequest(followNotification(), { secret: 'wrong-secret-123' }),
      await signedRequest('not json'),
      await signedRequest({ challenge: 'c', subscription: subscription() }, { kind: 'webhook_callback_verification' }),
      new Request('https://example.com/eventsub'),
    ];
    for (const request of requests) {
      const response = await handle(request);
      expect(await response.text()).not.toContain(SECRET);
      for (const [, value] of response.headers) expect(value).not.toContain(SECRET);
    }
    for (const error of errors) expect(JSON.stringify(error) + String(error)).not.toContain(SECRET);
    expect(() => createWebhookHandler({ secret: '' })).toThrow(InputError);
  });
});

describe('types', () => {
  test('`on` handlers are typed per subscription type, and a misspelt type fails type-checking', () => {
    createWebhookHandler({
      secret: SECRET,
      on: {
        'channel.follow': (event, message) => {
          expectTypeOf(event.user_login).toEqualTypeOf<string>();
          expectTypeOf(event.followed_at).toEqualTypeOf<string>();
          expectTypeOf(message.subscription.type).toEqualTypeOf<'channel.follow'>();
        },
        'drop.entitlement.grant': (event) => {
          expectTypeOf(event.id).toEqualTypeOf<string>();
        },
        // @ts-expect-error -- not a subscription type
        'channel.folow': () => {},
      },
    });
  });
});

describe('memorySeen', () => {
  test('forgets ids after their time-to-live', () => {
    let now = 0;
    const seen = memorySeen({ now: () => now });
    seen.add('a', 60);
    expect(seen.has('a')).toBe(true);
    now = 61_000;
    expect(seen.has('a')).toBe(false);
  });

  test('keeps at most max ids once they leave the window, forgetting the oldest first', () => {
    let now = 0;
    const seen = memorySeen({ max: 2, now: () => now });
    seen.add('a');
    seen.add('b');
    seen.add('c');
    // All three are inside the 20-minute window: none may go yet, whatever max says.
    expect([seen.has('a'), seen.has('b'), seen.has('c')]).toEqual([true, true, true]);
    now = 21 * MINUTE;
    seen.add('d');
    expect([seen.has('a'), seen.has('b'), seen.has('c'), seen.has('d')]).toEqual([false, false, true, true]);
  });

  test('under load, an id inside the acceptance window is never forgotten, so a redelivery is not dispatched twice', async () => {
    const { handle, follows } = setup({ seen: memorySeen({ max: 1 }) });
    const ids = [newId(), newId()];
    await handle(await signedRequest(followNotification(), { id: ids[0] }));
    await handle(await signedRequest(followNotification(), { id: ids[1] }));
    expect((await handle(await signedRequest(followNotification(), { id: ids[0] }))).status).toBe(204);
    expect(follows).toHaveLength(2);
  });

  test('a handler with a small store dispatches an id again once it was forgotten (bounded memory)', async () => {
    let clock = Date.now();
    const { handle, follows } = setup({ now: () => clock, seen: memorySeen({ max: 1, now: () => clock }) });
    const ids = [newId(), newId()];
    const send = async (id: string) => handle(await signedRequest(followNotification(), { id, timestamp: twitchTime(clock) }));
    await send(ids[0]!);
    clock += 21 * MINUTE; // ids[0] leaves the acceptance window
    await send(ids[1]!); // and is forgotten to make room for ids[1]
    await send(ids[1]!); // a duplicate: not dispatched
    expect(follows).toHaveLength(2);
    await send(ids[0]!);
    expect(follows).toHaveLength(3);
  });
});
