// The web host's system notifications, as the browser shows them (Web Notifications): a call
// ringing while the page is not in front, and a missed call. Main decides what to show and when
// it goes ('notifications:requested'); a click brings the page to the front, where the user
// answers. Nothing is shown while the page has the focus: the call card is there. The browser
// asks the user once for permission, at their first click or key in the page.
import type { NotificationRequest } from '../../../preload/contract.ts';
import type { RendererApi } from './api.ts';

/** What this module needs of the page (real in the browser, fake in unit tests). */
export interface NotificationPage {
  hasFocus(): boolean;
  focus(): void;
  permission(): NotificationPermission | 'unsupported';
  requestPermission(): Promise<unknown>;
  /** Shows a notification; `onClick` runs when the user clicks it. */
  show(title: string, options: { body: string; tag: string; requireInteraction: boolean }, onClick: () => void): { close(): void };
  /** Called once at the first user gesture. */
  onFirstGesture(run: () => void): void;
}

export interface NotificationWords {
  incoming: (who: string) => string;
  missed: (who: string) => string;
  toAccount: (account: string) => string;
}

type Shown = ReturnType<NotificationPage['show']>;

export class BrowserNotifications {
  private readonly ringing = new Map<string, Shown>();

  constructor(
    private readonly page: NotificationPage,
    private readonly words: () => NotificationWords,
  ) {
    if (page.permission() === 'default') {
      page.onFirstGesture(() => {
        void page.requestPermission().catch(() => undefined);
      });
    }
  }

  /** Listens to main's requests; returns the unsubscribe. */
  listen(api: RendererApi): () => void {
    return api.on('notifications:requested', (request) => {
      this.handle(request);
    });
  }

  handle(request: NotificationRequest): void {
    switch (request.kind) {
      case 'incoming-call': {
        const who = request.name.trim() || request.number;
        const lines = [request.name.trim() !== '' ? request.number : '', request.account !== '' ? this.words().toAccount(request.account) : ''];
        const shown = this.show(this.words().incoming(who), lines.filter((l) => l !== '').join('\n'), `call-${request.callId}`, true);
        if (shown) this.ringing.set(request.callId, shown);
        return;
      }
      case 'close':
        this.ringing.get(request.callId)?.close();
        this.ringing.delete(request.callId);
        return;
      case 'missed-call': {
        const who = request.name.trim() || request.number;
        this.show(this.words().missed(who), request.name.trim() !== '' ? request.number : '', `missed-${request.callId}`, false);
        return;
      }
      case 'missed-count':
        // The count is in the window title (App), for every host.
        return;
    }
  }

  private show(title: string, body: string, tag: string, requireInteraction: boolean): Shown | null {
    if (this.page.hasFocus() || this.page.permission() !== 'granted') return null;
    try {
      const shown = this.page.show(title, { body, tag, requireInteraction }, () => {
        this.page.focus();
        shown.close();
      });
      return shown;
    } catch (err) {
      console.warn('notification not shown', err);
      return null;
    }
  }
}

/** The real page: window focus, the Notification API, the first pointer or key event. */
export function browserPage(): NotificationPage {
  const supported = typeof Notification !== 'undefined';
  return {
    hasFocus: () => document.visibilityState === 'visible' && document.hasFocus(),
    focus: () => {
      window.focus();
    },
    permission: () => (supported ? Notification.permission : 'unsupported'),
    requestPermission: () => (supported ? Notification.requestPermission() : Promise.resolve('denied')),
    show: (title, options, onClick) => {
      const shown = new Notification(title, options);
      shown.onclick = onClick;
      return shown;
    },
    onFirstGesture: (run) => {
      const once = (): void => {
        window.removeEventListener('pointerdown', once, true);
        window.removeEventListener('keydown', once, true);
        run();
      };
      window.addEventListener('pointerdown', once, true);
      window.addEventListener('keydown', once, true);
    },
  };
}
