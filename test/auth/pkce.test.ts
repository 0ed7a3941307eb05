import { expect, test } from 'vitest';
import { createPkce, pkceChallenge } from '../../src/auth/pkce.ts';

test('pkceChallenge matches RFC 7636 appendix B', async () => {
  expect(await pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
});

test('createPkce makes a fresh 43-character verifier and its S256 challenge', async () => {
  const a = await createPkce();
  const b = await createPkce();
  expect(a.method).toBe('S256');
  expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(a.verifier).not.toBe(b.verifier);
  expect(a.challenge).toBe(await pkceChallenge(a.verifier));
});
