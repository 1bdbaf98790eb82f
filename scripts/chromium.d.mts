import type { Browser } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`; `.ci/run` installs it). */
export declare const CHROMIUM: string;
/** The flags every launch uses. */
export declare const CHROMIUM_ARGS: string[];
/** Whether Chromium is installed (skips with a warning outside CI; throws in CI). */
export declare function chromiumAvailable(what: string): boolean;
/** Launch headless Chromium with {@link CHROMIUM_ARGS}. */
export declare function launchChromium(): Promise<Browser>;
