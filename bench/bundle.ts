// Bundles a snippet the way a user's bundler would (esbuild, browser, minified) and weighs it.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Weight {
  minified: number;
  gzip: number;
  /** The minified text, for checks on what went in. */
  code: string;
}

/**
 * `source` is an ES module that imports helixkit from `./dist/...` (relative to the project root)
 * or an anchor package by name. `node` is only for anchors that cannot run anywhere else.
 */
export async function weigh(source: string, platform: 'browser' | 'neutral' | 'node' = 'browser'): Promise<Weight> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: 'use.ts' },
    bundle: true,
    minify: true,
    write: false,
    format: 'esm',
    platform,
    target: 'es2022',
    conditions: platform === 'neutral' ? ['workerd', 'worker', 'browser'] : platform === 'browser' ? ['browser'] : [],
    mainFields: platform === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, code };
}

/** Bundles `source` (resolved from the project root) as a browser bundler would ship it, unminified unless asked. */
export async function bundleForBrowser(source: string, format: 'esm' | 'iife', minify = false): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: root, loader: 'ts' },
    bundle: true,
    minify,
    write: false,
    format,
    platform: 'browser',
    target: 'es2022',
    conditions: ['browser'],
    mainFields: ['browser', 'module', 'main'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
