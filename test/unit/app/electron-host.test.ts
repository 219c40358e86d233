// The Electron host against a fake 'electron' module and a fake core: the security settings,
// the app:// protocol, the permission rules, the IPC guard, the tray, the window's life and the
// single-instance lock, as a user (or an attacker) would meet them.
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../../preload/contract.ts';
import type { AccountStatus, Handlers } from '../../../preload/contract.ts';
import type { CoreOptions } from '../../../main/core/core.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import type { Logger } from '../../../main/core/ports.ts';
import { fake, FakeWebContents, FakeWebFrame } from '../../support/fake-electron.ts';
import type { FakeBrowserWindow, FakeInvokeEvent, FakeMenu } from '../../support/fake-electron.ts';
import { createFakeCore } from './fake-core.ts';
import { expectOneHandlerEach } from './one-handler-each.ts';
import { errorOf } from './test-options.ts';
import type { FakeCore } from './fake-core.ts';
import { makeAccountStatus } from '../../support/contract-values.ts';

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
/** Stands in for `process`: the host's uncaught-error listeners go here, not on the test runner's. */
let processEvents: EventEmitter;

beforeEach(async () => {
  fake.reset();
  cores = [];
  processEvents = new EventEmitter();
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

interface StartOptions {
  stopTimeoutMs?: number;
  onlinePollMs?: number;
  logger?: Logger;
  /** Changes the fake core before the host sees it. */
  adjustCore?: (core: FakeCore) => FakeCore;
}

function launch(extra: StartOptions = {}) {
  const { adjustCore = (core: FakeCore) => core, ...rest } = extra;
  const { ready } = startElectronApp({
    createCore: (options: CoreOptions) => {
      const core = adjustCore(createFakeCore(options));
      cores.push(core);
      return core;
    },
    rendererDir,
    preloadPath: '/app/dist/preload/index.cjs',
    iconDir: '/app/resources/tray',
    logger: silentLogger,
    processEvents,
    ...rest,
  });
  fake.app.emitReady();
  return ready;
}

async function start(extra: StartOptions = {}) {
  const running = await launch(extra);
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

  it('prevents navigation and redirects away from the page, and opens nothing for them', async () => {
    const { contents } = await start();
    expect(contents.fire('will-navigate', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'http://example.com/docs' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'mailto:help@example.com' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-navigate', { url: 'app://hookswitch/other.html' }).defaultPrevented).toBe(true);
    expect(contents.fire('will-redirect', { url: 'https://evil.example/' }).defaultPrevented).toBe(true);
    // Reloading the same page is not navigation away.
    expect(contents.fire('will-navigate', { url: 'app://hookswitch/index.html' }).defaultPrevented).toBe(false);
    await Promise.resolve();
    expect(fake.openedExternally).toEqual([]);
  });

  it('opens http, https and mailto links (window.open, target=_blank) in the system browser, never in a window', async () => {
    const { contents } = await start();
    for (const url of ['https://example.com/help', 'http://example.com/', 'mailto:help@example.com']) {
      expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(fake.openedExternally).toEqual(['https://example.com/help', 'http://example.com/', 'mailto:help@example.com']);
    expect(fake.windows).toHaveLength(1);
  });

  it('opens nothing for any other window.open', async () => {
    const { contents } = await start();
    for (const url of ['app://hookswitch/index.html', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://server/share', 'https://user:pw@example.com/', 'about:blank', '']) {
      expect(contents.windowOpenHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    expect(fake.openedExternally).toEqual([]);
    expect(fake.windows).toHaveLength(1);
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
    const { ready } = startElectronApp({ createCore: createFakeCore, logger: silentLogger, processEvents });
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
    expectOneHandlerEach(fake.ipcMain.handleCalls);
    expect(running.commands).toEqual(commandNames);
    expect(running.commands).toEqual(fake.ipcMain.handleCalls);
  });

  it('does not start when the core lacks a handler for a contract command', async () => {
    const ready = launch({
      adjustCore: (core) => {
        const partial: Partial<Handlers> = { ...core.handlers };
        delete partial['calls:hold'];
        return { ...core, handlers: partial as Handlers };
      },
    });
    await expect(ready).rejects.toThrow(/No handler for command: calls:hold/);
    expect(fake.ipcMain.handlers.has('calls:hold')).toBe(false);
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
  const oneAccount = (s: AccountStatus): AccountStatus[] => [s];
  const status = (state: AccountStatus['state'], accountId = 'main', label = 'sip:1001@pbx.example'): AccountStatus =>
    makeAccountStatus({ accountId, label, state, aor: 'sip:1001@pbx.example' });

  it('follows accounts:changed with its icon and tooltip', async () => {
    const { core } = await start();
    const tray = fake.trays[0]!;
    expect(tray.image.path).toBe('/app/resources/tray/offline.png');
    expect(tray.tooltip).toBe('Hookswitch: Not registered (sip:1001@127.0.0.1)');

    core.options.events.emit('accounts:changed', oneAccount(status('connecting')));
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');
    expect(tray.tooltip).toBe('Hookswitch: Connecting… (sip:1001@pbx.example)');

    core.options.events.emit('accounts:changed', oneAccount(status('registered')));
    expect(tray.image.path).toBe('/app/resources/tray/registered.png');
    expect(tray.tooltip).toBe('Hookswitch: Registered (sip:1001@pbx.example)');

    core.options.events.emit('accounts:changed', oneAccount(status('waiting-to-retry')));
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');

    core.options.events.emit('accounts:changed', oneAccount(status('failed')));
    expect(tray.image.path).toBe('/app/resources/tray/offline.png');
  });

  it('offers Show, Register or Unregister, and Quit', async () => {
    const { core, window } = await start();
    const tray = fake.trays[0]!;
    const labels = (menu: FakeMenu | null) => (menu?.items ?? []).filter((i) => i.label).map((i) => i.label);
    expect(labels(tray.menu)).toEqual(['Show Hookswitch', 'Register', 'Quit']);
    clickItem(tray.menu, 'Register');
    await vi.waitFor(() => {
      expect(core.calls.at(-1)).toEqual({ command: 'accounts:register', args: { accountId: 'main' }, sender: { id: 'tray' } });
    });

    core.options.events.emit('accounts:changed', oneAccount(status('registered')));
    expect(labels(tray.menu)).toEqual(['Show Hookswitch', 'Unregister', 'Quit']);
    clickItem(tray.menu, 'Unregister');
    await vi.waitFor(() => {
      expect(core.calls.at(-1)?.command).toBe('accounts:unregister');
    });

    window.close();
    clickItem(tray.menu, 'Show Hookswitch');
    expect(window.visible).toBe(true);
    clickItem(tray.menu, 'Quit');
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
  });

  it('starts from an accounts:changed the core sent while it was being built', async () => {
    await start({
      adjustCore: (core) => {
        core.options.events.emit('accounts:changed', oneAccount(status('registering')));
        return core;
      },
    });
    const tray = fake.trays[0]!;
    // The fake core's getState() still says unregistered: the event is the newer word.
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');
    expect(tray.tooltip).toBe('Hookswitch: Connecting… (sip:1001@pbx.example)');
  });

  it('follows accounts:changed while start() has not finished, with the window already up', async () => {
    let finishStart: () => void = () => undefined;
    const ready = launch({
      adjustCore: (core) => {
        core.start = () => {
          core.started += 1;
          core.options.events.emit('accounts:changed', oneAccount(status('connecting')));
          return new Promise<void>((resolve) => {
            finishStart = resolve;
          });
        };
        return core;
      },
    });
    await vi.waitFor(() => {
      expect(cores[0]?.started).toBe(1);
    });
    const tray = fake.trays[0]!;
    const window = fake.windows[0]!;
    expect(window.webContents.loads).toEqual(['app://hookswitch/index.html']);
    window.fire('ready-to-show');
    expect(window.visible).toBe(true);
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');
    cores[0]!.options.events.emit('accounts:changed', oneAccount(status('registered')));
    expect(tray.image.path).toBe('/app/resources/tray/registered.png');
    finishStart();
    await expect(ready).resolves.not.toBeNull();
    // Finishing start() does not put back an older state.
    expect(tray.image.path).toBe('/app/resources/tray/registered.png');
  });

  it('with several accounts: registered only when all are, a line per account in the tooltip', async () => {
    const { core } = await start();
    const tray = fake.trays[0]!;
    const sales = (state: AccountStatus['state']): AccountStatus => status(state, 'sales', 'Sales');
    core.options.events.emit('accounts:changed', [status('registered'), sales('failed')]);
    expect(tray.image.path).toBe('/app/resources/tray/connecting.png');
    expect(tray.tooltip).toBe('Hookswitch\nsip:1001@pbx.example: Registered\nSales: Not registered');
    core.options.events.emit('accounts:changed', [status('registered'), sales('registered')]);
    expect(tray.image.path).toBe('/app/resources/tray/registered.png');
    core.options.events.emit('accounts:changed', [status('unregistered'), sales('failed')]);
    expect(tray.image.path).toBe('/app/resources/tray/offline.png');
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

describe('uncaught errors', () => {
  function recordingLogger(): Logger & { errors: string[] } {
    const errors: string[] = [];
    return { debug() {}, info() {}, warn() {}, error: (msg: string) => errors.push(msg), errors };
  }

  it('are logged with their stack, and the app keeps running', async () => {
    const logger = recordingLogger();
    const { core, contents } = await start({ logger });
    expect(processEvents.listenerCount('uncaughtException')).toBe(1);
    expect(processEvents.listenerCount('unhandledRejection')).toBe(1);
    const thrown = new Error('boom in a sip.js callback');
    processEvents.emit('uncaughtException', thrown, 'uncaughtException');
    processEvents.emit('unhandledRejection', new Error('nobody awaited this'), Promise.resolve());
    expect(logger.errors).toEqual([
      `uncaught exception (the process keeps running): ${thrown.stack ?? ''}`,
      expect.stringMatching(/^unhandled promise rejection \(the process keeps running\): Error: nobody awaited this\n\s+at /),
    ]);
    expect(fake.app.quitRequests).toBe(0);
    expect(fake.app.exitCode).toBeNull();
    expect(core.stopped).toBe(0);
    await expect(fake.ipcMain.invoke('app:getState', fromWindow(contents), undefined)).resolves.toMatchObject({ ok: true });
  });

  it('are caught from the very start, before the app is ready', () => {
    startElectronApp({ createCore: createFakeCore, logger: silentLogger, processEvents });
    expect(processEvents.listenerCount('uncaughtException')).toBe(1);
    expect(processEvents.listenerCount('unhandledRejection')).toBe(1);
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

describe('quitting, more', () => {
  it('stops the core once when Quit is chosen twice', async () => {
    const { core } = await start({ stopTimeoutMs: 50 });
    core.stopHangs = true;
    fake.app.quit();
    fake.app.quit();
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
    expect(core.stopped).toBe(1);
  });

  it('quits even when stopping the core fails', async () => {
    const { core } = await start({ stopTimeoutMs: 5000 });
    core.stop = () => {
      core.stopped += 1;
      return Promise.reject(new Error('the PBX went away'));
    };
    fake.app.quit();
    await vi.waitFor(() => {
      expect(fake.app.quitted).toBe(true);
    });
    expect(core.stopped).toBe(1);
  });
});

function clickItem(menu: FakeMenu | null, label: string): void {
  const item = menu?.items.find((i) => i.label === label);
  if (!item || typeof item.click !== 'function') throw new Error(`no menu item ${label}`);
  (item.click as () => void)();
}

export type { FakeBrowserWindow };

describe('notifications', () => {
  const notice = { callId: 'call-7', name: 'Grace Hopper', number: '1002', account: '' };

  it('a ringing call gets a toast with Answer and Decline; Answer goes through calls:answer and brings the window', async () => {
    const { core, window } = await start();
    window.hide();
    core.options.notifier?.incomingCall(notice);
    const toast = fake.notifications[0]!;
    expect(toast.shown).toBe(true);
    expect(toast.options).toMatchObject({ title: 'Call from Grace Hopper', body: '1002', timeoutType: 'never', silent: true });
    expect(toast.options.actions?.map((a) => a.text)).toEqual(['Answer', 'Decline']);
    toast.press(0);
    await vi.waitFor(() => {
      expect(core.calls.at(-1)).toEqual({ command: 'calls:answer', args: { callId: 'call-7' }, sender: { id: 'notification' } });
    });
    expect(window.visible).toBe(true);
  });

  it('Decline goes through calls:reject; a call that stops ringing elsewhere takes its toast away', async () => {
    const { core, window } = await start();
    window.hide();
    core.options.notifier?.incomingCall(notice);
    fake.notifications[0]!.press(1);
    await vi.waitFor(() => {
      expect(core.calls.at(-1)?.command).toBe('calls:reject');
    });
    core.options.notifier?.incomingCall({ ...notice, callId: 'call-8', name: '' });
    const second = fake.notifications[1]!;
    expect(second.options.title).toBe('Call from 1002');
    core.options.notifier?.closeIncomingCall('call-8');
    expect(second.closed).toBe(true);
  });

  it('shows nothing while the window is in front: the call card is there', async () => {
    const { core, window } = await start();
    window.show();
    window.focus();
    core.options.notifier?.incomingCall(notice);
    core.options.notifier?.missedCall({ ...notice, at: 1 });
    expect(fake.notifications).toHaveLength(0);
  });

  it('missed calls: a toast each, the unseen count on the badge, the tray and (Windows) the taskbar button', async () => {
    const { core, window } = await start();
    window.hide();
    core.options.notifier?.missedCall({ ...notice, at: 1 });
    expect(fake.notifications[0]!.options.title).toBe('Missed call from Grace Hopper');
    core.options.notifier?.missedCount(3);
    expect(fake.app.badgeCount).toBe(3);
    expect(fake.trays[0]!.tooltip).toMatch(/\n3 missed calls$/);
    if (process.platform === 'win32') expect(window.overlay?.description).toBe('3 missed calls');
    core.options.notifier?.missedCount(0);
    expect(fake.app.badgeCount).toBe(0);
    expect(fake.trays[0]!.tooltip).not.toMatch(/missed/);
  });

  it('speaks Chinese when the settings say so', async () => {
    const { core, window } = await start();
    window.hide();
    core.options.events.emit('settings:changed', { ...core.getState().settings, ui: { locale: 'zh-CN' } });
    core.options.notifier?.incomingCall(notice);
    expect(fake.notifications[0]!.options.title).toBe('Grace Hopper 来电');
    expect(fake.notifications[0]!.options.actions?.map((a) => a.text)).toEqual(['接听', '拒接']);
  });
});
