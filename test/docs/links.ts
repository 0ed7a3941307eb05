// Link checks for the docs: the relative links and anchors of Markdown files as GitHub renders
// them, and every internal link of the built site (HTML attributes, and the navigation, search
// and hierarchy data typedoc's pages build their links from at run time).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';

/** A link that leads nowhere: where it is, and what it points at. */
export interface BrokenLink {
  from: string;
  to: string;
  why: string;
}

const EXTERNAL = /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i;

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  const text = heading
    .replace(/`([^`]*)`/g, '$1')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '');
  return text
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown without fenced code blocks and inline code, where links are not links. */
const prose = (text: string) => text.replace(/^( *)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2 *$/gm, '').replace(/`[^`\n]*`/g, '');

/** The anchors GitHub gives a Markdown file's headings (repeats numbered `-1`, `-2`…). */
export function markdownAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of prose(text).matchAll(/^#{1,6} +(.+?) *#* *$/gm)) {
    const slug = githubSlug(heading!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count ? `${slug}-${count}` : slug);
  }
  for (const [, id] of text.matchAll(/<a (?:name|id)="([^"]+)"/g)) anchors.add(id!);
  return anchors;
}

/** Every relative link (and image) of a Markdown file in `repo`, checked as GitHub would follow it. */
export function checkMarkdown(repo: string, file: string): BrokenLink[] {
  const text = readFileSync(join(repo, file), 'utf8');
  const broken: BrokenLink[] = [];
  for (const [, raw] of prose(text).matchAll(/!?\[(?:[^\]\n]|\][^(\n])*\]\(<?([^)\s>]+)>?(?: "[^"]*")?\)/g)) {
    const target = raw!;
    if (EXTERNAL.test(target)) continue;
    const [path, fragment] = target.split('#') as [string, string | undefined];
    const absolute = path ? resolve(dirname(join(repo, file)), decodeURI(path)) : join(repo, file);
    if (!absolute.startsWith(repo) || !existsSync(absolute)) {
      broken.push({ from: file, to: target, why: 'no such file' });
      continue;
    }
    if (fragment === undefined) continue;
    if (!absolute.endsWith('.md')) {
      broken.push({ from: file, to: target, why: 'an anchor into a file that is not Markdown' });
    } else if (!markdownAnchors(readFileSync(absolute, 'utf8')).has(decodeURIComponent(fragment))) {
      broken.push({ from: file, to: target, why: 'no such heading' });
    }
  }
  return broken;
}

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));

const unescapeHtml = (text: string) =>
  text.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name]!);

/** The data typedoc's scripts build links from: base64 of deflated JSON, in a `window.x = "…"` file. */
function siteData(site: string, name: string): unknown {
  const text = readFileSync(join(site, 'assets', `${name}.js`), 'utf8');
  const encoded = /"([A-Za-z0-9+/=]+)"/.exec(text)?.[1];
  if (!encoded) throw new Error(`assets/${name}.js holds no data`);
  return JSON.parse(inflateSync(Buffer.from(encoded, 'base64')).toString('utf8'));
}

/**
 * Every internal link of a built site: `href` and `src` of each page, and the URLs of the
 * navigation, the search index and the class hierarchy. A link must reach a file, and an anchor
 * an element with that `id` (or `name`) in it. Returns the broken ones and how many were checked.
 */
export function checkSite(site: string): { broken: BrokenLink[]; checked: number } {
  const ids = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = ids.get(file);
    if (!found) {
      const html = readFileSync(file, 'utf8');
      found = new Set([...html.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((match) => unescapeHtml(match[1]!)));
      ids.set(file, found);
    }
    return found;
  };
  const broken: BrokenLink[] = [];
  let checked = 0;
  const check = (fromFile: string, base: string, link: string) => {
    if (EXTERNAL.test(link) || link === '#' || link === '') return;
    checked++;
    const [pathAndQuery, fragment] = link.split('#') as [string, string | undefined];
    const path = pathAndQuery.split('?')[0]!;
    let target = path ? resolve(base, decodeURIComponent(path)) : fromFile;
    if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
    const from = relative(site, fromFile);
    if (!target.startsWith(site) || !existsSync(target)) return void broken.push({ from, to: link, why: 'no such file' });
    if (fragment && target.endsWith('.html') && !anchorsOf(target).has(decodeURIComponent(fragment))) {
      broken.push({ from, to: link, why: 'no such anchor' });
    }
  };
  for (const file of files(site).filter((name) => name.endsWith('.html'))) {
    const html = readFileSync(file, 'utf8');
    for (const [, link] of html.matchAll(/\s(?:href|src)="([^"]*)"/g)) check(file, dirname(file), unescapeHtml(link!));
  }
  // Built into pages at run time, relative to the site's root.
  type NavNode = { path?: string; children?: NavNode[] };
  const walk = (nodes: NavNode[]) => {
    for (const node of nodes) {
      if (node.path) check(join(site, 'assets/navigation.js'), site, node.path);
      walk(node.children ?? []);
    }
  };
  walk(siteData(site, 'navigation') as NavNode[]);
  for (const row of (siteData(site, 'search') as { rows: { url: string }[] }).rows) check(join(site, 'assets/search.js'), site, row.url);
  for (const entry of Object.values((siteData(site, 'hierarchy') as { reflections: Record<string, { url?: string }> }).reflections)) {
    if (entry.url) check(join(site, 'assets/hierarchy.js'), site, entry.url);
  }
  return { broken, checked };
}

/**
 * Builds the site as `npm run docs` does (typedoc of the `docs/` workspace, with its own
 * TypeScript 6; warnings are errors), into `out`. Returns typedoc's output; throws when it fails.
 */
export function buildSite(repo: string, out: string): string {
  const docs = join(repo, 'docs');
  const typedoc = join(dirname(createRequire(join(docs, 'package.json')).resolve('typedoc/package.json')), 'bin/typedoc');
  const run = spawnSync(process.execPath, [typedoc, '--options', join(repo, 'typedoc.json'), '--out', out], {
    cwd: docs,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`typedoc failed (exit ${run.status ?? run.signal}):\n${output}`);
  return output;
}
