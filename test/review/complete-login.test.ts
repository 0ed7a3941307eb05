import { expect, test } from 'vitest';
import { completeLogin } from '../../src/auth/redirect.ts';

// Every OAuth answer carries access_token, code, id_token or error; `state` alone is an app's own
// query parameter (a filter, a UI state). An app that calls completeLogin on every load must keep it.
test('a page whose only "answer-like" field is its own ?state= is left alone', () => {
  const entries = ['https://app.example/issues?state=open#/list'];
  const history = {
    state: null,
    replaceState: (_: unknown, __: string, url?: string | URL | null) => void entries.splice(0, 1, String(url)),
  };
  const storage = { getItem: () => null, setItem: () => {}, removeItem: () => {} };
  expect(completeLogin({ url: entries[0], storage, history })).toBeUndefined();
  expect(entries).toEqual(['https://app.example/issues?state=open#/list']);
});
