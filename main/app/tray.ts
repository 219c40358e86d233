// The tray icon: its picture and tooltip follow the accounts' registration, and its menu offers
// Show, Register/Unregister (every account) and Quit. Because closing the window only hides it, this is how the
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

/**
 * One picture for every account: registered when each configured account is, offline when none
 * is registered or on its way, connecting in between (on its way, or only some registered).
 */
export function trayStateOf(statuses: readonly AccountStatus[]): TrayState {
  const configured = statuses.filter((s) => s.state !== 'unconfigured').map((s) => trayStates[s.state]);
  if (configured.length === 0) return 'offline';
  if (configured.every((s) => s === 'registered')) return 'registered';
  if (configured.every((s) => s === 'offline')) return 'offline';
  return 'connecting';
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
  private statuses: readonly AccountStatus[];
  private locale: string;
  /** "3 missed calls", or '' (a line of the tooltip). */
  private missed = '';

  constructor(
    private readonly options: AppTrayOptions,
    statuses: readonly AccountStatus[],
  ) {
    this.statuses = statuses;
    this.locale = options.locale;
    this.tray = new Tray(nativeImage.createFromPath(trayIconPath(options.iconDir, trayStateOf(statuses))));
    // On Windows and Linux a click on the icon is the natural way back to the window.
    this.tray.on('click', () => {
      options.onShow();
    });
    this.render();
  }

  update(statuses: readonly AccountStatus[]): void {
    const before = trayStateOf(this.statuses);
    this.statuses = statuses;
    if (trayStateOf(statuses) !== before) {
      this.tray.setImage(nativeImage.createFromPath(trayIconPath(this.options.iconDir, trayStateOf(statuses))));
    }
    this.render();
  }

  /** The unseen missed calls, as the tooltip's last line ('' for none). */
  setMissed(text: string): void {
    if (text === this.missed) return;
    this.missed = text;
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
    const state = trayStateOf(this.statuses);
    const configured = this.statuses.filter((s) => s.state !== 'unconfigured');
    const only = configured.length === 1 ? configured[0] : undefined;
    // One account: its state and address; several: a line each.
    const tooltip = only
      ? `Hookswitch: ${text.states[trayStates[only.state]]}${only.aor ? ` (${only.aor})` : ''}`
      : ['Hookswitch', ...configured.map((s) => `${s.label}: ${text.states[trayStates[s.state]]}`)].join('\n');
    const head = configured.length === 0 ? `Hookswitch: ${text.states[state]}` : tooltip;
    this.tray.setToolTip(this.missed === '' ? head : `${head}\n${this.missed}`);
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
              enabled: configured.length > 0,
              click: () => { this.options.onRegister(); },
            },
        { type: 'separator' },
        { label: text.quit, click: () => { this.options.onQuit(); } },
      ]),
    );
  }
}
