// Builds main and preload (the renderer is built by Vite: renderer/vite.config.ts).
//   dist/main/electron-main.mjs  Electron's main process (ESM; electron and npm packages external)
//   dist/main/web-host.mjs       the web host (`npm run web`)
//   dist/main/start.mjs          `npm start`: Electron if its binary is installed, else the web host
//   dist/main/hid-cli.mjs        `npm run hid`: report descriptors and telephony layouts of headsets
//   dist/main/history-worker.mjs the worker thread the call history's SQLite runs in
//   dist/main/openapi-cli.mjs    `npm run openapi`: writes resources/openapi/cti-v1.json
//   dist/preload/index.cjs       the preload: ONE CommonJS file, because a sandboxed preload can
//                                require only 'electron' and a few Node built-ins; zod is bundled in
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

const common = {
  bundle: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
};

await rm('dist/main', { recursive: true, force: true });
await rm('dist/preload', { recursive: true, force: true });

await Promise.all([
  build({
    ...common,
    entryPoints: {
      'electron-main': 'main/app/electron-entry.ts',
      'web-host': 'main/web/web-host-cli.ts',
      start: 'main/start.ts',
      'hid-cli': 'main/tools/hid-cli.ts',
      'history-worker': 'main/host/history/history-worker.ts',
      'openapi-cli': 'main/tools/openapi-cli.ts',
    },
    outdir: 'dist/main',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // npm packages (sip.js, ws, zod, electron) load from node_modules at run time; our own
    // TypeScript, main and preload/contract.ts alike, is bundled.
    packages: 'external',
    splitting: false,
  }),
  build({
    ...common,
    entryPoints: { index: 'preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
    format: 'cjs',
    // Chromium's renderer with a Node-like require for 'electron' only: no Node built-ins needed.
    platform: 'node',
    target: 'chrome140',
    external: ['electron'],
    // zod comes in whole (the contract's schemas); minified it parses faster on every page load.
    minify: true,
  }),
]);
