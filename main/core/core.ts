// The core's public face: what a host (Electron or web) constructs and wires to its transport.
// The implementation lives beside this file; the hosts see only this.
import type { AppState, DialRequest, Handlers } from '../../preload/contract.ts';
import type { DialForm, DialSource } from './cti/dial-requests.ts';
import type { ApiLimits } from './cti/api-server.ts';
import type { WebhookTiming } from './cti/webhooks.ts';
import type { HidTransport } from './hid/hid-transport.ts';
import type { ImportParser } from './history/contact-imports.ts';
import type { HistoryStore } from './history/history-store.ts';
import type { Clock, Desktop, EventSink, Logger, Notifier, SecretStore, SettingsFile } from './ports.ts';
import type { CoreTiming } from './timing.ts';

export interface CoreOptions {
  host: 'electron' | 'web';
  version: string;
  /** BCP 47 tag of the OS locale, e.g. "zh-CN" or "en-US". */
  systemLocale: string;
  settingsFile: SettingsFile;
  secrets: SecretStore;
  events: EventSink;
  clock?: Clock;
  logger?: Logger;
  /** Milliseconds the media engine may take to answer one request before the call fails. */
  mediaTimeoutMs?: number;
  /** Time bounds (REGISTER timeout, backoff, how long ended calls linger); tests shrink them. */
  timing?: Partial<CoreTiming>;
  /** Source of backoff jitter, [0, 1); tests pin it. */
  random?: () => number;
  /** USB headsets and desk phones as call controls; without it the core has none. */
  hidTransport?: HidTransport;
  /** Call history and contacts; without it calls work and the history commands say it is off. */
  history?: HistoryStore;
  /** Reads contact files for import; the core's own CSV and vCard reader unless a test swaps it. */
  importParser?: ImportParser;
  /** Opens a URL in the system browser (the CRM page); absent where the host cannot. */
  openUrl?: (url: string) => Promise<void>;
  /** System notifications for calls; none when absent. */
  notifier?: Notifier;
  /** Link handlers and the dial shortcut (Electron); absent in the web host. */
  desktop?: Desktop;
  /** The local API's limits; tests and benchmarks change them. */
  apiLimits?: Partial<ApiLimits>;
  /** Webhook retry and give-up times; tests shrink them. */
  webhookTiming?: Partial<WebhookTiming>;
}

export interface Core {
  /** One implementation per contract command; each host registers these through its guard. */
  readonly handlers: Handlers;
  getState(): AppState;
  /** Loads the settings and registers when the account says so. */
  start(): Promise<void>;
  /** Ends calls, unregisters and closes the transport; bounded in time. */
  stop(): Promise<void>;
  /**
   * A renderer went away (window closed, crashed, navigated, socket dropped): detach its media
   * engine. Only then may another renderer's media:ready make it the engine.
   */
  senderGone(senderId: string): void;
  /**
   * A number from outside (a link, `hookswitch dial`, the dial shortcut's text): refused, held for
   * the user to confirm, or dialled (then null), as the settings say. Never throws.
   */
  dialFromOutside(text: string, form: DialForm, source: DialSource): Promise<DialRequest | null>;
  /** The machine resumed or came back online: re-register at once, skipping any backoff. */
  networkChanged(reason: 'resume' | 'online'): void;
}
