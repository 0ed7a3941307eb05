// Rules of the webhook component against hostile requests and careless settings. Each test
// names the rule it holds; each was seen failing with the rule broken.
import { inspect } from 'node:util';
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as v from 'valibot';
import {
  createWebhookHandler,
  memorySeen,
  verifyEventSubRequest,
  type SeenStore,
  type WebhookHandlerOptions,
  type WebhookMessage,
} from '../../src/webhooks.ts';
import { InputError, ValidationError } from '../../src/errors.ts';
import {
  CALLBACK,
  SECRET,
  followEvent,
  followNotification,
  signedRequest,
  subscription,
  twitchTime,
  type SignOptions,
} from './sign.ts';

const SECOND = 1000;
const MIB = 1024 * 1024;

/** A streamed body of `count` chunks of `size` bytes; `pulls()` says how many chunks were asked for. */
function counted(count: number, size: number) {
  let pulled = 0;
  let left = count;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      if (left-- > 0) controller.enqueue(new Uint8Array(size).fill(0x20));
      else controller.close();
    },
  });
  return { stream, pulls: () => pulled };
}

/** A signed follow's headers on another body (a stream, or a Content-Length that lies). */
async function withBody(body: BodyInit, headers: Record<string, string> = {}): Promise<Request> {
  const signed = await signedRequest(followNotification());
  for (const [name, value] of Object.entries(headers)) signed.headers.set(name, value);
  return new Request(CALLBACK, { method: 'POST', headers: signed.headers, body, duplex: 'half' } as RequestInit);
}

function setup(extra: Partial<WebhookHandlerOptions> = {}) {
  const calls: string[] = [];
  const errors: unknown[] = [];
  const messages: WebhookMessage[] = [];
  const handle = createWebhookHandler({
    secret: SECRET,
    on: { 'channel.follow': (_event, message) => void calls.push(`follow:${message.id}`) },
    onNotification: (message) => {
      messages.push(message);
      calls.push(`notification:${message.subscription.type}`);
    },
    onRevocation: (message) => void calls.push(`revocation:${message.subscription.status}`),
    onError: (error) => void errors.push(error),
    ...extra,
  });
  return { handle, calls, errors, messages };
}

afterEach(() => void vi.restoreAllMocks());

describe('bodies are capped wherever they are read', () => {
  test('verifyEventSubRequest refuses a Content-Length over maxBodyBytes without reading the body', async () => {
    const big = counted(400 * 16, 64 * 1024); // 400 MiB, if anyone read it
    const request = await withBody(big.stream, { 'Content-Length': String(400 * MIB) });
    expect(await verifyEventSubRequest(request, SECRET)).toBe(false);
    expect(big.pulls()).toBeLessThanOrEqual(1); // at most the stream's first eager pull
  });

  test('verifyEventSubRequest stops a streamed body at maxBodyBytes (default 1 MiB)', async () => {
    const big = counted(400 * 16, 64 * 1024);
    expect(await verifyEventSubRequest(await withBody(big.stream), SECRET)).toBe(false);
    expect(big.pulls()).toBeLessThanOrEqual(MIB / (64 * 1024) + 4); // the clone's tee may pull a chunk ahead

    const small = counted(64, 256);
    expect(await verifyEventSubRequest(await withBody(small.stream), SECRET, { maxBodyBytes: 1000 })).toBe(false);
    expect(small.pulls()).toBeLessThan(8);
  });

  test('a body of exactly maxBodyBytes passes, one byte more does not, in verifyEventSubRequest and the handler alike', async () => {
    const request = await signedRequest(followNotification());
    const size = (await request.clone().arrayBuffer()).byteLength;
    expect(await verifyEventSubRequest(request, SECRET, { maxBodyBytes: size })).toBe(true);
    expect(await request.json()).toEqual(followNotification()); // still readable after the check
    expect(await verifyEventSubRequest(await signedRequest(followNotification()), SECRET, { maxBodyBytes: size - 1 })).toBe(false);

    expect((await setup({ maxBodyBytes: size }).handle(await signedRequest(followNotification()))).status).toBe(204);
    expect((await setup({ maxBodyBytes: size - 1 }).handle(await signedRequest(followNotification()))).status).toBe(413);
  });

  test('a Content-Length that is not a plain count of bytes is refused (400 / false); a huge one is too large (413)', async () => {
    const { handle, calls } = setup();
    for (const declared of ['1e400', '-1', 'abc', '0x10', '1.5', '', '10, 10']) {
      const request = await withBody(JSON.stringify(followNotification()), { 'Content-Length': declared });
      expect(await verifyEventSubRequest(request, SECRET), declared).toBe(false);
      expect((await handle(request)).status, declared).toBe(400);
    }
    const huge = await withBody(JSON.stringify(followNotification()), { 'Content-Length': '9'.repeat(400) });
    expect(await verifyEventSubRequest(huge, SECRET)).toBe(false);
    expect((await handle(huge)).status).toBe(413);
    expect(calls).toEqual([]);
  });
});

describe('message ids are kept at least as long as the timestamp window', () => {
  /** A handler on a fake clock; `at(ms)` moves it. */
  function clocked(extra: (now: () => number) => Partial<WebhookHandlerOptions> = () => ({})) {
    let clock = Date.parse('2026-12-04T12:00:00Z');
    const now = () => clock;
    const handler = setup({ now, ...extra(now) });
    return { ...handler, now, at: (ms: number) => void (clock = ms) };
  }

  /**
   * Sends one message stamped `sent`, first at `sent - window`, then replayed at `sent + window`
   * (after `before`, e.g. other traffic at that time).
   */
  async function replayAcrossTheWindow(h: ReturnType<typeof clocked>, maxAgeSeconds: number, before?: () => Promise<void>) {
    const sent = h.now();
    const options: SignOptions = { id: `edge-${maxAgeSeconds}`, timestamp: twitchTime(sent) };
    h.at(sent - maxAgeSeconds * SECOND); // the far past edge: Twitch's clock runs ahead of ours
    expect((await h.handle(await signedRequest(followNotification(), options))).status).toBe(204);
    h.at(sent + maxAgeSeconds * SECOND); // the far future edge: still accepted
    await before?.();
    expect((await h.handle(await signedRequest(followNotification(), options))).status).toBe(204);
    h.at(sent + maxAgeSeconds * SECOND + 1); // one millisecond later: refused by the timestamp
    expect((await h.handle(await signedRequest(followNotification(), options))).status).toBe(403);
  }

  test('a replay at the far edge of the default window is not dispatched again', async () => {
    const h = clocked();
    await replayAcrossTheWindow(h, 600);
    expect(h.calls.filter((call) => call.startsWith('follow:'))).toHaveLength(1);
  });

  test('with seenTtlSeconds exactly 2 × maxAgeSeconds, the id lasts to the edge', async () => {
    const h = clocked(() => ({ seenTtlSeconds: 1200 }));
    await replayAcrossTheWindow(h, 600);
    expect(h.calls.filter((call) => call.startsWith('follow:'))).toHaveLength(1);
  });

  test('the default time-to-live follows maxAgeSeconds (7200 s window, not the 3600 s default)', async () => {
    const h = clocked(() => ({ maxAgeSeconds: 7200 }));
    await replayAcrossTheWindow(h, 7200);
    expect(h.calls.filter((call) => call.startsWith('follow:'))).toHaveLength(1);

    const ttls: number[] = [];
    const store: SeenStore = { has: () => false, add: (_id, ttl) => void ttls.push(ttl!) };
    for (const maxAgeSeconds of [600, 7200]) {
      await createWebhookHandler({ secret: SECRET, seen: store, maxAgeSeconds })(await signedRequest(followNotification()));
    }
    expect(ttls).toEqual([3600, 14400]);
  });

  test('a full memorySeen keeps an id to the edge of the window while newer ids crowd it', async () => {
    const h = clocked((now) => ({ seen: memorySeen({ max: 1, now }) }));
    await replayAcrossTheWindow(h, 600, async () => {
      for (let i = 0; i < 3; i++) await h.handle(await signedRequest(followNotification(), { timestamp: twitchTime(h.now()) }));
    });
    expect(h.calls.filter((call) => call === 'follow:edge-600')).toHaveLength(1);
  });

  test('refuses settings that would forget an id inside the window, naming the option', () => {
    const refused = (options: Partial<WebhookHandlerOptions>, param: string) => {
      let error: unknown;
      try {
        createWebhookHandler({ secret: SECRET, ...options });
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(options)).toBeInstanceOf(InputError);
      expect((error as InputError).param).toBe(param);
      return (error as InputError).message;
    };
    expect(refused({ seenTtlSeconds: 60 }, 'seenTtlSeconds')).toMatch(/1200.*maxAgeSeconds/);
    expect(refused({ seenTtlSeconds: 3600, maxAgeSeconds: 7200 }, 'seenTtlSeconds')).toMatch(/14400/);
    expect(refused({ maxAgeSeconds: 7200, seen: memorySeen() }, 'seen')).toMatch(/windowSeconds: 14400/);
    // Consistent settings are taken.
    createWebhookHandler({ secret: SECRET, maxAgeSeconds: 7200, seen: memorySeen({ windowSeconds: 14400 }), seenTtlSeconds: 14400 });
  });
});

describe('the unsigned message-type header cannot turn one message into another', () => {
  const challenge = () => ({ challenge: 'captured-challenge', subscription: subscription('channel.follow', 'webhook_callback_verification_pending') });
  const revocation = (status = 'authorization_revoked') => ({ subscription: subscription('channel.follow', status) });

  /** Sends `body`, signed as Twitch signed it, under the message type `kind`. */
  const forge = (body: object, kind: string, id?: string) => signedRequest(body, { kind, id });

  test('a captured challenge replayed as a revocation or notification is acknowledged without dispatch', async () => {
    const { handle, calls } = setup();
    const answered = await handle(await forge(challenge(), 'webhook_callback_verification', 'chal-1'));
    expect(await answered.text()).toBe('captured-challenge');
    for (const kind of ['revocation', 'notification']) {
      const response = await handle(await forge(challenge(), kind, 'chal-1'));
      expect(response.status).toBe(204);
      expect(await response.text()).toBe('');
    }
    expect(calls).toEqual([]);
  });

  test("a conduit shard's challenge (a shard, no subscription) is answered, and refused under any other type", async () => {
    const { handle, calls, errors } = setup();
    const shard = { challenge: 'shard-challenge', conduit_shard: { conduit_id: 'c1', shard: '3' } };
    const answered = await handle(await forge(shard, 'webhook_callback_verification'));
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe('shard-challenge');
    for (const kind of ['revocation', 'notification']) expect((await handle(await forge(shard, kind))).status).toBe(400);
    // Without the shard's fields, a subscription-less challenge is not routable.
    expect((await handle(await forge({ challenge: 'x', conduit_shard: { conduit_id: 'c1' } }, 'webhook_callback_verification'))).status).toBe(400);
    expect(calls).toEqual([]);
    expect(errors.map((error) => (error as ValidationError).path)).toEqual(['subscription', 'subscription', 'conduit_shard.shard']);
  });

  test('bodies that do not look like their message type are refused with 400, even when their id is new', async () => {
    const { handle, calls, errors } = setup();
    const forgeries: [object, string, string][] = [
      [challenge(), 'revocation', 'challenge'],
      [challenge(), 'notification', 'challenge'],
      [followNotification(), 'revocation', 'event'],
      [followNotification(), 'webhook_callback_verification', 'challenge'],
      [revocation(), 'notification', 'event'],
      [revocation(), 'webhook_callback_verification', 'challenge'],
      [{ ...followNotification(), challenge: 'x' }, 'notification', 'challenge'],
      [{ subscription: subscription() }, 'revocation', 'subscription.status'], // enabled is not revoked
      [{ subscription: subscription('channel.follow', 'webhook_callback_verification_pending') }, 'revocation', 'subscription.status'],
      [{ subscription: { ...subscription(), status: '' } }, 'revocation', 'subscription.status'],
      [{ ...challenge(), subscription: subscription() }, 'webhook_callback_verification', 'subscription.status'],
      [{ ...challenge(), event: followEvent() }, 'webhook_callback_verification', 'event'],
    ];
    for (const [body, kind, path] of forgeries) {
      const response = await handle(await forge(body, kind));
      expect(response.status, `${kind} ${path}`).toBe(400);
      expect(await response.text()).toBe('');
    }
    expect(calls).toEqual([]);
    expect(errors.map((error) => (error as ValidationError).path)).toEqual(forgeries.map(([, , path]) => path));
  });

  test('a handled notification replayed as a revocation is a duplicate: 204, no dispatch', async () => {
    const { handle, calls } = setup();
    await handle(await forge(followNotification(), 'notification', 'n-1'));
    expect((await handle(await forge(followNotification(), 'revocation', 'n-1'))).status).toBe(204);
    expect(calls).toEqual(['notification:channel.follow', 'follow:n-1']);
  });

  test('every revocation status Twitch documents, and one it may add, reaches onRevocation', async () => {
    const { handle, calls } = setup();
    const statuses = [
      'authorization_revoked',
      'user_removed',
      'notification_failures_exceeded',
      'version_removed',
      'moderator_removed',
      'chat_user_banned',
      'beta_maintenance',
      'conduit_deleted',
      'webhook_callback_verification_failed',
      'a_reason_twitch_adds_later',
    ];
    for (const status of statuses) expect((await handle(await forge(revocation(status), 'revocation'))).status).toBe(204);
    expect(calls).toEqual(statuses.map((status) => `revocation:${status}`));
  });
});

describe('handler maps use own properties only', () => {
  const inherited = ['__proto__', 'hasOwnProperty', 'valueOf', 'constructor', 'toString', 'isPrototypeOf', '__defineGetter__'];

  test.each(inherited)('a notification of type %s reaches onNotification only, answered 204', async (type) => {
    const { handle, calls, errors } = setup();
    const body = { subscription: { ...subscription(), type }, event: followEvent() };
    expect((await handle(await signedRequest(body))).status).toBe(204);
    expect(calls).toEqual([`notification:${type}`]);
    expect(errors).toEqual([]);
  });

  test('a handler inherited by the `on` object is not called', async () => {
    const ran: string[] = [];
    const on = Object.create({ 'channel.follow': () => void ran.push('inherited') });
    const handle = createWebhookHandler({ secret: SECRET, on });
    expect((await handle(await signedRequest(followNotification()))).status).toBe(204);
    expect(ran).toEqual([]);
  });
});

describe('the secret and the signature never appear in an answer or a report', () => {
  test('hostile requests with the secret in body and headers leak it nowhere', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const reports: unknown[] = [];
    const invalid: unknown[] = [];
    const schema = { type: 'channel.follow', version: '2', event: v.looseObject({ user_id: v.string() }) };
    const handlers = [
      createWebhookHandler({ secret: SECRET, schemas: [schema], onError: (e) => void reports.push(e), onInvalid: (e) => void invalid.push(e) }),
      createWebhookHandler({ secret: SECRET, schemas: [schema], validate: 'strict', onError: (e) => void reports.push(e) }),
      createWebhookHandler({ secret: SECRET, schemas: [schema], onError: (e) => void reports.push(e) }), // default onInvalid: console.warn
    ];
    // A secret of 10 characters (Twitch's minimum) is short enough for a JSON.parse message to quote whole.
    const short = 'k3y-0f-ten';
    const shortHandler = createWebhookHandler({ secret: short, onError: (e) => void reports.push(e) });
    await shortHandler(await signedRequest(short, { secret: short }));
    const leaky = { ...followEvent(SECRET), user_id: 42, secret: SECRET, note: `sha256=${SECRET}` };
    const headers = { 'X-Secret': SECRET, Authorization: `Bearer ${SECRET}` };
    const bodies: (string | object)[] = [
      `not json ${SECRET}`,
      `{"subscription": "${SECRET}"`,
      { subscription: { ...subscription(), id: 7, condition: { secret: SECRET } }, event: leaky },
      { subscription: { ...subscription(), cost: SECRET }, event: leaky },
      { subscription: subscription(), event: SECRET },
      { subscription: subscription(), event: leaky, challenge: SECRET },
      { subscription: { ...subscription(), type: SECRET, version: SECRET, cost: 'x' }, event: leaky },
    ];
    const sent: string[] = [];
    const requests: Request[] = [];
    for (const body of bodies) {
      for (const options of [
        {},
        { kind: SECRET, retry: SECRET as unknown as number },
        { kind: 'revocation' },
        { kind: 'webhook_callback_verification' },
        { signature: `sha256=${SECRET}` },
        { secret: `${SECRET}-not` },
        { id: SECRET },
      ] as SignOptions[]) {
        const request = await signedRequest(body, options);
        for (const [name, value] of Object.entries(headers)) request.headers.set(name, value);
        sent.push(request.headers.get('Twitch-Eventsub-Message-Signature')!);
        requests.push(request);
      }
    }
    const texts: string[] = [];
    for (const handle of handlers) {
      for (const request of requests) {
        const response = await handle(request.clone());
        texts.push(String(response.status), response.statusText, await response.text(), ...[...response.headers].flat());
      }
    }
    expect(reports.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
    for (const error of [...reports, ...invalid]) {
      const err = error as Error;
      texts.push(err.message, String(err), JSON.stringify(err), inspect(err), err.stack ?? '', JSON.stringify(Object.values(err)));
    }
    texts.push(...warn.mock.calls.flat().map(String));
    expect(warn).toHaveBeenCalled();
    const all = texts.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(short);
    for (const signature of new Set(sent)) expect(all).not.toContain(signature.slice('sha256='.length));
  });
  test('a report that would name a secret made of word characters is withheld, whole', async () => {
    // Reports name the subscription type and the keys a schema names (word characters only): a
    // secret such as these could turn up there, in a body only its holder could sign.
    const typed = 'channel.secret_0123456789';
    const keyed = 'word_secret_0123456789';
    const reports: unknown[] = [];
    const invalid: unknown[] = [];
    const schema = { type: 'channel.follow', version: '2', event: v.looseObject({ [keyed]: v.string() }) };
    const handle = createWebhookHandler({
      secret: [typed, keyed],
      schemas: [schema],
      onError: (e) => void reports.push(e),
      onInvalid: (e) => void invalid.push(e),
    });
    const send = (body: object) => signedRequest(body, { secret: keyed });
    // The type in the source of an envelope mismatch (reported) and of a routing failure (400).
    expect((await handle(await send({ subscription: { ...subscription(), type: typed, cost: 'free' }, event: followEvent() }))).status).toBe(204);
    expect((await handle(await send({ subscription: { ...subscription(), type: typed, id: 7 }, event: followEvent() }))).status).toBe(400);
    // A key the schema names, in an issue's path.
    expect((await handle(await send({ subscription: subscription(), event: followEvent() }))).status).toBe(204);
    expect([reports.length, invalid.length]).toEqual([1, 2]);
    for (const error of [...reports, ...invalid]) {
      expect(error).toBeInstanceOf(ValidationError);
      const err = error as ValidationError;
      const text = [err.message, String(err), JSON.stringify(err), inspect(err)].join('\n');
      expect(text).not.toContain(typed);
      expect(text).not.toContain(keyed);
      expect(err.body).toBeDefined(); // what arrived still travels with the report
    }
  });
});

describe('numbers from headers and options are range-checked', () => {
  test('Twitch-Eventsub-Message-Retry is a plain count, else 0', async () => {
    const { handle, messages } = setup();
    const values = ['3', '0', '-1', '1e400', '0x10', '2.5', ' ', 'NaN', 'Infinity', '9'.repeat(30)];
    for (const retry of values) {
      const request = await signedRequest(followNotification());
      request.headers.set('Twitch-Eventsub-Message-Retry', retry);
      expect((await handle(request)).status).toBe(204);
    }
    expect(messages.map((message) => message.retry)).toEqual([3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  test.each([
    ['maxAgeSeconds', [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 86_401, '600']],
    ['maxBodyBytes', [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 64 * MIB + 1]],
    ['seenTtlSeconds', [Number.NaN, Number.POSITIVE_INFINITY, 7 * 86_400 + 1, -1]],
  ] as const)('createWebhookHandler refuses %s out of range with an InputError naming it and its range', (name, values) => {
    for (const value of values) {
      expect(() => createWebhookHandler({ secret: SECRET, [name]: value }), String(value)).toThrow(
        expect.objectContaining({ name: 'InputError', param: name, message: expect.stringMatching(/must be a number from \d+ to \d+/) }),
      );
    }
  });

  test('verifyEventSubRequest refuses options out of range with an InputError', async () => {
    const request = await signedRequest(followNotification());
    for (const options of [{ maxAgeSeconds: Number.POSITIVE_INFINITY }, { maxAgeSeconds: 0 }, { maxBodyBytes: -1 }, { maxBodyBytes: Number.NaN }]) {
      await expect(verifyEventSubRequest(request, SECRET, options)).rejects.toBeInstanceOf(InputError);
    }
  });

  test('memorySeen refuses max and windowSeconds out of range', () => {
    for (const options of [{ max: 0 }, { max: Number.NaN }, { windowSeconds: -1 }, { windowSeconds: Number.POSITIVE_INFINITY }]) {
      expect(() => memorySeen(options), JSON.stringify(options)).toThrow(InputError);
    }
  });
});
