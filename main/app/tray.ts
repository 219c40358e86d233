// The tray icon: its picture and tooltip follow the registration state, and its menu offers
// Show, Register/Unregister and Quit. Because closing the window only hides it, this is how the
// user gets back to the app and out of it.
import { Menu, Tray, nativeImage } from 'electron';
import { join } from 'node:path';
import type { AccountStatus, RegistrationState } from '../../preload/contract.ts';
import { trayText } from './tray-text.ts';

export type TrayState = 'registered' | 'connecting' | 'offline';

const trayStates: Record<RegistrationState, TrayState> = {
  registered: 'registered',
  connecting: 'connecting',
  registering: 'connecting',
  unregistering: 'connecting',
  'waiting-to-retry': 'connecting',
  unregistered: 'offline',
  unconfigured: 'offline',
  failed: 'offline',
};

export function trayStateOf(status: AccountStatus): TrayState {
  return trayStates[status.state];
}

/** resources/tray/<state>.png (with @2x beside it for high-DPI screens). */
export function trayIconPath(iconDir: string, state: TrayState): string {
  return join(iconDir, `${state}.png`);
}

export interface AppTrayOptions {
  iconDir: string;
  locale: string;
  onShow(): void;
  onRegister(): void;
  onUnregister(): void;
  onQuit(): void;
}

export class AppTray {
  private readonly tray: Tray;
  private status: AccountStatus;
  private locale: string;

  constructor(
    private readonly options: AppTrayOptions,
    status: AccountStatus,
  ) {
    this.status = status;
    this.locale = options.locale;
    this.tray = new Tray(nativeImage.createFromPath(trayIconPath(options.iconDir, trayStateOf(status))));
    // On Windows and Linux a click on the icon is the natural way back to the window.
    this.tray.on('click', () => {
      options.onShow();
    });
    this.render();
  }

  update(status: AccountStatus): void {
    const before = trayStateOf(this.status);
    this.status = status;
    if (trayStateOf(status) !== before) {
      this.tray.setImage(nativeImage.createFromPath(trayIconPath(this.options.iconDir, trayStateOf(status))));
    }
    this.render();
  }

  setLocale(locale: string): void {
    this.locale = locale;
    this.render();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private render(): void {
    const text = trayText(this.locale);
    const state = trayStateOf(this.status);
    const aor = this.status.aor ? ` (${this.status.aor})` : '';
    this.tray.setToolTip(`Hookswitch: ${text.states[state]}${aor}`);
    // Unregister whenever there is a registration to drop or an attempt to stop.
    const active = state !== 'offline';
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: text.show, click: () => { this.options.onShow(); } },
        { type: 'separator' },
        active
          ? { label: text.unregister, click: () => { this.options.onUnregister(); } }
          : {
              label: text.register,
              enabled: this.status.state !== 'unconfigured',
              click: () => { this.options.onRegister(); },
            },
        { type: 'separator' },
        { label: text.quit, click: () => { this.options.onQuit(); } },
      ]),
    );
  }
}
