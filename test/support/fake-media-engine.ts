// The core's media engine without Chromium: it behaves as a renderer would over the contract,
// saying 'media:ready', answering each 'media:requested' event with 'media:respond', but with
// a fixed SDP and no RTP. It records what the core asked of the media (DTMF, mute, close).
import {
  MediaRequest,
  type CommandArgs,
  type CommandName,
  type EventPayload,
  type MediaOp,
  type Result,
} from '../../preload/contract.ts';
import { plainAudioSdp } from './plain-sdp.ts';

/** How a test sends commands to the core, as a renderer's `invoke` would. */
export type SendCommand = <C extends CommandName>(command: C, args: CommandArgs<C>, senderId: string) => Promise<Result<unknown>>;

export interface MediaSession {
  mediaId: string;
  callId: string;
  /** The last remote SDP the core gave us. */
  remoteSdp: string | null;
  /** Every body we gave out, in order. */
  localSdps: string[];
  dtmf: string[];
  muted: boolean;
  /** Conference: the media ids whose remote audio this call sends mixed with the microphone. */
  mixedWith: string[];
  /** Offers made with an ICE restart (recovery after a reconnect). */
  iceRestarts: number;
  closed: boolean;
  /** WebRTC's signalling state, which decides whether getDescription makes an offer or an answer. */
  signalling: 'stable' | 'have-local-offer' | 'have-remote-offer';
}

export interface FakeMediaEngineOptions {
  senderId?: string;
  /** Answer these ops with { ok: false } to simulate a failing media engine. */
  failOps?: readonly MediaOp[];
  /** Delay before each answer, as IPC and ICE gathering would add. */
  delayMs?: number;
}

type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
const ANSWER_TO: Record<Direction, Direction> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };

function directionOf(sdp: string): Direction {
  const m = /^a=(sendrecv|sendonly|recvonly|inactive)\s*$/m.exec(sdp);
  return (m?.[1] as Direction | undefined) ?? 'sendrecv';
}

export class FakeMediaEngine {
  readonly senderId: string;
  /** Every request received, in order (parsed with the contract's schema). */
  readonly requests: MediaRequest[] = [];
  /** Requests that did not match the contract's schema, or responses the core refused. */
  readonly problems: string[] = [];
  readonly sessions = new Map<string, MediaSession>();
  private send: SendCommand | null = null;
  private readonly failOps: ReadonlySet<MediaOp>;
  private readonly delayMs: number;

  constructor(options: FakeMediaEngineOptions = {}) {
    this.senderId = options.senderId ?? 'fake-media-engine';
    this.failOps = new Set(options.failOps ?? []);
    this.delayMs = options.delayMs ?? 0;
  }

  /** Says 'media:ready' to the core; from now on it answers media requests. */
  async attach(send: SendCommand): Promise<void> {
    this.send = send;
    const res = await send('media:ready', { devices: true }, this.senderId);
    if (!res.ok) throw new Error(`media:ready refused: ${res.error.code} ${res.error.message}`);
  }

  /** Feed 'media:requested' events addressed to this engine's sender id here. */
  handle(payload: EventPayload<'media:requested'>): void {
    const parsed = MediaRequest.safeParse(payload.request);
    if (!parsed.success) {
      this.problems.push(`request ${payload.requestId} does not match the contract: ${parsed.error.message}`);
      void this.respond(payload.requestId, { ok: false, error: 'malformed request' });
      return;
    }
    const request = parsed.data;
    this.requests.push(request);
    // A renderer answers asynchronously (IPC round trip); never re-enter the core synchronously.
    setTimeout(() => {
      void this.respond(payload.requestId, this.answer(request));
    }, this.delayMs);
  }

  /** All tones the core asked the media to play as RFC 4733, per call, in order. */
  dtmfFor(callId: string): string {
    return [...this.sessions.values()].filter((s) => s.callId === callId).map((s) => s.dtmf.join('')).join('');
  }

  sessionFor(callId: string): MediaSession | undefined {
    return [...this.sessions.values()].find((s) => s.callId === callId);
  }

  private answer(request: MediaRequest): { ok: true; value: unknown } | { ok: false; error: string } {
    if (this.failOps.has(request.op)) return { ok: false, error: `${request.op} failed (simulated)` };
    if (request.op === 'create') {
      this.sessions.set(request.mediaId, {
        mediaId: request.mediaId,
        callId: request.callId,
        remoteSdp: null,
        localSdps: [],
        dtmf: [],
        muted: false,
        mixedWith: [],
        iceRestarts: 0,
        closed: false,
        signalling: 'stable',
      });
      return { ok: true, value: null };
    }
    const session = this.sessions.get(request.mediaId);
    if (!session) return { ok: false, error: `no media session ${request.mediaId}` };
    if (session.closed && request.op !== 'close') return { ok: false, error: `media session ${request.mediaId} is closed` };
    switch (request.op) {
      case 'getDescription': {
        // An answer mirrors the offer's direction (a remote hold); an offer states our own, which
        // is sendonly while we hold.
        const answering = session.signalling === 'have-remote-offer' && session.remoteSdp !== null;
        const dir: Direction = request.options?.hold
          ? 'sendonly'
          : answering && session.remoteSdp !== null
            ? ANSWER_TO[directionOf(session.remoteSdp)]
            : 'sendrecv';
        session.signalling = answering ? 'stable' : 'have-local-offer';
        if (request.options?.offerOptions?.iceRestart === true) session.iceRestarts += 1;
        const body = plainAudioSdp(9001, dir, session.localSdps.length + 1);
        session.localSdps.push(body);
        return { ok: true, value: { body, contentType: 'application/sdp' } };
      }
      case 'setDescription':
        session.remoteSdp = request.sdp;
        session.signalling = session.signalling === 'have-local-offer' ? 'stable' : 'have-remote-offer';
        return { ok: true, value: null };
      case 'rollbackDescription':
        session.signalling = 'stable';
        return { ok: true, value: null };
      case 'sendDtmf':
        session.dtmf.push(request.tones);
        return { ok: true, value: true };
      case 'setMuted':
        session.muted = request.muted;
        return { ok: true, value: null };
      case 'mix':
        session.mixedWith = [...request.with];
        return { ok: true, value: null };
      case 'close':
        session.closed = true;
        return { ok: true, value: null };
    }
  }

  private async respond(requestId: number, outcome: { ok: true; value: unknown } | { ok: false; error: string }): Promise<void> {
    if (!this.send) {
      this.problems.push(`request ${requestId} arrived before attach()`);
      return;
    }
    const args: CommandArgs<'media:respond'> = outcome.ok
      ? { requestId, ok: true, value: outcome.value }
      : { requestId, ok: false, error: outcome.error };
    const res = await this.send('media:respond', args, this.senderId);
    if (!res.ok) this.problems.push(`media:respond ${requestId} refused: ${res.error.code} ${res.error.message}`);
  }
}
