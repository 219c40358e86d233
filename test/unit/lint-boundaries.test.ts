// The lint rules that say where code may run must actually fire: main/core is plain Node (no
// electron, no native module), the renderer is a web page (no Node, no electron), and the contract
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
    ["import { startWebHost } from '../web/web-host.ts';", 'a host folder'],
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

  it('the contract imports nothing but zod', async () => {
    expect(await bannedImports('preload/contract.ts', "import { z } from 'zod';\nexport const x = z;")).toEqual([]);
    expect(await bannedImports('preload/contract.ts', "import fs from 'node:fs';\nexport const x = fs;")).toHaveLength(1);
  });
});
