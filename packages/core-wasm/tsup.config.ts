import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  platform: 'neutral',
  target: 'es2022',
  loader: { '.wasm': 'binary' },
  clean: true,
  sourcemap: true,
  outDir: 'dist',
});
