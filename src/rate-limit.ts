/**
 * A bucket per token, fed by Twitch's `Ratelimit-Remaining` and `Ratelimit-Reset` headers.
 * When a bucket is empty, callers wait for its reset instead of spending a request on a 429.
 */
export interface RateLimiter {
  /** Resolves when a request with this key may go out, and counts it against the bucket. */
  take(key: string, signal?: AbortSignal): Promise<void>;
  /** Records what Twitch said about the bucket in a response's headers. */
  update(key: string, headers: Headers): void;
}

/** How many tokens' buckets to keep. */
const MAX_BUCKETS = 256;

export function createRateLimiter(): RateLimiter {
  /** Per key: requests left, and the epoch milliseconds when Twitch refills the bucket. */
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  const take = async (key: string, signal?: AbortSignal): Promise<void> => {
    const bucket = buckets.get(key);
    if (!bucket) return;
    const wait = bucket.resetAt - Date.now();
    if (wait <= 0) {
      // Refilled: the next response's headers say by how much.
      buckets.delete(key);
    } else if (bucket.remaining-- <= 0) {
      await sleep(wait, signal);
      return take(key, signal);
    }
  };
  const update = (key: string, headers: Headers): void => {
    const remaining = Number(headers.get('ratelimit-remaining') ?? NaN);
    const resetAt = Number(headers.get('ratelimit-reset') ?? NaN) * 1000;
    if (!(remaining >= 0 && resetAt > 0)) return;
    // Buckets are hints: past MAX_BUCKETS tokens, forget them all (at worst one 429, retried).
    if (buckets.size >= MAX_BUCKETS) buckets.clear();
    buckets.set(key, { remaining, resetAt });
  };
  return { take, update };
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}
