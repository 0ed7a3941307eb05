/**
 * A scheduler per token, fed by Twitch's `Ratelimit-*` headers: calls go in the order they asked,
 * as many at once as the bucket holds, and wait for its reset instead of spending requests on
 * 429s. Every figure comes from the network, so each is checked before it becomes a wait.
 */

/**
 * A call's place in its bucket. Call it once the call is answered (with the response, whose
 * headers update the bucket) or failed (bare), to pass the place on.
 */
export type Place = (answer?: Response) => void;

/**
 * Gives a {@link Place} when the call may send (at once when nobody waits and a point is free,
 * else as a promise), in the order calls asked for one. Rejects with the signal's reason when it
 * aborts first. `wait` is told the milliseconds to the refill when the call must wait for one.
 */
export type RateLimiter = (key: string, signal?: AbortSignal, wait?: (ms: number) => void) => Place | Promise<Place>;

/** Requests that may go at once before any answer has told what the bucket holds. */
export const UNSEEN_BURST = 8;

/** How many tokens' buckets to keep. */
const MAX_BUCKETS = 256;
/**
 * The longest wait for a bucket. Twitch refills within a minute: a reset further off is a wrong
 * clock (a browser cannot read Twitch's `Date`, so a local clock an hour slow puts the reset an
 * hour away) or a hostile server, and is taken as this far. Calls then flow at the rate that
 * refills the bucket in this time (half Twitch's for a full minute's bucket), never failing for it
 * and never locked out.
 */
export const MAX_WAIT_MS = 120_000;

/** A bucket per key (a bearer token): separate keys never wait on each other. */
export function createRateLimiter(): RateLimiter {
  const buckets = new Map<string, Take>();
  return (key, signal, wait) => {
    // Buckets are hints: past MAX_BUCKETS tokens, forget them all (at worst one 429, retried).
    const take = buckets.get(key) ?? (buckets.size < MAX_BUCKETS || buckets.clear(), buckets.set(key, createBucket()).get(key)!);
    return take(signal, wait);
  };
}

type Take = (signal?: AbortSignal, wait?: (ms: number) => void) => Place | Promise<Place>;

/**
 * Twitch counts a request when it arrives and refills the bucket continuously, `Ratelimit-Limit`
 * points a minute, full again at `Ratelimit-Reset` (twitchdev/issues#597; twitch4j measured 1,659
 * calls in 124 s with the remaining points level). So what may go now is what the latest answer
 * said was left, less the requests still in flight, plus what has flowed back since. Before any
 * answer, {@link UNSEEN_BURST} go (Twitch's smallest Helix bucket holds 30); answers without the
 * headers (a browser may hide them) lift the limit.
 */
function createBucket(): Take {
  /** Points free for new requests at `since` (local ms): Twitch's remaining less the places held. */
  let left = UNSEEN_BURST;
  let since = 0;
  /** `Ratelimit-Limit`: the most the bucket holds. */
  let max = Infinity;
  /** Points that flow back per ms; 0 until the headers tell. */
  let rate = 0;
  /** Local ms before which nothing goes: a 429 that said nothing of its reset means "not now". */
  let pause = 0;
  /** Places held: calls sent, or about to be, and not answered yet. */
  let held = 0;
  /** Answers so far. */
  let answers = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const queue: ((place: Place) => void)[] = [];

  const free = (now: number) => (now < pause ? 0 : Math.min(max - held, left + rate * (now - since)));

  /**
   * A place for a call sent after `asOf` answers: its own answer is fresh if none came in between.
   * An answer is taken in while the call still holds its place.
   */
  const placeAfter = (asOf: number): Place => (answer) => {
    if (answer) {
      let limited = answer.status == 429;
      const read = (name: string) => +(answer.headers.get(name) ?? NaN);
      const remaining = read('RateLimit-Remaining');
      const now = Date.now();
      // An answer to a request sent before another answer came may be older than that one: it can
      // only lower what is free. A fresh answer, or a 429, is taken as told.
      const fresh = asOf === answers++ || (limited &&= !remaining);
      // The reset is an epoch second on Twitch's clock: measured against its `Date` header, a wrong
      // clock on either side cannot stretch the wait (the header is whole seconds, so the wait errs
      // long by under one). Without a readable `Date` (browsers hide it), the local clock stands in.
      const ms = read('RateLimit-Reset') * 1000 - (Date.parse(answer.headers.get('date')!) || now);
      if (remaining >= 0) {
        // (A 429 with points left is another limit, a subscription's cost or five conduits: the
        // bucket is as the headers say.) This call still holds its place, and Twitch counted it.
        // Never below 0: an answer may count a place in flight that Twitch already counted, and a
        // debt kept from that would stretch the wait for a point past MAX_WAIT_MS.
        left = Math.max(0, fresh ? remaining - held + 1 : Math.min(remaining - held + 1, free(now)));
        since = now;
        // (A limit under the points left, or past any real bucket, is a hostile figure: one under a
        // point, or an infinite one, would leave calls waiting for a point that never comes.)
        max = Math.min(Math.max(read('RateLimit-Limit') || 0, remaining + 1), 1e9);
        // The refill rate, from how long the spent points take to return: only once half the bucket
        // is spent, since whole-second resets say little about a short horizon (and a reset past
        // MAX_WAIT_MS counts as that far). Else a minute's worth.
        rate = (max - remaining) * 2 >= max && ms > 0 ? (max - remaining) / Math.min(ms, MAX_WAIT_MS) : rate || max / 60_000;
      }
      // Nothing to go by: if no answer ever told (a browser may hide the headers), no limit.
      else if (max == Infinity) left = max;
      // A 429 that said nothing of its reset means "not now": a second.
      if (limited && !(ms > 0)) pause = now + 1000;
    }
    held--;
    // (Before any answer, a call that got none gives its point of the first burst back.)
    answers || left++;
    pump();
  };

  /** A place for a call that goes now, a point being free. */
  const grant = (now: number) => ((left = free(now) - 1), (since = now), held++, placeAfter(answers));

  /** Lets queued calls go while points are free; else waits for the refill, returning how long. */
  const pump = (): number | void => {
    const now = Date.now();
    clearTimeout(timer);
    while (queue[0] && free(now) >= 1) queue.shift()!(grant(now));
    if (!queue[0]) return;
    // With no refill known, the answers in flight wake the queue.
    const ms = Math.max(pause - now, rate && Math.min(Math.ceil((1 - free(now)) / rate), MAX_WAIT_MS));
    if (ms > 0) return (timer = setTimeout(pump, ms)), ms;
  };

  return (signal, wait) => {
    signal?.throwIfAborted();
    const now = Date.now();
    // Nobody waiting and a point free: the place, at once (no promise, no timer).
    if (!queue[0] && free(now) >= 1) return grant(now);
    return new Promise((resolve, reject) => {
      const abort = () => {
        queue.splice(queue.indexOf(go), 1);
        // Nothing left to wait for: no timer holds the process open.
        if (!queue[0]) clearTimeout(timer);
        reject(signal!.reason);
      };
      const go = (given: Place) => {
        signal?.removeEventListener('abort', abort);
        resolve(given);
      };
      queue.push(go);
      const ms = pump();
      if (queue.includes(go)) {
        // Still queued until a refill: say how long, out of the queue meanwhile, so that a call
        // failing there (a `log` may throw) leaves no place behind that nobody would pass on.
        queue.pop();
        ms && wait?.(ms);
        queue.push(go);
        signal?.addEventListener('abort', abort);
      }
    });
  };
}
