import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../reports/screenshots/', import.meta.url));

/**
 * Why the browser tests cannot run here, or undefined when they can. Debian's chromium only (playwright-core
 * never downloads a browser); `.ci/run` installs it, so in CI its absence is a failure, not a skip.
 */
export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `no ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium; .ci/run does) to run the report.html browser tests`;
  if (process.env.CI) throw new Error(`${why} — required in CI`);
  return why;
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshotPath(name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return path.join(SCREENSHOTS, name);
}
