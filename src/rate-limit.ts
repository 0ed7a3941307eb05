/**
 * A bucket per token, fed by Twitch's `Ratelimit-Remaining` and `Ratelimit-Reset` headers.
 * When a bucket is empty, callers wait for its reset instead of spending a request on a 429.
 * Every figure comes from the network, so each is checked before it becomes a wait.
 */
export interface RateLimiter {
  /**
   * Counts a request against the key's bucket and returns 0 when it may go now, else the
   * milliseconds until the bucket refills (then ask again), or Infinity when Twitch said the
   * bucket refills later than {@link MAX_WAIT_MS}: then the call should fail at once.
   */
  take(key: string): number;
  /**
   * Records what Twitch said about the bucket in a response's headers. `limited`: the response
   * was a 429, so the bucket is empty (for a second if the headers say nothing), unless the
   * headers say requests are left: then the 429 is about another limit.
   */
  update(key: string, headers: Headers, limited?: boolean): void;
}

/** How many tokens' buckets to keep. */
const MAX_BUCKETS = 256;
/**
 * The longest wait for a bucket. Twitch refills within a minute: a reset further off is a wrong
 * clock or a hostile server, so calls fail fast instead, and only for this long (then Twitch is
 * asked again), so a wrong clock cannot lock a token out.
 */
export const MAX_WAIT_MS = 120_000;

export function createRateLimiter(): RateLimiter {
  /** Per key: requests left, the local epoch ms when the bucket refills, and whether Twitch said later than we wait. */
  const buckets = new Map<string, [remaining: number, resetAt: number, far: boolean]>();
  const take = (key: string): number => {
    const bucket = buckets.get(key);
    const wait = bucket ? bucket[1] - Date.now() : 0;
    // Refilled (or never seen): the next response's headers say by how much.
    if (wait <= 0) return buckets.delete(key), 0;
    return bucket![0]-- > 0 ? 0 : bucket![2] ? Infinity : wait;
  };
  const update = (key: string, headers: Headers, limited = false): void => {
    const read = (name: string) => +(headers.get(name) ?? NaN);
    let remaining = read('ratelimit-remaining');
    // A 429 with requests left in the bucket is another limit (a subscription's cost, five
    // conduits): it says nothing about the bucket.
    if ((limited &&= !(remaining > 0))) remaining = 0;
    // The reset is an epoch second on Twitch's clock: measured against its `Date` header, a wrong
    // clock on either side cannot stretch the wait (the header is whole seconds, so the wait errs
    // long by under one). Without a readable `Date` (browsers hide it), the local clock stands in.
    const sent = Date.parse(headers.get('date') ?? '');
    let wait = read('ratelimit-reset') * 1000 - (sent > 0 ? sent : Date.now());
    if (limited) wait = Number.isNaN(wait) ? 1000 : Math.max(0, wait);
    if (!(remaining >= 0 && wait >= 0)) return;
    // Buckets are hints: past MAX_BUCKETS tokens, forget them all (at worst one 429, retried).
    if (buckets.size >= MAX_BUCKETS) buckets.clear();
    buckets.set(key, [remaining, Date.now() + Math.min(wait, MAX_WAIT_MS), wait > MAX_WAIT_MS]);
  };
  return { take, update };
}
