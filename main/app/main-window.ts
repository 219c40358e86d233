// The main window. It also hosts the media engine (the WebRTC side of every call), so it is
// never destroyed while the app runs: closing hides it to the tray, reload shortcuts are off in
// production, and a crashed renderer is reported to the core and loaded again.
import { BrowserWindow } from 'electron';
import type { Input, WebPreferences } from 'electron';
import type { Logger } from '../core/ports.ts';
import { APP_INDEX_URL } from './app-protocol.ts';
import { isSafeExternalUrl, openExternal } from './open-external.ts';

/** Written out in full so a default changing under us cannot loosen anything. */
export function mainWindowWebPreferences(preloadPath: string): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    // The ringtone must sound for an incoming call that arrives while the user is elsewhere.
    autoplayPolicy: 'no-user-gesture-required',
    preload: preloadPath,
  };
}

export function isReloadShortcut(input: Pick<Input, 'type' | 'key' | 'control' | 'meta'>): boolean {
  if (input.type !== 'keyDown') return false;
  const key = input.key.toLowerCase();
  return key === 'f5' || ((input.control || input.meta) && key === 'r');
}

export interface MainWindowOptions {
  preloadPath: string;
  /** app.isPackaged: production blocks reload shortcuts. */
  production: boolean;
  /** True once the user chose Quit; until then closing only hides the window. */
  isQuitting(): boolean;
  /** The page is gone (crash or navigation): the core detaches that sender's media engine. */
  onSenderGone(senderId: string): void;
  logger: Logger;
}

/** How many crash reloads in a minute before giving up, so a page that crashes at once cannot spin. */
const MAX_CRASH_RELOADS = 3;
const CRASH_WINDOW_MS = 60_000;

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1024,
    height: 720,
    minWidth: 360,
    minHeight: 480,
    show: false,
    title: 'Hookswitch',
    backgroundColor: '#ffffff',
    webPreferences: mainWindowWebPreferences(options.preloadPath),
  });
  const contents = window.webContents;
  const senderId = String(contents.id);

  window.once('ready-to-show', () => {
    window.show();
  });
  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  // The page never navigates away, not even to a link: links in the UI open through window.open
  // (target=_blank), below. A navigation is refused and opens nothing, so a page that was tricked
  // into navigating cannot launch anything either.
  contents.on('will-navigate', (event) => {
    if (event.url !== contents.getURL()) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (event.url !== contents.getURL()) event.preventDefault();
  });
  // No window of ours ever opens another: http, https and mailto go to the system's browser or mail
  // client through the one safe openExternal; anything else is dropped.
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) {
      openExternal(url).catch((err: unknown) => {
        options.logger.warn('opening a link outside the app failed', err);
      });
    } else {
      options.logger.warn(`window.open refused: ${url.slice(0, 64)}`);
    }
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.on('before-input-event', (event, input) => {
    if (options.production && isReloadShortcut(input)) event.preventDefault();
  });

  contents.on('did-navigate', () => {
    // A new document has no media engine yet; the old one's calls have lost their media.
    options.onSenderGone(senderId);
  });
  const crashes: number[] = [];
  contents.on('render-process-gone', (_event, details) => {
    options.logger.error(`renderer gone: ${details.reason} (exit ${details.exitCode})`);
    options.onSenderGone(senderId);
    if (options.isQuitting() || window.isDestroyed()) return;
    const now = Date.now();
    while (crashes.length > 0 && (crashes[0] ?? 0) < now - CRASH_WINDOW_MS) crashes.shift();
    if (crashes.length >= MAX_CRASH_RELOADS) {
      options.logger.error('renderer keeps crashing; not reloading again');
      return;
    }
    crashes.push(now);
    contents.loadURL(APP_INDEX_URL).catch((err: unknown) => {
      options.logger.error('reload after renderer crash failed', err);
    });
  });
  contents.on('destroyed', () => {
    options.onSenderGone(senderId);
  });
  return window;
}

/** Brings the window back from the tray, a minimised state or behind other windows. */
export function showWindow(window: BrowserWindow | null): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
