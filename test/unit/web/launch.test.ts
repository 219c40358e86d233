// The launcher's decisions: which data folder, which locale, which arguments, Electron or not.
import { chmod, mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findElectronBinary } from '../../../main/start.ts';
import { localeFromPosix, settleWithin, systemLocale } from '../../../main/web/host-support.ts';
import { chromiumAppArgs, findChromium } from '../../../main/web/open-browser.ts';
import { resolveRendererPath } from '../../../main/web/renderer-files.ts';
import { parseWebHostArgs } from '../../../main/web/run-web-host.ts';
import { FileSecretStore } from '../../../main/web/secrets-file.ts';
import { resolveDataDir } from '../../../main/web/web-host.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-launch-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('web host command line', () => {
  it('parses --port, --data-dir and --open/--no-open', () => {
    expect(parseWebHostArgs([], false)).toEqual({ port: 0, dataDir: undefined, open: false });
    expect(parseWebHostArgs([], true)).toEqual({ port: 0, dataDir: undefined, open: true });
    expect(parseWebHostArgs(['--port', '8123', '--data-dir', '/d', '--open'], false)).toEqual({ port: 8123, dataDir: '/d', open: true });
    expect(parseWebHostArgs(['--no-open'], true).open).toBe(false);
    expect(() => parseWebHostArgs(['--port', 'http'], false)).toThrow(/--port/);
    expect(() => parseWebHostArgs(['--port', '70000'], false)).toThrow(/--port/);
    expect(() => parseWebHostArgs(['--bogus'], false)).toThrow();
  });

  it('finds the data folder: option, then HOOKSWITCH_DATA_DIR, then XDG_CONFIG_HOME, then ~/.config', () => {
    expect(resolveDataDir('/opt', { HOOKSWITCH_DATA_DIR: '/env' })).toBe('/opt');
    expect(resolveDataDir(undefined, { HOOKSWITCH_DATA_DIR: '/env', XDG_CONFIG_HOME: '/xdg' })).toBe('/env');
    expect(resolveDataDir(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/hookswitch-web');
    expect(resolveDataDir(undefined, {})).toBe(join(homedir(), '.config', 'hookswitch-web'));
  });

  it('reads the system locale from the POSIX variables, else ICU', () => {
    expect(localeFromPosix('zh_CN.UTF-8')).toBe('zh-CN');
    expect(localeFromPosix('en_US@euro')).toBe('en-US');
    expect(localeFromPosix('C.UTF-8')).toBeNull();
    expect(localeFromPosix('POSIX')).toBeNull();
    expect(localeFromPosix(undefined)).toBeNull();
    expect(systemLocale({ LANG: 'zh_CN.UTF-8' })).toBe('zh-CN');
    expect(systemLocale({ LC_ALL: 'de_DE.UTF-8', LANG: 'zh_CN.UTF-8' })).toBe('de-DE');
    expect(systemLocale({ LANG: 'C' })).toBe(Intl.DateTimeFormat().resolvedOptions().locale);
  });

  it('opens Chromium in app mode with its own profile, without the sandbox only as root', () => {
    expect(chromiumAppArgs('http://127.0.0.1:1/#token=t', '/d/chromium-profile', false)).toEqual([
      '--app=http://127.0.0.1:1/#token=t',
      '--user-data-dir=/d/chromium-profile',
      '--no-first-run',
      '--no-default-browser-check',
    ]);
    expect(chromiumAppArgs('u', '/p', true)).toContain('--no-sandbox');
  });

  it('looks for chromium at /usr/bin and on PATH', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeFile(join(bin, 'chromium'), '#!/bin/sh\n');
    await chmod(join(bin, 'chromium'), 0o755);
    const found = findChromium({ PATH: bin });
    expect([join(bin, 'chromium'), '/usr/bin/chromium']).toContain(found);
  });
});

describe('Electron binary', () => {
  async function electronPackage(withBinary: boolean): Promise<string> {
    const pkg = join(dir, 'node_modules', 'electron');
    await mkdir(join(pkg, 'dist'), { recursive: true });
    await writeFile(join(pkg, 'package.json'), '{"name":"electron","main":"index.js"}');
    // index.js would download the binary if it were ever required: it must not be.
    await writeFile(join(pkg, 'index.js'), 'throw new Error("required electron");');
    await writeFile(join(pkg, 'path.txt'), 'electron');
    if (withBinary) await writeFile(join(pkg, 'dist', 'electron'), '');
    return pathToFileURL(join(dir, 'start.mjs')).href;
  }

  it('is found where path.txt says, without requiring the package', async () => {
    const from = await electronPackage(true);
    expect(findElectronBinary({}, from)).toEqual({ path: join(dir, 'node_modules', 'electron', 'dist', 'electron') });
  });

  it('is reported missing, with the reason, when only the npm package is there', async () => {
    const from = await electronPackage(false);
    expect(findElectronBinary({}, from)).toEqual({ missing: "Electron's binary is not installed here (its download is not reachable)" });
  });

  it('is reported missing when the package is not installed at all', () => {
    expect(findElectronBinary({}, pathToFileURL(join(dir, 'start.mjs')).href)).toEqual({ missing: "Electron's npm package is not installed here" });
  });

  it('follows ELECTRON_OVERRIDE_DIST_PATH', async () => {
    const from = await electronPackage(false);
    const override = join(dir, 'override');
    await mkdir(override);
    await writeFile(join(override, 'electron'), '');
    expect(findElectronBinary({ ELECTRON_OVERRIDE_DIST_PATH: override }, from)).toEqual({ path: join(override, 'electron') });
  });

  it('is not installed on this machine, which is why npm start falls back to the web host', () => {
    const result = findElectronBinary();
    if ('path' in result) return; // A machine with Electron: nothing to check.
    expect(result.missing).toMatch(/not installed/);
  });
});

describe('renderer paths', () => {
  it('maps URL paths inside the folder and refuses the rest', () => {
    expect(resolveRendererPath('/r', '/')).toBe('/r/index.html');
    expect(resolveRendererPath('/r', '/assets/a%20b.js')).toBe('/r/assets/a b.js');
    for (const bad of ['/../x', '/a/../../x', '/%2e%2e/x', '/..%2fx', '/..%5cx', '/%00', '/%E0%A4%A', 'relative', '//etc/passwd']) {
      expect(resolveRendererPath('/r', bad), bad).toBeNull();
    }
  });
});

describe('FileSecretStore', () => {
  it('creates its file owner-only and tightens one that is not', async () => {
    const path = join(dir, 'data', 'secrets.json');
    const store = new FileSecretStore(path);
    await expect(store.get('x')).resolves.toBeNull();
    await store.set('x', 'secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'data'))).mode & 0o777).toBe(0o700);
    await chmod(path, 0o644);
    await expect(store.get('x')).resolves.toBe('secret');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('refuses a damaged file instead of dropping the secrets in it', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, '{"x": 1', { mode: 0o600 });
    const store = new FileSecretStore(path);
    await expect(store.get('x')).rejects.toThrow();
    await expect(store.set('y', 'v')).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('{"x": 1');
  });
});

describe('settleWithin', () => {
  it('says whether the work finished, failed or ran out of time', async () => {
    await expect(settleWithin(Promise.resolve(), 50)).resolves.toBe('done');
    await expect(settleWithin(Promise.reject(new Error('x')), 50)).resolves.toBe('failed');
    await expect(settleWithin(new Promise(() => undefined), 20)).resolves.toBe('timeout');
  });
});
