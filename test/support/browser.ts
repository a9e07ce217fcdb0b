import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; `npx playwright install` cannot download browsers here. */
export const CHROMIUM_PATH = process.env['NURTURE_CHROMIUM'] || '/usr/bin/chromium';

/** Why browser suites are skipped, if they are. CI sets NURTURE_REQUIRE_BROWSER so they cannot be. */
export const browserSkipped: string | undefined = existsSync(CHROMIUM_PATH)
  ? undefined
  : process.env['NURTURE_REQUIRE_BROWSER']
    ? undefined
    : `SKIPPED: browser suite (no Chromium at ${CHROMIUM_PATH}; apt-get install -y chromium, or set NURTURE_CHROMIUM to a Chromium binary)`;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}
