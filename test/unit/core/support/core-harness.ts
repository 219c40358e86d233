// A whole core built by createCore with fakes for its ports, short time bounds, and a stand-in
// for the renderer's media engine that answers media requests through the real handlers.
import type { MediaRequest, Settings } from '../../../../preload/contract.ts';
import type { Core } from '../../../../main/core/core.ts';
import { createCore } from '../../../../main/core/create-core.ts';
import { passwordKey } from '../../../../main/core/settings/settings-store.ts';
import type { CoreTiming } from '../../../../main/core/timing.ts';
import type { HistoryStore } from '../../../../main/core/history/history-store.ts';
import type { HidTransport } from '../../../../main/core/hid/hid-transport.ts';
import type { Clock, Notifier } from '../../../../main/core/ports.ts';
import { MemorySecretStore, MemorySettingsFile, RecordingEvents, RecordingLogger, defaultMediaResult, TEST_ACCOUNT_ID } from './fakes.ts';

export const FAST_TIMING: Partial<CoreTiming> = {
  connectTimeoutMs: 1000,
  registerTimeoutMs: 400,
  unregisterTimeoutMs: 300,
  stopTimeoutMs: 500,
  retryInitialMs: 20,
  retryMaxMs: 100,
  retryJitter: 0,
  endedCallLingerMs: 200,
  inDialogTimeoutMs: 1000,
};

/** Plays the renderer's media engine: answers every media:requested through media:respond. */
export class MediaResponder {
  readonly requests: MediaRequest[] = [];
  /** Return a value, throw for an error answer, or return SILENT to never answer. */
  answer: (request: MediaRequest) => unknown = defaultMediaResult;
  constructor(
    private readonly core: Core,
    readonly senderId: string,
  ) {}

  async ready(): Promise<void> {
    await this.core.handlers['media:ready']({ devices: true }, { id: this.senderId });
  }

  handle(requestId: number, request: MediaRequest): void {
    this.requests.push(structuredClone(request));
    setImmediate(() => {
      let reply: Parameters<Core['handlers']['media:respond']>[0];
      try {
        const value = this.answer(request);
        if (value === SILENT) return;
        reply = { requestId, ok: true, value };
      } catch (err) {
        reply = { requestId, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      this.core.handlers['media:respond'](reply, { id: this.senderId }).catch(() => undefined);
    });
  }

  ops(): string[] {
    return this.requests.map((r) => r.op);
  }
}

export const SILENT = Symbol('silent');

export interface Harness {
  core: Core;
  events: RecordingEvents;
  file: MemorySettingsFile;
  secrets: MemorySecretStore;
  logger: RecordingLogger;
  media: MediaResponder;
}

export interface HarnessOptions {
  settings?: Settings;
  password?: string;
  timing?: Partial<CoreTiming>;
  clock?: Clock;
  random?: () => number;
  mediaTimeoutMs?: number;
  hidTransport?: HidTransport;
  history?: HistoryStore;
  openUrl?: (url: string) => Promise<void>;
  systemLocale?: string;
  notifier?: Notifier;
}

export function makeCore(options: HarnessOptions = {}): Harness {
  const file = new MemorySettingsFile(options.settings ? JSON.stringify(options.settings) : null);
  const secrets = new MemorySecretStore();
  if (options.password !== undefined) secrets.values.set(passwordKey(TEST_ACCOUNT_ID), options.password);
  const events = new RecordingEvents();
  const logger = new RecordingLogger();
  const core = createCore({
    host: 'web',
    version: '0.1.0-test',
    systemLocale: options.systemLocale ?? 'en-US',
    settingsFile: file,
    secrets,
    events,
    logger,
    timing: { ...FAST_TIMING, ...options.timing },
    random: options.random ?? (() => 0.5),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mediaTimeoutMs !== undefined ? { mediaTimeoutMs: options.mediaTimeoutMs } : {}),
    ...(options.hidTransport ? { hidTransport: options.hidTransport } : {}),
    ...(options.history ? { history: options.history } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
    ...(options.openUrl ? { openUrl: options.openUrl } : {}),
  });
  const media = new MediaResponder(core, 'renderer-1');
  events.onEmitTo = (senderId, event, payload) => {
    if (event !== 'media:requested' || senderId !== media.senderId) return;
    const { requestId, request } = payload as { requestId: number; request: MediaRequest };
    media.handle(requestId, request);
  };
  return { core, events, file, secrets, logger, media };
}
