// The packaged app in the real Electron binary, through Playwright's _electron. Electron's
// installer downloads its binary from outside the npm registry, so on machines that cannot reach
// it this file reports itself as skipped, with the reason, instead of passing.
import fs from 'node:fs';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../main/start.ts';

const root = path.resolve(import.meta.dirname, '..', '..');

// Never require('electron') here: when its binary is missing, the package starts a download.
const found = findElectronBinary();
if ('missing' in found) {
  console.log(`SKIPPED Electron end-to-end tests: ${found.missing}. They run wherever the binary is installed.`);
}

describe.skipIf('missing' in found)('Electron app', () => {
  it('opens one sandboxed window on app://hookswitch with the UI and the contract bridge', async () => {
    if (!('path' in found)) return;
    const userData = fs.mkdtempSync(path.join(root, 'tmp', 'electron-user-'));
    const app = await electron.launch({
      executablePath: found.path,
      args: [path.join(root, 'dist', 'main', 'electron-main.mjs'), `--user-data-dir=${userData}`],
      timeout: 30_000,
    });
    try {
      const window = await app.firstWindow();
      expect(window.url()).toMatch(/^app:\/\/hookswitch\//);
      await window.getByTestId('registration-state').first().waitFor({ timeout: 15_000 });
      const bridge = await window.evaluate(() => Object.keys((window as unknown as Record<string, object>).hookswitch ?? {}).sort());
      expect(bridge).toEqual(['invoke', 'on']);
      const nodeVisible = await window.evaluate(() => typeof (globalThis as { require?: unknown }).require);
      expect(nodeVisible).toBe('undefined');
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
