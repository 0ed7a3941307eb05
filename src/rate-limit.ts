/**
 * A bucket per token, fed by Twitch's `Ratelimit-Limit`, `Ratelimit-Remaining` and
 * `Ratelimit-Reset` headers. When a bucket is empty, callers wait for its reset instead of
 * spending a request on a 429.
 */
interface Bucket {
  limit: number;
  remaining: number;
  /** Epoch milliseconds when Twitch refills the bucket. */
  resetAt: number;
}

/** How many buckets to keep before forgetting those whose reset has passed. */
const MAX_BUCKETS = 256;

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  /** Resolves when a request with this key may go out, and counts it against the bucket. */
  async take(key: string, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const bucket = this.#buckets.get(key);
      if (!bucket) return;
      const now = Date.now();
      if (now >= bucket.resetAt && bucket.remaining <= 0) bucket.remaining = bucket.limit;
      if (bucket.remaining > 0) {
        bucket.remaining--;
        return;
      }
      await sleep(bucket.resetAt - now, signal);
    }
  }

  /** Records what Twitch said about the bucket in a response's headers. */
  update(key: string, headers: Headers): void {
    const limit = Number(headers.get('ratelimit-limit'));
    const remaining = Number(headers.get('ratelimit-remaining'));
    const reset = Number(headers.get('ratelimit-reset'));
    if (!headers.has('ratelimit-remaining') || !Number.isFinite(remaining) || !Number.isFinite(reset)) return;
    if (this.#buckets.size >= MAX_BUCKETS && !this.#buckets.has(key)) this.#forgetExpired();
    this.#buckets.set(key, {
      limit: Number.isFinite(limit) && limit > 0 ? limit : Math.max(remaining, 1),
      remaining,
      resetAt: reset * 1000,
    });
  }

  #forgetExpired(): void {
    const now = Date.now();
    for (const [key, bucket] of this.#buckets) if (bucket.resetAt <= now) this.#buckets.delete(key);
  }
}

/** Waits `ms` milliseconds, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', abort, { once: true });
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
  });
}
