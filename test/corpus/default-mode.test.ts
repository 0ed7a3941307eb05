// "Validation never costs you data": in the default mode (validate: 'report') every response and
// notification of the evidence corpus, the excluded ones too (wrong at their source, so the ones a
// schema refuses), reaches the caller as it was sent; a body that strict mode refuses is reported
// exactly once per call or message, naming the paths strict mode names, with types and never a
// value, and a body strict mode takes is not reported at all.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.ts';
import type { EndpointSpec } from '../../src/endpoint.ts';
import { ValidationError } from '../../src/errors.ts';
import { parseEventSubMessage } from '../../src/eventsub/messages.ts';
import { subscriptionTypes } from '../../src/eventsub/schemas.ts';
import { typeInfo } from '../../src/eventsub/versions.ts';
import * as helix from '../../src/helix/index.ts';
import { harness, type Harness } from '../eventsub/socket.helpers.ts';
import { json } from '../fetch-stub.ts';
import { check, checkedBody, endpointsById, loadCorpus, type CorpusCase, type Library } from './check.ts';

type Endpoint = ((client: ReturnType<typeof createClient>, input?: Record<string, unknown>) => PromiseLike<unknown>) & { endpoint: EndpointSpec };

const corpus = loadCorpus();
const everything: CorpusCase[] = corpus.flatMap((file) => [...file.cases, ...file.excluded]);
const excludedIds = new Set(corpus.flatMap((file) => file.excluded).map((item) => item.id));
/** What strict mode refuses in a case, read from the schemas (test/corpus/check.ts), not the client. */
const library: Library = { helix, eventTypes: subscriptionTypes, parseEventSubMessage };
const strictEndpoints = endpointsById(library.helix);
const refusedPaths = (item: CorpusCase) => check(library, item, strictEndpoints).map((finding) => finding.path);
/** The distinct paths a report names, sorted as check.ts sorts its findings. */
const reportedPaths = (report: ValidationError) => [...new Set(report.issues.map((issue) => issue.path))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const endpoints = new Map(
  Object.values(helix as Record<string, unknown>)
    .filter((fn): fn is Endpoint => typeof fn === 'function' && 'endpoint' in fn)
    .map((fn) => [fn.endpoint.id, fn]),
);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The strings of a body a report must not repeat. The corpus replaced every source string that is
 * not Twitch's vocabulary (`live`, `channel.follow`, `ACTIVE`) with one of its own that holds a digit
 * or a space, so those are the values; vocabulary may well be a key of a path.
 */
function valuesOf(body: unknown, out: string[] = []): string[] {
  if (typeof body === 'string' && body.length >= 4 && !/^[A-Za-z_.:-]*$/.test(body)) out.push(body);
  else if (Array.isArray(body)) for (const item of body) valuesOf(item, out);
  else if (isObject(body)) for (const item of Object.values(body)) valuesOf(item, out);
  return out;
}

/** Each report names no value of the body: not in its message, its string form or its JSON. */
function expectNoValues(reports: ValidationError[], body: unknown, id: string): void {
  const values = valuesOf(body);
  for (const report of reports) {
    const shown = [report.message, String(report), JSON.stringify(report)].join('\n');
    expect(values.filter((value) => shown.includes(value)), id).toEqual([]);
  }
}

/** Input that passes the endpoint's own checks: each required field, and one of each one-of group. */
function inputFor(spec: EndpointSpec): Record<string, unknown> {
  const value = (key: string) => spec.range?.[key]?.[0] ?? '1';
  const input: Record<string, unknown> = {};
  for (const key of spec.required ?? []) input[key] = value(key);
  for (const group of spec.oneOf ?? []) if (!group.some((key) => key in input)) input[group[0]!] = value(group[0]!);
  return input;
}

const status = (item: CorpusCase) => Number(/\d{3}/.exec(item.what)?.[0] ?? 200);
const helixCases = everything.filter(
  (item) => item.kind === 'helix' && endpoints.get(item.target)?.endpoint.response && status(item) < 300,
);

describe('default mode: every Helix response of the corpus resolves as sent', () => {
  it('covers the excluded responses too, each one refused by strict mode', () => {
    const excluded = corpus.flatMap((file) => file.excluded).filter((item) => helixCases.includes(item));
    expect(excluded.length).toBeGreaterThan(20);
    expect(excluded.filter((item) => refusedPaths(item).length === 0).map((item) => item.id)).toEqual([]);
  });

  it.each(helixCases.map((item) => [item.id, item] as const))('%s', async (id, item) => {
    const body = checkedBody(item);
    const reports: ValidationError[] = [];
    const client = createClient({
      clientId: 'cid',
      auth: 'token',
      retry: { limit: 0 },
      fetch: (async () => json(body)) as typeof fetch,
      onInvalid: (error) => void reports.push(error),
    });
    const fn = endpoints.get(item.target)!;
    // A paginated call resolves to its first page's body; the others to the body.
    expect(await fn(client, inputFor(fn.endpoint)), id).toEqual(body);
    // Strict mode refuses the excluded cases (above) and takes the others (corpus.test.ts): one
    // report, naming what strict mode names, for each excluded case, and none for the others.
    expect(reports.length, id).toBe(excludedIds.has(id) ? 1 : 0);
    if (reports.length) expect(reportedPaths(reports[0]!), id).toEqual(refusedPaths(item));
    expectNoValues(reports, body, id);
  });
});

/** A webhook body around a bare event, so an event-only case is a notification too. */
function asNotification(item: CorpusCase): Record<string, unknown> {
  if (item.what !== 'event') return item.body as Record<string, unknown>;
  const [type, version] = item.target.split('@');
  return {
    subscription: { id: 'sub-1', status: 'enabled', type, version, condition: {}, transport: { method: 'webhook', callback: 'https://example.com/' }, created_at: '2024-01-01T00:00:00Z' },
    event: item.body,
  };
}

const notifications = everything.filter((item) => item.kind === 'eventsub' && item.target !== 'envelope' && /notification|event/.test(item.what));

/** The error strict mode throws for a notification (its event against the schemas), if any. */
function strictRefusal(body: unknown): ValidationError | undefined {
  try {
    parseEventSubMessage(structuredClone(body), { validate: 'strict', schemas: subscriptionTypes });
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
}

describe('default mode: every EventSub notification of the corpus is returned as sent', () => {
  it('covers notifications strict mode refuses', () => {
    expect(notifications.filter((item) => strictRefusal(asNotification(item))).length).toBeGreaterThan(10);
  });

  it.each(notifications.map((item) => [item.id, item] as const))('%s', (id, item) => {
    const body = asNotification(item);
    const reports: ValidationError[] = [];
    const message = parseEventSubMessage(structuredClone(body), { validate: 'report', schemas: subscriptionTypes, onInvalid: (error) => void reports.push(error) });
    expect(message, id).toEqual(body);
    // One report, naming what strict mode names, when strict mode refuses it; none otherwise.
    const refusal = strictRefusal(body);
    expect(reports.length, id).toBe(refusal ? 1 : 0);
    if (refusal) expect(reportedPaths(reports[0]!), id).toEqual(reportedPaths(refusal));
    expectNoValues(reports, body, id);
  });
});

describe('default mode: an EventSubSocket with schemas hands every kind of corpus event to its handler', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.stop());

  /** One notification per (type, version) a WebSocket can carry: an excluded one where there is one. */
  const samples = new Map<string, { type: string; version: string; condition: unknown; event: Record<string, unknown> }>();
  for (const item of [...corpus.flatMap((file) => file.excluded), ...corpus.flatMap((file) => file.cases)]) {
    if (!notifications.includes(item) || samples.has(item.target)) continue;
    const body = asNotification(item);
    const frame = (isObject(body.payload) ? body.payload : body) as { subscription: { type: string; version: string; condition: unknown }; event?: unknown };
    const { type, version, condition } = frame.subscription;
    const info = typeInfo(type);
    if (!info || info.webhookOnly || !isObject(frame.event)) continue;
    samples.set(item.target, { type, version, condition, event: frame.event });
  }

  it(`delivers ${samples.size} samples, one per (type, version), each reported once when strict mode refuses it`, async () => {
    // Every (type, version) a WebSocket carries and the corpus shows, deprecated versions too.
    const carried = Object.keys(subscriptionTypes).filter((key) => !typeInfo(key.split('@')[0]!)!.webhookOnly);
    const shown = new Set(notifications.map((item) => item.target));
    expect(carried.filter((key) => shown.has(key) && !samples.has(key))).toEqual([]);
    const reports: ValidationError[] = [];
    const socket = h.socket({ schemas: subscriptionTypes, onInvalid: (error) => void reports.push(error) });
    const received = new Map<string, unknown[]>();
    for (const { type } of samples.values()) {
      if (received.has(type)) continue;
      received.set(type, []);
      socket.on(type as 'channel.follow', (event) => void received.get(type)!.push(event));
    }
    const connecting = socket.connect();
    await h.tick(10);
    const session = await connecting;
    for (const [key, { type, version, condition }] of samples) {
      h.state.eventSubSubscriptions.set(key, {
        id: key,
        status: 'enabled',
        type,
        version,
        condition: condition as Record<string, string>,
        created_at: '2024-01-01T00:00:00Z',
        transport: { method: 'websocket', session_id: session.id },
        cost: 0,
        client_id: h.state.clientId,
      });
    }
    let refused = 0;
    for (const [key, { type, version, condition, event }] of samples) {
      const before = reports.length;
      expect(h.fake.emit(type, structuredClone(event), { version, subscriptionId: key }), key).toHaveLength(1);
      await h.tick(1);
      expect(received.get(type), key).toContainEqual(event);
      const refusal = strictRefusal({ subscription: { id: key, status: 'enabled', type, version, condition, transport: { method: 'websocket', session_id: session.id }, created_at: '2024-01-01T00:00:00Z' }, event });
      expect(reports.length - before, key).toBe(refusal ? 1 : 0);
      if (refusal) expect(reportedPaths(reports[before]!).map((path) => path.replace(/^payload\./, '')), key).toEqual(reportedPaths(refusal));
      expectNoValues(reports.slice(before), event, key);
      if (refusal) refused++;
    }
    // Twitch's wrong-at-source payloads among the samples are what gets reported.
    expect(refused).toBeGreaterThan(0);
  });
});
