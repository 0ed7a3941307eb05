// loginWithPopup's failure paths with a stand-in window (the happy path runs in Chromium, in
// popup.browser.test.ts): blocked, timed out, aborted, forged state, and messages to ignore.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { PopupError, StateMismatchError } from '../../src/auth/errors.ts';
import { loginWithPopup } from '../../src/auth/popup.ts';

const ORIGIN = 'https://app.example';
const REDIRECT = `${ORIGIN}/callback`;

/** A window whose popup sits at Twitch (cross-origin) until a test moves it. */
function fakeWindow(options: { blocked?: boolean } = {}) {
  const listeners = new Set<(event: MessageEvent) => void>();
  const popup = {
    closed: false,
    href: 'https://id.twitch.tv/oauth2/authorize',
    get location() {
      if (!popup.href.startsWith(ORIGIN)) throw new DOMException('cross-origin', 'SecurityError');
      return { href: popup.href };
    },
    close: vi.fn(() => void (popup.closed = true)),
  };
  const opened: string[] = [];
  const win = {
    location: { href: `${ORIGIN}/` },
    open: (url: string) => {
      opened.push(url);
      return options.blocked ? null : popup;
    },
    addEventListener: (_type: string, listener: (event: MessageEvent) => void) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: MessageEvent) => void) => void listeners.delete(listener),
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (id: ReturnType<typeof setInterval>) => clearInterval(id),
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (id: ReturnType<typeof setTimeout>) => clearTimeout(id),
  };
  const post = (data: unknown, origin = ORIGIN, source: unknown = popup) => {
    for (const listener of [...listeners]) listener({ data, origin, source } as MessageEvent);
  };
  return { window: win as unknown as Window, popup, opened, post, listeners };
}

const stateOf = (url: string) => new URL(url).searchParams.get('state')!;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('loginWithPopup', () => {
  test('a blocked popup rejects with PopupError blocked', async () => {
    const { window } = fakeWindow({ blocked: true });
    const error = await loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: [], window }).catch((e) => e);
    expect(error).toBeInstanceOf(PopupError);
    expect(error.problem).toBe('blocked');
  });

  test('gives up after the timeout, closes the popup and stops listening', async () => {
    const fake = fakeWindow();
    const result = loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: [], window: fake.window, timeout: 1000 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(1000);
    const error = await result;
    expect(error.problem).toBe('timeout');
    expect(fake.popup.close).toHaveBeenCalled();
    expect(fake.listeners.size).toBe(0);
  });

  test('abort closes the popup and rejects with the reason', async () => {
    const fake = fakeWindow();
    const controller = new AbortController();
    const result = loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: [], window: fake.window, signal: controller.signal }).catch((e) => e);
    controller.abort(new Error('user went away'));
    expect((await result).message).toBe('user went away');
    expect(fake.popup.close).toHaveBeenCalled();
  });

  test('a popup that lands on the redirect page with a forged state is refused', async () => {
    const fake = fakeWindow();
    const result = loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: [], window: fake.window }).catch((e) => e);
    fake.popup.href = `${REDIRECT}#access_token=tok-secret-1&state=forged&scope=`;
    await vi.advanceTimersByTimeAsync(100);
    const error = await result;
    expect(error).toBeInstanceOf(StateMismatchError);
    expect(error.message).not.toContain('tok-secret-1');
  });

  test('ignores messages from other origins, other windows and other logins; takes its own', async () => {
    const fake = fakeWindow();
    const result = loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: ['user:read:chat'], window: fake.window });
    const state = stateOf(fake.opened[0]!);
    const answer = (s: string) => `${REDIRECT}#access_token=tok-1&state=${s}&scope=user%3Aread%3Achat&token_type=bearer`;
    fake.post(answer(state), 'https://evil.example');
    fake.post(answer(state), ORIGIN, {});
    fake.post(answer('another-tab'));
    fake.post({ not: 'a string' });
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.popup.close).not.toHaveBeenCalled();
    fake.post(answer(state));
    await expect(result).resolves.toMatchObject({ access_token: 'tok-1', scope: ['user:read:chat'], state });
    expect(fake.popup.close).toHaveBeenCalled();
  });

  test('reports closed only when the popup stays closed', async () => {
    const fake = fakeWindow();
    const result = loginWithPopup({ clientId: 'c', redirectUri: REDIRECT, scopes: [], window: fake.window }).catch((e) => e);
    fake.popup.closed = true;
    await vi.advanceTimersByTimeAsync(250);
    expect((await result).problem).toBe('closed');
  });
});
