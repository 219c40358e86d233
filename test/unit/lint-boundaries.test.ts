// The lint rules that say where code may run must actually fire: main/core is plain Node (no
// electron, no native module), the two hosts share code only through main/host (plain Node too)
// and never import each other, the renderer is a web page (no Node, no electron), and the contract
// imports nothing but zod.
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..', '..');
// Type information is irrelevant to import bans, and the probed files do not exist on disk.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [
    tseslint.configs.disableTypeChecked,
    { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ],
});

async function bannedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('where code may run', () => {
  it.each([
    ["import { app } from 'electron';", 'electron'],
    ["import { ipcMain } from 'electron/main';", 'electron/main'],
    ["import HID from 'node-hid';", 'node-hid'],
    ["import Database from 'better-sqlite3';", 'better-sqlite3'],
    ["import addon from '../../build/Release/hid_descriptor.node';", 'a .node addon'],
    ["import { startWebHost } from '../../web/web-host.ts';", 'a host folder'],
    ["import { writeFileAtomic } from '../../host/atomic-file.ts';", 'shared host code'],
  ])('main/core refuses %s (%s)', async (code) => {
    const messages = await bannedImports('main/core/sip/probe.ts', `${code}\nexport const x = 1;`);
    expect(messages.length).toBe(1);
  });

  it('main/core may use Node built-ins and sip.js', async () => {
    const code = "import fs from 'node:fs';\nimport { UserAgent } from 'sip.js';\nexport const x = [fs, UserAgent];";
    expect(await bannedImports('main/core/sip/probe.ts', code)).toEqual([]);
  });

  it.each([
    ["import fs from 'node:fs';"],
    ["import fs from 'fs';"],
    ["import { spawn } from 'child_process';"],
    ["import { ipcRenderer } from 'electron';"],
    ["import { createCore } from '../../main/core/create-core.ts';"],
  ])('the renderer refuses %s', async (code) => {
    for (const file of ['renderer/src/lib/probe.ts', 'renderer/src/components/Probe.svelte.ts']) {
      expect(await bannedImports(file, `${code}\nexport const x = 1;`)).toHaveLength(1);
    }
  });

  it.each([
    ["import { startWebHost } from '../web/web-host.ts';"],
    ["import { FileSecretStore } from '../web/file-secret-store.ts';"],
    ["import { x } from '../../main/web/web-host.ts';"],
  ])('main/app refuses the web host: %s', async (code) => {
    expect(await bannedImports('main/app/probe.ts', `${code}\nexport const y = x;`)).toHaveLength(1);
  });

  it.each([
    ["import { app } from 'electron';"],
    ["import { ipcMain } from 'electron/main';"],
    ["import { startElectronApp } from '../app/electron-main.ts';"],
    ["import { x } from '../../main/app/tray.ts';"],
  ])('main/web refuses electron and the Electron host: %s', async (code) => {
    expect(await bannedImports('main/web/probe.ts', `${code}\nexport const y = 1;`)).toHaveLength(1);
  });

  it.each([
    ["import { app } from 'electron';"],
    ["import { startElectronApp } from '../app/electron-main.ts';"],
    ["import { startWebHost } from '../web/web-host.ts';"],
  ])('main/host, shared by both hosts, refuses electron and either host: %s', async (code) => {
    expect(await bannedImports('main/host/probe.ts', `${code}\nexport const y = 1;`)).toHaveLength(1);
  });

  it('both hosts may use main/host and main/core; the Electron host may use electron', async () => {
    const shared = "import { createSettingsFile } from '../host/atomic-file.ts';\nimport { registerCommands } from '../core/dispatch.ts';\n";
    expect(await bannedImports('main/app/probe.ts', `${shared}import { app } from 'electron';\nexport const y = [createSettingsFile, registerCommands, app];`)).toEqual([]);
    expect(await bannedImports('main/web/probe.ts', `${shared}import fs from 'node:fs';\nexport const y = [createSettingsFile, registerCommands, fs];`)).toEqual([]);
    expect(await bannedImports('main/host/probe.ts', "import type { Logger } from '../core/ports.ts';\nexport type Y = Logger;")).toEqual([]);
  });

  it('the contract imports nothing but zod', async () => {
    expect(await bannedImports('preload/contract.ts', "import { z } from 'zod';\nexport const x = z;")).toEqual([]);
    expect(await bannedImports('preload/contract.ts', "import fs from 'node:fs';\nexport const x = fs;")).toHaveLength(1);
  });
});
