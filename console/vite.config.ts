/**
 * Build of the web console (issue 13): a single-page React app under console/, bundled into
 * dist/console, which the node serves at `/` (src/api/routes/console.ts). It imports the
 * project's own browser SDK (src/sdk) from source, so the console and the SDK cannot drift apart.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // One hashed bundle per build: assets are served with a year-long cache, index.html never cached.
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
});
