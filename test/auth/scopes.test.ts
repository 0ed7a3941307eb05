import { expect, test } from 'vitest';
import { authorizeUrl } from '../../src/auth/authorize.ts';
import { scopes, type Scope } from '../../src/auth/scopes.ts';
import { ALL_SCOPES } from '../../src/testing/state.ts';

test('the generated scope list holds every documented scope once', () => {
  expect(scopes).toHaveLength(81);
  expect(new Set(scopes).size).toBe(scopes.length);
  // The fake Twitch keeps its own hand-written list; the two must agree.
  expect([...scopes].sort()).toEqual([...ALL_SCOPES].sort());
});

test('Scope catches a typo at compile time', () => {
  const good: Scope = 'moderator:manage:banned_users';
  // @ts-expect-error a misspelt scope is not a Scope
  const typo: Scope = 'moderator:manage:baned_users';
  // @ts-expect-error nor in a scope list
  authorizeUrl({ clientId: 'c', redirectUri: 'https://a.example/', scopes: ['chat:raed'], state: 's' });
  expect([good, typo]).toHaveLength(2);
});
