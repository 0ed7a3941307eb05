// No broken links in the docs: every relative link of the README and the guides (as GitHub shows
// them), and every internal link and anchor of the docs site, which this test builds once with the
// project's typedoc setup (the same as `npm run docs`, where a warning is an error).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { buildSite, checkMarkdown, checkSite, githubSlug, markdownAnchors } from './links.ts';
import { repo } from './snippets.ts';

const guides = readdirSync(join(repo, 'docs/guides'))
  .filter((name) => name.endsWith('.md'))
  .map((name) => `docs/guides/${name}`);

test('the README and every guide: each relative link reaches a file, each anchor a heading', () => {
  const broken = ['README.md', ...guides].flatMap((file) => checkMarkdown(repo, file));
  expect(broken).toEqual([]);
  expect(guides.length).toBeGreaterThanOrEqual(12);
});

test('every guide is a page of the site, in the order typedoc.json gives', () => {
  const { projectDocuments } = JSON.parse(readFileSync(join(repo, 'typedoc.json'), 'utf8')) as { projectDocuments: string[] };
  expect([...guides].sort()).toEqual(projectDocuments.filter((path) => path.startsWith('docs/guides/')).sort());
});

test('the site builds without a warning, and every internal link and anchor in it resolves', { timeout: 180_000 }, () => {
  const out = join(repo, '.tmp/docs-site');
  rmSync(out, { recursive: true, force: true });
  const log = buildSite(repo, out);
  expect(log).not.toMatch(/\[warning\]|\[error\]/);
  const { broken, checked } = checkSite(out);
  expect(broken).toEqual([]);
  expect(checked).toBeGreaterThan(10_000);
  // The README is the index page; a guide and a Helix function have pages of their own.
  expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('A first token');
  expect(readFileSync(join(out, 'functions/helixkit.getUsers.html'), 'utf8')).toMatch(/Token: an app or a user access token/);
  expect(readdirSync(join(out, 'documents'))).toContain('Getting_started.html');
});

describe('the checkers find what is broken', () => {
  test("GitHub's anchors for headings", () => {
    expect(githubSlug('The token manager: many users, one app token, kept valid')).toBe('the-token-manager-many-users-one-app-token-kept-valid');
    expect(githubSlug('Node `http` and Express (`helixkit/node`)')).toBe('node-http-and-express-helixkitnode');
    expect(githubSlug('Try it: `npm start`')).toBe('try-it-npm-start');
    expect([...markdownAnchors('# A\n\n## Same\n\n```sh\n# not a heading\n```\n\n## Same\n')]).toEqual(['a', 'same', 'same-1']);
  });

  test('a Markdown link to a missing file or heading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helixkit-links-md-'));
    try {
      mkdirSync(join(dir, 'docs'));
      writeFileSync(join(dir, 'docs/a.md'), '# A\n\n## Setup\n\n[ok](b.md#usage) [no file](c.md) [no heading](b.md#setup) [here](#setup) `[code](x.md)`\n');
      writeFileSync(join(dir, 'docs/b.md'), '# B\n\n## Usage\n');
      expect(checkMarkdown(dir, 'docs/a.md')).toEqual([
        { from: 'docs/a.md', to: 'c.md', why: 'no such file' },
        { from: 'docs/a.md', to: 'b.md#setup', why: 'no such heading' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a site link to a missing page or anchor, in a page or in the navigation data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'helixkit-links-site-'));
    try {
      const data = (value: unknown) => `window.x = "${deflateSync(JSON.stringify(value)).toString('base64')}"`;
      mkdirSync(join(dir, 'assets'));
      mkdirSync(join(dir, 'functions'));
      writeFileSync(join(dir, 'assets/navigation.js'), data([{ text: 'f', path: 'functions/f.html#x' }, { text: 'g', path: 'functions/g.html' }]));
      writeFileSync(join(dir, 'assets/search.js'), data({ rows: [{ url: 'functions/f.html' }] }));
      writeFileSync(join(dir, 'assets/hierarchy.js'), data({ reflections: {} }));
      writeFileSync(join(dir, 'index.html'), '<a href="functions/f.html#x">f</a> <a href="functions/f.html#y">y</a> <a href="https://dev.twitch.tv/">t</a>');
      writeFileSync(join(dir, 'functions/f.html'), '<h2 id="x">x</h2><a href="../index.html">home</a><img src="../assets/missing.png">');
      const { broken, checked } = checkSite(dir);
      expect(broken).toEqual([
        { from: 'functions/f.html', to: '../assets/missing.png', why: 'no such file' },
        { from: 'index.html', to: 'functions/f.html#y', why: 'no such anchor' },
        { from: 'assets/navigation.js', to: 'functions/g.html', why: 'no such file' },
      ]);
      expect(checked).toBe(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
