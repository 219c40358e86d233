// sip.js's SessionDescriptionHandler for a call whose media lives in the renderer: every
// operation is forwarded to the MediaEngine port as a contract MediaRequest. sip.js calls
// hasDescription, sendDtmf and close synchronously, so the first is answered here and the other
// two are fired and forgotten (failures are logged). Only JSON crosses: sip.js modifiers are
// functions and are ignored (the engine applies hold itself from the `hold` option).
import type {
  BodyAndContentType,
  SessionDescriptionHandler,
  SessionDescriptionHandlerModifier,
  SessionDescriptionHandlerOptions,
} from 'sip.js';
import type { AudioSettings, IceServer } from '../../../preload/contract.ts';
import { AppError } from '../errors.ts';
import type { Logger, MediaEngine } from '../ports.ts';

export interface ProxySdhOptions {
  media: MediaEngine;
  mediaId: string;
  callId: string;
  iceServers: IceServer[];
  audio: AudioSettings;
  iceGatheringTimeoutMs: number;
  logger: Logger;
  /** A description could not be made or applied: the call's media is broken. */
  onFailure?: (err: unknown) => void;
}

/** The JSON-only subset of sip.js SDH options the media engine understands. */
export interface JsonSdhOptions {
  hold?: boolean;
  offerOptions?: { iceRestart?: boolean };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** Picks `hold` and `offerOptions.iceRestart` out of whatever sip.js passes; nothing else crosses. */
export function jsonSdhOptions(options: unknown): JsonSdhOptions | undefined {
  const out: JsonSdhOptions = {};
  const hold = field(options, 'hold');
  if (typeof hold === 'boolean') out.hold = hold;
  const iceRestart = field(field(options, 'offerOptions'), 'iceRestart');
  if (typeof iceRestart === 'boolean') out.offerOptions = { iceRestart };
  return Object.keys(out).length > 0 ? out : undefined;
}

const DTMF_TONES = /^[0-9A-D#*,]{1,32}$/;

function dtmfTiming(options: unknown): { duration?: number; interToneGap?: number } {
  const out: { duration?: number; interToneGap?: number } = {};
  const duration = field(options, 'duration');
  const gap = field(options, 'interToneGap');
  if (typeof duration === 'number' && Number.isInteger(duration) && duration >= 40 && duration <= 6000) out.duration = duration;
  if (typeof gap === 'number' && Number.isInteger(gap) && gap >= 30 && gap <= 6000) out.interToneGap = gap;
  return out;
}

export class ProxySessionDescriptionHandler implements SessionDescriptionHandler {
  readonly mediaId: string;
  readonly callId: string;
  private readonly media: MediaEngine;
  private readonly logger: Logger;
  private readonly onFailure: ((err: unknown) => void) | undefined;
  /** The engine's SDH for this call; every later operation waits for it. */
  private readonly ready: Promise<void>;
  private closed = false;

  constructor(options: ProxySdhOptions) {
    this.mediaId = options.mediaId;
    this.callId = options.callId;
    this.media = options.media;
    this.logger = options.logger;
    this.onFailure = options.onFailure;
    this.ready = this.media
      .request({
        op: 'create',
        mediaId: options.mediaId,
        callId: options.callId,
        iceServers: options.iceServers,
        iceGatheringTimeoutMs: options.iceGatheringTimeoutMs,
        audio: options.audio,
      })
      .then(() => undefined);
    // Awaited by every operation; this only keeps an early failure from being "unhandled".
    this.ready.catch(() => undefined);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async getDescription(
    options?: SessionDescriptionHandlerOptions,
    modifiers?: SessionDescriptionHandlerModifier[],
  ): Promise<BodyAndContentType> {
    this.ignoreModifiers(modifiers);
    return this.guarded('getDescription', async () => {
      const result = await this.media.request({ op: 'getDescription', mediaId: this.mediaId, options: jsonSdhOptions(options) });
      return { body: result.body, contentType: result.contentType };
    });
  }

  async setDescription(
    sdp: string,
    options?: SessionDescriptionHandlerOptions,
    modifiers?: SessionDescriptionHandlerModifier[],
  ): Promise<void> {
    this.ignoreModifiers(modifiers);
    await this.guarded('setDescription', async () => {
      await this.media.request({ op: 'setDescription', mediaId: this.mediaId, sdp, options: jsonSdhOptions(options) });
    });
  }

  /** Synchronous in sip.js: the engine's SDH takes SDP only, so this is answered here. */
  hasDescription(contentType: string): boolean {
    return contentType === 'application/sdp';
  }

  async rollbackDescription(): Promise<void> {
    await this.guarded('rollbackDescription', async () => {
      await this.media.request({ op: 'rollbackDescription', mediaId: this.mediaId });
    });
  }

  /** Synchronous in sip.js: true means "sent to the engine"; the engine's verdict is only logged. */
  sendDtmf(tones: string, options?: unknown): boolean {
    const upper = tones.toUpperCase();
    if (this.closed || !DTMF_TONES.test(upper)) return false;
    this.sendDtmfAndWait(upper, options).then(
      (played) => {
        if (!played) this.logger.warn(`media ${this.mediaId}: the engine did not play DTMF`);
      },
      (err: unknown) => {
        this.logger.warn(`media ${this.mediaId}: sendDtmf failed`, err);
      },
    );
    return true;
  }

  /** The same as sendDtmf, for callers that can wait: resolves with the engine's answer. */
  async sendDtmfAndWait(tones: string, options?: unknown): Promise<boolean> {
    const upper = tones.toUpperCase();
    if (this.closed) throw new AppError('invalid-call-state', 'DTMF on a closed media session');
    if (!DTMF_TONES.test(upper)) throw new AppError('invalid-argument', 'DTMF tones outside 0-9, A-D, #, *');
    await this.ready;
    return this.media.request({ op: 'sendDtmf', mediaId: this.mediaId, tones: upper, ...dtmfTiming(options) });
  }

  async setMuted(muted: boolean): Promise<void> {
    if (this.closed) throw new AppError('invalid-call-state', 'mute on a closed media session');
    await this.ready;
    await this.media.request({ op: 'setMuted', mediaId: this.mediaId, muted });
  }

  /** Conference mixing: this call sends the microphone plus these other calls' remote audio. */
  async setMix(withMediaIds: string[]): Promise<void> {
    if (this.closed) return;
    await this.ready;
    await this.media.request({ op: 'mix', mediaId: this.mediaId, with: withMediaIds });
  }

  /** Synchronous in sip.js: the engine closes the peer connection in its own time. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ready
      .then(() => this.media.request({ op: 'close', mediaId: this.mediaId }))
      .catch((err: unknown) => {
        this.logger.debug(`media ${this.mediaId}: close not confirmed`, err);
      });
  }

  private async guarded<T>(op: string, work: () => Promise<T>): Promise<T> {
    if (this.closed) throw new AppError('media-failed', `media ${this.mediaId}: ${op} after close`);
    try {
      await this.ready;
      return await work();
    } catch (err) {
      this.logger.warn(`media ${this.mediaId}: ${op} failed`, err);
      this.onFailure?.(err);
      throw err;
    }
  }

  private ignoreModifiers(modifiers: SessionDescriptionHandlerModifier[] | undefined): void {
    if (modifiers && modifiers.length > 0) {
      this.logger.debug(`media ${this.mediaId}: ${modifiers.length} SDP modifier(s) ignored (functions cannot cross)`);
    }
  }
}
