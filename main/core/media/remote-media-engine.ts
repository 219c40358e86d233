// The MediaEngine port over the contract: a renderer that said `media:ready` becomes the engine;
// each request goes to it as a `media:requested` event and comes back as a `media:respond`
// command from the same sender. Every request is bounded in time and every result is validated.
// The engine holds the calls' peer connections, so it is never taken over: another renderer
// (a second tab of the web host, a script with the token) may become the engine only after the
// host reported the current one gone (senderGone: window closed, crashed or navigated).
import { MediaRequest, MediaResults } from '../../../preload/contract.ts';
import type { CommandArgs, MediaOp, MediaResult } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import type { Clock, EventSink, Logger, MediaEngine } from '../ports.ts';

export interface RemoteMediaEngineOptions {
  events: EventSink;
  clock: Clock;
  logger: Logger;
  /** How long one request may take before it fails with media-failed. */
  timeoutMs: number;
}

interface Pending {
  op: MediaOp;
  senderId: string;
  timer: unknown;
  resolve: (value: unknown) => void;
  reject: (err: AppError) => void;
}

export type EngineGoneListener = (senderId: string) => void;

export class RemoteMediaEngine implements MediaEngine {
  private engineId: string | null = null;
  private nextRequestId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly goneListeners = new Set<EngineGoneListener>();
  private readonly events: EventSink;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly timeoutMs: number;

  constructor(options: RemoteMediaEngineOptions) {
    this.events = options.events;
    this.clock = options.clock;
    this.logger = options.logger;
    this.timeoutMs = options.timeoutMs;
  }

  get available(): boolean {
    return this.engineId !== null;
  }

  /** The sender whose requests are being served, for diagnostics and tests. */
  get senderId(): string | null {
    return this.engineId;
  }

  /** Called when the engine goes away (its calls' media went with it). */
  onGone(listener: EngineGoneListener): () => void {
    this.goneListeners.add(listener);
    return () => this.goneListeners.delete(listener);
  }

  /**
   * `media:ready` from `senderId`: it serves media requests from now on. The engine saying it
   * again stays the engine; any other sender is refused while the engine is there, or it would
   * end the user's calls and receive their SDP.
   */
  attach(senderId: string): void {
    if (this.engineId === senderId) return;
    if (this.engineId !== null) {
      this.logger.warn(`media: media:ready from ${senderId} refused; ${this.engineId} is the engine`);
      throw new AppError('forbidden-sender', 'another window already runs the media engine');
    }
    this.engineId = senderId;
    this.logger.info(`media: engine attached (${senderId})`);
  }

  request<O extends MediaOp>(request: Extract<MediaRequest, { op: O }>): Promise<MediaResult<O>> {
    const engine = this.engineId;
    if (engine === null) {
      return Promise.reject(new AppError('media-unavailable', `media ${request.op}: no media engine attached`));
    }
    // What we send must be what the renderer accepts; a bad request fails here, not over there.
    const checked = MediaRequest.safeParse(request);
    if (!checked.success) {
      return Promise.reject(new AppError('media-failed', `media ${request.op}: request does not fit the contract`));
    }
    const requestId = this.nextRequestId++;
    return new Promise<MediaResult<O>>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        if (this.pending.delete(requestId)) {
          reject(new AppError('media-failed', `media ${request.op}: no answer within ${this.timeoutMs} ms`));
        }
      }, this.timeoutMs);
      this.pending.set(requestId, {
        op: request.op,
        senderId: engine,
        timer,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      try {
        this.events.emitTo(engine, 'media:requested', { requestId, request: checked.data });
      } catch (err) {
        this.settle(requestId);
        reject(new AppError('media-failed', `media ${request.op}: cannot reach the engine: ${messageOf(err)}`));
      }
    });
  }

  /** `media:respond`: only the engine that got the request may answer it. */
  respond(args: CommandArgs<'media:respond'>, senderId: string): void {
    const pending = this.pending.get(args.requestId);
    if (senderId !== this.engineId || (pending !== undefined && pending.senderId !== senderId)) {
      throw new AppError('forbidden-sender', 'media:respond from a sender that is not the media engine');
    }
    if (!pending) {
      // Late (after its timeout) or unknown: nothing waits for it any more.
      this.logger.debug(`media: response to unknown request ${args.requestId} ignored`);
      return;
    }
    this.settle(args.requestId);
    if (!args.ok) {
      pending.reject(new AppError('media-failed', `media ${pending.op}: ${args.error}`));
      return;
    }
    const parsed = MediaResults[pending.op].safeParse(args.value);
    if (!parsed.success) {
      pending.reject(new AppError('media-failed', `media ${pending.op}: the engine answered with a malformed result`));
      return;
    }
    pending.resolve(parsed.data);
  }

  /** A renderer went away; if it was the engine, everything it held fails now. */
  senderGone(senderId: string): void {
    if (this.engineId !== senderId) return;
    this.engineId = null;
    this.rejectAll(senderId, 'the media engine went away');
    this.logger.warn(`media: engine ${senderId} gone`);
    for (const listener of this.goneListeners) {
      try {
        listener(senderId);
      } catch (err) {
        this.logger.error('media: engine-gone listener failed', err);
      }
    }
  }

  /** Fails whatever is still waiting (used by stop()). */
  dispose(): void {
    for (const id of [...this.pending.keys()]) {
      const p = this.settle(id);
      p?.reject(new AppError('media-failed', 'the core is stopping'));
    }
  }

  private rejectAll(senderId: string, why: string): void {
    for (const [id, p] of [...this.pending]) {
      if (p.senderId !== senderId) continue;
      this.settle(id);
      p.reject(new AppError('media-failed', `media ${p.op}: ${why}`));
    }
  }

  private settle(requestId: number): Pending | undefined {
    const p = this.pending.get(requestId);
    if (!p) return undefined;
    this.pending.delete(requestId);
    this.clock.clearTimeout(p.timer);
    return p;
  }
}
