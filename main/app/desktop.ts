// The Electron side of the desktop port: which program opens tel:, sip:, sips: and callto: links,
// making Hookswitch that program, and the system-wide dial shortcut.
//
// - macOS: the schemes are declared in Info.plist (electron-builder.yml `protocols`); links arrive
//   through 'open-url'. Windows and Linux: the link is an argument of a new process, which the
//   single-instance lock turns into 'second-instance' here (see dial-arguments.ts).
// - Windows 10 and 11 keep the user's choice of program per link type under a hash only the
//   Settings app may write: setAsDefaultProtocolClient registers Hookswitch, but the choice stays
//   with the user. getApplicationNameForProtocol asks the shell who really opens the link, so the
//   status never claims a default the system does not honour; when it is still another program,
//   the Default apps page is opened for the user.
// - The shortcut dials the selected text on Linux (the primary selection); Windows and macOS have
//   no selection to read, so it dials what was copied.
import type { App, Clipboard, GlobalShortcut, Shell } from 'electron';
import path from 'node:path';
import type { LinkHandlerStatus, LinkScheme } from '../../preload/contract.ts';
import { LinkScheme as LinkSchemes } from '../../preload/contract.ts';
import type { Desktop, Logger } from '../core/ports.ts';
import { messageOf } from '../core/errors.ts';
import { dialCommandFor } from './dial-arguments.ts';

/**
 * Windows' Default apps page, where the user confirms a program for a link type; Windows 11 opens
 * Hookswitch's own page there (the installer registers it, resources/installer.nsh), older
 * versions the general one.
 */
export const WINDOWS_DEFAULT_APPS = 'ms-settings:defaultapps?registeredAppUser=Hookswitch';

export interface ElectronDesktopOptions {
  app: Pick<App, 'isDefaultProtocolClient' | 'setAsDefaultProtocolClient' | 'getApplicationNameForProtocol' | 'getName' | 'isPackaged'>;
  globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  clipboard: Pick<Clipboard, 'readText'> & { selection?: Pick<Clipboard, 'readText'> | undefined };
  shell: Pick<Shell, 'openExternal'>;
  platform: NodeJS.Platform;
  /** process.execPath and process.argv, for the command a link starts (development needs the app folder). */
  execPath: string;
  argv: readonly string[];
  /** process.defaultApp: running as `electron <folder>` rather than a packaged app. */
  defaultApp: boolean;
  /** The shortcut was pressed: this is the text it read. */
  onShortcut: (text: string) => void;
  logger: Logger;
}

/** The program's name as systems spell it (Hookswitch, Hookswitch.exe, hookswitch.desktop), compared loosely. */
function sameProgram(a: string, b: string): boolean {
  const bare = (name: string): string =>
    path
      .basename(name)
      .toLowerCase()
      .replace(/\.(exe|app|desktop)$/, '');
  return a !== '' && bare(a) === bare(b);
}

export class ElectronDesktop implements Desktop {
  readonly shortcutReads: 'selection' | 'clipboard';
  readonly dialCommand: string;
  private shortcut = '';

  constructor(private readonly options: ElectronDesktopOptions) {
    this.shortcutReads = options.platform === 'linux' ? 'selection' : 'clipboard';
    this.dialCommand = dialCommandFor(options.platform, options.execPath, options.app.isPackaged);
  }

  /** The executable and arguments a link starts: in development Windows must be told the app folder. */
  private launch(): { path: string; args: string[] } | null {
    const folder = this.options.argv[1];
    return this.options.defaultApp && folder !== undefined ? { path: this.options.execPath, args: [path.resolve(folder)] } : null;
  }

  private registered(scheme: LinkScheme): boolean {
    const launch = this.launch();
    return launch ? this.options.app.isDefaultProtocolClient(scheme, launch.path, launch.args) : this.options.app.isDefaultProtocolClient(scheme);
  }

  private register(scheme: LinkScheme): boolean {
    const launch = this.launch();
    return launch ? this.options.app.setAsDefaultProtocolClient(scheme, launch.path, launch.args) : this.options.app.setAsDefaultProtocolClient(scheme);
  }

  linkHandlers(): Promise<LinkHandlerStatus[]> {
    return Promise.resolve(LinkSchemes.options.map((scheme) => this.handlerOf(scheme)));
  }

  private handlerOf(scheme: LinkScheme): LinkHandlerStatus {
    const { app, platform } = this.options;
    const name = app.getName();
    const handler = app.getApplicationNameForProtocol(`${scheme}:`);
    if (sameProgram(handler, name)) return { scheme, state: 'default', handler };
    // On Windows the shell's answer wins: the user's choice may keep another program despite our registration.
    const registered = this.registered(scheme);
    if (registered && (handler === '' || platform !== 'win32')) return { scheme, state: 'default', handler: name };
    if (handler !== '') return { scheme, state: 'other', handler };
    return { scheme, state: 'none', handler: '' };
  }

  async makeDefaultHandler(scheme: LinkScheme): Promise<boolean> {
    const { logger } = this.options;
    if (!this.register(scheme)) logger.warn(`desktop: the system refused Hookswitch as the program for ${scheme}: links`);
    if (this.options.platform !== 'win32' || this.handlerOf(scheme).state === 'default') return false;
    try {
      await this.options.shell.openExternal(WINDOWS_DEFAULT_APPS);
      return true;
    } catch (err) {
      logger.warn(`desktop: opening Default apps failed: ${messageOf(err)}`);
      return false;
    }
  }

  setDialShortcut(accelerator: string): 'active' | 'off' | 'taken' {
    const { globalShortcut, logger } = this.options;
    if (this.shortcut !== '') globalShortcut.unregister(this.shortcut);
    this.shortcut = '';
    if (accelerator === '') return 'off';
    if (!globalShortcut.register(accelerator, () => void this.pressed())) {
      logger.warn(`desktop: the dial shortcut ${accelerator} is taken by another program`);
      return 'taken';
    }
    this.shortcut = accelerator;
    return 'active';
  }

  private async pressed(): Promise<void> {
    const { clipboard, logger } = this.options;
    try {
      const selected = this.shortcutReads === 'selection' ? await clipboard.selection?.readText() : undefined;
      const text = selected?.trim() ? selected : await clipboard.readText();
      this.options.onShortcut(text);
    } catch (err) {
      logger.warn(`desktop: reading the text to dial failed: ${messageOf(err)}`);
      this.options.onShortcut('');
    }
  }
}
