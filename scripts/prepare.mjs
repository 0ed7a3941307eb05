// `npm run prepare`, which npm runs by itself on `npm install` in a clone, on an install from a
// git URL and before `npm pack` and `npm publish`: dist/ is not in git, so without it such an
// install has no code. It runs the package's own `build` script (JS with tsup, declarations with
// tsc) with its output held back, and when the build fails, prints that output and says what
// failed. A dist/ newer than every source is kept (an install or a pack right after a build costs
// nothing), except for `npm publish`, which always builds afresh. `npm start` uses it the same way.
// Plain JavaScript on purpose: it must explain itself on whatever Node runs the install.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const started = Date.now();
const publishing = process.env.npm_command === 'publish';

function fail(why, output = '') {
  if (output) console.error(output.trimEnd());
  console.error(
    `\nhelixkit: building dist/ failed: ${why}\n` +
      (process.env.npm_lifecycle_event === 'prepare'
        ? 'npm builds it while installing a clone or a git URL of helixkit, because dist/ is not in git.\n'
        : '') +
      'Fix the cause and run `npm run build` to try again (it prints the same output).\n',
  );
  process.exit(1);
}

/** Newest modification time among the build's inputs: src/ and the build's configuration. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const info = statSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else newest = Math.max(newest, info.mtimeMs);
  };
  for (const input of ['src', 'package.json', 'tsup.config.ts', 'tsconfig.json', 'tsconfig.build.json']) visit(join(root, input));
  return newest;
}

if (!publishing) {
  // dist/index.js is among the first files a build writes, so a source edited during a build counts.
  const built = (() => {
    try {
      return Math.min(statSync(join(root, 'dist/index.js')).mtimeMs, statSync(join(root, 'dist/index.d.ts')).mtimeMs);
    } catch {
      return 0;
    }
  })();
  if (built > newestInput()) process.exit(0);
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  fail(
    `it runs on Node ${process.versions.node}, and the build tools (tsup, TypeScript 7) need Node 22 or newer. ` +
      'In a clone, `npm install` supplies Node 24 from devDependencies; check that the `node` package installed.',
  );
}

const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const build = spawnSync(scripts.build, { cwd: root, shell: true, encoding: 'utf8', env: process.env });
const output = `${build.stdout ?? ''}${build.stderr ?? ''}`;
if (build.error) fail(`could not start \`${scripts.build}\` (${build.error.message})`, output);
if (build.status !== 0) {
  const missing = /not found|ENOENT|Cannot find (module|package)/.test(output);
  fail(
    missing
      ? `\`${scripts.build}\` could not find its tools: the devDependencies must be installed (not \`--omit=dev\`).`
      : `\`${scripts.build}\` exited with ${build.status ?? build.signal}; its output is above.`,
    output,
  );
}
console.log(`helixkit: built dist/ (JS and declarations) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
