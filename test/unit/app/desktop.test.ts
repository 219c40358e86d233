// The Electron desktop port against the fake 'electron' module: who opens each kind of link (as
// the shell answers, which on Windows may not be who registered last), making Hookswitch that
// program, the dial shortcut, and how numbers from outside reach the core: a link in this
// process's arguments, 'open-url' on macOS, a second instance's arguments on Windows and Linux.
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreOptions } from '../../../main/core/core.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import { fake } from '../../support/fake-electron.ts';
import { createFakeCore } from './fake-core.ts';
import type { FakeCore } from './fake-core.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);
vi.mock('../../../main/core/create-core.ts', () => ({
  createCore: () => {
    throw new Error('the tests pass createCore');
  },
}));

const electron = await import('electron');
const { ElectronDesktop, WINDOWS_DEFAULT_APPS } = await import('../../../main/app/desktop.ts');
const { dialArgumentOf, dialCommandFor } = await import('../../../main/app/dial-arguments.ts');
const { startElectronApp } = await import('../../../main/app/electron-main.ts');

function desktop(platform: NodeJS.Platform, onShortcut: (text: string) => void = () => undefined) {
  return new ElectronDesktop({
    app: electron.app,
    globalShortcut: electron.globalShortcut,
    clipboard: electron.clipboard,
    shell: electron.shell,
    platform,
    execPath: '/opt/Hookswitch/hookswitch',
    argv: ['/opt/Hookswitch/hookswitch'],
    defaultApp: false,
    onShortcut,
    logger: silentLogger,
  });
}

beforeEach(() => {
  fake.reset();
});

describe('link handlers', () => {
  it('nothing registered: no program, or the program the system names', async () => {
    fake.app.shellHandlers.set('sip', 'Zoiper5');
    const links = await desktop('darwin').linkHandlers();
    expect(links).toEqual([
      { scheme: 'tel', state: 'none', handler: '' },
      { scheme: 'sip', state: 'other', handler: 'Zoiper5' },
      { scheme: 'sips', state: 'none', handler: '' },
      { scheme: 'callto', state: 'none', handler: '' },
    ]);
  });

  it('macOS and Linux: making Hookswitch the program takes effect at once', async () => {
    fake.app.shellHandlers.set('tel', 'FaceTime');
    const d = desktop('darwin');
    expect(await d.makeDefaultHandler('tel')).toBe(false);
    expect((await d.linkHandlers())[0]).toEqual({ scheme: 'tel', state: 'default', handler: 'Hookswitch' });
    expect(fake.openedExternally).toEqual([]);
  });

  it('Windows keeps the user\'s choice: still another program, so Default apps is opened for the user', async () => {
    fake.app.registrationChangesHandler = false;
    fake.app.shellHandlers.set('tel', 'Microsoft Teams');
    const d = desktop('win32');
    expect(await d.makeDefaultHandler('tel')).toBe(true);
    expect(fake.app.isDefaultProtocolClient('tel')).toBe(true);
    expect(fake.openedExternally).toEqual([WINDOWS_DEFAULT_APPS]);
    expect((await d.linkHandlers())[0]).toEqual({ scheme: 'tel', state: 'other', handler: 'Microsoft Teams' });
    // The user picked Hookswitch there (the shell names the executable).
    fake.app.shellHandlers.set('tel', 'Hookswitch.exe');
    expect((await d.linkHandlers())[0]).toMatchObject({ scheme: 'tel', state: 'default' });
  });

  it('in development registers the executable with the app folder, as Windows needs', async () => {
    const d = new ElectronDesktop({
      app: electron.app,
      globalShortcut: electron.globalShortcut,
      clipboard: electron.clipboard,
      shell: electron.shell,
      platform: 'win32',
      execPath: 'C:\\electron\\electron.exe',
      argv: ['C:\\electron\\electron.exe', 'app'],
      defaultApp: true,
      onShortcut: () => undefined,
      logger: silentLogger,
    });
    await d.makeDefaultHandler('sip');
    expect(fake.app.protocolClients.get('sip')).toMatch(/^C:\\electron\\electron\.exe .*app$/);
  });
});

describe('the dial shortcut', () => {
  it('registers, replaces and removes the keys; says when another program holds them', () => {
    const d = desktop('win32');
    expect(d.setDialShortcut('CommandOrControl+Alt+Shift+D')).toBe('active');
    expect([...fake.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Alt+Shift+D']);
    fake.globalShortcut.takenElsewhere.add('CommandOrControl+Shift+X');
    expect(d.setDialShortcut('CommandOrControl+Shift+X')).toBe('taken');
    expect([...fake.globalShortcut.registered.keys()]).toEqual([]);
    expect(d.setDialShortcut('Alt+F9')).toBe('active');
    expect(d.setDialShortcut('')).toBe('off');
    expect([...fake.globalShortcut.registered.keys()]).toEqual([]);
  });

  it('Linux: dials the selected text, or the clipboard when nothing is selected', async () => {
    const read: string[] = [];
    const d = desktop('linux', (text) => read.push(text));
    expect(d.shortcutReads).toBe('selection');
    d.setDialShortcut('Alt+F9');
    fake.clipboard.selectionText = 'Grace: +1 555 123 4567';
    fake.clipboard.text = 'copied 030 1234567';
    fake.globalShortcut.press('Alt+F9');
    await vi.waitFor(() => {
      expect(read).toEqual(['Grace: +1 555 123 4567']);
    });
    fake.clipboard.selectionText = '';
    fake.globalShortcut.press('Alt+F9');
    await vi.waitFor(() => {
      expect(read).toEqual(['Grace: +1 555 123 4567', 'copied 030 1234567']);
    });
  });

  it('Windows and macOS: dials what was copied', async () => {
    const read: string[] = [];
    const d = desktop('darwin', (text) => read.push(text));
    expect(d.shortcutReads).toBe('clipboard');
    d.setDialShortcut('CommandOrControl+Alt+Shift+D');
    fake.clipboard.selectionText = 'not on a Mac';
    fake.clipboard.text = '030 1234567';
    fake.globalShortcut.press('CommandOrControl+Alt+Shift+D');
    await vi.waitFor(() => {
      expect(read).toEqual(['030 1234567']);
    });
  });
});

describe('command lines', () => {
  it('find a link or `dial <number>` among Chromium\'s switches', () => {
    expect(dialArgumentOf(['/opt/Hookswitch/hookswitch'])).toBeNull();
    expect(dialArgumentOf(['C:\\Hookswitch.exe', '--allow-file-access-from-files', 'tel:+49301234567'])).toEqual({ text: 'tel:+49301234567', form: 'link' });
    expect(dialArgumentOf(['electron', '/app', '--original-process-start-time=1', 'SIP:alice@example.com'])).toEqual({ text: 'SIP:alice@example.com', form: 'link' });
    expect(dialArgumentOf(['hookswitch', 'dial', '+49', '30', '1234567'])).toEqual({ text: '+49 30 1234567', form: 'argument' });
    expect(dialArgumentOf(['hookswitch', 'dial'])).toEqual({ text: '', form: 'argument' });
    // A first argument is the program itself, never a link.
    expect(dialArgumentOf(['tel:+1'])).toBeNull();
  });

  it('say how to dial from a command line on each system', () => {
    expect(dialCommandFor('linux', '/opt/Hookswitch/hookswitch', true)).toBe('hookswitch dial <number>');
    expect(dialCommandFor('win32', 'C:\\Program Files\\Hookswitch\\Hookswitch.exe', true)).toBe('"C:\\Program Files\\Hookswitch\\Hookswitch.exe" dial <number>');
    expect(dialCommandFor('darwin', '/Applications/Hookswitch.app/Contents/MacOS/Hookswitch', true)).toBe('/Applications/Hookswitch.app/Contents/MacOS/Hookswitch dial <number>');
    expect(dialCommandFor('linux', '/usr/bin/electron', false)).toBe('npm start -- dial <number>');
  });
});

describe('numbers reaching the app', () => {
  let dir: string;
  let cores: FakeCore[];

  beforeEach(async () => {
    cores = [];
    dir = await mkdtemp(join(tmpdir(), 'hookswitch-desktop-'));
    await mkdir(join(dir, 'renderer'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
    fake.app.userData = join(dir, 'userData');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function launch(argv: string[], beforeReady: () => void = () => undefined) {
    const { ready } = startElectronApp({
      createCore: (options: CoreOptions) => {
        const core = createFakeCore(options);
        cores.push(core);
        return core;
      },
      rendererDir: join(dir, 'renderer'),
      preloadPath: '/app/dist/preload/index.cjs',
      iconDir: '/app/resources/tray',
      logger: silentLogger,
      processEvents: new EventEmitter(),
      argv,
    });
    beforeReady();
    fake.app.emitReady();
    return ready;
  }

  it('a link that started the app is dialled once the core has started', async () => {
    const running = await launch(['C:\\Hookswitch.exe', 'tel:+49301234567']);
    expect(running).not.toBeNull();
    expect(cores[0]?.outside).toEqual([{ text: 'tel:+49301234567', form: 'link', source: 'link' }]);
  });

  it('macOS: links arrive by open-url, even before ready, and the default is prevented', async () => {
    let early: { defaultPrevented: boolean } | null = null;
    await launch(['/Applications/Hookswitch.app/Contents/MacOS/Hookswitch'], () => {
      early = fake.app.fire('open-url', {}, 'sip:alice@example.com');
    });
    expect(early).toMatchObject({ defaultPrevented: true });
    fake.app.fire('open-url', {}, 'tel:1003');
    expect(cores[0]?.outside).toEqual([
      { text: 'sip:alice@example.com', form: 'link', source: 'link' },
      { text: 'tel:1003', form: 'link', source: 'link' },
    ]);
  });

  it('Windows and Linux: a second instance hands over its link or `dial <number>`, and the window comes forward', async () => {
    const running = await launch(['/opt/Hookswitch/hookswitch']);
    const window = fake.windows[0];
    window?.hide();
    fake.app.fire('second-instance', {}, ['/opt/Hookswitch/hookswitch', '--original-process-start-time=5', 'callto:+4930123456'], '/home/agent', {});
    fake.app.fire('second-instance', {}, ['/opt/Hookswitch/hookswitch', 'dial', '030', '1234567'], '/home/agent', {});
    fake.app.fire('second-instance', {}, ['/opt/Hookswitch/hookswitch'], '/home/agent', {});
    expect(running?.core).toBe(cores[0]);
    expect(cores[0]?.outside).toEqual([
      { text: 'callto:+4930123456', form: 'link', source: 'link' },
      { text: '030 1234567', form: 'argument', source: 'command-line' },
    ]);
    expect(window?.isVisible()).toBe(true);
  });

  it('the dial shortcut hands the selected text to the core', async () => {
    await launch(['/opt/Hookswitch/hookswitch']);
    const port = cores[0]?.options.desktop;
    expect(port).toBeDefined();
    port?.setDialShortcut('Alt+F9');
    fake.clipboard.text = 'ring 1003 please';
    fake.clipboard.selectionText = 'ring 1003 please';
    fake.globalShortcut.press('Alt+F9');
    await vi.waitFor(() => {
      expect(cores[0]?.outside).toEqual([{ text: 'ring 1003 please', form: 'text', source: 'shortcut' }]);
    });
  });
});
