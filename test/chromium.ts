// Finds Debian's Chromium (never a downloaded browser) and launches it headless for tests.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium executable, or undefined after one loud line saying how to get it. */
export function findChromium(): string | undefined {
  const path = [process.env.CHROMIUM_PATH, ...candidates].find((p) => p && existsSync(p));
  if (!path) {
    console.warn(
      '\n!!! Chromium not found: browser tests are SKIPPED. Install it with `apt-get install -y chromium` ' +
        'or set CHROMIUM_PATH. (.ci/run installs it.)\n',
    );
  }
  return path;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
