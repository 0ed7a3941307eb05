/**
 * ky for the Node build only (tsup.config.ts puts this module where `client.ts` imports 'ky'):
 * ky reads `globalThis.Request` when it is evaluated, and in Node that first read starts fetch
 * (undici, about 20 ms). Loaded at the first request instead, a program pays that once, where it
 * would anyway; browsers and bundlers keep the static import and load nothing late.
 */
import type * as Ky from 'ky';

let loaded: typeof Ky | undefined;
let loading: Promise<typeof Ky> | undefined;

/** ky's call, awaiting ky's module the first time. Only what `client.ts` uses: the awaited response. */
export default async function ky(input: Ky.Input, options?: Ky.Options): Promise<Ky.KyResponse> {
  loaded ??= await (loading ??= import('ky'));
  return loaded.default(input, options);
}

// Before ky is loaded nothing can be one of its errors.
export const isNetworkError = (error: unknown): error is Ky.NetworkError => loaded?.isNetworkError(error) ?? false;
export const isTimeoutError = (error: unknown): error is Ky.TimeoutError => loaded?.isTimeoutError(error) ?? false;
