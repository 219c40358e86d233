// Ports: everything the core needs from the outside world, received through constructors.
// The core never imports electron or a native module; each host supplies these.
import type { DesktopStatus, EventName, EventPayload, LinkHandlerStatus, LinkScheme, MediaOp, MediaRequest, MediaResult } from '../../preload/contract.ts';

/** Secrets (the SIP password). Electron: safeStorage. Web host: a 0600 file (weaker, documented). */
export interface SecretStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Where the settings JSON lives. Never sees the password. */
export interface SettingsFile {
  read(): Promise<string | null>;
  /** Replaces the file atomically (write to a temp file, then rename). */
  write(text: string): Promise<void>;
  /** Moves an unreadable file aside (never deletes it); returns where it went. */
  moveAside(): Promise<string>;
}

/** Pushes events to the renderers the host has. */
export interface EventSink {
  /** To every renderer. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  /** To one renderer (the media engine's), by the sender id its commands arrive with. */
  emitTo<E extends EventName>(senderId: string, event: E, payload: EventPayload<E>): void;
}

/** The media engine in a renderer: it runs sip.js's web SessionDescriptionHandler per call. */
export interface MediaEngine {
  /** True once a renderer said `media:ready` and is still there. */
  readonly available: boolean;
  request<O extends MediaOp>(request: Extract<MediaRequest, { op: O }>): Promise<MediaResult<O>>;
}

/** Who a call is with, as a notification shows it. Caller-supplied text: shown as text only. */
export interface CallNotice {
  callId: string;
  /** The display name, or '' when the caller sent none. */
  name: string;
  number: string;
  /** The account's label, when there are several accounts (else ''). */
  account: string;
}

/**
 * System notifications (Electron: the OS's; web host: the browser's). The core decides what to
 * show and when to take it away; the host draws them in the user's language and routes an
 * incoming call's Answer and Decline back through the same commands the window uses
 * (calls:answer, calls:reject), so a toast never disagrees with the call.
 */
export interface Notifier {
  /** A call rings (shown with Answer and Decline where the system can). */
  incomingCall(notice: CallNotice): void;
  /** The call no longer rings (answered anywhere, declined, given up): its toast goes. */
  closeIncomingCall(callId: string): void;
  /** A call was missed. */
  missedCall(notice: CallNotice & { at: number }): void;
  /** Missed calls the user has not seen (taskbar badge, tray, window title). */
  missedCount(count: number): void;
}

export const silentNotifier: Notifier = {
  incomingCall() {},
  closeIncomingCall() {},
  missedCall() {},
  missedCount() {},
};

/**
 * The desktop beyond the window (Electron): which program opens tel:/sip:/sips:/callto: links, and
 * the system-wide dial shortcut. The web host has none: the browser decides about links there.
 */
export interface Desktop {
  linkHandlers(): Promise<LinkHandlerStatus[]>;
  /** Asks the system to open these links with Hookswitch; true when its settings page had to be opened. */
  makeDefaultHandler(scheme: LinkScheme): Promise<boolean>;
  /** Registers the dial shortcut in place of the last one ('' for none). */
  setDialShortcut(accelerator: string): DesktopStatus['shortcut']['state'];
  readonly shortcutReads: DesktopStatus['shortcutReads'];
  readonly dialCommand: string;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface Logger {
  debug(msg: string, ...rest: unknown[]): void;
  info(msg: string, ...rest: unknown[]): void;
  warn(msg: string, ...rest: unknown[]): void;
  error(msg: string, ...rest: unknown[]): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => {
    clearTimeout(h as ReturnType<typeof setTimeout>);
  },
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
