import { afterEach, expect, test, vi } from 'vitest';
import { createClient } from '../src/index.ts';
import { getUsers } from '../src/helix/users.ts';
import { fetchStub, json } from './fetch-stub.ts';

afterEach(() => void vi.useRealTimers());

// A browser cannot read Helix's Date header (CORS), so a local clock an hour slow (a wrong time
// zone) makes Twitch's reset look an hour away. Failing fast is the rule; locking the token out
// for that hour, without ever asking Twitch again, is not: Twitch refills within a minute.
test('a reset that looked too far off does not refuse calls for longer than the cap', async () => {
  vi.useFakeTimers({ now: new Date('2026-11-23T12:00:00Z') });
  const reset = String(Math.floor(Date.now() / 1000) + 3600);
  const stub = fetchStub(() => json({ data: [] }, { headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': reset } }));
  const client = createClient({ clientId: 'c', auth: 'token', fetch: stub.fetch });
  await getUsers(client, { id: '1' });
  await vi.advanceTimersByTimeAsync(5 * 60_000);
  await expect(getUsers(client, { id: '2' })).resolves.toEqual({ data: [] });
  expect(stub.requests).toHaveLength(2);
});
