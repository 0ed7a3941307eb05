// A Worker that receives channel.follow must stay small: no HTTP client, valibot for the envelope only.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { expect, test } from 'vitest';

// The aim is 3.5 KB (bench/size.ts); every rule of the handler costs about 3.7 KB today, guarded
// here so it cannot grow unnoticed.
const LIMIT = 3_800;

test(`a Worker with the webhook handler for channel.follow is at most ${LIMIT} B gzip, without ky or Helix`, async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./worker-entry.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    conditions: ['workerd', 'worker', 'browser'],
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(LIMIT);
  // ky's retry hooks, the Helix subscription endpoint, the per-type event schemas: none belong here.
  for (const marker of ['beforeRetry', 'eventsub/subscriptions', 'followed_at']) expect(code, marker).not.toContain(marker);
  expect(code).toContain('Twitch-Eventsub-Message-');
});
