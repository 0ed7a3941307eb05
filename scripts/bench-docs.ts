// Copies the figures of bench/RESULTS.md (written by `npm run bench`) into the benchmarks guide
// (docs/guides/benchmarks.md) between the bench markers, so the docs show the latest measured
// run with its date and machine. RESULTS.md's sections become subsections of the guide's
// "Benchmarks" section.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const guide = new URL('docs/guides/benchmarks.md', root);
const results = readFileSync(new URL('bench/RESULTS.md', root), 'utf8')
  .replace(/^# .*\n+/, '')
  .replace(' (regenerated on every run; do not edit)', '')
  .replace(/^(#{2,3}) /gm, '#$1 ');
const text = readFileSync(guide, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
if (!text.includes(start) || !text.includes(end)) throw new Error('docs/guides/benchmarks.md has no bench markers');
const before = text.slice(0, text.indexOf(start) + start.length);
const after = text.slice(text.indexOf(end));
writeFileSync(guide, `${before}\n${results.trim()}\n${after}`);
console.log('docs/guides/benchmarks.md: bench figures updated from bench/RESULTS.md');
