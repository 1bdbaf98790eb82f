import { defineConfig } from 'vite';

// JSX through esbuild's automatic runtime: no React plugin needed for a production build.
// `npm run dev` proxies the API to a wms-service on 127.0.0.1:8080 (start it with `npm run console`).
const api = ['/search', '/lots', '/recalls', '/quality', '/documents', '/genealogy', '/health'];
export default defineConfig({
  esbuild: { jsx: 'automatic' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { proxy: Object.fromEntries(api.map((p) => [p, 'http://127.0.0.1:8080'])) },
});
