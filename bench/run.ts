// `npm run bench`: every figure measured in this run, side by side with the anchors.
import { cpus } from 'node:os';
import { measureSizes } from './size.ts';

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const pad = (text: string, width: number) => text.padEnd(width);

console.log(`helixkit bench — ${new Date().toISOString().slice(0, 10)}, Node ${process.versions.node}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}\n`);

console.log('Bundle size (esbuild, browser, minified; gzip -9)');
const header = ['use', 'helixkit min', 'helixkit gzip', 'budget', 'anchor', 'anchor min', 'anchor gzip', 'gzip ratio'];
const widths = [12, 14, 14, 16, 28, 12, 12, 10];
console.log(header.map((h, i) => pad(h, widths[i]!)).join(''));
let missed = 0;
for (const { use, ours, anchor } of await measureSizes()) {
  const ok = ours.gzip <= use.budget;
  if (!ok) missed++;
  console.log(
    [
      use.name,
      `${ours.minified} B`,
      `${ours.gzip} B`,
      `${ok ? 'ok' : 'MISS'} ≤ ${kb(use.budget)}`,
      use.anchor.name,
      `${anchor.minified} B`,
      `${anchor.gzip} B`,
      `${(anchor.gzip / ours.gzip).toFixed(1)}x smaller`,
    ]
      .map((cell, i) => pad(cell, widths[i]!))
      .join(''),
  );
}
if (missed) console.log(`\n${missed} budget(s) missed.`);
