// The Electron host against a fake 'electron' module and a fake core: the security settings,
// the app:// protocol, the permission rules, the IPC guard, the tray, the window's life and the
// single-instance lock, as a user (or an attacker) would meet them.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../../preload/contract.ts';
import type { AccountStatus } from '../../../preload/contract.ts';
import type { CoreOptions } from '../../../main/core/core.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import { fake, FakeWebContents, FakeWebFrame } from '../../support/fake-electron.ts';
import type { FakeBrowserWindow, FakeInvokeEvent, FakeMenu } from '../../support/fake-electron.ts';
import { createFakeCore } from './fake-core.ts';
import { errorOf } from './test-options.ts';
import type { FakeCore } from './fake-core.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);
// The real core is not needed here: every test passes createCore.
vi.mock('../../../main/core/create-core.ts', () => ({
  createCore: () => {
    throw new Error('the tests pass createCore');
  },
}));

const { startElectronApp } = await import('../../../main/app/electron-main.ts');
const { APP_CSP } = await import('../../../main/app/app-protocol.ts');

let dir: string;
let rendererDir: string;
let cores: FakeCore[];

beforeEach(async () => {
  fake.reset();
  cores = [];
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-electron-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'package.json'), '{"secret":true}');
  fake.app.userData = join(dir, 'userData');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function start(extra: { stopTimeoutMs?: number; onlinePollMs?: number } = {}) {
  const { ready } = startElectronApp({
    createCore: (options: CoreOptions) => {
      const core = createFakeCore(options);
      cores.push(core);
      return core;
    },
    rendererDir,
    preloadPath: '/app/dist/preload/index.cjs',
    iconDir: '/app/resources/tray',
    logger: silentLogger,
    ...extra,
  });
  fake.app.emitReady();
  const running = await ready;
  if (!running) throw new Error('the app did not start');
  const window = fake.windows[0]!;
  return { running, core: cores[0]!, window, contents: window.webContents };
}

/** An IPC event as our window's main frame, on app://hookswitch, would send it. */
function fromWindow(contents: FakeWebContents): FakeInvokeEvent {
  return { sender: contents, senderFrame: contents.mainFrame };
}

describe('window', () => {
  it('writes out the secure webPreferences exactly', async () => {
    const { window } = await start();
    expect(window.options.webPreferences).toEqual({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      autoplayPolicy: 'no-user-gesture-required',
      preload: '/app/dist/preload/index.cjs',
    });
    expect(fake.app.sandboxEnabled).toBe(true);
  });

  it('loads the renderer from app://hookswitch', async () => {
    const { contents } = await start();
    expect(contents.loads).toEqual(['app://hookswitch/index.html']);
  });

  it('prevents navigation and redirects away from the page', async () => {
    const { contents } = await start();
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://hookswitch/other.html' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-redirect', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
    // Reloading the same page is not navigation away.
    expect(contents.fire('will-navigate', { url: 'app://hookswitch/index.html' }).defaultPrevented).toBe(false);
  });

  it('denies window.open', async () => {
    const { contents } = await start();
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'app://hookswitch/index.html' })).toEqual({ action: 'deny' });
  });

  it('hides to the tray on close, and closes for real when quitting', async () => {
    const { window, core } = await start();
    window.show();
    window.close();
    expect(window.destroyed).toBe(false);
    expect(window.visible).toBe(false);

    fake.app.quit();
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
    expect(core.stopped).toBe(1);
    window.close();
    expect(window.destroyed).toBe(true);
  });

  it('blocks reload shortcuts in production only', async () => {
    fake.app.isPackaged = true;
    const { contents } = await start();
    const ctrlR = { type: 'keyDown', key: 'r', control: true, meta: false };
    expect(contents.fire('before-input-event', {}, ctrlR).defaultPrevented).toBe(true);
    expect(contents.fire('before-input-event', {}, { ...ctrlR, key: 'F5', control: false }).defaultPrevented).toBe(true);
    expect(contents.fire('before-input-event', {}, { ...ctrlR, key: 'a' }).defaultPrevented).toBe(false);
    // Production has no View menu (Linux here): no Reload item either.
    expect(fake.applicationMenus).toEqual([null]);
  });

  it('keeps reload shortcuts during development', async () => {
    const { contents } = await start();
    const ctrlR = { type: 'keyDown', key: 'r', control: true, meta: false };
    expect(contents.fire('before-input-event', {}, ctrlR).defaultPrevented).toBe(false);
  });

  it('reports a crashed renderer to the core and loads the page again', async () => {
    const { contents, core } = await start();
    contents.fire('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(core.gone).toEqual([String(contents.id)]);
    expect(contents.loads).toEqual(['app://hookswitch/index.html', 'app://hookswitch/index.html']);
  });

  it('stops reloading a renderer that keeps crashing', async () => {
    const { contents } = await start();
    for (let i = 0; i < 6; i++) contents.fire('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    expect(contents.loads).toHaveLength(1 + 3);
  });
});

describe('single instance', () => {
  it('quits when another instance holds the lock', async () => {
    fake.app.singleInstanceLock = false;
    const { ready } = startElectronApp({ createCore: createFakeCore, logger: silentLogger });
    fake.app.emitReady();
    await expect(ready).resolves.toBeNull();
    expect(fake.app.quitRequests).toBe(1);
    expect(fake.windows).toHaveLength(0);
  });

  it('shows and focuses the window when a second instance starts', async () => {
    const { window } = await start();
    window.close();
    window.minimized = true;
    fake.app.fire('second-instance', {}, ['hookswitch'], '/');
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
    expect(window.minimized).toBe(false);
  });
});

describe('app:// protocol', () => {
  it('is registered as privileged before ready', async () => {
    await start();
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true, codeCache: true } },
    ]);
    expect(fake.protocol.registeredBeforeReady).toBe(true);
  });

  it('serves the renderer with the strict CSP', async () => {
    await start();
    const page = await fake.protocol.fetch('app://hookswitch/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = page.headers.get('content-security-policy');
    expect(csp).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: data:; " +
        "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    expect(csp).toBe(APP_CSP);
    expect(csp).not.toContain('unsafe');
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const script = await fake.protocol.fetch('app://hookswitch/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('refuses paths outside the renderer folder with 404', async () => {
    await start();
    for (const url of [
      'app://hookswitch/../package.json',
      'app://hookswitch/%2e%2e/package.json',
      'app://hookswitch/assets/..%2f..%2fpackage.json',
      'app://hookswitch/assets%2f..%2f..%2fpackage.json',
      'app://hookswitch/..%5cpackage.json',
      'app://hookswitch/missing.js',
      'app://other/index.html',
    ]) {
      const response = await fake.protocol.fetch(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('secret');
      expect(response.headers.get('content-security-policy'), url).toBe(APP_CSP);
    }
  });
});

describe('permissions', () => {
  const app = 'app://hookswitch/index.html';

  it('grants the microphone (audio only) to app://hookswitch', async () => {
    await start();
    await expect(fake.session.request('media', { requestingUrl: app, securityOrigin: 'app://hookswitch', mediaTypes: ['audio'] })).resolves.toBe(true);
    expect(fake.session.check('media', 'app://hookswitch', { requestingUrl: app, securityOrigin: 'app://hookswitch', mediaType: 'audio' })).toBe(true);
  });

  it('grants audio output selection to app://hookswitch', async () => {
    await start();
    await expect(fake.session.request('speaker-selection', { requestingUrl: app })).resolves.toBe(true);
    expect(fake.session.check('speaker-selection', 'app://hookswitch', { requestingUrl: app })).toBe(true);
  });

  it('denies the camera, other permissions and every other origin', async () => {
    await start();
    await expect(fake.session.request('media', { requestingUrl: app, mediaTypes: ['video'] })).resolves.toBe(false);
    await expect(fake.session.request('media', { requestingUrl: app, mediaTypes: ['audio', 'video'] })).resolves.toBe(false);
    await expect(fake.session.request('media', { requestingUrl: app, mediaTypes: [] })).resolves.toBe(false);
    await expect(fake.session.request('geolocation', { requestingUrl: app })).resolves.toBe(false);
    await expect(fake.session.request('notifications', { requestingUrl: app })).resolves.toBe(false);
    await expect(fake.session.request('display-capture', { requestingUrl: app, mediaTypes: ['audio'] })).resolves.toBe(false);
    await expect(
      fake.session.request('media', { requestingUrl: 'https://evil.example/', securityOrigin: 'https://evil.example', mediaTypes: ['audio'] }),
    ).resolves.toBe(false);
    await expect(fake.session.request('media', { requestingUrl: app, mediaTypes: ['audio'], isMainFrame: false })).resolves.toBe(false);
    await expect(fake.session.request('media', { requestingUrl: 'file:///etc/passwd', mediaTypes: ['audio'] })).resolves.toBe(false);

    expect(fake.session.check('media', 'app://hookswitch', { mediaType: 'video' })).toBe(false);
    expect(fake.session.check('media', 'https://evil.example', { mediaType: 'audio' })).toBe(false);
    expect(fake.session.check('geolocation', 'app://hookswitch')).toBe(false);
    expect(fake.session.check('notifications', 'app://hookswitch')).toBe(false);
    expect(fake.session.check('speaker-selection', 'https://evil.example')).toBe(false);
    expect(fake.session.devicePermissionHandler?.({ deviceType: 'hid', origin: 'app://hookswitch' })).toBe(false);
  });
});

describe('IPC guard', () => {
  it('registers every contract command exactly once', async () => {
    const { running } = await start();
    expect([...fake.ipcMain.handleCalls].sort()).toEqual([...commandNames].sort());
    expect(new Set(fake.ipcMain.handleCalls).size).toBe(fake.ipcMain.handleCalls.length);
    expect(running.commands).toEqual(commandNames);
  });

  it('answers our window with the envelope and the webContents id as sender', async () => {
    const { contents, core } = await start();
    const result = await fake.ipcMain.invoke('app:getState', fromWindow(contents), undefined);
    expect(result).toMatchObject({ ok: true, value: { host: 'electron', version: '0.1.0-test' } });
    expect(core.calls.at(-1)?.sender).toEqual({ id: String(contents.id) });
  });

  it('refuses a foreign sender: another webContents, a subframe, another origin, a gone frame', async () => {
    const { contents, core } = await start();
    const other = new FakeWebContents();
    await other.loadURL('app://hookswitch/index.html');
    const subframe = new FakeWebFrame('app://hookswitch/index.html', contents.mainFrame.processId, contents.mainFrame);
    const foreignTop = new FakeWebFrame('https://evil.example/', contents.mainFrame.processId);
    const events: FakeInvokeEvent[] = [
      { sender: other, senderFrame: other.mainFrame },
      { sender: contents, senderFrame: subframe },
      { sender: contents, senderFrame: foreignTop },
      { sender: contents, senderFrame: null },
    ];
    for (const event of events) {
      expect(errorOf(await fake.ipcMain.invoke('calls:dial', event, { target: '1002' })).code).toBe('forbidden-sender');
    }
    contents.mainFrame.url = 'https://evil.example/';
    expect(errorOf(await fake.ipcMain.invoke('calls:dial', fromWindow(contents), { target: '1002' })).code).toBe('forbidden-sender');
    expect(core.calls).toEqual([]);
  });

  it('refuses bad arguments with invalid-argument', async () => {
    const { contents } = await start();
    const error = errorOf(await fake.ipcMain.invoke('calls:dial', fromWindow(contents), { target: 42 }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe('calls:dial: target: Invalid input: expected string, received number');
  });

  it('has no handler for a name outside the contract', async () => {
    const { contents } = await start();
    expect(fake.ipcMain.handlers.has('calls:explode')).toBe(false);
    await expect(fake.ipcMain.invoke('calls:explode', fromWindow(contents))).rejects.toThrow(/No handler/);
  });

  it('sends events to the window, and emitTo only to the named sender', async () => {
    const { contents, core } = await start();
    core.options.events.emit('calls:changed', []);
    core.options.events.emitTo(String(contents.id), 'calls:changed', []);
    core.options.events.emitTo('999', 'calls:changed', []);
    expect(contents.sent).toEqual([
      { channel: 'calls:changed', args: [[]] },
      { channel: 'calls:changed', args: [[]] },
    ]);
  });
});

describe('tray', () => {
  const status = (state: AccountStatus['state']): AccountStatus => ({ state, aor: 'sip:1001@pbx.example', error: null, retryAt: null, attempts: 0 });

  it('follows account:changed with its icon and tooltip', async () => {
    const { core } = await start();
    const tray = fake.trays[0]!;
    expect(tray.image.path).toBe('/app/resources/tray/offline.png');
    expect(tray.tooltip).toBe('Hookswitch: Not registered (sip:1001@127.0.0.1)');

    core.options.events.emit('account:changed', status('connecting'));
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');
    expect(tray.tooltip).toBe('Hookswitch: Connecting… (sip:1001@pbx.example)');

    core.options.events.emit('account:changed', status('registered'));
    expect(tray.image.path).toBe('/app/resources/tray/registered.png');
    expect(tray.tooltip).toBe('Hookswitch: Registered (sip:1001@pbx.example)');

    core.options.events.emit('account:changed', status('waiting-to-retry'));
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');

    core.options.events.emit('account:changed', status('failed'));
    expect(tray.image.path).toBe('/app/resources/tray/offline.png');
  });

  it('offers Show, Register or Unregister, and Quit', async () => {
    const { core, window } = await start();
    const tray = fake.trays[0]!;
    const labels = (menu: FakeMenu | null) => (menu?.items ?? []).filter((i) => i.label).map((i) => i.label);
    expect(labels(tray.menu)).toEqual(['Show Hookswitch', 'Register', 'Quit']);
    clickItem(tray.menu, 'Register');
    await vi.waitFor(() => {
      expect(core.calls.at(-1)).toEqual({ command: 'account:register', args: undefined, sender: { id: 'tray' } });
    });

    core.options.events.emit('account:changed', status('registered'));
    expect(labels(tray.menu)).toEqual(['Show Hookswitch', 'Unregister', 'Quit']);
    clickItem(tray.menu, 'Unregister');
    await vi.waitFor(() => {
      expect(core.calls.at(-1)?.command).toBe('account:unregister');
    });

    window.close();
    clickItem(tray.menu, 'Show Hookswitch');
    expect(window.visible).toBe(true);
    clickItem(tray.menu, 'Quit');
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
  });

  it('speaks Chinese when the settings say so', async () => {
    const { core } = await start();
    const tray = fake.trays[0]!;
    core.options.events.emit('settings:changed', {
      ...core.getState().settings,
      ui: { locale: 'zh-CN' },
    });
    expect(tray.tooltip).toBe('Hookswitch: 未注册 (sip:1001@127.0.0.1)');
  });
});

describe('network and power', () => {
  it('asks the core to re-register on resume', async () => {
    const { core } = await start();
    fake.powerMonitor.emit('resume');
    expect(core.network).toEqual(['resume']);
  });

  it('asks the core to re-register when the machine comes back online', async () => {
    fake.net.online = false;
    const { core } = await start({ onlinePollMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(core.network).toEqual([]);
    fake.net.online = true;
    await vi.waitFor(() => {
      expect(core.network).toEqual(['online']);
    });
  });
});

describe('quitting', () => {
  it('stops the core before quitting, but not forever', async () => {
    const { core } = await start({ stopTimeoutMs: 50 });
    core.stopHangs = true;
    fake.app.quit();
    expect(fake.app.quitted).toBe(false);
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
    expect(core.stopped).toBe(1);
    expect(fake.trays[0]!.destroyed).toBe(true);
  });
});

function clickItem(menu: FakeMenu | null, label: string): void {
  const item = menu?.items.find((i) => i.label === label);
  if (!item || typeof item.click !== 'function') throw new Error(`no menu item ${label}`);
  (item.click as () => void)();
}

export type { FakeBrowserWindow };
