// parseEventSubFrame answers plain notifications on a fast path of property reads and everything
// else by walking the envelope's shapes: both must give the same answer in every mode, for every
// frame. A frame whose message_type reads 'nope' once and 'notification' after misses the fast
// path only, so each mutated frame is parsed both ways and the outcomes compared.
import { expect, it } from 'vitest';
import { parseEventSubFrame, type ParseOptions } from '../../src/eventsub/messages.js';
import { channelFollowV2 } from '../../src/eventsub/schemas.js';

const frame = () => ({
  metadata: { message_id: 'm', message_type: 'notification', message_timestamp: '2023-07-19T14:56:51.634234626Z', subscription_type: 'channel.follow', subscription_version: '2' },
  payload: {
    subscription: { id: 's', status: 'enabled', type: 'channel.follow', version: '2', condition: { a: '1' }, transport: { method: 'websocket', session_id: 'x' }, created_at: 'x', cost: 0 },
    event: { user_id: '1', user_login: 'a', user_name: 'A', broadcaster_user_id: '1', broadcaster_user_login: 'b', broadcaster_user_name: 'B', followed_at: 'x' },
  },
});
const values: unknown[] = [undefined, null, 'text', 0, true, [], [{}], {}, { user_id: 1 }];
const paths = [
  ...['metadata', 'payload', 'payload.subscription', 'payload.event', 'payload.events', 'payload.event.user_id', 'payload.__proto__'],
  ...['message_id', 'message_type', 'message_timestamp', 'subscription_type', 'subscription_version'].map((field) => `metadata.${field}`),
  ...['id', 'status', 'type', 'version', 'condition', 'transport', 'created_at', 'cost'].map((field) => `payload.subscription.${field}`),
];

/** Sets (or, for undefined, deletes) an own field at `path`; false when the path no longer leads to an object. */
function put(target: any, path: string, value: unknown): boolean {
  const keys = path.split('.');
  const last = keys.pop()!;
  for (const key of keys) if (typeof (target = target?.[key]) !== 'object' || target === null) return false;
  if (value === undefined) delete target[last];
  else Object.defineProperty(target, last, { value, enumerable: true, writable: true, configurable: true });
  return true;
}

function outcome(message: any, options: ParseOptions, slow: boolean): string {
  const metadata = message.metadata;
  if (slow && metadata?.message_type === 'notification') {
    let reads = 0;
    Object.defineProperty(metadata, 'message_type', { get: () => (reads++ ? 'notification' : 'nope'), enumerable: true });
  }
  const reports: string[] = [];
  try {
    parseEventSubFrame(message, { ...options, onInvalid: (error) => void reports.push(error.issues.map((issue) => issue.path).join()) });
    return `delivered ${reports.join('|')}`;
  } catch (error) {
    return `refused ${(error as { issues?: { path: string }[] }).issues?.map((issue) => issue.path).join() ?? error}`;
  }
}

it('the fast path and the walk agree on every mutated notification, in every mode, with and without an event schema', () => {
  const disagree: string[] = [];
  let count = 0;
  for (const validate of ['strict', 'report', false] as const)
    for (const schemas of [undefined, [channelFollowV2]])
      for (const first of [undefined, ...paths])
        for (const one of first ? values : [0])
          for (const second of [undefined, 'payload.events', 'payload.event.user_id', 'payload.subscription.status'])
            for (const two of second ? values : [0]) {
              const [fast, slow] = [frame(), frame()];
              if ([fast, slow].some((copy) => (first && !put(copy, first, one)) || (second && !put(copy, second, two)))) continue;
              count++;
              const [a, b] = [outcome(fast, { validate, schemas }, false), outcome(slow, { validate, schemas }, true)];
              if (a !== b) disagree.push(`${validate}${schemas ? ' + schema' : ''}, ${first} = ${String(one)}, ${second} = ${String(two)}: ${a} / ${b}`);
            }
  expect(count).toBeGreaterThan(20_000);
  expect(disagree).toEqual([]);
});
