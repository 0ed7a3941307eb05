import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

const NODE_BUILD = 'node-bundle';

// Every entry point of package.json's `exports` (`./dist/auth/index.js` → `auth/index`), for the Node build.
const { exports } = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, string | { default?: string }> };
const entries = Object.values(exports).flatMap((target) => {
  const file = typeof target === 'object' && target.default?.match(/^\.\/dist\/(.+)\.js$/)?.[1];
  return file ? [[file, `src/${file}.ts`] as const] : [];
});

// In the Node build, `client.ts` gets src/lazy-ky.ts where it imports 'ky' (which the shim
// itself then imports, at the first request).
const lazyKy = fileURLToPath(new URL('src/lazy-ky.ts', import.meta.url));
const deferKy: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'defer-ky',
  setup(build) {
    build.onResolve({ filter: /^ky$/ }, (args) => (args.importer === lazyKy ? undefined : { path: lazyKy }));
  },
};

// JavaScript only: TypeScript 7 emits the declarations (`tsc -p tsconfig.build.json`), because
// tsup's dts step needs the old compiler API.
export default defineConfig([
  {
    // ESM for bundlers, browsers and Workers (Node, Deno and Bun get the Node build below): one
    // file per module (not one bundle), so that with `sideEffects: false` a bundler drops every
    // module a program does not import.
    entry: ['src/**/*.ts', '!src/global.ts', '!src/lazy-ky.ts'],
    bundle: false,
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    outDir: 'dist',
    // (The Node build cleans its own folder; the builds run at once.)
    clean: [`!${NODE_BUILD}/**`],
    dts: false,
    sourcemap: true,
    treeshake: true,
  },
  {
    // What Node (and Deno and Bun, which read the `node` condition too) loads: every entry in a
    // few shared files, since each module file costs a program about half a millisecond to load,
    // with ky and valibot inside and ky loaded at the first request. A program that imports two
    // entries still gets one copy of each module (one `TwitchError` class).
    entry: Object.fromEntries(entries),
    bundle: true,
    splitting: true,
    format: ['esm'],
    platform: 'node',
    target: 'node22',
    outDir: `dist/${NODE_BUILD}`,
    clean: true,
    dts: false,
    // (Unminified, each module marked with its source path; maps would add 1.7 MB to the package.)
    sourcemap: false,
    noExternal: ['ky', 'valibot'],
    // (Builtins keep their `node:` prefix, as the source writes them.)
    removeNodeProtocol: false,
    esbuildPlugins: [deferKy],
  },
  {
    // The script-tag build: everything inside, one global `helixkit`.
    entry: { 'helixkit.global': 'src/global.ts' },
    format: ['iife'],
    globalName: 'helixkit',
    platform: 'browser',
    target: 'es2022',
    outDir: 'dist',
    dts: false,
    minify: true,
    sourcemap: true,
    noExternal: [/.*/],
    outExtension: () => ({ js: '.js' }),
  },
]);
