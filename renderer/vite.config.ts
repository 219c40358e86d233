// Builds the renderer into dist/renderer. Relative asset paths (base './') so the same build loads
// from app://hookswitch/ in Electron and from http://127.0.0.1:<port>/ in the web host.
// Paths are relative to the working directory, which npm scripts set to the repository root; the
// file stays free of Node modules like the rest of renderer/.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte({ configFile: false, compilerOptions: { runes: true } })],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'chrome120',
    // Strict CSP (script-src/style-src 'self'): no data: URIs, no inline preload polyfill.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
  },
  server: { host: '127.0.0.1' },
});
