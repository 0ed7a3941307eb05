// Plain JavaScript on purpose: it must run, and explain itself, on any Node version.
// `npm test` runs on the Node 24 that the `node` devDependency installs; npm puts it first on
// PATH. Anything else (calling node_modules/.bin/vitest with the machine's Node) fails late and
// obscurely, so stop here with the fix in the message.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 24) {
  console.error(
    `helixkit's tests need Node 24 (found ${process.versions.node}). Run them through npm: ` +
      '`npm install` then `npm test`, which uses the Node 24 from devDependencies.',
  );
  process.exit(1);
}
