/**
 * A scheduler per token, fed by Twitch's `Ratelimit-*` headers: calls go in the order they asked,
 * as many at once as the bucket holds, and wait for its reset instead of spending requests on
 * 429s. Every figure comes from the network, so each is checked before it becomes a wait.
 */

/**
 * A call's place in its bucket. Give it each response's headers (`limited`: the response was a
 * 429), then call it bare once the call is answered or failed, to pass the place on.
 */
export type Place = (headers?: Headers, limited?: boolean) => void;

/**
 * Resolves with a {@link Place} when the call may send, in the order calls asked for one, or
 * with nothing when Twitch said the bucket refills later than {@link MAX_WAIT_MS}: the call should
 * then fail at once. Rejects with the signal's reason when it aborts first. `wait` is told the
 * milliseconds to the refill when the call must wait for one.
 */
export type RateLimiter = (key: string, signal?: AbortSignal, wait?: (ms: number) => void) => Promise<Place | undefined>;

/** How many tokens' buckets to keep. */
const MAX_BUCKETS = 256;
/**
 * The longest wait for a bucket. Twitch refills within a minute: a reset further off is a wrong
 * clock or a hostile server, so calls fail fast instead, and only for this long (then Twitch is
 * asked again), so a wrong clock cannot lock a token out.
 */
export const MAX_WAIT_MS = 120_000;

/** A bucket per key (a bearer token): separate keys never wait on each other. */
export function createRateLimiter(): RateLimiter {
  const buckets = new Map<string, Take>();
  return (key, signal, wait) => {
    let take = buckets.get(key);
    // Buckets are hints: past MAX_BUCKETS tokens, forget them all (at worst one 429, retried).
    if (!take) buckets.size < MAX_BUCKETS || buckets.clear(), buckets.set(key, (take = createBucket()));
    return take(signal, wait);
  };
}

type Take = (signal?: AbortSignal, wait?: (ms: number) => void) => Promise<Place | undefined>;

/**
 * Twitch counts a request when it arrives, and the points an answer says are left leave out
 * requests still in flight: so what may go is `remaining − in flight`, never more. Until an answer
 * teaches the bucket one request goes at a time; answers without the headers (a browser may hide
 * them) lift the limit until a 429 says otherwise.
 */
function createBucket(): Take {
  /** Points that may still be spent before `at`, net of the places held. */
  let left = 0;
  /** Local epoch ms of the refill, when `max` points return. */
  let at = 0;
  /** `Ratelimit-Limit`; 1 while unknown. */
  let max = 1;
  /** Twitch's `Ratelimit-Reset` of the latest window seen: answers from it (or earlier) can only lower `left`. */
  let reset = -Infinity;
  /** Twitch said the refill is further off than MAX_WAIT_MS. */
  let far = false;
  /** Places held: calls sent, or about to be, and not answered yet. */
  let held = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const queue: ((place?: Place) => void)[] = [];

  const place: Place = (headers, limited = false) => {
    if (!headers) return held--, pump();
    const read = (name: string) => +(headers.get(name) ?? NaN);
    let remaining = read('ratelimit-remaining');
    const r = read('ratelimit-reset');
    // A 429 with points left in the bucket is another limit (a subscription's cost, five
    // conduits): it says nothing about the bucket.
    if ((limited &&= !(remaining > 0))) remaining = 0;
    // The reset is an epoch second on Twitch's clock: measured against its `Date` header, a wrong
    // clock on either side cannot stretch the wait (the header is whole seconds, so the wait errs
    // long by under one). Without a readable `Date` (browsers hide it), the local clock stands in.
    let ms = r * 1000 - (Date.parse(headers.get('date')!) || Date.now());
    if (limited) ms = isNaN(ms) ? 1000 : Math.max(0, ms);
    if (!(remaining >= 0 && ms >= 0)) {
      // Nothing to go by, and no `Ratelimit-Limit` came yet (a browser may hide them all): no limit.
      if (max < 2) max = Infinity;
    } else {
      // This call still holds its place, and Twitch has counted it.
      remaining -= held - 1;
      if (limited || !(r <= reset)) {
        // A later window, or a 429 about this one: taken as told.
        left = remaining;
        at = Date.now() + Math.min(ms, MAX_WAIT_MS);
        far = ms > MAX_WAIT_MS;
        reset = r;
        max = Math.max(read('ratelimit-limit') || max, 1);
      }
      // The same window (or an earlier one) only ever lowers what is left: an answer that overtook
      // others, or points spent by costlier endpoints, cannot make the bucket look fuller.
      else if (remaining < left) left = remaining;
    }
  };

  /** Lets queued calls go while points are left; else waits for the refill, or refuses them all if it is too far off. */
  const pump = () => {
    const now = Date.now();
    clearTimeout(timer);
    // Past the refill, answers to requests sent before it are stale: only the places held count.
    if (now >= at) left = max - held;
    while (queue[0] && left > 0) left--, held++, queue.shift()!(place);
    // (`at` is at most MAX_WAIT_MS away: no timer past 2^31−1 ms.)
    if (queue[0] && at > now) {
      if (far) for (const go of queue.splice(0)) go();
      else timer = setTimeout(pump, at - now);
    }
  };

  return (signal, wait) =>
    new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const abort = () => {
        queue.splice(queue.indexOf(go), 1);
        // Nothing left to wait for: no timer holds the process open.
        if (!queue[0]) clearTimeout(timer);
        reject(signal!.reason);
      };
      const go = (given?: Place) => {
        signal?.removeEventListener('abort', abort);
        resolve(given);
      };
      signal?.addEventListener('abort', abort);
      queue.push(go);
      pump();
      // Still queued (it went in last) until a refill: say how long.
      if (queue.at(-1) === go && at > Date.now()) wait?.(at - Date.now());
    });
}
