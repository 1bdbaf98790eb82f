import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Load `*.wasm` imports as inlined bytes, exactly like tsup's `binary` loader does in the build. */
function wasmAsBytes(): Plugin {
  return {
    name: 'lotgraph:wasm-bytes',
    enforce: 'pre',
    async load(id) {
      const file = id.split('?')[0] ?? id;
      if (!file.endsWith('.wasm')) return null;
      const b64 = (await readFile(file)).toString('base64');
      return `const s = atob(${JSON.stringify(b64)}); const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); export default b;`;
    },
  };
}

export default defineConfig({
  plugins: [wasmAsBytes()],
  resolve: {
    alias: [
      { find: /^@lotgraph\/core-wasm$/, replacement: here('./packages/core-wasm/src/index.ts') },
      { find: /^@lotgraph\/gs1$/, replacement: here('./packages/gs1/src/index.ts') },
      { find: /^@lotgraph\/sdk\/testing$/, replacement: here('./packages/sdk/src/testing.ts') },
      { find: /^@lotgraph\/sdk\/reports$/, replacement: here('./packages/sdk/src/reports/index.ts') },
      { find: /^@lotgraph\/sdk$/, replacement: here('./packages/sdk/src/index.ts') },
      { find: /^@lotgraph\/integrations$/, replacement: here('./packages/integrations/src/index.ts') },
      { find: /^@lotgraph\/adapters\/sqlite$/, replacement: here('./packages/adapters/src/sqlite/index.ts') },
      { find: /^@lotgraph\/adapters\/mysql$/, replacement: here('./packages/adapters/src/mysql/index.ts') },
      {
        find: /^@lotgraph\/adapters\/postgres$/,
        replacement: here('./packages/adapters/src/postgres/index.ts'),
      },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
