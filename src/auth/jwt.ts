/** Splitting and decoding a compact JWT (no verification: see `verifyIdToken` for that). */
import { fromBase64url } from './request.js';

/** The three parts of a compact JWT, decoded; `null` when it is not one. */
export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
  /** `header.payload`, the bytes the signature covers. */
  readonly signed: string;
  readonly signature: Uint8Array<ArrayBuffer>;
}

function jsonObject(part: string): Record<string, unknown> | null {
  const value: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(part)));
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Decodes a compact JWT without checking it; returns `null` when it is malformed. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [h, p, s] = parts as [string, string, string];
  try {
    const header = jsonObject(h);
    const payload = jsonObject(p);
    if (!header || !payload) return null;
    return { header, payload, signed: `${h}.${p}`, signature: fromBase64url(s) };
  } catch {
    return null;
  }
}
