// The launcher's decisions: which data folder, which locale, which arguments, Electron or not.
import { chmod, mkdtemp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../main/core/ports.ts';
import { resolveRendererPath } from '../../../main/host/renderer-files.ts';
import { findElectronBinary } from '../../../main/start.ts';
import { FileSecretStore } from '../../../main/web/file-secret-store.ts';
import { chromiumAppArgs, findChromium, LAUNCHER_PAGE, launcherPageHtml, writeLauncherPage } from '../../../main/web/open-browser.ts';
import { parseWebHostArgs } from '../../../main/web/run-web-host.ts';
import { localeFromPosix, systemLocale } from '../../../main/web/system-locale.ts';
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
    expect(chromiumAppArgs('file:///d/open-hookswitch.html', '/d/chromium-profile', false)).toEqual([
      '--app=file:///d/open-hookswitch.html',
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

describe('launcher page', () => {
  const url = 'http://127.0.0.1:41234/#token=abcDEF_-123';

  it('keeps the token off the command line: Chromium gets a file:// page that goes on to the address', async () => {
    const data = join(dir, 'data');
    const appUrl = await writeLauncherPage(data, url);
    expect(appUrl).toBe(pathToFileURL(join(data, LAUNCHER_PAGE)).href);
    const args = chromiumAppArgs(appUrl, join(data, 'chromium-profile'), false);
    expect(args.join(' ')).not.toContain('abcDEF_-123');
    expect(args.join(' ')).not.toContain('127.0.0.1');
    const html = await readFile(fileURLToPath(appUrl), 'utf8');
    expect(html).toContain(`location.replace(${JSON.stringify(url)})`);
  });

  it('is owner-only in an owner-only folder, and replaced on every run', async () => {
    const data = join(dir, 'nested', 'data');
    const first = fileURLToPath(await writeLauncherPage(data, url));
    expect((await stat(first)).mode & 0o777).toBe(0o600);
    expect((await stat(data)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'nested'))).mode & 0o777).toBe(0o700);
    const next = 'http://127.0.0.1:41235/#token=second-run';
    const second = fileURLToPath(await writeLauncherPage(data, next));
    expect(second).toBe(first);
    const html = await readFile(second, 'utf8');
    expect(html).toContain('second-run');
    expect(html).not.toContain('abcDEF_-123');
    expect((await stat(second)).mode & 0o777).toBe(0o600);
    // No temp files left behind.
    expect(await readdir(data)).toEqual([LAUNCHER_PAGE]);
  });

  it('cannot be made to end its script by what is in the address', () => {
    const html = launcherPageHtml('http://127.0.0.1:1/#</script><script>alert(1)</script>');
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('\\u003c/script>');
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

  it.each([
    ['truncated JSON', '{"x": 1'],
    ['not an object of strings', '{"x": 1}'],
    ['an array', '["x"]'],
    ['empty', ''],
  ])('moves a damaged file (%s) aside, warns, and lets the user store a password again', async (_what, text) => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, text, { mode: 0o600 });
    const warnings: string[] = [];
    const logger: Logger = { debug() {}, info() {}, warn: (msg: string) => warnings.push(msg), error() {} };
    const store = new FileSecretStore(path, logger);
    await expect(store.get('x')).resolves.toBeNull();
    await store.set('sip-password', 'new-pw');
    await expect(store.get('sip-password')).resolves.toBe('new-pw');
    // The damaged file is kept, renamed, never deleted.
    const aside = (await readdir(dir)).filter((name) => name.startsWith('secrets.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(aside[0]).toMatch(/^secrets\.json\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe(text);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(aside[0]);
  });

  it('moves a damaged file aside once when reads and saves race', async () => {
    const path = join(dir, 'secrets.json');
    await writeFile(path, 'garbage', { mode: 0o600 });
    const store = new FileSecretStore(path);
    const [a, , b] = await Promise.all([store.get('x'), store.set('y', '1'), store.get('y')]);
    expect(a).toBeNull();
    expect(b).toBe('1');
    expect((await readdir(dir)).filter((name) => name.includes('corrupt'))).toHaveLength(1);
  });
});
