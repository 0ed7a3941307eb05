/**
 * Login in a popup: the page stays where it is, Twitch's authorize page opens in a small
 * window, and the redirect comes back to the opener.
 *
 * The redirect page must be on the opener's origin. It needs no script: the opener reads the
 * popup's address once it is back on that origin. For browsers that throttle the opener, or
 * when the opener link is severed, the redirect page can send its address itself with one line:
 *
 * ```html
 * <script>(opener || new BroadcastChannel('helixkit-login')).postMessage(location.href, location.origin)</script>
 * ```
 *
 * Only answers from the redirect page's origin that carry this login's `state` are taken; the
 * channel reaches only same-origin tabs, and each ignores the others' logins.
 */
import {
  authorizeUrl,
  createState,
  parseRedirect,
  redirectParams,
  expectResponse,
  type AuthorizeOptions,
  type LoginResultFor,
  type ResponseType,
} from './authorize.js';
import { PopupError } from './errors.js';

/** The BroadcastChannel name a redirect page may post its address to. */
export const POPUP_CHANNEL = 'helixkit-login';

/** Options of {@link loginWithPopup}. */
export interface PopupLoginOptions<T extends ResponseType = 'token'> extends Omit<AuthorizeOptions, 'state' | 'responseType'> {
  /** Default `token` (implicit flow). */
  responseType?: T;
  /** Default: a fresh random value. */
  state?: string;
  /** Default: a fresh random value when an id token is requested. */
  nonce?: string;
  /** Milliseconds to wait for the user. Default 300000 (5 minutes). */
  timeout?: number;
  /** Aborts the login and closes the popup. */
  signal?: AbortSignal;
  /** `window.open` features. Default `popup,width=500,height=720`. */
  features?: string;
  /**
   * Reject with `PopupError('closed')` when the popup is closed. Default `true`. Set `false` if a
   * page in the flow severs the opener link (the popup then looks closed while it is open).
   */
  detectClose?: boolean;
  /** The window that opens the popup. Default `globalThis.window`. */
  window?: PopupHost;
}

/** A message posted to the opener, as the popup login reads it. */
export interface PopupMessage {
  readonly data: unknown;
  readonly origin: string;
  readonly source: unknown;
}

/**
 * The parts of a browser window the popup login uses: a `Window` fits. Spelled out here so that
 * helixkit's types do not need the DOM library (a Node project type-checks without it).
 */
export interface PopupHost {
  open(url: string, target: string, features: string): { readonly closed: boolean; close(): void; readonly location: { readonly href: string } } | null;
  readonly location: { readonly href: string };
  addEventListener(type: 'message', listener: (event: PopupMessage) => void): void;
  removeEventListener(type: 'message', listener: (event: PopupMessage) => void): void;
  setInterval(handler: () => void, ms: number): number;
  clearInterval(id: number | undefined): void;
  setTimeout(handler: () => void, ms: number): number;
  clearTimeout(id: number | undefined): void;
}

/**
 * Opens Twitch's authorize page in a popup and resolves what the redirect carried (token,
 * code or id token), after checking `state` and closing the popup. Call it from a click
 * handler, or the browser blocks the popup.
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#implicit-grant-flow
 */
export function loginWithPopup<T extends ResponseType = 'token'>(options: PopupLoginOptions<T>): Promise<LoginResultFor<T>> {
  const win: PopupHost = options.window ?? globalThis.window;
  const responseType = options.responseType ?? ('token' as T);
  const state = options.state ?? createState();
  const nonce = options.nonce ?? (responseType.includes('id_token') ? createState() : undefined);
  const url = authorizeUrl({ ...options, responseType, state, nonce });
  if (options.signal?.aborted) return Promise.reject(options.signal.reason);
  // window.open must run before any await, inside the click's user activation.
  const popup = win.open(url, POPUP_CHANNEL, options.features ?? 'popup,width=500,height=720');
  if (!popup) return Promise.reject(new PopupError('blocked'));
  const redirect = new URL(options.redirectUri, win.location.href);

  /** Whether `href` is the redirect page carrying this login's answer. */
  const isOurs = (href: string) => {
    try {
      const at = new URL(href);
      if (at.origin !== redirect.origin || at.pathname !== redirect.pathname) return false;
      const params = redirectParams(at);
      return params.has('state') || params.has('error');
    } catch {
      return false;
    }
  };

  return new Promise<LoginResultFor<T>>((resolve, reject) => {
    let channel: BroadcastChannel | undefined;
    let closedTicks = 0;

    const finish = (href: string | undefined, error?: unknown) => {
      win.clearInterval(poll);
      win.clearTimeout(timer);
      win.removeEventListener('message', onMessage);
      options.signal?.removeEventListener('abort', onAbort);
      channel?.close();
      try {
        popup.close();
      } catch {
        // Already closed.
      }
      if (href === undefined) return reject(error);
      try {
        resolve(expectResponse(parseRedirect(href, { state, nonce }), responseType));
      } catch (refused) {
        reject(refused);
      }
    };

    /** A posted address counts only if it carries this login's state: other tabs' logins share the channel. */
    const fromMessage = (data: unknown) => {
      if (typeof data !== 'string' || !isOurs(data)) return;
      if (redirectParams(data).get('state') !== state) return;
      finish(data);
    };
    const onMessage = (event: PopupMessage) => {
      if (event.origin !== redirect.origin || (event.source && event.source !== popup)) return;
      fromMessage(event.data);
    };
    const onAbort = () => finish(undefined, options.signal!.reason);

    win.addEventListener('message', onMessage);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (typeof BroadcastChannel === 'function') {
      channel = new BroadcastChannel(POPUP_CHANNEL);
      channel.onmessage = (event) => fromMessage(event.data);
    }

    const poll = win.setInterval(() => {
      let href: string | undefined;
      try {
        href = popup.location.href;
      } catch {
        // Twitch's page is cross-origin: nothing to read yet.
      }
      if (href && isOurs(href)) return finish(href);
      // Two ticks in a row, so an answer posted just before the popup closed still lands.
      if (popup.closed && options.detectClose !== false && ++closedTicks >= 2) finish(undefined, new PopupError('closed'));
    }, 100);
    const timer = win.setTimeout(() => finish(undefined, new PopupError('timeout')), options.timeout ?? 300_000);
  });
}
