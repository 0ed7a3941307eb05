// Screenshots of the built docs site (`npm run docs` first) in headless Chromium, for a look at
// how it renders: the index and one Helix function's page. Writes docs/screenshots/*.png.
//   npx node scripts/docs-screenshots.ts
import { existsSync, mkdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { findChromium, launchChromium } from '../test/chromium.ts';

const root = new URL('..', import.meta.url);
const site = new URL('site/', root);
const out = new URL('docs/screenshots/', root);
const pages = { index: 'index.html', getUsers: 'functions/helixkit.getUsers.html' };

if (!existsSync(new URL('index.html', site))) throw new Error('no site/index.html: run `npm run docs` first');
const chromium = findChromium();
if (!chromium) process.exit(1);
mkdirSync(out, { recursive: true });
const browser = await launchChromium(chromium);
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 860 } });
  for (const [name, path] of Object.entries(pages)) {
    await page.goto(new URL(path, site).href);
    await page.waitForLoadState('networkidle');
    const file = new URL(`${name}.png`, out);
    await page.screenshot({ path: file.pathname });
    console.log(`${pathToFileURL(file.pathname).pathname.replace(root.pathname, '')}`);
  }
} finally {
  await browser.close();
}
