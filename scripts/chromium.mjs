// Debian's Chromium driven by playwright-core, the way every browser test and browser benchmark of the
// repository launches it (see ../shared/TOOLCHAIN.md): the system binary, headless, no sandbox, and without
// the background networking that would flood the closed network.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it). */
export const CHROMIUM = '/usr/bin/chromium';

/** The flags every launch uses. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Whether Chromium is installed. Without it a browser test is skipped with a loud warning — except in CI
 * (`CI` set), where that is a failure: `what` names the test in the message.
 */
export function chromiumAvailable(what) {
  if (existsSync(CHROMIUM)) return true;
  const msg = `${CHROMIUM} is missing: ${what} cannot run (apt-get install -y chromium).`;
  if (process.env.CI) throw new Error(`${msg} CI is set, so this is a failure.`);
  console.warn(`\n!!! SKIPPING ${what}: ${msg}\n`);
  return false;
}

/** Launch headless Chromium with {@link CHROMIUM_ARGS}. */
export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
