// System notifications in the Electron host: a toast for a ringing call with Answer and Decline
// (macOS and Windows draw the buttons; elsewhere a click brings the window), taken away when the
// call stops ringing however it stopped, a toast per missed call, and the unseen count on the
// dock or taskbar (badge; on Windows an overlay on the taskbar button) and in the tray.
//
// Electron holds a Notification weakly: one that is garbage-collected loses its clicks, so every
// notification shown is kept here until it is closed or acted on.
import { app, nativeImage, Notification } from 'electron';
import type { NativeImage } from 'electron';
import { join } from 'node:path';
import type { Notifier, CallNotice, Logger } from '../core/ports.ts';
import { notificationText } from './notification-text.ts';

export interface ElectronNotifierOptions {
  /** The UI's language now (settings, or the system's). */
  locale: () => string;
  /** True while the window is on screen and focused: the call card shows the call already. */
  windowFocused: () => boolean;
  /** The same commands the window sends (calls:answer, calls:reject). */
  answer: (callId: string) => void;
  decline: (callId: string) => void;
  /** Brings the window to the front (a click on a toast). */
  show: () => void;
  /** The unseen missed calls: on the taskbar button (Windows overlay) and the tray. */
  onMissedCount: (count: number, text: string) => void;
  logger: Logger;
}

/** Missed-call toasts kept at most (older ones are closed). */
const MAX_MISSED_TOASTS = 5;

function who(notice: CallNotice): string {
  return notice.name.trim() || notice.number;
}

export class ElectronNotifier implements Notifier {
  private readonly ringing = new Map<string, Notification>();
  private readonly missedToasts: Notification[] = [];

  constructor(private readonly options: ElectronNotifierOptions) {}

  incomingCall(notice: CallNotice): void {
    if (!Notification.isSupported() || this.options.windowFocused()) return;
    const text = notificationText(this.options.locale());
    const lines = [notice.name.trim() !== '' ? notice.number : '', notice.account !== '' ? text.toAccount(notice.account) : ''].filter((l) => l !== '');
    const toast = new Notification({
      title: text.incoming(who(notice)),
      body: lines.join('\n'),
      actions: [
        { type: 'button', text: text.answer },
        { type: 'button', text: text.decline },
      ],
      // The ringtone is ours (on the outputs the user chose); the toast stays until the call stops ringing.
      silent: true,
      timeoutType: 'never',
      urgency: 'critical',
    });
    toast.on('action', (_event, index) => {
      this.forget(notice.callId);
      if (index === 0) {
        this.options.answer(notice.callId);
        this.options.show();
      } else if (index === 1) this.options.decline(notice.callId);
    });
    toast.on('click', () => {
      this.options.show();
    });
    toast.on('close', () => {
      if (this.ringing.get(notice.callId) === toast) this.ringing.delete(notice.callId);
    });
    toast.on('failed', (_event, error) => {
      this.options.logger.warn(`notifications: the incoming-call toast failed: ${error}`);
    });
    this.ringing.set(notice.callId, toast);
    toast.show();
  }

  closeIncomingCall(callId: string): void {
    const toast = this.ringing.get(callId);
    this.forget(callId);
    toast?.close();
  }

  missedCall(notice: CallNotice & { at: number }): void {
    if (!Notification.isSupported() || this.options.windowFocused()) return;
    const text = notificationText(this.options.locale());
    const toast = new Notification({ title: text.missed(who(notice)), body: notice.name.trim() !== '' ? notice.number : '' });
    toast.on('click', () => {
      this.options.show();
    });
    toast.on('close', () => {
      const i = this.missedToasts.indexOf(toast);
      if (i >= 0) this.missedToasts.splice(i, 1);
    });
    this.missedToasts.push(toast);
    while (this.missedToasts.length > MAX_MISSED_TOASTS) this.missedToasts.shift()?.close();
    toast.show();
  }

  missedCount(count: number): void {
    const text = notificationText(this.options.locale());
    // Dock (macOS) and launcher (Linux) badges; Windows has none, so an overlay stands in.
    app.setBadgeCount(count);
    this.options.onMissedCount(count, count > 0 ? text.missedCount(count) : '');
  }

  /** Ringing toasts shown now (for tests and diagnostics). */
  get ringingCount(): number {
    return this.ringing.size;
  }

  private forget(callId: string): void {
    this.ringing.delete(callId);
  }
}

/** The Windows taskbar overlay for unseen missed calls (a red dot), or null to clear it. */
export function missedOverlay(iconDir: string, count: number): NativeImage | null {
  return count > 0 ? nativeImage.createFromPath(join(iconDir, 'missed-overlay.png')) : null;
}
