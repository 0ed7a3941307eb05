// The built package, run for real in every runtime helixkit supports: a Helix call through the
// whole pipeline and a WebSocket round trip, each against a loopback server.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, launchChromium } from '../chromium.ts';
import { startLoopback, type Loopback } from './loopback.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));
const expected = { logins: ['alice', 'bob'], echoed: 'echo: ping from runtime' };

let loopback: Loopback;
beforeAll(async () => {
  const page = await bundle('smoke.ts', 'browser');
  loopback = await startLoopback({
    '/smoke.html': { type: 'text/html', body: '<!doctype html><title>smoke</title><script src="/smoke.js"></script>' },
    '/smoke.js': { type: 'text/javascript', body: page },
  });
});
afterAll(() => loopback?.close());

/** Bundles a file of this folder for a runtime that cannot resolve npm packages itself. */
async function bundle(entry: string, platform: 'browser' | 'neutral'): Promise<string> {
  const result = await build({
    entryPoints: [here(entry)],
    bundle: true,
    write: false,
    format: platform === 'browser' ? 'iife' : 'esm',
    globalName: platform === 'browser' ? 'smokeModule' : undefined,
    platform,
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    target: 'es2022',
    // The page calls the smoke through a global.
    footer: platform === 'browser' ? { js: 'window.smoke = smokeModule.smoke;' } : undefined,
  });
  return result.outputFiles[0]!.text;
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000, cwd: here('../..') }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
      else resolve(stdout.trim().split('\n').at(-1)!);
    });
  });
}

describe('the built package in real runtimes', () => {
  test('Node 24', async () => {
    const out = await run(process.execPath, [here('cli.ts'), loopback.origin]);
    expect(JSON.parse(out)).toEqual(expected);
    expect(loopback.seen.at(-1)).toEqual({ authorization: 'Bearer smoke-token', clientId: 'smoke-client' });
  });

  test('Deno', async () => {
    const out = await run(bin('deno'), ['run', '--quiet', '--allow-net=127.0.0.1', '--allow-read', here('cli.ts'), loopback.origin]);
    expect(JSON.parse(out)).toEqual(expected);
  });

  test('Bun', async () => {
    const out = await run(bin('bun'), [here('cli.ts'), loopback.origin]);
    expect(JSON.parse(out)).toEqual(expected);
  });

  test('workerd (miniflare)', async () => {
    const script = await bundle('worker.ts', 'neutral');
    const mf = new Miniflare({ modules: true, script, compatibilityDate: '2025-09-01' });
    try {
      const response = await mf.dispatchFetch(`http://worker/?origin=${encodeURIComponent(loopback.origin)}`);
      const text = await response.text();
      expect(response.status, text).toBe(200);
      expect(JSON.parse(text)).toEqual(expected);
    } finally {
      await mf.dispose();
    }
  });

  const chromiumPath = findChromium();
  test.skipIf(!chromiumPath)('headless Chromium', async () => {
    const browser = await launchChromium(chromiumPath!);
    try {
      const page = await browser.newPage();
      await page.goto(`${loopback.origin}/smoke.html`);
      const result = await page.evaluate((origin) => (window as any).smoke(origin), loopback.origin);
      expect(result).toEqual(expected);
    } finally {
      await browser.close();
    }
  });
});
