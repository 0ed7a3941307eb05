import { describe, expect, it } from 'vitest';
import type { EndpointMeta } from '../../src/endpoint.ts';
import * as helix from '../../src/helix/index.ts';
import operations from './operations.json' with { type: 'json' };

// operations.json is a plain reading of Twitch's reference (scripts/list-operations.ts). Where the
// generator knowingly differs, the difference is written here with its reason, so any other
// disagreement fails.
const DELIBERATE: Record<string, Partial<Pick<EndpointMeta, 'tokens' | 'scopes'>> & { why: string }> = {
  'send-chat-message': {
    scopes: [['user:write:chat']],
    why: 'moderator:manage:chat_messages is needed only with `pin`; it cannot replace user:write:chat',
  },
  'create-eventsub-subscription': { scopes: [], why: 'the scope depends on the subscription type' },
  'get-channel-followers': { scopes: [], why: 'Twitch answers without the scope (total only)' },
  'update-user-extensions': {
    scopes: [['user:edit:broadcast', 'channel:manage:extensions']],
    why: 'the scopes page lists channel:manage:extensions for it too',
  },
  'get-guest-star-session': { tokens: ['user'], why: 'its Authorization text names no token type' },
};

// user:bot and channel:bot are grants users give an app so its app token may act in chat for
// them. A user token never needs them, so the generator keeps them out of every scope group.
const APP_GRANTS = ['user:bot', 'channel:bot'];
const withoutGrants = (groups: readonly (readonly string[])[]) =>
  groups.map((group) => group.filter((scope) => !APP_GRANTS.includes(scope))).filter((group) => group.length > 0);

const camel = (id: string) =>
  id.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()).replace(/Eventsub/g, 'EventSub');
const sorted = (values: readonly string[]) => [...values].sort();
const sortedGroups = (groups: readonly (readonly string[])[]) => groups.map(sorted);

const functions = helix as unknown as Record<string, { endpoint?: EndpointMeta }>;

describe('Helix coverage', () => {
  it('exports one endpoint function per operation in the reference, and nothing else', () => {
    expect(operations).toHaveLength(149);
    const exported = Object.keys(functions).sort();
    expect(exported).toEqual(operations.map((op) => camel(op.operationId)).sort());
    for (const name of exported) expect(typeof functions[name]).toBe('function');
  });

  for (const op of operations) {
    it(`${camel(op.operationId)} matches ${op.method} ${op.path}`, () => {
      const meta = functions[camel(op.operationId)]?.endpoint;
      expect(meta, `no function for ${op.operationId}`).toBeDefined();
      const deliberate = DELIBERATE[op.operationId] ?? { why: '' };
      expect({
        id: meta!.id,
        method: meta!.method,
        path: `/${meta!.path}`,
        query: meta!.query,
        body: meta!.body,
        tokens: sorted(meta!.tokens),
        scopes: sortedGroups(meta!.scopes),
        paginated: meta!.paginated,
      }).toEqual({
        id: op.operationId,
        method: op.method,
        path: op.path,
        query: op.query,
        body: op.body,
        tokens: sorted(deliberate.tokens ?? (op.tokens as EndpointMeta['tokens'])),
        scopes: sortedGroups(deliberate.scopes ?? withoutGrants(op.scopes)),
        paginated: op.paginated,
      });
    });
  }

  it('lists only deliberate differences that are still needed', () => {
    // A stale entry would hide nothing today but could mask a regression later.
    for (const [id, deliberate] of Object.entries(DELIBERATE)) {
      const op = operations.find((candidate) => candidate.operationId === id)!;
      const differs =
        (deliberate.tokens && JSON.stringify(sorted(deliberate.tokens)) !== JSON.stringify(sorted(op.tokens))) ||
        (deliberate.scopes &&
          JSON.stringify(sortedGroups(deliberate.scopes)) !== JSON.stringify(sortedGroups(withoutGrants(op.scopes))));
      expect(differs, `${id}: ${deliberate.why}`).toBe(true);
    }
  });

  it('keeps app grants out of scope groups, for the operations whose reference lists them', () => {
    const listing = operations.filter((op) => op.scopes.flat().some((scope) => APP_GRANTS.includes(scope)));
    expect(listing.map((op) => op.operationId)).toContain('pin-chat-message');
    for (const op of listing) {
      const meta = functions[camel(op.operationId)]!.endpoint!;
      expect(meta.scopes.flat().filter((scope) => APP_GRANTS.includes(scope)), op.operationId).toEqual([]);
      expect(meta.tokens, op.operationId).toContain('app');
    }
  });

  it('carries a response schema for every JSON answer and none for empty ones', () => {
    const meta = (name: string) => functions[name]!.endpoint as EndpointMeta & { response?: unknown; text?: true };
    expect(meta('getUsers').response).toBeDefined();
    expect(meta('deleteVideos').response).toBeDefined();
    expect(meta('banUser').response).toBeDefined();
    expect(meta('sendWhisper').response).toBeUndefined();
    expect(meta('getChannelIcalendar')).toMatchObject({ text: true });
    expect(meta('getChannelIcalendar').response).toBeUndefined();
  });
});
