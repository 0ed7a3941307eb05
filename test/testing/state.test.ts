import { describe, expect, it } from 'vitest';
import { addUser, createState, endStream, findToken, issueToken, revokeToken, setRateLimit, startStream, takeRateLimit } from '../../src/testing/state.js';

describe('createState', () => {
  it('builds the same world from the same seed', () => {
    const a = createState({ seed: 7 });
    const b = createState({ seed: 7 });
    expect(a.clientId).toBe(b.clientId);
    expect(a.userToken).toBe(b.userToken);
    expect([...a.users.keys()]).toEqual([...b.users.keys()]);
    expect(createState({ seed: 8 }).clientId).not.toBe(a.clientId);
  });

  it('seeds the broadcaster, moderator and viewer with a token that has every scope', () => {
    const state = createState();
    expect(state.users.get(state.ids.broadcaster)?.login).toBe('fakestreamer');
    expect(state.users.get(state.ids.moderator)?.login).toBe('fakemod');
    expect(state.users.get(state.ids.viewer)?.login).toBe('fakeviewer');
    const token = findToken(state, state.userToken);
    expect(token).toMatchObject({ type: 'user', userId: state.ids.broadcaster, clientId: state.clientId });
    expect(token?.scopes).toContain('channel:manage:polls');
    expect(findToken(state, state.appToken)).toMatchObject({ type: 'app' });
  });

  it('issues, expires and revokes tokens', () => {
    let now = 1_000_000;
    const state = createState({ now: () => now });
    const token = issueToken(state, { type: 'user', userId: state.ids.viewer, scopes: ['user:read:email'], expiresIn: 1000 });
    expect(findToken(state, token)?.scopes).toEqual(['user:read:email']);
    now += 1000;
    expect(findToken(state, token)).toBeUndefined();
    const other = issueToken(state, { type: 'app' });
    expect(revokeToken(state, other)).toBe(true);
    expect(findToken(state, other)).toBeUndefined();
  });

  it('counts requests per token and refuses once the bucket is empty until it resets', () => {
    let now = 0;
    const state = createState({ now: () => now });
    expect(takeRateLimit(state, 'a')).toMatchObject({ limit: 800, remaining: 799, allowed: true });
    setRateLimit(state, { remaining: 0, resetIn: 1000, token: 'a' });
    expect(takeRateLimit(state, 'a').allowed).toBe(false);
    expect(takeRateLimit(state, 'b').allowed).toBe(true);
    now += 1000;
    expect(takeRateLimit(state, 'a')).toMatchObject({ remaining: 799, allowed: true });
  });

  it('refills a bucket continuously, 800 points a minute, as Twitch does, and says when it is full', () => {
    let now = 0;
    const state = createState({ now: () => now });
    for (let i = 0; i < 800; i++) takeRateLimit(state, 'a');
    expect(takeRateLimit(state, 'a')).toMatchObject({ remaining: 0, resetAt: 60_000, allowed: false });
    // A point flows back every 75 ms.
    now = 74;
    expect(takeRateLimit(state, 'a').allowed).toBe(false);
    now = 75;
    expect(takeRateLimit(state, 'a')).toMatchObject({ remaining: 0, allowed: true });
    now = 30_075;
    expect(takeRateLimit(state, 'a')).toMatchObject({ remaining: 399, resetAt: 30_075 + 401 * 75, allowed: true });
    now = 120_000;
    expect(takeRateLimit(state, 'a')).toMatchObject({ remaining: 799, allowed: true });
  });

  it('adds users with a channel, and takes them live and offline', () => {
    const state = createState();
    const user = addUser(state, { login: 'newcomer', display_name: 'Newcomer' });
    expect(state.users.get(user.id)).toMatchObject({ login: 'newcomer', display_name: 'Newcomer' });
    expect(state.channels.get(user.id)).toMatchObject({ broadcaster_login: 'newcomer' });
    const stream = startStream(state, user.id, { viewer_count: 3 });
    expect(stream).toMatchObject({ user_login: 'newcomer', type: 'live', viewer_count: 3 });
    expect(endStream(state, user.id)).toBe(true);
    expect(state.streams.has(user.id)).toBe(false);
  });
});
