import { describe, expect, test } from 'vitest';
import { createClient } from '../../src/client.ts';
import { memoryStore, webStorage, type WebStorageLike } from '../../src/auth/stores.ts';
import { createTokenManager } from '../../src/auth/token-manager.ts';
import { getUsers } from '../../src/helix/users.ts';
import { issueToken } from '../../src/testing/state.ts';
import { useFakeTwitch } from './harness.ts';

const fake = useFakeTwitch();

/** A Storage stand-in with the Web Storage methods a store uses. */
class FakeStorage implements WebStorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, String(value));
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** Shaped like a Workers KV namespace: async, `put` rather than `set`, `null` when absent. */
function kvNamespace() {
  const data = new Map<string, string>();
  return {
    data,
    get: async (key: string) => data.get(key) ?? null,
    put: async (key: string, value: string) => void data.set(key, value),
    delete: async (key: string) => void data.delete(key),
  };
}

const mint = () => ({
  access_token: issueToken(fake.state, { type: 'user', userId: fake.state.ids.viewer, scopes: ['user:read:chat'], refreshToken: 'r-1' }),
  refresh_token: 'r-1',
});

describe('stores', () => {
  test('memoryStore keeps, replaces and forgets strings', () => {
    const store = memoryStore();
    expect(store.get('a')).toBeUndefined();
    store.set('a', '1');
    store.set('a', '2');
    expect(store.get('a')).toBe('2');
    store.delete('a');
    expect(store.get('a')).toBeUndefined();
  });

  test('webStorage prefixes its keys so the page\'s own stay untouched', () => {
    const storage = new FakeStorage();
    storage.setItem('user:1', 'page data');
    const store = webStorage(storage);
    store.set('user:1', 'token data');
    expect(storage.getItem('helixkit:user:1')).toBe('token data');
    expect(storage.getItem('user:1')).toBe('page data');
    expect(store.get('user:1')).toBe('token data');
    store.delete('user:1');
    expect(storage.items.has('helixkit:user:1')).toBe(false);
    expect(webStorage(storage, 'app1/').get('x')).toBeNull();
  });

  test('a token manager over webStorage survives a reload', async () => {
    const storage = new FakeStorage();
    const before = createTokenManager({ clientId: fake.state.clientId, store: webStorage(storage) });
    const { id } = await before.addUser(mint());
    const after = createTokenManager({ clientId: fake.state.clientId, store: webStorage(storage) });
    expect((await after.users()).map((user) => user.id)).toEqual([id]);
    await after.removeUser(id);
    expect([...storage.items.keys()].filter((key) => key.startsWith('helixkit:user:'))).toEqual([]);
  });

  test('a KV-like async store with put() works as the token manager\'s store', async () => {
    const kv = kvNamespace();
    const manager = createTokenManager({ clientId: fake.state.clientId, store: kv });
    const { id } = await manager.addUser(mint());
    expect(JSON.parse(kv.data.get(`user:${id}`)!).refresh_token).toBe('r-1');
    const worker = createTokenManager({ clientId: fake.state.clientId, store: kv });
    const client = createClient({ clientId: fake.state.clientId, auth: worker });
    expect((await getUsers(client)).data[0]?.login).toBe('fakeviewer');
  });
});
