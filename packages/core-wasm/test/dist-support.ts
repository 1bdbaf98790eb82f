// Shared by the tests that exercise the built package (dist) rather than the sources.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const packageDir = fileURLToPath(new URL('..', import.meta.url));
export const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

/** Fails with a clear instruction when the package has not been built. */
export function requireDist(): void {
  for (const file of ['index.js', 'index.cjs', 'index.d.ts']) {
    if (!existsSync(`${distDir}${file}`)) {
      throw new Error(
        `@lotgraph/core-wasm is not built (${distDir}${file} is missing). Run \`npm run build\` at the repository root first (the root \`npm test\` does it for you).`,
      );
    }
  }
}

/** The trace both Node scripts and the browser page run, and what it must return. */
export const expectedTrace = {
  forward: [0, 2, 3, 4],
  customers: 1,
  share: [1, 0.3, 0.3, 0.3],
  path: [0, 2, 3, 4],
};
