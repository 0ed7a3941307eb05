/**
 * A bucket per token, fed by Twitch's `Ratelimit-Remaining` and `Ratelimit-Reset` headers.
 * When a bucket is empty, callers wait for its reset instead of spending a request on a 429.
 */
interface Bucket {
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
    const bucket = this.#buckets.get(key);
    if (!bucket) return;
    const wait = bucket.resetAt - Date.now();
    if (wait <= 0) {
      // Refilled: the next response's headers say by how much.
      this.#buckets.delete(key);
    } else if (bucket.remaining-- <= 0) {
      await sleep(wait, signal);
      return this.take(key, signal);
    }
  }

  /** Records what Twitch said about the bucket in a response's headers. */
  update(key: string, headers: Headers): void {
    const remaining = Number(headers.get('ratelimit-remaining') ?? NaN);
    const resetAt = Number(headers.get('ratelimit-reset') ?? NaN) * 1000;
    if (!(remaining >= 0 && resetAt > 0)) return;
    if (this.#buckets.size >= MAX_BUCKETS) {
      const now = Date.now();
      for (const [old, bucket] of this.#buckets) if (bucket.resetAt <= now) this.#buckets.delete(old);
    }
    this.#buckets.set(key, { remaining, resetAt });
  }
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
