import { describe, expect, expectTypeOf, test } from 'vitest';
import type { LoginResultFor } from '../../src/auth/authorize.ts';
import type { UserTokenInput } from '../../src/auth/token-manager.ts';
import { AuthError, StateMismatchError } from '../../src/auth/errors.ts';
import { completeLogin, loginWithRedirect } from '../../src/auth/redirect.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();
const REDIRECT = 'https://app.example/callback?tab=home';

function browser() {
  const items = new Map<string, string>();
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
    removeItem: (key: string) => void items.delete(key),
  };
  const entries: string[] = [];
  const history = {
    state: { app: 1 },
    replaceState(_state: unknown, _title: string, url?: string | URL | null) {
      entries.splice(entries.length - 1, 1, String(url));
    },
  };
  let assigned = '';
  const location = { assign: (url: string | URL) => void (assigned = String(url)) };
  return { items, storage, history, entries, location, assigned: () => assigned };
}

/** Sends the browser to the fake authorize page and returns where it lands. */
async function visit(url: string) {
  return (await fetch(url, { redirect: 'manual' })).headers.get('Location')!;
}

describe('loginWithRedirect + completeLogin', () => {
  test('a round trip yields the token and wipes it from the address and history', async () => {
    const b = browser();
    loginWithRedirect({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: ['user:read:chat'], storage: b.storage, location: b.location });
    const landed = await visit(b.assigned());
    b.entries.push(landed);
    const result = completeLogin({ url: landed, storage: b.storage, history: b.history });
    expect(result?.access_token).toBeTruthy();
    expect(result?.scope).toEqual(['user:read:chat']);
    expect(b.entries).toEqual(['https://app.example/callback?tab=home']);
    expect(b.entries.join()).not.toContain(result!.access_token!);
    expect(b.items.size).toBe(0); // the pending state is used once
  });

  test('an answer this tab did not ask for is refused, and still wiped', async () => {
    const b = browser();
    const landed = `https://app.example/callback#access_token=stolen-token-123&state=forged&scope=`;
    b.entries.push(landed);
    expect(() => completeLogin({ url: landed, storage: b.storage, history: b.history })).toThrow(StateMismatchError);
    expect(b.entries).toEqual(['https://app.example/callback']);
  });

  test('an error redirect is wiped and surfaces as an AuthError', async () => {
    const b = browser();
    fake.oauth.denyWith = 'access_denied';
    loginWithRedirect({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: [], storage: b.storage, location: b.location });
    const landed = await visit(b.assigned());
    b.entries.push(landed);
    const error = (() => {
      try {
        completeLogin({ url: landed, storage: b.storage, history: b.history });
      } catch (caught) {
        return caught as AuthError;
      }
    })();
    expect(error).toBeInstanceOf(AuthError);
    expect(error?.error).toBe('access_denied');
    expect(b.entries).toEqual(['https://app.example/callback?tab=home']);
  });

  test('a page reached without a login answer is left alone', () => {
    const b = browser();
    b.entries.push('https://app.example/callback?tab=home#section');
    expect(completeLogin({ url: b.entries[0], storage: b.storage, history: b.history })).toBeUndefined();
    expect(b.entries).toEqual(['https://app.example/callback?tab=home#section']);
  });

  test('a page whose only answer-like field is its own ?state= is left alone', () => {
    // Every OAuth answer carries access_token, code, id_token or error; `state` alone is the app's
    // own parameter (a filter, a UI state), and an app that calls completeLogin on every load keeps it.
    const b = browser();
    b.entries.push('https://app.example/issues?state=open#/list');
    expect(completeLogin({ url: b.entries[0], storage: b.storage, history: b.history })).toBeUndefined();
    expect(b.entries).toEqual(['https://app.example/issues?state=open#/list']);
  });

  test('the code flow returns a code, and a mismatched responseType is refused', async () => {
    const b = browser();
    loginWithRedirect({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: [], responseType: 'code', storage: b.storage, location: b.location });
    const landed = await visit(b.assigned());
    const again = browser();
    for (const [key, value] of b.items) again.items.set(key, value);
    const result = completeLogin({ url: landed, storage: b.storage, history: b.history, responseType: 'code' });
    expect(result?.code).toMatch(/^[a-z0-9]{30}$/);
    expect(() => completeLogin({ url: landed, storage: again.storage, history: again.history })).toThrow(/pass the same responseType/);
  });

  test('types: an implicit login result is what addUser takes; a code result has a code', () => {
    expectTypeOf<LoginResultFor<'token'>>().toExtend<UserTokenInput>();
    expectTypeOf<LoginResultFor<'token'>['access_token']>().toEqualTypeOf<string>();
    expectTypeOf<LoginResultFor<'code'>['code']>().toEqualTypeOf<string>();
    expectTypeOf<ReturnType<typeof completeLogin<'token id_token'>>>().toEqualTypeOf<LoginResultFor<'token id_token'> | undefined>();
  });
});

describe('completeLogin leaves the app\'s own address alone', () => {
  /** A login started here, and the `state` it sent to Twitch. */
  function started(responseType: 'token' | 'code' = 'token') {
    const b = browser();
    loginWithRedirect({ clientId: fake.state.clientId, redirectUri: REDIRECT, scopes: ['user:read:chat'], responseType, storage: b.storage, location: b.location });
    return { b, state: new URL(b.assigned()).searchParams.get('state')! };
  }

  const token = 'tok0123456789abcdef';
  const answer = (state: string) => `access_token=${token}&scope=user%3Aread%3Achat&state=${state}&token_type=bearer`;

  test.each([
    ['a hash-router route before the answer', (s: string) => `https://app.example/cb#/settings?tab=1&${answer(s)}`, 'https://app.example/cb#/settings?tab=1'],
    ['a route whose query is only the answer', (s: string) => `https://app.example/cb#/callback?${answer(s)}`, 'https://app.example/cb#/callback'],
    ['state first, then a route', (s: string) => `https://app.example/cb#state=${s}&/inbox&access_token=${token}`, 'https://app.example/cb#/inbox'],
    ['a hashbang route', (s: string) => `https://app.example/cb?tab=home#!/inbox&${answer(s)}`, 'https://app.example/cb?tab=home#!/inbox'],
    ['nothing but the answer', (s: string) => `https://app.example/cb?tab=home#${answer(s)}`, 'https://app.example/cb?tab=home'],
    [
      'encoded characters in path, query and fragment',
      (s: string) => `https://app.example/caf%C3%A9/cb?q=a%20b%2Fc&x=%E2%9C%93#note=caf%C3%A9+ok&${answer(s)}&t=%23x%26y`,
      'https://app.example/caf%C3%A9/cb?q=a%20b%2Fc&x=%E2%9C%93#note=caf%C3%A9+ok&t=%23x%26y',
    ],
    ['an encoded field name of the answer', (s: string) => `https://app.example/cb#/a?b=1&access%5Ftoken=${token}&state=${s}`, 'https://app.example/cb#/a?b=1'],
  ])('implicit flow, %s', (_, landing, expected) => {
    const { b, state } = started();
    const landed = landing(state);
    b.entries.push(landed);
    const result = completeLogin({ url: landed, storage: b.storage, history: b.history });
    expect(result?.access_token).toBe(token);
    expect(b.entries).toEqual([expected]);
  });

  test.each([
    ['an empty fragment (# alone)', (s: string) => `https://app.example/cb?tab=home&code=c0de&scope=&state=${s}#`, 'https://app.example/cb?tab=home#'],
    ['a hash route', (s: string) => `https://app.example/cb?code=c0de&state=${s}#/settings?state=mine&tab=1`, 'https://app.example/cb#/settings?state=mine&tab=1'],
    ['an encoded query', (s: string) => `https://app.example/cb?q=%2F%3F%26&code=c0de&state=${s}&z=1+2`, 'https://app.example/cb?q=%2F%3F%26&z=1+2'],
  ])('code flow, %s', (_, landing, expected) => {
    const { b, state } = started('code');
    const landed = landing(state);
    b.entries.push(landed);
    expect(completeLogin({ url: landed, storage: b.storage, history: b.history, responseType: 'code' })?.code).toBe('c0de');
    expect(b.entries).toEqual([expected]);
  });
});
