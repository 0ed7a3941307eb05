// helixkit/extensions is for EBS code in Workers, Deno, Bun and Node alike: WebCrypto only, small.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { weigh } from '../../bench/bundle.ts';
import { Miniflare } from 'miniflare';
import { expect, test } from 'vitest';
import { NOW_S, SECRET, makeToken, viewer } from './jwt.ts';

const source = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

test('src/extensions.ts uses no Node builtin and imports only the error classes', () => {
  const text = readFileSync(source('src/extensions.ts'), 'utf8');
  expect(text).not.toMatch(/\bnode:|\bprocess\s*\.|\bBuffer\b|\brequire\s*\(/);
  expect([...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((match) => match[1])).toEqual(['./errors.js']);
});

/** Bundles `contents` (resolved from the project root) as a user's bundler would: bench/bundle.ts. */
const bundle = async (contents: string, platform: 'browser' | 'neutral') => (await weigh(contents, platform)).code;

test('a bundle importing only verifyExtensionJwt is at most 1,450 B gzip, without ky or valibot', async () => {
  const code = await bundle(`import { verifyExtensionJwt } from './src/extensions.ts'; export default verifyExtensionJwt;`, 'browser');
  const gzip = gzipSync(code, { level: 9 }).length;
  // 1,381 B when written; the signer (its header below) stays out.
  expect(gzip).toBeLessThanOrEqual(1_450);
  for (const marker of ['beforeRetry', 'ValiError', 'api.twitch.tv', '"typ":"JWT"']) expect(code, marker).not.toContain(marker);
});

test('verifies and signs inside workerd (Cloudflare Workers)', async () => {
  const script = await bundle(
    `
    import { signExtensionJwt, verifyExtensionJwt } from './src/extensions.ts';
    export default {
      async fetch(request, env) {
        try {
          const payload = await verifyExtensionJwt(request.headers.get('authorization') ?? '', env.SECRET, { now: env.NOW });
          const token = await signExtensionJwt({ user_id: '1', channel_id: payload.channel_id }, env.SECRET);
          return Response.json({ role: payload.role, signed: token.split('.').length });
        } catch (error) {
          return Response.json({ refused: error.reason }, { status: 401 });
        }
      },
    };`,
    'neutral',
  );
  const worker = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01', bindings: { SECRET, NOW: NOW_S * 1000 } });
  try {
    const token = makeToken(viewer());
    const ok = await worker.dispatchFetch('http://ebs/', { headers: { authorization: `Bearer ${token}` } });
    expect(await ok.json()).toEqual({ role: 'viewer', signed: 3 });
    const bad = await worker.dispatchFetch('http://ebs/', { headers: { authorization: `Bearer ${makeToken(viewer(), { secret: 'b3RoZXI=' })}` } });
    expect({ status: bad.status, body: await bad.json() }).toEqual({ status: 401, body: { refused: 'signature' } });
  } finally {
    await worker.dispose();
  }
});
