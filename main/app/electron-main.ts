// The Electron host's composition root: every service is built and wired here, by hand. The
// core receives its ports (settings file, safeStorage secrets, the IPC event sink); the rest of
// this folder is thin glue between Electron and the core.
import { app, clipboard, globalShortcut, ipcMain, Menu, net, powerMonitor, safeStorage, session, shell } from 'electron';
import type { BrowserWindow, WebContents } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccountStatus, CommandName, EventName, EventPayload, SenderInfo } from '../../preload/contract.ts';
import type { Core, CoreOptions } from '../core/core.ts';
import { createCore } from '../core/create-core.ts';
import { systemClock } from '../core/ports.ts';
import type { EventSink, Logger } from '../core/ports.ts';
import { settleWithin } from '../core/time-bounds.ts';
import { createSettingsFile } from '../host/atomic-file.ts';
import { createConsoleLogger } from '../host/console-logger.ts';
import { defaultRendererDir } from '../host/package-paths.ts';
import { keepRunningOnUncaughtErrors } from '../host/process-guards.ts';
import type { ProcessEvents } from '../host/process-guards.ts';
import { APP_INDEX_URL, handleAppProtocol, registerAppScheme } from './app-protocol.ts';
import { createHistoryStore } from '../host/history/create-history-store.ts';
import { createHostHidTransport } from './hid/host-hid-transport.ts';
import { openExternal } from './open-external.ts';
import { createIpcEventSink, installIpcGuard } from './ipc-guard.ts';
import { createMainWindow, showWindow } from './main-window.ts';
import { watchNetwork } from './network-watch.ts';
import { installPermissionHandlers } from './permissions.ts';
import { SafeStorageSecretStore } from './safe-storage-secret-store.ts';
import { AppTray } from './tray.ts';
import { ElectronNotifier, missedOverlay } from './notifier.ts';
import { ElectronDesktop } from './desktop.ts';
import { dialArgumentOf, type DialArgument } from './dial-arguments.ts';
import type { DialForm, DialSource } from '../core/cti/dial-requests.ts';

export const APP_USER_MODEL_ID = 'com.hookswitch.desktop';

// Paths relative to this module: the sources (main/app) and the bundle (dist/main) both sit two
// folders below the package root, inside or outside app.asar.
const packageRoot = (): URL => new URL('../../', import.meta.url);

export interface ElectronAppOptions {
  createCore?: (options: CoreOptions) => Core | Promise<Core>;
  rendererDir?: string;
  preloadPath?: string;
  iconDir?: string;
  logger?: Logger;
  /** How long quitting waits for the core to hang up and unregister. */
  stopTimeoutMs?: number;
  onlinePollMs?: number;
  /** Where uncaught errors are caught; the real process unless a test passes its own. */
  processEvents?: ProcessEvents;
  /** This process's command line (process.argv unless a test passes its own): a link may be in it. */
  argv?: readonly string[];
}

/** Numbers from outside kept while the core starts; more than this many are refused meanwhile. */
const MAX_EARLY_NUMBERS = 8;

export interface RunningElectronApp {
  core: Core;
  window: BrowserWindow;
  tray: AppTray;
  commands: readonly CommandName[];
}

/** The tray's own senders id: commands it issues do not come from a renderer. */
const traySender: SenderInfo = { id: 'tray' };
/** Commands from a notification's buttons (Answer, Decline). */
const notificationSender: SenderInfo = { id: 'notification' };

/** Any event with its payload, so a listener can switch on the name and get the payload's type. */
type AnyEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];

/**
 * Starts the app. The synchronous part (scheme registration, single-instance lock, app events)
 * runs before Electron's ready event, as it must; the rest waits for ready. `ready` resolves to
 * null when another instance already runs and this one quits.
 */
export function startElectronApp(options: ElectronAppOptions = {}): { ready: Promise<RunningElectronApp | null> } {
  const logger = options.logger ?? createConsoleLogger('info', 'electron');
  // Electron's own default for an uncaught exception in main is a modal "A JavaScript error
  // occurred" box, and an unhandled rejection becomes one too. Log and keep running instead, as VS
  // Code's main process does (src/vs/code/electron-main/app.ts): a dialog or an exit mid-call
  // would drop the call and the registration for one bug in one callback.
  keepRunningOnUncaughtErrors(options.processEvents ?? process, logger);
  registerAppScheme();
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID);

  if (!app.requestSingleInstanceLock()) {
    // The other instance is told through 'second-instance' and shows its window.
    app.quit();
    return { ready: Promise.resolve(null) };
  }

  let quitting = false;
  let window: BrowserWindow | null = null;
  let tray: AppTray | null = null;
  let core: Core | null = null;
  let stopping: Promise<void> | null = null;
  let stopped = false;
  let stopNetworkWatch: (() => void) | null = null;

  // Numbers from outside: links (open-url on macOS, arguments elsewhere), `hookswitch dial`, the
  // dial shortcut. Until the core has started they wait here, in order.
  const early: { text: string; form: DialForm; source: DialSource }[] = [];
  const fromOutside = (text: string, form: DialForm, source: DialSource): void => {
    showWindow(window);
    if (core === null || !coreStarted) {
      if (early.length < MAX_EARLY_NUMBERS) early.push({ text, form, source });
      else logger.warn(`a number from outside (${source}) arrived while ${MAX_EARLY_NUMBERS} others wait for the start; dropped`);
      return;
    }
    void core.dialFromOutside(text, form, source);
  };
  const fromArguments = (argument: DialArgument | null): void => {
    if (argument) fromOutside(argument.text, argument.form, argument.form === 'link' ? 'link' : 'command-line');
  };
  let coreStarted = false;
  fromArguments(dialArgumentOf(options.argv ?? process.argv));
  // macOS hands links over by event, possibly before ready: registered at once.
  app.on('open-url', (event, url) => {
    event.preventDefault();
    fromOutside(url, 'link', 'link');
  });
  app.on('second-instance', (_event, argv) => {
    showWindow(window);
    fromArguments(dialArgumentOf(argv));
  });
  app.on('activate', () => {
    showWindow(window);
  });
  // The window only hides; the app lives in the tray until the user quits.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', (event) => {
    quitting = true;
    if (stopped || core === null) return;
    event.preventDefault();
    // A second Quit while the core is stopping waits for the same stop.
    if (stopping !== null) return;
    const stopTimeoutMs = options.stopTimeoutMs ?? 5000;
    const coreStopped = core.stop().catch((err: unknown) => {
      logger.warn('core stop failed', err);
    });
    stopping = settleWithin(coreStopped, stopTimeoutMs, systemClock).then((outcome) => {
      if (outcome === 'timeout') logger.warn(`core stop timed out after ${stopTimeoutMs} ms`);
      stopped = true;
      stopNetworkWatch?.();
      tray?.destroy();
      app.quit();
    });
  });

  const ready = app.whenReady().then(async (): Promise<RunningElectronApp> => {
    const userData = app.getPath('userData');
    const rendererDir = options.rendererDir ?? fileURLToPath(defaultRendererDir());
    const preloadPath = options.preloadPath ?? fileURLToPath(new URL('dist/preload/index.cjs', packageRoot()));
    const iconDir = options.iconDir ?? fileURLToPath(new URL('resources/tray/', packageRoot()));
    const systemLocale = app.getPreferredSystemLanguages()[0] ?? app.getLocale();

    handleAppProtocol(rendererDir);
    installPermissionHandlers(session.defaultSession);
    if (app.isPackaged) {
      // No View menu, so no Reload item; macOS keeps the app and Edit menus for copy and paste.
      Menu.setApplicationMenu(
        process.platform === 'darwin' ? Menu.buildFromTemplate([{ role: 'appMenu' }, { role: 'editMenu' }, { role: 'windowMenu' }]) : null,
      );
    }

    const contents = (): WebContents | null => (window && !window.isDestroyed() ? window.webContents : null);
    const ipcEvents = createIpcEventSink(() => {
      const current = contents();
      return current ? [current] : [];
    });
    // The core may report before the tray exists (while it is built, or from start() racing the
    // window): the latest report is kept and the tray starts from it, so it never shows a state
    // older than the last 'accounts:changed'.
    const latest: { accounts: AccountStatus[] | null; locale: string | null } = { accounts: null, locale: null };
    const observe = (e: AnyEvent): void => {
      if (e.event === 'accounts:changed') {
        latest.accounts = e.payload;
        tray?.update(e.payload);
      } else if (e.event === 'settings:changed') {
        const locale = e.payload.ui.locale === 'auto' ? systemLocale : e.payload.ui.locale;
        latest.locale = locale;
        tray?.setLocale(locale);
      }
    };
    const events: EventSink = {
      emit(event, payload) {
        ipcEvents.emit(event, payload);
        // TypeScript cannot correlate a generic name with its payload; AnyEvent restores the pairing.
        observe({ event, payload } as AnyEvent);
      },
      emitTo(senderId, event, payload) {
        ipcEvents.emitTo(senderId, event, payload);
      },
    };

    // Toasts for calls; their Answer and Decline go through the same commands as the window's.
    let missed = { count: 0, text: '' };
    const runCall = (command: 'calls:answer' | 'calls:reject', callId: string): void => {
      core?.handlers[command]({ callId }, notificationSender).catch((err: unknown) => {
        logger.warn(`${command} from a notification failed`, err);
      });
    };
    const notifier = new ElectronNotifier({
      locale: () => latest.locale ?? systemLocale,
      windowFocused: () => window !== null && !window.isDestroyed() && window.isVisible() && window.isFocused(),
      answer: (callId) => {
        runCall('calls:answer', callId);
      },
      decline: (callId) => {
        runCall('calls:reject', callId);
      },
      show: () => {
        showWindow(window);
      },
      onMissedCount: (count, text) => {
        missed = { count, text };
        tray?.setMissed(text);
        if (process.platform === 'win32' && window && !window.isDestroyed()) window.setOverlayIcon(missedOverlay(iconDir, count), text);
      },
      logger,
    });

    const build = options.createCore ?? createCore;
    const built = await build({
      host: 'electron',
      version: app.getVersion(),
      systemLocale,
      settingsFile: createSettingsFile(join(userData, 'settings.json')),
      secrets: new SafeStorageSecretStore(safeStorage, join(userData, 'secrets.json'), process.platform, logger),
      events,
      logger,
      // USB headsets and desk phones; the core resyncs them itself on networkChanged('resume').
      hidTransport: createHostHidTransport(process.platform, logger),
      history: createHistoryStore({ file: join(userData, 'history.sqlite'), logger }),
      openUrl: async (url) => {
        if (!(await openExternal(url))) throw new Error('refused: not an http(s) page');
      },
      notifier,
      desktop: new ElectronDesktop({
        app,
        globalShortcut,
        clipboard,
        shell,
        platform: process.platform,
        execPath: process.execPath,
        argv: options.argv ?? process.argv,
        defaultApp: process.defaultApp,
        onShortcut: (text) => {
          fromOutside(text, 'text', 'shortcut');
        },
        logger,
      }),
    });
    core = built;

    const commands = installIpcGuard({ ipcMain, handlers: built.handlers, trustedContents: contents, logger });

    const mainWindow = createMainWindow({
      preloadPath,
      production: app.isPackaged,
      isQuitting: () => quitting,
      onSenderGone: (id) => {
        built.senderGone(id);
      },
      logger,
    });
    window = mainWindow;
    mainWindow.loadURL(APP_INDEX_URL).catch((err: unknown) => {
      logger.error('loading the window failed', err);
    });

    const state = built.getState();
    const uiLocale = state.settings.ui.locale;
    const trayLocale = latest.locale ?? (uiLocale === 'auto' ? systemLocale : uiLocale);
    // The tray's Register and Unregister act on every configured account.
    const runAccounts = (command: 'accounts:register' | 'accounts:unregister'): void => {
      const statuses = latest.accounts ?? built.getState().accounts;
      for (const { accountId, state: registration } of statuses) {
        if (registration === 'unconfigured') continue;
        built.handlers[command]({ accountId }, traySender).catch((err: unknown) => {
          logger.warn(`${command} ${accountId} from the tray failed`, err);
        });
      }
    };
    const appTray = new AppTray(
      {
        iconDir,
        locale: trayLocale,
        onShow: () => {
          showWindow(window);
        },
        onRegister: () => {
          runAccounts('accounts:register');
        },
        onUnregister: () => {
          runAccounts('accounts:unregister');
        },
        onQuit: () => {
          app.quit();
        },
      },
      latest.accounts ?? state.accounts,
    );
    tray = appTray;
    appTray.setMissed(missed.text);

    stopNetworkWatch = watchNetwork({
      powerMonitor,
      isOnline: () => net.isOnline(),
      onChange: (reason) => {
        built.networkChanged(reason);
      },
      ...(options.onlinePollMs === undefined ? {} : { intervalMs: options.onlinePollMs }),
    });

    // The window is up (or on its way) before start() finishes; from here every
    // 'accounts:changed' reaches the tray as it happens.
    try {
      await built.start();
    } catch (err) {
      // The window still opens: the renderer shows the state (e.g. unconfigured, failed).
      logger.error('core start failed', err);
    }
    coreStarted = true;
    for (const waiting of early.splice(0)) void built.dialFromOutside(waiting.text, waiting.form, waiting.source);
    return { core: built, window: mainWindow, tray: appTray, commands };
  });
  return { ready };
}
