// Copies the figures of bench/RESULTS.md (written by `npm run bench`) into README.md between the
// bench markers, so the README shows the latest measured run with its date and machine.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const results = readFileSync(new URL('bench/RESULTS.md', root), 'utf8')
  .replace(/^# .*\n+/, '')
  .replace(' (regenerated on every run; do not edit)', '')
  .replace(/^## /gm, '#### ');
const readme = readFileSync(new URL('README.md', root), 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const before = readme.slice(0, readme.indexOf(start) + start.length);
const after = readme.slice(readme.indexOf(end));
if (!readme.includes(start) || !readme.includes(end)) throw new Error('README.md has no bench markers');
writeFileSync(new URL('README.md', root), `${before}\n${results.trim()}\n${after}`);
console.log('README.md: bench figures updated from bench/RESULTS.md');
