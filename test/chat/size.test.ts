// An overlay that only reads chat must stay tiny: parser + client, no HTTP client, no schemas.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

test('reading one channel anonymously bundles to at most 4,096 B gzip, without ky or valibot', async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./read-entry.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  const gzip = gzipSync(code, { level: 9 }).length;
  // Issue #16's budget, met again with the hardening against hostile servers kept.
  expect(gzip).toBeLessThanOrEqual(4_096);
  expect(code).toContain('irc-ws.chat.twitch.tv');
  // ky's retry machinery and valibot's issue plumbing must not be pulled in.
  for (const marker of ['beforeRetry', 'ValiError', 'ratelimit-reset']) expect(code, marker).not.toContain(marker);
});
