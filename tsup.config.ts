import { defineConfig } from 'tsup';

// JavaScript only: TypeScript 7 emits the declarations (`tsc -p tsconfig.build.json`), because
// tsup's dts step needs the old compiler API.
export default defineConfig([
  {
    // ESM for bundlers, Deno, Bun, Node and Workers: one file per module (not one bundle), so
    // that with `sideEffects: false` a bundler drops every module a program does not import.
    entry: ['src/**/*.ts', '!src/global.ts'],
    bundle: false,
    format: ['esm'],
    platform: 'neutral',
    target: 'es2022',
    outDir: 'dist',
    clean: true,
    dts: false,
    sourcemap: true,
    treeshake: true,
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
