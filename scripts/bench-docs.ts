// Copies the figures of bench/RESULTS.md (written by `npm run bench`) into the benchmarks guide
// (docs/guides/benchmarks.md) between the bench markers, and its date, machine and budgets table
// into the README between the bench-summary markers, so both show the latest measured run.
// RESULTS.md's sections become subsections of the guide's "Benchmarks" section.
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const guide = new URL('docs/guides/benchmarks.md', root);
const results = readFileSync(new URL('bench/RESULTS.md', root), 'utf8')
  .replace(/^# .*\n+/, '')
  .replace(' (regenerated on every run; do not edit)', '')
  .replace(/^(#{2,3}) /gm, '#$1 ');
/** Puts `content` between `<!-- name:start -->` and `<!-- name:end -->` in the file. */
function splice(file: URL, name: string, content: string): void {
  const text = readFileSync(file, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  if (!text.includes(start) || !text.includes(end)) throw new Error(`${file.pathname} has no ${name} markers`);
  writeFileSync(file, `${text.slice(0, text.indexOf(start) + start.length)}\n${content.trim()}\n${text.slice(text.indexOf(end))}`);
}
splice(guide, 'bench', results);
console.log('docs/guides/benchmarks.md: bench figures updated from bench/RESULTS.md');

// The README: when and where, the budgets table, and the verdict line.
const [when = '', machine = ''] = results.split('\n').filter((line) => /^(Measured|Machine:) /.test(line));
const glance = results.slice(results.indexOf('### Budgets at a glance'));
const summary = glance.replace(/^### Budgets at a glance\n+/, '').replace(/\n+Bench took[\s\S]*$/, '');
if (!glance.startsWith('###')) throw new Error('bench/RESULTS.md has no "Budgets at a glance" section: run the whole bench');
splice(new URL('README.md', root), 'bench-summary', `${when}\n\n${machine}\n\n${summary}`);
console.log('README.md: budgets updated from bench/RESULTS.md');
