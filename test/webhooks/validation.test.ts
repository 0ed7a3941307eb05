// Validation modes of the webhook handler: like the socket, a mismatch never costs an event by
// default ('report'), 'strict' refuses it without making Twitch retry, and a body without what
// routing needs is refused in every mode.
import { afterEach, describe, expect, test, vi } from 'vitest';
import * as v from 'valibot';
import { createWebhookHandler, type WebhookHandlerOptions } from '../../src/webhooks.ts';
import { ValidationError } from '../../src/errors.ts';
import { SECRET, followEvent, followNotification, signedRequest, subscription } from './sign.ts';

const followSchema = { type: 'channel.follow', version: '2', event: v.looseObject({ user_id: v.string(), followed_at: v.string() }) };
/** A follow whose event breaks the schema: user_id is a number. */
const badEvent = () => ({ subscription: subscription(), event: { ...followEvent('odd'), user_id: 42 } });
/** A follow whose envelope breaks the shape: cost is a string. */
const badEnvelope = () => ({ subscription: { ...subscription(), cost: 'free' }, event: followEvent('odd') });

function setup(extra: Partial<WebhookHandlerOptions> = {}) {
  const follows: unknown[] = [];
  const revoked: string[] = [];
  const invalid: ValidationError[] = [];
  const errors: unknown[] = [];
  const handle = createWebhookHandler({
    secret: SECRET,
    schemas: [followSchema],
    on: { 'channel.follow': (event) => void follows.push(event) },
    onRevocation: (message) => void revoked.push(message.subscription.status),
    onInvalid: (error) => void invalid.push(error),
    onError: (error) => void errors.push(error),
    ...extra,
  });
  return { handle, follows, revoked, invalid, errors };
}

afterEach(() => void vi.restoreAllMocks());

describe("validate: 'report' (the default)", () => {
  test('dispatches an event that breaks its schema as received and reports it to onInvalid with the body', async () => {
    const { handle, follows, invalid, errors } = setup();
    const response = await handle(await signedRequest(badEvent()));
    expect(response.status).toBe(204);
    expect(follows).toEqual([badEvent().event]);
    expect(invalid).toHaveLength(1);
    const [error] = invalid;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error!.issues).toEqual([expect.objectContaining({ path: 'event.user_id', expected: 'string', received: 'number' })]);
    expect(error!.source).toContain('channel.follow v2');
    // The raw message travels with the report, off the enumerable fields (so out of logs and JSON).
    expect(error!.body).toEqual(badEvent());
    expect(Object.keys(error!)).not.toContain('body');
    expect(errors).toEqual([]);
  });

  test('dispatches a notification whose envelope mismatches, without schemas too', async () => {
    const { handle, follows, invalid } = setup({ schemas: undefined });
    expect((await handle(await signedRequest(badEnvelope()))).status).toBe(204);
    expect(follows).toHaveLength(1);
    expect(invalid.map((error) => error.path)).toEqual(['subscription.cost']);
  });

  test('dispatches a revocation whose envelope mismatches and reports it', async () => {
    const { handle, revoked, invalid } = setup();
    const body = { subscription: { ...subscription('channel.follow', 'authorization_revoked'), cost: 'free' } };
    expect((await handle(await signedRequest(body, { kind: 'revocation' }))).status).toBe(204);
    expect(revoked).toEqual(['authorization_revoked']);
    expect(invalid).toHaveLength(1);
  });

  test('reports once per dispatched message: a redelivery is neither dispatched nor reported again', async () => {
    const { handle, follows, invalid } = setup();
    await handle(await signedRequest(badEvent(), { id: 'odd-1' }));
    expect((await handle(await signedRequest(badEvent(), { id: 'odd-1', retry: 1 }))).status).toBe(204);
    expect(follows).toHaveLength(1);
    expect(invalid).toHaveLength(1);
  });

  test('the default onInvalid warns once per type and path, naming no value', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const handle = createWebhookHandler({ secret: SECRET, schemas: [followSchema], on: { 'channel.follow': () => {} } });
    for (let i = 0; i < 3; i++) expect((await handle(await signedRequest(badEvent()))).status).toBe(204);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/event\.user_id: expected string, received number/);
    expect(String(warn.mock.calls[0]![0])).not.toContain('42');
  });

  test('a throwing onInvalid costs nothing: the event is still dispatched', async () => {
    const { handle, follows } = setup({ onInvalid: () => { throw new Error('reporter down'); } });
    expect((await handle(await signedRequest(badEvent()))).status).toBe(204);
    expect(follows).toHaveLength(1);
  });
});

describe.each([['strict' as const], [true as const]])('validate: %s', (mode) => {
  test('does not dispatch a mismatch, hands its ValidationError to onError, and answers 204 so Twitch does not retry', async () => {
    const { handle, follows, invalid, errors } = setup({ validate: mode });
    expect((await handle(await signedRequest(badEvent(), { id: 'strict-1' }))).status).toBe(204);
    expect((await handle(await signedRequest(badEnvelope()))).status).toBe(204);
    expect(follows).toEqual([]);
    expect(invalid).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ValidationError);
    expect((errors[0] as ValidationError).path).toBe('event.user_id');
    expect((errors[0] as ValidationError).body).toEqual(badEvent());
    // The id is remembered: a redelivery of the same body is acknowledged, not reported again.
    expect((await handle(await signedRequest(badEvent(), { id: 'strict-1', retry: 1 }))).status).toBe(204);
    expect(errors).toHaveLength(2);
  });

  test('dispatches what fits', async () => {
    const { handle, follows, errors } = setup({ validate: mode });
    expect((await handle(await signedRequest(followNotification('fine')))).status).toBe(204);
    expect(follows).toEqual([followEvent('fine')]);
    expect(errors).toEqual([]);
  });

  test("a revocation or challenge of a type with a schema carries no event, and none is asked of it", async () => {
    const { handle, revoked, errors } = setup({ validate: mode });
    const revocation = { subscription: subscription('channel.follow', 'authorization_revoked') };
    expect((await handle(await signedRequest(revocation, { kind: 'revocation' }))).status).toBe(204);
    expect(revoked).toEqual(['authorization_revoked']);
    const challenge = { challenge: 'chal-2', subscription: subscription('channel.follow', 'webhook_callback_verification_pending') };
    expect((await handle(await signedRequest(challenge, { kind: 'webhook_callback_verification' }))).status).toBe(200);
    expect(errors).toEqual([]);
  });

  test('still answers a challenge whose envelope mismatches (nothing is delivered), reporting it', async () => {
    const { handle, errors } = setup({ validate: mode });
    const body = { challenge: 'chal-1', subscription: { ...subscription('channel.follow', 'webhook_callback_verification_pending'), cost: 'free' } };
    const response = await handle(await signedRequest(body, { kind: 'webhook_callback_verification' }));
    expect([response.status, await response.text()]).toEqual([200, 'chal-1']);
    expect(errors).toHaveLength(1);
  });
});

describe('validate: false', () => {
  test('dispatches mismatches without reporting them, schemas or not', async () => {
    const { handle, follows, invalid, errors } = setup({ validate: false });
    expect((await handle(await signedRequest(badEvent()))).status).toBe(204);
    expect((await handle(await signedRequest(badEnvelope()))).status).toBe(204);
    expect(follows).toHaveLength(2);
    expect([invalid, errors]).toEqual([[], []]);
  });
});

describe.each([['report' as const], ['strict' as const], [false as const]])('what routing needs, validate: %s', (mode) => {
  test('a body without it is refused with 400 and reported to onError, never dispatched', async () => {
    const { handle, follows, invalid, errors } = setup({ validate: mode });
    const { type: _type, ...untyped } = subscription();
    const bodies = [
      { event: followEvent() }, // no subscription
      { subscription: untyped, event: followEvent() }, // no subscription type
      { subscription: { ...subscription(), id: 7 }, event: followEvent() }, // subscription id not a string
      { subscription: subscription(), event: 'follow' }, // event not an object
      { subscription: subscription(), events: {} }, // events not a list
    ];
    for (const body of bodies) expect((await handle(await signedRequest(body))).status).toBe(400);
    expect(follows).toEqual([]);
    expect(invalid).toEqual([]);
    expect(errors).toHaveLength(bodies.length);
    for (const error of errors) expect(error).toBeInstanceOf(ValidationError);
  });
});
