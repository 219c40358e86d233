// Calls: sip.js Inviter/Invitation sessions kept as contract `Call` objects. Every change
// publishes the whole list ('calls:changed'); an ended call stays in it for a few seconds with
// its endReason/endStatus, so the UI can say "Busy" before the row goes.
import { randomUUID } from 'node:crypto';
import { Invitation, Inviter, SessionState, UserAgent } from 'sip.js';
import type { Core, Session, SessionDescriptionHandlerFactory, SessionDescriptionHandlerOptions } from 'sip.js';
import type { Call, CallEndReason, CallState, ErrorCode, Settings } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import type { Clock, Logger, MediaEngine } from '../ports.ts';
import { isAccountConfigured } from '../settings/settings-defaults.ts';
import { resultWithin, settleWithin } from '../time-bounds.ts';
import type { CoreTiming } from '../timing.ts';
import { parseDialTarget } from './dial-target.ts';
import { ProxySessionDescriptionHandler } from './proxy-sdh.ts';
import type { JsonSdhOptions } from './proxy-sdh.ts';
import { remotePartyOf } from './remote-party.ts';
import type { RemoteParty } from './remote-party.ts';

/** One line for now; the list and every lookup already work by call id for more. */
export const MAX_LIVE_CALLS = 1;

export interface CallServiceOptions {
  clock: Clock;
  logger: Logger;
  timing: CoreTiming;
  media: MediaEngine;
  /** The registration's user agent, when there is one. */
  userAgent: () => UserAgent | null;
  isRegistered: () => boolean;
  settings: () => Settings;
  onCalls: (calls: Call[]) => void;
  newCallId?: () => string;
}

interface CallRecord {
  call: Call;
  session: Inviter | Invitation;
  sdh: ProxySessionDescriptionHandler | null;
  mediaCount: number;
  /** Final status of the INVITE when it was refused. */
  finalStatus: number | null;
  mediaFailed: boolean;
  remoteBye: boolean;
  canceledByCaller: boolean;
  lingerTimer: unknown;
}

/** What a final response to our INVITE means to the user. */
export function endReasonForStatus(status: number): CallEndReason {
  switch (status) {
    case 486:
    case 600:
      return 'busy';
    case 404:
    case 604:
      return 'not-found';
    case 408:
    case 480:
    case 503:
      return 'unavailable';
    case 603:
      return 'declined';
    default:
      return 'failed';
  }
}

const DTMF_INFO_DURATION_MS = 160;

/** What the user is told when an in-dialog request (re-INVITE, INFO) does not go through. */
interface InDialogErrors {
  /** The far end answered with an error. */
  refused: ErrorCode;
  /** No final answer within inDialogTimeoutMs. */
  unanswered: ErrorCode;
  /** sip.js did not send it; asked only then, because a media failure on the way decides it. */
  notSent: () => ErrorCode;
}

export class CallService {
  private readonly records = new Map<string, CallRecord>();
  private readonly bySession = new Map<Session, CallRecord>();
  private readonly newCallId: () => string;
  /** What the user last dialled, as typed, for redial. */
  private lastTarget: string | null = null;

  constructor(private readonly options: CallServiceOptions) {
    this.newCallId = options.newCallId ?? (() => randomUUID());
  }

  /** The list as the UI sees it: live calls and calls that ended moments ago. */
  list(): Call[] {
    return [...this.records.values()].map((r) => structuredClone(r.call));
  }

  /** sip.js asks for one SDH per session; each one forwards to the media engine. */
  readonly sessionDescriptionHandlerFactory: SessionDescriptionHandlerFactory = (session) => {
    const record = this.bySession.get(session);
    const callId = record?.call.id ?? session.id.slice(0, 48);
    const count = record ? ++record.mediaCount : 1;
    const settings = this.options.settings();
    const sdh = new ProxySessionDescriptionHandler({
      media: this.options.media,
      mediaId: `${callId}.${count}`,
      callId,
      iceServers: settings.account.iceServers,
      audio: settings.audio,
      iceGatheringTimeoutMs: this.options.timing.iceGatheringTimeoutMs,
      logger: this.options.logger,
      onFailure: () => {
        if (record) record.mediaFailed = true;
      },
    });
    if (record) record.sdh = sdh;
    return sdh;
  };

  // -------------------------------------------------------------------------------------------
  // Commands

  /** Resolves once the call exists (dialing); how it goes on arrives through calls:changed. */
  dial(target: string): Call {
    const settings = this.options.settings();
    if (!isAccountConfigured(settings.account)) throw new AppError('not-configured', 'no account is configured');
    const parsed = parseDialTarget(target, settings.account.sipUri);
    const ua = this.options.userAgent();
    if (!ua || !this.options.isRegistered()) throw new AppError('not-registered', 'the account is not registered');
    if (!this.options.media.available) throw new AppError('media-unavailable', 'no media engine is attached');
    if (this.liveCount() >= MAX_LIVE_CALLS) throw new AppError('invalid-call-state', 'another call is in progress');
    const uri = UserAgent.makeURI(parsed.uri);
    if (!uri) throw new AppError('invalid-number', 'target does not form a SIP URI');
    const inviter = new Inviter(ua, uri);
    this.lastTarget = target;
    const record = this.add(inviter, 'outgoing', { uri: parsed.uri, number: parsed.number, displayName: '' }, 'dialing');
    const onFinal = (response: Core.IncomingResponse): void => {
      record.finalStatus = response.message.statusCode ?? null;
    };
    inviter
      .invite({
        requestDelegate: {
          onProgress: (response) => {
            const status = response.message.statusCode;
            if ((status === 180 || status === 183) && record.call.state === 'dialing') this.setState(record, 'ringing');
          },
          onReject: onFinal,
          onRedirect: onFinal,
        },
      })
      .catch((err: unknown) => {
        // sip.js has already terminated the session (our watcher ends the call); this is the why.
        this.options.logger.warn(`call ${record.call.id}: INVITE not sent: ${messageOf(err)}`);
        if (inviter.state !== SessionState.Terminated && record.call.state !== 'ended') {
          this.end(record, record.mediaFailed ? 'media-failed' : 'failed', null);
        }
      });
    return structuredClone(record.call);
  }

  /** Dials the last target dialled again (a headset's redial button). */
  redial(): Call {
    if (this.lastTarget === null) throw new AppError('invalid-number', 'nothing has been dialled yet');
    return this.dial(this.lastTarget);
  }

  async answer(callId: string): Promise<Call> {
    const record = this.get(callId);
    const session = record.session;
    if (!(session instanceof Invitation) || record.call.state !== 'incoming') {
      throw new AppError('invalid-call-state', `cannot answer a call in state ${record.call.state}`);
    }
    if (!this.options.media.available) throw new AppError('media-unavailable', 'no media engine is attached');
    this.setState(record, 'answering');
    try {
      await session.accept();
    } catch (err) {
      this.options.logger.warn(`call ${callId}: answer failed: ${messageOf(err)}`);
      const reason: CallEndReason = record.mediaFailed ? 'media-failed' : 'failed';
      if (session.state !== SessionState.Terminated) this.terminate(record);
      this.end(record, reason, null);
      throw new AppError(record.mediaFailed ? 'media-failed' : 'internal', `answer failed: ${messageOf(err)}`);
    }
    return structuredClone(record.call);
  }

  /** Refuses an incoming call with 486 Busy Here. */
  reject(callId: string): Call {
    const record = this.get(callId);
    if (!(record.session instanceof Invitation) || record.call.state !== 'incoming') {
      throw new AppError('invalid-call-state', `cannot reject a call in state ${record.call.state}`);
    }
    this.end(record, 'rejected-by-user', null);
    record.session.reject({ statusCode: 486 }).catch((err: unknown) => {
      this.options.logger.warn(`call ${callId}: reject failed: ${messageOf(err)}`);
    });
    return structuredClone(record.call);
  }

  /** CANCEL before an answer, BYE after; an unanswered incoming call is refused. Idempotent. */
  hangup(callId: string): Call {
    const record = this.get(callId);
    if (record.call.state === 'ended') return structuredClone(record.call);
    const unansweredIncoming = record.call.direction === 'incoming' && record.call.state === 'incoming';
    // The user sees the call end now; the signalling finishes in the background.
    this.end(record, unansweredIncoming ? 'rejected-by-user' : 'local-hangup', null);
    this.terminate(record);
    return structuredClone(record.call);
  }

  /** Hold by re-INVITE; `held` changes only when the re-INVITE succeeded. */
  async hold(callId: string, hold: boolean): Promise<Call> {
    const record = this.get(callId);
    if (record.call.state !== 'established') {
      throw new AppError('invalid-call-state', `cannot ${hold ? 'hold' : 'resume'} a call in state ${record.call.state}`);
    }
    if (record.call.held === hold) return structuredClone(record.call);
    await this.reinvite(record, { hold });
    if (record.session.state !== SessionState.Established) {
      throw new AppError('media-failed', 'the call ended while changing hold');
    }
    record.call.held = hold;
    this.emit();
    return structuredClone(record.call);
  }

  /** A headset's flash: with one established call, hold it or resume it. */
  async swapOrHold(): Promise<Call> {
    const live = [...this.records.values()].filter((r) => r.call.state !== 'ended');
    const only = live[0];
    if (live.length !== 1 || only?.call.state !== 'established') {
      throw new AppError('invalid-call-state', 'flash needs exactly one established call');
    }
    return this.hold(only.call.id, !only.call.held);
  }

  async mute(callId: string, muted: boolean): Promise<Call> {
    const record = this.get(callId);
    const live = record.call.state === 'established' || record.call.state === 'answering';
    if (!live || !record.sdh) throw new AppError('invalid-call-state', `cannot mute a call in state ${record.call.state}`);
    if (record.call.muted === muted) return structuredClone(record.call);
    await record.sdh.setMuted(muted);
    if (record.call.state !== 'ended') {
      record.call.muted = muted;
      this.emit();
    }
    return structuredClone(record.call);
  }

  /** RFC 4733 through the media engine, or one SIP INFO per tone, in order. */
  async dtmf(callId: string, tones: string): Promise<null> {
    const record = this.get(callId);
    if (record.call.state !== 'established') {
      throw new AppError('invalid-call-state', `cannot send DTMF in state ${record.call.state}`);
    }
    const upper = tones.toUpperCase();
    if (this.options.settings().account.dtmfMode === 'info') {
      for (const tone of upper) await this.sendInfoTone(record, tone);
      return null;
    }
    if (!record.sdh) throw new AppError('invalid-call-state', 'the call has no media session');
    const played = await record.sdh.sendDtmfAndWait(upper);
    if (!played) throw new AppError('media-failed', 'the media engine did not send the tones');
    return null;
  }

  // -------------------------------------------------------------------------------------------
  // Events from elsewhere

  /** An INVITE from the user agent. */
  onInvite(invitation: Invitation): void {
    if (this.liveCount() >= MAX_LIVE_CALLS) {
      this.options.logger.info('calls: INVITE while a call is live; 486 Busy Here');
      invitation.reject({ statusCode: 486 }).catch((err: unknown) => {
        this.options.logger.warn(`calls: 486 not sent: ${messageOf(err)}`);
      });
      return;
    }
    this.add(invitation, 'incoming', remotePartyOf(invitation.request), 'incoming');
  }

  /** The media engine went away: its peer connections are gone, so are the calls. */
  mediaGone(): void {
    for (const record of this.records.values()) {
      if (record.call.state === 'ended') continue;
      this.end(record, 'media-failed', null);
      this.terminate(record, 480);
    }
  }

  /** Registered again after a lost connection: renegotiate ICE for established calls. */
  restartIce(): void {
    for (const record of this.records.values()) {
      if (record.call.state !== 'established') continue;
      this.reinvite(record, { hold: record.call.held, offerOptions: { iceRestart: true } }).catch((err: unknown) => {
        this.options.logger.warn(`call ${record.call.id}: ICE restart failed: ${messageOf(err)}`);
      });
    }
  }

  /** Ends every live call (stop, account change); waits at most `ms` for the signalling. */
  async endAll(ms: number): Promise<void> {
    const terminated: Promise<unknown>[] = [];
    for (const record of this.records.values()) {
      if (record.call.state === 'ended') continue;
      terminated.push(this.whenTerminated(record.session));
      this.hangup(record.call.id);
    }
    if (terminated.length > 0) await settleWithin(Promise.all(terminated), ms, this.options.clock);
  }

  /** Drops the lingering timers (the core is stopping). */
  dispose(): void {
    for (const record of this.records.values()) {
      if (record.lingerTimer !== null) this.options.clock.clearTimeout(record.lingerTimer);
      record.lingerTimer = null;
    }
  }

  // -------------------------------------------------------------------------------------------

  private get(callId: string): CallRecord {
    const record = this.records.get(callId);
    if (!record) throw new AppError('no-such-call', `no call ${callId.slice(0, 64)}`);
    return record;
  }

  private liveCount(): number {
    let n = 0;
    for (const r of this.records.values()) if (r.call.state !== 'ended') n++;
    return n;
  }

  private add(session: Inviter | Invitation, direction: Call['direction'], remote: RemoteParty, state: CallState): CallRecord {
    const record: CallRecord = {
      call: {
        id: this.newCallId(),
        direction,
        state,
        remote,
        held: false,
        muted: false,
        startedAt: this.options.clock.now(),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        endStatus: null,
      },
      session,
      sdh: null,
      mediaCount: 0,
      finalStatus: null,
      mediaFailed: false,
      remoteBye: false,
      canceledByCaller: false,
      lingerTimer: null,
    };
    this.records.set(record.call.id, record);
    this.bySession.set(session, record);
    session.delegate = {
      onBye: (bye) => {
        record.remoteBye = true;
        bye.accept().catch((err: unknown) => {
          this.options.logger.debug(`call ${record.call.id}: BYE not answered: ${messageOf(err)}`);
        });
      },
      onCancel: () => {
        record.canceledByCaller = true;
      },
    };
    session.stateChange.addListener((s) => {
      if (s === SessionState.Established) {
        if (record.call.state !== 'ended') {
          record.call.state = 'established';
          record.call.answeredAt = this.options.clock.now();
          this.emit();
        }
      } else if (s === SessionState.Terminated) {
        // sip.js reports a refused INVITE by terminating first and telling our delegate right
        // after: decide once the delegate has recorded the status.
        queueMicrotask(() => {
          this.onTerminated(record);
        });
      }
    });
    this.emit();
    return record;
  }

  private onTerminated(record: CallRecord): void {
    this.bySession.delete(record.session);
    if (record.call.state === 'ended') return;
    let reason: CallEndReason;
    let status: number | null = null;
    // The far end's BYE says why, whatever failed earlier in the call.
    if (record.canceledByCaller) reason = 'canceled';
    else if (record.remoteBye) reason = 'remote-hangup';
    else if (record.mediaFailed) reason = 'media-failed';
    else if (record.finalStatus !== null && record.finalStatus >= 300) {
      reason = endReasonForStatus(record.finalStatus);
      status = record.finalStatus;
    } else if (record.call.answeredAt !== null) reason = 'remote-hangup';
    else if (record.call.direction === 'incoming') {
      // Nobody answered within sip.js's no-answer time (it replied 480).
      reason = 'unavailable';
      status = 480;
    } else reason = 'failed';
    this.end(record, reason, status);
  }

  private setState(record: CallRecord, state: CallState): void {
    if (record.call.state === 'ended' || record.call.state === state) return;
    record.call.state = state;
    this.emit();
  }

  /** Marks the call ended (once), releases its media and schedules its removal from the list. */
  private end(record: CallRecord, reason: CallEndReason, status: number | null): void {
    if (record.call.state === 'ended') return;
    record.call.state = 'ended';
    record.call.endedAt = this.options.clock.now();
    record.call.endReason = reason;
    record.call.endStatus = status;
    record.sdh?.close();
    record.lingerTimer = this.options.clock.setTimeout(() => {
      record.lingerTimer = null;
      this.records.delete(record.call.id);
      this.bySession.delete(record.session);
      this.emit();
    }, this.options.timing.endedCallLingerMs);
    this.emit();
  }

  /** Ends the session in whatever way its state allows; failures are only logged. */
  private terminate(record: CallRecord, rejectStatus = 486): void {
    const session = record.session;
    const log = (err: unknown): void => {
      this.options.logger.warn(`call ${record.call.id}: ending the session failed: ${messageOf(err)}`);
    };
    switch (session.state) {
      case SessionState.Initial:
      case SessionState.Establishing:
        if (session instanceof Inviter) session.cancel().catch(log);
        else session.reject({ statusCode: rejectStatus }).catch(log);
        return;
      case SessionState.Established:
        session.bye().catch(log);
        return;
      default:
        return;
    }
  }

  private whenTerminated(session: Session): Promise<void> {
    if (session.state === SessionState.Terminated) return Promise.resolve();
    return new Promise((resolve) => {
      const listener = (s: SessionState): void => {
        if (s === SessionState.Terminated) {
          session.stateChange.removeListener(listener);
          resolve();
        }
      };
      session.stateChange.addListener(listener);
    });
  }

  /** A re-INVITE with JSON-only SDH options, bounded in time. */
  private async reinvite(record: CallRecord, sdhOptions: JsonSdhOptions): Promise<void> {
    const session = record.session;
    const options: SessionDescriptionHandlerOptions & JsonSdhOptions = { ...sdhOptions };
    await this.inDialog(
      're-INVITE',
      {
        refused: 'invalid-call-state',
        unanswered: 'internal',
        notSent: () => (record.mediaFailed ? 'media-failed' : 'invalid-call-state'),
      },
      (requestDelegate) => session.invite({ sessionDescriptionHandlerOptions: options, requestDelegate }),
    );
    // The media engine made this offer: an earlier failure no longer tells how the call ends.
    record.mediaFailed = false;
  }

  private async sendInfoTone(record: CallRecord, tone: string): Promise<void> {
    const session = record.session;
    if (session.state !== SessionState.Established) throw new AppError('invalid-call-state', 'the call is no longer established');
    await this.inDialog('INFO', { refused: 'media-failed', unanswered: 'media-failed', notSent: () => 'invalid-call-state' }, (requestDelegate) =>
      session.info({
        requestDelegate,
        requestOptions: {
          body: {
            contentDisposition: 'render',
            contentType: 'application/dtmf-relay',
            content: `Signal=${tone}\r\nDuration=${DTMF_INFO_DURATION_MS}\r\n`,
          },
        },
      }),
    );
  }

  /** Sends one in-dialog request through `send` and waits, bounded in time, for its final answer. */
  private async inDialog(
    what: string,
    errors: InDialogErrors,
    send: (requestDelegate: Core.OutgoingRequestDelegate) => Promise<unknown>,
  ): Promise<void> {
    const answered = new Promise<AppError | null>((resolve) => {
      send({
        onAccept: () => {
          resolve(null);
        },
        onReject: (response) => {
          resolve(new AppError(errors.refused, `${what} answered ${response.message.statusCode ?? 0}`));
        },
      }).catch((err: unknown) => {
        resolve(new AppError(errors.notSent(), `${what} not sent: ${messageOf(err)}`));
      });
    });
    const outcome = await resultWithin(answered, this.options.timing.inDialogTimeoutMs, this.options.clock);
    if (outcome === 'timeout') throw new AppError(errors.unanswered, `${what} unanswered`);
    if (outcome) throw outcome;
  }

  private emit(): void {
    this.options.onCalls(this.list());
  }
}
