// Calls: sip.js Inviter/Invitation sessions kept as contract `Call` objects. Every change
// publishes the whole list ('calls:changed'); an ended call stays in it for a few seconds with
// its endReason/endStatus, so the UI can say "Busy" before the row goes.
import { randomUUID } from 'node:crypto';
import { Invitation, Inviter, SessionState, UserAgent } from 'sip.js';
import type { Core, Referral, Session, SessionDescriptionHandlerFactory, SessionDescriptionHandlerOptions, URI } from 'sip.js';
import type { AccountSettings, Call, CallEndReason, CallState, CallTransfer, ErrorCode, Settings } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import { plainText } from '../plain-text.ts';
import type { Clock, Logger, MediaEngine } from '../ports.ts';
import { isAccountConfigured } from '../settings/settings-defaults.ts';
import { resultWithin, settleWithin } from '../time-bounds.ts';
import type { CoreTiming } from '../timing.ts';
import { parseDialTarget, PLAIN_NUMBERS } from './dial-target.ts';
import { readPbxNumber, type NumberContext } from '../numbers/dial-plan.ts';
import { ProxySessionDescriptionHandler } from './proxy-sdh.ts';
import type { JsonSdhOptions } from './proxy-sdh.ts';
import { changedIdentity, remotePartyOf } from './remote-party.ts';
import { offerHolds } from './sdp-direction.ts';
import { sipfragStatus } from './sipfrag.ts';
import { referProgress, silenceSipJsReferNotify, type ReferProgress } from './refer-progress.ts';
import { answerAfterRequested } from './auto-answer.ts';
import type { RemoteParty } from './remote-party.ts';

/** What calls need of the accounts (see Accounts). */
export interface CallAccounts {
  /** The account's user agent, when it has one; throws no-such-account for an unknown id. */
  userAgent(accountId: string): UserAgent | null;
  isRegistered(accountId: string): boolean;
  /** The account's settings; throws no-such-account for an unknown id. */
  settings(accountId: string): AccountSettings;
  has(accountId: string): boolean;
  /** The account an outgoing call uses when none is named. */
  defaultAccountId(): string | null;
}

export interface CallServiceOptions {
  clock: Clock;
  logger: Logger;
  timing: CoreTiming;
  media: MediaEngine;
  accounts: CallAccounts;
  settings: () => Settings;
  /** The dial plan and the default country, as the settings say now. */
  numbers?: () => NumberContext;
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
  /** The transfer out of this call has succeeded: however it now ends, it ends as transferred. */
  transferredAway: boolean;
  /** An INVITE with Replaces took this call over: it ends as replaced. */
  replaced: boolean;
  /** Bounds the wait for a transfer's final NOTIFY, or for the user to answer a transfer request. */
  transferTimer: unknown;
  /** The consultation call of the attended transfer in progress out of this call. */
  consult: CallRecord | null;
  /** The other side's REFER, waiting for the user (settings calls.incomingTransfer 'ask'). */
  pendingReferral: Referral | null;
  /** A call placed because of a REFER: tells the transferor how it goes. */
  referProgress: ReferProgress | null;
  /** Forwarding when unanswered, or answering by itself: what happens to the ringing call, when. */
  ringTimer: unknown;
}

/** A call's state read fresh (after an await it may have moved on, whatever TypeScript narrowed). */
function stateOf(record: CallRecord): CallState {
  return record.call.state;
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
  /** What the user last dialled, as typed, and on which account, for redial. */
  private lastTarget: { target: string; accountId: string } | null = null;

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
    const iceServers = record ? this.accountSettings(record.call.accountId)?.iceServers ?? [] : [];
    const sdh = new ProxySessionDescriptionHandler({
      media: this.options.media,
      mediaId: `${callId}.${count}`,
      callId,
      iceServers,
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

  /**
   * Resolves once the call exists (dialing); how it goes on arrives through calls:changed. On the
   * named account, or the default one.
   */
  dial(target: string, accountId?: string): Call {
    const { accounts } = this.options;
    const id = accountId ?? accounts.defaultAccountId();
    if (id === null) throw new AppError('not-configured', 'no account is configured');
    const account = accounts.settings(id);
    if (!isAccountConfigured(account)) throw new AppError('not-configured', 'the account is not configured');
    const parsed = parseDialTarget(target, account.sipUri, this.numbers());
    const ua = accounts.userAgent(id);
    if (!ua || !accounts.isRegistered(id)) throw new AppError('not-registered', 'the account is not registered');
    if (!this.options.media.available) throw new AppError('media-unavailable', 'no media engine is attached');
    if (this.liveCount() >= this.maxLines()) throw new AppError('too-many-calls', 'every line is in use');
    const uri = UserAgent.makeURI(parsed.uri);
    if (!uri) throw new AppError('invalid-number', 'target does not form a SIP URI');
    const inviter = new Inviter(ua, uri);
    this.lastTarget = { target, accountId: id };
    const record = this.add(inviter, id, 'outgoing', { uri: parsed.uri, number: parsed.number, displayName: '' }, 'dialing');
    this.place(record, inviter);
    return structuredClone(record.call);
  }

  /**
   * Sends the INVITE of an outgoing call. The call the user was talking on goes on hold first, as
   * on any phone; the hold is quick (one re-INVITE) and the call is placed whether or not it worked.
   */
  private place(record: CallRecord, inviter: Inviter, spare: CallRecord | null = null): void {
    const tell = (response: Core.IncomingResponse): void => {
      record.referProgress?.(response.message.statusCode ?? 0, response.message.reasonPhrase ?? '');
    };
    const onFinal = (response: Core.IncomingResponse): void => {
      record.finalStatus = response.message.statusCode ?? null;
      tell(response);
    };
    void this.holdOthers(record, spare)
      .then(() =>
        inviter.invite({
          requestDelegate: {
            onProgress: (response) => {
              tell(response);
              const status = response.message.statusCode;
              if ((status === 180 || status === 183) && record.call.state === 'dialing') this.setState(record, 'ringing');
            },
            onAccept: (response) => {
              tell(response);
              // The PBX may say who answered (a hunt group, a pickup): P-Asserted-Identity or To.
              this.updateIdentity(record, changedIdentity(record.call.remote, response.message, 'to'));
            },
            onReject: onFinal,
            onRedirect: onFinal,
          },
        }),
      )
      .catch((err: unknown) => {
        // sip.js has already terminated the session (our watcher ends the call); this is the why.
        this.options.logger.warn(`call ${record.call.id}: INVITE not sent: ${messageOf(err)}`);
        record.referProgress?.(500, 'Server Internal Error');
        if (inviter.state !== SessionState.Terminated && record.call.state !== 'ended') {
          this.end(record, record.mediaFailed ? 'media-failed' : 'failed', null);
        }
      });
  }

  /** Dials the last target dialled again (a headset's redial button). */
  redial(): Call {
    const last = this.lastTarget;
    if (last === null) throw new AppError('invalid-number', 'nothing has been dialled yet');
    return this.dial(last.target, this.options.accounts.has(last.accountId) ? last.accountId : undefined);
  }

  async answer(callId: string): Promise<Call> {
    const record = this.get(callId);
    const session = record.session;
    if (!(session instanceof Invitation) || record.call.state !== 'incoming') {
      throw new AppError('invalid-call-state', `cannot answer a call in state ${record.call.state}`);
    }
    if (!this.options.media.available) throw new AppError('media-unavailable', 'no media engine is attached');
    this.setState(record, 'answering');
    // The call in progress goes on hold before this one is answered (call waiting).
    await this.holdOthers(record);
    // The caller may have given up meanwhile.
    if (stateOf(record) !== 'answering') return structuredClone(record.call);
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

  /**
   * Hold by re-INVITE; `held` changes only when the re-INVITE succeeded. Resuming a call puts the
   * call the user is talking on on hold first (switching between lines).
   */
  async hold(callId: string, hold: boolean): Promise<Call> {
    const record = this.get(callId);
    if (record.call.state !== 'established') {
      throw new AppError('invalid-call-state', `cannot ${hold ? 'hold' : 'resume'} a call in state ${record.call.state}`);
    }
    // A conference is held and resumed as a whole.
    const group = this.groupOf(record);
    if (group.every((r) => r.call.held === hold)) return structuredClone(record.call);
    if (!hold) await this.holdOthers(record);
    for (const member of group) {
      if (member.call.held === hold || member.call.state !== 'established') continue;
      await this.reinvite(member, { hold });
      if (member.session.state !== SessionState.Established) {
        throw new AppError('media-failed', 'the call ended while changing hold');
      }
      member.call.held = hold;
    }
    this.emit();
    return structuredClone(record.call);
  }

  /**
   * A headset's flash: with a call on hold, switch to it (the active one goes on hold); with one
   * established call and nothing held, hold it or resume it.
   */
  async swapOrHold(): Promise<Call> {
    const established = [...this.records.values()].filter((r) => r.call.state === 'established');
    const held = established.filter((r) => r.call.held).sort((a, b) => b.call.startedAt - a.call.startedAt);
    const active = established.find((r) => !r.call.held);
    const next = held[0];
    if (active && next) return this.hold(next.call.id, false);
    if (established.length === 1 && established[0]) return this.hold(established[0].call.id, !established[0].call.held);
    throw new AppError('invalid-call-state', 'flash needs an established call');
  }

  /** Mutes the microphone on the call, or on every call of its conference (one microphone for all). */
  async mute(callId: string, muted: boolean): Promise<Call> {
    const record = this.get(callId);
    const live = (r: CallRecord): boolean => (r.call.state === 'established' || r.call.state === 'answering') && r.sdh !== null;
    if (!live(record)) throw new AppError('invalid-call-state', `cannot mute a call in state ${record.call.state}`);
    const group = this.groupOf(record).filter(live);
    if (group.every((r) => r.call.muted === muted)) return structuredClone(record.call);
    for (const member of group) {
      if (member.call.muted === muted || !member.sdh) continue;
      await member.sdh.setMuted(muted);
      if (member.call.state !== 'ended') member.call.muted = muted;
    }
    this.emit();
    return structuredClone(record.call);
  }


  // -------------------------------------------------------------------------------------------
  // Conference: the media engine mixes, so each party hears the user and every other party.

  /** Joins established calls (and the conferences they are in) into one conference, off hold. */
  async merge(callIds: string[]): Promise<Call[]> {
    const picked = [...new Set(callIds)].map((id) => this.get(id));
    for (const r of picked) {
      if (r.call.state !== 'established') throw new AppError('invalid-call-state', `cannot merge a call in state ${r.call.state}`);
      const t = r.call.transfer?.state;
      if (t === 'trying' || t === 'ringing') throw new AppError('invalid-call-state', 'a call being transferred cannot be merged');
    }
    const members = [...new Set(picked.flatMap((r) => this.groupOf(r)))];
    if (members.length < 2) throw new AppError('invalid-call-state', 'a conference needs two calls');
    if (members.length > this.maxLines()) throw new AppError('too-many-calls', 'more calls than lines');
    const conferenceId = members.find((r) => r.call.conferenceId !== null)?.call.conferenceId ?? `conf-${this.newCallId()}`;
    for (const r of members) r.call.conferenceId = conferenceId;
    // Everyone off hold; resuming one member holds nobody of its own conference.
    const first = members[0];
    if (first) await this.hold(first.call.id, false);
    // One microphone for the conference: muted on one leg means muted on all.
    if (members.some((r) => r.call.muted)) await this.mute(members[0]?.call.id ?? '', true);
    await this.applyMix(conferenceId);
    this.emit();
    return members.map((r) => structuredClone(r.call));
  }

  /** Takes the call's conference apart: this call stays with the user, the others go on hold. */
  async split(callId: string): Promise<Call[]> {
    const record = this.get(callId);
    if (record.call.conferenceId === null) throw new AppError('invalid-call-state', 'the call is not in a conference');
    const members = this.groupOf(record);
    for (const r of members) r.call.conferenceId = null;
    await Promise.all(members.map((r) => this.unmix(r)));
    this.emit();
    await this.holdOthers(record);
    return members.map((r) => structuredClone(r.call));
  }

  /** The calls of the record's conference (itself among them), or just the record. */
  private groupOf(record: CallRecord): CallRecord[] {
    const id = record.call.conferenceId;
    if (id === null) return [record];
    return [...this.records.values()].filter((r) => r.call.conferenceId === id && r.call.state !== 'ended');
  }

  /** Tells the media engine, for each member, whose audio to mix into what it sends. */
  private async applyMix(conferenceId: string): Promise<void> {
    const members = [...this.records.values()].filter((r) => r.call.conferenceId === conferenceId && r.call.state !== 'ended');
    await Promise.all(
      members.map(async (r) => {
        const others = members.filter((o) => o !== r && o.sdh !== null).map((o) => o.sdh?.mediaId ?? '');
        await r.sdh?.setMix(others).catch((err: unknown) => {
          this.options.logger.warn(`call ${r.call.id}: mixing failed: ${messageOf(err)}`);
        });
      }),
    );
  }

  private async unmix(record: CallRecord): Promise<void> {
    if (record.call.state === 'ended') return;
    await record.sdh?.setMix([]).catch((err: unknown) => {
      this.options.logger.warn(`call ${record.call.id}: unmixing failed: ${messageOf(err)}`);
    });
  }

  /** A conference leg ended: the rest go on mixing, or one left becomes an ordinary call. */
  private leaveConference(record: CallRecord): void {
    const id = record.call.conferenceId;
    if (id === null) return;
    const rest = [...this.records.values()].filter((r) => r !== record && r.call.conferenceId === id && r.call.state !== 'ended');
    if (rest.length <= 1) {
      for (const r of rest) {
        r.call.conferenceId = null;
        void this.unmix(r);
      }
      return;
    }
    void this.applyMix(id);
  }

  // -------------------------------------------------------------------------------------------
  // Transfers (Hookswitch as the transferor): REFER, then the NOTIFYs to a final answer.

  /** Blind transfer: the call goes on hold, then REFER to `target`. */
  async transfer(callId: string, target: string): Promise<Call> {
    const record = this.transferable(callId);
    const account = this.accountSettings(record.call.accountId);
    if (!account) throw new AppError('no-such-account', 'the call\'s account is gone');
    const parsed = parseDialTarget(target, account.sipUri, this.numbers());
    const uri = UserAgent.makeURI(parsed.uri);
    if (!uri) throw new AppError('invalid-number', 'target does not form a SIP URI');
    await this.holdForTransfer(record);
    this.refer(record, { kind: 'blind', target: parsed.number || parsed.uri }, uri);
    return structuredClone(record.call);
  }

  /** Attended transfer, step one: the call goes on hold and `target` is called as its consultation. */
  consult(callId: string, target: string): Call {
    const original = this.transferable(callId);
    if (original.consult && original.consult.call.state !== 'ended') {
      throw new AppError('invalid-call-state', 'a consultation call is already in progress');
    }
    const consulting = this.dial(target, original.call.accountId);
    const record = this.get(consulting.id);
    record.call.consultFor = original.call.id;
    original.consult = record;
    this.emit();
    return structuredClone(record.call);
  }

  /** Attended transfer, step two, from the consultation call: REFER the original with Replaces. */
  completeTransfer(consultCallId: string): Call {
    const consult = this.get(consultCallId);
    const originalId = consult.call.consultFor;
    const original = originalId === null ? undefined : this.records.get(originalId);
    if (!original || original.consult !== consult) throw new AppError('invalid-call-state', 'this is not a consultation call');
    if (consult.call.state !== 'established') throw new AppError('invalid-call-state', 'the consultation call is not connected');
    this.transferable(original.call.id);
    const remote = consult.call.remote;
    this.refer(original, { kind: 'attended', target: remote.displayName || remote.number || remote.uri }, consult.session);
    return structuredClone(original.call);
  }

  /** The user's answer to a transfer the other side asked for (settings calls.incomingTransfer 'ask'). */
  answerTransfer(callId: string, accept: boolean): Call {
    const record = this.get(callId);
    const referral = record.pendingReferral;
    if (!referral) throw new AppError('invalid-call-state', 'no transfer is waiting for an answer');
    this.clearTransferTimer(record);
    record.pendingReferral = null;
    record.call.referOffer = null;
    if (accept && record.call.state === 'established') this.followReferral(record, referral);
    else this.declineReferral(record, referral);
    this.emit();
    return structuredClone(record.call);
  }

  /** An established call with no transfer on its way, or invalid-call-state. */
  private transferable(callId: string): CallRecord {
    const record = this.get(callId);
    if (record.call.state !== 'established') throw new AppError('invalid-call-state', `cannot transfer a call in state ${record.call.state}`);
    const state = record.call.transfer?.state;
    if (state === 'trying' || state === 'ringing') throw new AppError('invalid-call-state', 'a transfer is already in progress');
    if (record.call.conferenceId !== null) throw new AppError('invalid-call-state', 'split the conference before transferring');
    return record;
  }

  /** The transferee waits on hold (RFC 5589); a far end that refuses hold is transferred anyway. */
  private async holdForTransfer(record: CallRecord): Promise<void> {
    if (record.call.held) return;
    await this.hold(record.call.id, true).catch((err: unknown) => {
      this.options.logger.warn(`call ${record.call.id}: not held before the transfer: ${messageOf(err)}`);
    });
  }

  /** Sends the REFER and follows the NOTIFYs; done only on a 2xx sipfrag, failed otherwise. */
  private refer(record: CallRecord, what: Pick<CallTransfer, 'kind' | 'target'>, referTo: URI | Session): void {
    const session = record.session;
    record.call.transfer = { ...what, state: 'trying', status: null };
    this.emit();
    const settle = (status: number | null): void => {
      if (record.call.transfer?.state === 'done' || record.call.transfer?.state === 'failed') return;
      this.clearTransferTimer(record);
      if (status !== null && status >= 200 && status < 300) this.transferDone(record);
      else this.transferFailed(record, status);
    };
    this.clearTransferTimer(record);
    record.transferTimer = this.options.clock.setTimeout(() => {
      record.transferTimer = null;
      this.options.logger.warn(`call ${record.call.id}: no final NOTIFY for the transfer within ${this.options.timing.transferTimeoutMs} ms`);
      settle(null);
    }, this.options.timing.transferTimeoutMs);
    session
      .refer(referTo, {
        requestDelegate: {
          onReject: (response) => {
            settle(response.message.statusCode ?? null);
          },
        },
        onNotify: (notification) => {
          notification.accept().catch((err: unknown) => {
            this.options.logger.debug(`call ${record.call.id}: NOTIFY not answered: ${messageOf(err)}`);
          });
          const status = sipfragStatus(notification.request.body);
          if (status === null) return;
          if (status >= 200) {
            settle(status);
          } else if ((status === 180 || status === 183) && record.call.transfer?.state === 'trying') {
            record.call.transfer = { ...record.call.transfer, state: 'ringing' };
            this.emit();
          }
        },
      })
      .catch((err: unknown) => {
        this.options.logger.warn(`call ${record.call.id}: REFER not sent: ${messageOf(err)}`);
        settle(null);
      });
  }

  /** The target answered: the call (and an attended transfer's consultation) ends as transferred. */
  private transferDone(record: CallRecord): void {
    if (!record.call.transfer) return;
    record.call.transfer = { ...record.call.transfer, state: 'done', status: null };
    record.transferredAway = true;
    this.end(record, 'transferred', null);
    this.terminate(record);
    const consult = record.consult;
    if (consult && consult.call.state !== 'ended') {
      consult.transferredAway = true;
      // The target ends our consultation itself (it accepted the INVITE with Replaces); if it
      // does not, we do.
      consult.transferTimer = this.options.clock.setTimeout(() => {
        consult.transferTimer = null;
        if (consult.call.state === 'ended') return;
        this.end(consult, 'transferred', null);
        this.terminate(consult);
      }, this.options.timing.consultHandoverMs);
    }
  }

  /** The transfer did not happen: the call stays, held, with the user (and so does a consultation). */
  private transferFailed(record: CallRecord, status: number | null): void {
    if (!record.call.transfer || record.call.state === 'ended') return;
    record.call.transfer = { ...record.call.transfer, state: 'failed', status };
    this.emit();
  }

  private clearRingTimer(record: CallRecord): void {
    if (record.ringTimer !== null) this.options.clock.clearTimeout(record.ringTimer);
    record.ringTimer = null;
  }

  private clearTransferTimer(record: CallRecord): void {
    if (record.transferTimer !== null) this.options.clock.clearTimeout(record.transferTimer);
    record.transferTimer = null;
  }

  // -------------------------------------------------------------------------------------------
  // Being transferred (Hookswitch as the transferee): an incoming REFER.

  private onRefer(record: CallRecord, referral: Referral): void {
    let target: string;
    try {
      const uri = referral.referTo.uri;
      if (uri.scheme !== 'sip' && uri.scheme !== 'sips') throw new Error(`scheme ${uri.scheme}`);
      target = plainText(uri.user ?? uri.toString(), 256);
    } catch (err) {
      this.options.logger.warn(`call ${record.call.id}: REFER refused: ${messageOf(err)}`);
      referral.reject({ statusCode: 400 }).catch(() => undefined);
      return;
    }
    if (record.call.state !== 'established' || record.pendingReferral) {
      referral.reject({ statusCode: 603 }).catch(() => undefined);
      return;
    }
    if (this.options.settings().calls.incomingTransfer === 'accept') {
      this.followReferral(record, referral);
      return;
    }
    record.pendingReferral = referral;
    const by = record.call.remote.displayName || record.call.remote.number;
    record.call.referOffer = { target, by: plainText(by, 256) };
    this.clearTransferTimer(record);
    record.transferTimer = this.options.clock.setTimeout(() => {
      record.transferTimer = null;
      if (record.pendingReferral !== referral) return;
      record.pendingReferral = null;
      record.call.referOffer = null;
      this.declineReferral(record, referral);
      this.emit();
    }, this.options.timing.referAskTimeoutMs);
    this.emit();
  }

  /** 202, then the new call on the same account; refer-progress.ts tells the transferor how it goes (NOTIFY). */
  private followReferral(record: CallRecord, referral: Referral): void {
    referral.accept().catch((err: unknown) => {
      this.options.logger.warn(`call ${record.call.id}: 202 to the REFER not sent: ${messageOf(err)}`);
    });
    const progress = referProgress(record.session, referral.request.cseq, this.options.logger, `call ${record.call.id}`);
    let inviter: Inviter | null = null;
    try {
      inviter = referral.makeInviter();
      silenceSipJsReferNotify(inviter);
    } catch (err) {
      void inviter?.dispose().catch(() => undefined);
      this.options.logger.warn(`call ${record.call.id}: the transfer could not be placed: ${messageOf(err)}`);
      progress(500, 'Server Internal Error');
      return;
    }
    progress(100, 'Trying');
    const uri = inviter.remoteIdentity.uri;
    const next = this.add(inviter, record.call.accountId, 'outgoing', { uri: plainText(uri.toString(), 512), number: plainText(uri.user ?? '', 128), displayName: '' }, 'dialing');
    next.call.referredBy = plainText(record.call.remote.displayName || record.call.remote.number, 256);
    next.referProgress = progress;
    this.emit();
    // The transferor's call is not re-INVITEd on hold: it is about to end (the transferor hangs it
    // up once the transfer succeeds), and a re-INVITE would cross its own requests.
    this.place(next, inviter, record);
  }

  private declineReferral(record: CallRecord, referral: Referral): void {
    referral.reject({ statusCode: 603 }).catch((err: unknown) => {
      this.options.logger.debug(`call ${record.call.id}: 603 to the REFER not sent: ${messageOf(err)}`);
    });
  }

  /** RFC 4733 through the media engine, or one SIP INFO per tone, in order. */
  async dtmf(callId: string, tones: string): Promise<null> {
    const record = this.get(callId);
    if (record.call.state !== 'established') {
      throw new AppError('invalid-call-state', `cannot send DTMF in state ${record.call.state}`);
    }
    const upper = tones.toUpperCase();
    if (this.accountSettings(record.call.accountId)?.dtmfMode === 'info') {
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

  /** An INVITE from an account's user agent. */
  onInvite(invitation: Invitation, accountId: string): void {
    // The far end of an attended transfer replaces one of our calls: answered at once (RFC 3891).
    const replacee = invitation.replacee ? this.bySession.get(invitation.replacee) : undefined;
    if (replacee && replacee.call.state === 'established') {
      replacee.replaced = true;
      const record = this.add(invitation, accountId, 'incoming', remotePartyOf(invitation.request), 'incoming');
      this.answer(record.call.id).catch((err: unknown) => {
        this.options.logger.warn(`call ${record.call.id}: the replacing call could not be answered: ${messageOf(err)}`);
        replacee.replaced = false;
      });
      return;
    }
    const account = this.accountSettings(accountId);
    const forward = account?.forward;
    const remote = remotePartyOf(invitation.request);
    const talking = [...this.records.values()].some((r) => r.call.state === 'established' || r.call.state === 'answering');
    const linesFull = this.liveCount() >= this.maxLines();
    // Forwarding first (the call goes where the user wants it), then do not disturb, then busy.
    if (account && forward && forward.target.trim() !== '' && (forward.mode === 'always' || (forward.mode === 'busy' && (talking || linesFull)))) {
      // A target the settings would have refused: the call is handled as if nothing were set.
      const uri = this.forwardUri(accountId, forward.target);
      if (uri !== null) {
        const record = this.add(invitation, accountId, 'incoming', remote, 'incoming', true);
        this.sendOn(record, uri);
        return;
      }
    }
    const calls = this.options.settings().calls;
    if (calls.dnd) {
      // Recorded as a missed call, never shown ringing.
      const record = this.add(invitation, accountId, 'incoming', remote, 'incoming', true);
      this.end(record, 'do-not-disturb', calls.dndStatus);
      this.refuse(invitation, calls.dndStatus);
      return;
    }
    if (linesFull) {
      this.options.logger.info('calls: INVITE with every line in use; 486 Busy Here');
      this.refuse(invitation, 486);
      return;
    }
    const record = this.add(invitation, accountId, 'incoming', remote, 'incoming');
    this.ring(record, invitation);
    // Answered by itself when the account says so (only when the user is not on another call).
    const autoAnswer = account?.autoAnswer ?? 'off';
    const asked = answerAfterRequested(invitation.request);
    const delayS = autoAnswer === 'always' ? (asked ?? 0) : autoAnswer === 'when-asked' ? asked : null;
    if (delayS !== null && !talking) {
      record.call.autoAnswer = true;
      this.emit();
      record.ringTimer = this.options.clock.setTimeout(() => {
        record.ringTimer = null;
        if (record.call.state !== 'incoming') return;
        this.answer(record.call.id).catch((err: unknown) => {
          this.options.logger.warn(`call ${record.call.id}: answering by itself failed: ${messageOf(err)}`);
        });
      }, delayS * 1000);
      return;
    }
    if (account && forward && forward.mode === 'no-answer' && forward.target.trim() !== '') {
      record.ringTimer = this.options.clock.setTimeout(() => {
        record.ringTimer = null;
        if (record.call.state !== 'incoming') return;
        const uri = this.forwardUri(accountId, forward.target);
        // Unusable: the call rings on.
        if (uri !== null) this.sendOn(record, uri);
      }, forward.noAnswerS * 1000);
    }
  }

  /** Where a forwarded call goes, as a SIP URI; null (with a warning) when the target is unusable. */
  private forwardUri(accountId: string, target: string): string | null {
    try {
      return parseDialTarget(target, this.accountSettings(accountId)?.sipUri ?? '', this.numbers()).uri;
    } catch (err) {
      this.options.logger.warn(`calls: forwarding target unusable, not forwarded: ${messageOf(err)}`);
      return null;
    }
  }

  /** Sends the ringing call on with 302 to `uri` (the caller's proxy follows it). */
  private sendOn(record: CallRecord, uri: string): void {
    const session = record.session;
    if (!(session instanceof Invitation)) return;
    record.call.forwardedTo = uri;
    this.end(record, 'forwarded', 302);
    session.reject({ statusCode: 302, extraHeaders: [`Contact: <${uri}>`] }).catch((err: unknown) => {
      this.options.logger.warn(`call ${record.call.id}: 302 not sent: ${messageOf(err)}`);
    });
  }

  /**
   * 180 Ringing: the caller hears it ring. Not when the caller requires reliable provisional
   * responses (100rel in Require, and not merely Supported, as sip.js reads it): sip.js would
   * then send a reliable 183 with an offer and wait for PRACK, so the answer comes without one,
   * as sip.js's own first provisional did.
   */
  private ring(record: CallRecord, invitation: Invitation): void {
    const require = invitation.request.getHeader('Require') ?? '';
    const supported = invitation.request.getHeader('Supported') ?? '';
    if (/100rel/i.test(require) && !/100rel/i.test(supported)) return;
    invitation.progress().catch((err: unknown) => {
      this.options.logger.warn(`call ${record.call.id}: 180 not sent: ${messageOf(err)}`);
    });
  }

  /** Answers an INVITE with a final error, never throwing. */
  private refuse(invitation: Invitation, statusCode: number): void {
    invitation.reject({ statusCode }).catch((err: unknown) => {
      this.options.logger.warn(`calls: ${statusCode} not sent: ${messageOf(err)}`);
    });
  }

  /** Calls the account's voicemail: its voicemail number, or the Message-Account the server announced. */
  callVoicemail(accountId: string, messageAccount: string | null): Call {
    const account = this.options.accounts.settings(accountId);
    const target = account.voicemailNumber.trim() || messageAccount;
    if (!target) throw new AppError('no-voicemail', 'no voicemail number is set and the server announced none');
    return this.dial(target, accountId);
  }

  /** The media engine went away: its peer connections are gone, so are the calls. */
  mediaGone(): void {
    for (const record of this.records.values()) {
      if (record.call.state === 'ended') continue;
      this.end(record, 'media-failed', null);
      this.terminate(record, 480);
    }
  }

  /** The account's connection was lost: its established calls wait for it (the UI says reconnecting). */
  connectionLost(accountId: string): void {
    let changed = false;
    for (const record of this.records.values()) {
      if (record.call.accountId !== accountId || record.call.state !== 'established' || record.call.reconnecting) continue;
      record.call.reconnecting = true;
      changed = true;
    }
    if (changed) this.emit();
  }

  /** Whether the account has calls in progress (its reconnection is urgent). */
  hasLiveCalls(accountId: string): boolean {
    for (const r of this.records.values()) if (r.call.accountId === accountId && r.call.state !== 'ended') return true;
    return false;
  }

  /**
   * The account registered again after a lost connection, or was proven after a network change:
   * each established call renegotiates its media (re-INVITE with ICE restart), which also tells the
   * far end where we are now. The far end may not be reachable yet (re-registering itself after
   * the same outage): a failed attempt is tried again a few times.
   */
  restartIce(accountId: string): void {
    for (const record of this.records.values()) {
      if (record.call.state !== 'established' || record.call.accountId !== accountId) continue;
      this.restartIceOf(record, 1);
    }
  }

  private restartIceOf(record: CallRecord, attempt: number): void {
    const { iceRestartAttempts, iceRestartRetryMs } = this.options.timing;
    this.reinvite(record, { hold: record.call.held, offerOptions: { iceRestart: true } }).then(
      () => {
        if (!record.call.reconnecting) return;
        record.call.reconnecting = false;
        this.emit();
      },
      (err: unknown) => {
        if (record.call.state !== 'established') return;
        if (attempt >= iceRestartAttempts) {
          this.options.logger.warn(`call ${record.call.id}: ICE restart failed ${attempt} times, the call is left as it is: ${messageOf(err)}`);
          record.call.reconnecting = false;
          this.emit();
          return;
        }
        this.options.logger.info(`call ${record.call.id}: ICE restart failed (attempt ${attempt}), trying again: ${messageOf(err)}`);
        this.options.clock.setTimeout(() => {
          if (record.call.state === 'established') this.restartIceOf(record, attempt + 1);
        }, iceRestartRetryMs);
      },
    );
  }

  /** Ends every live call, or one account's (it changed); waits at most `ms` for the signalling. */
  async endAll(ms: number, accountId?: string): Promise<void> {
    const terminated: Promise<unknown>[] = [];
    for (const record of this.records.values()) {
      if (record.call.state === 'ended') continue;
      if (accountId !== undefined && record.call.accountId !== accountId) continue;
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
      this.clearTransferTimer(record);
      this.clearRingTimer(record);
    }
  }

  // -------------------------------------------------------------------------------------------

  private get(callId: string): CallRecord {
    const record = this.records.get(callId);
    if (!record) throw new AppError('no-such-call', `no call ${callId.slice(0, 64)}`);
    return record;
  }

  /**
   * An UPDATE inside one of our calls (sip.js answers UPDATE 405 itself): one without a body only
   * tells who the other party is now (a PBX's connected-line update), so it is taken here and
   * answered 200. Returns false for anything else, which sip.js then answers as before.
   */
  onUpdate(message: Core.IncomingRequestMessage, reply: (statusCode: number) => void): boolean {
    if (message.body.trim() !== '') return false;
    const record = [...this.records.values()].find((r) => {
      const dialog = r.session.dialog;
      return dialog !== undefined && dialog.callId === message.callId && dialog.remoteTag === message.fromTag && dialog.localTag === message.toTag;
    });
    if (!record || record.call.state === 'ended') return false;
    this.updateIdentity(record, changedIdentity(record.call.remote, message, 'from'));
    reply(200);
    return true;
  }

  private maxLines(): number {
    return this.options.settings().calls.maxLines;
  }

  /**
   * Puts every other established call that is not on hold on hold (before answering, dialling or
   * resuming `except`); the calls of `except`'s own conference stay (and `spare`), another
   * conference is held as a whole.
   */
  private async holdOthers(except: CallRecord, spare: CallRecord | null = null): Promise<void> {
    const mates = new Set([...this.groupOf(except), ...(spare ? [spare] : [])]);
    const seen = new Set<string>();
    const active = [...this.records.values()].filter((r) => {
      if (mates.has(r) || r.call.state !== 'established' || r.call.held) return false;
      const group = r.call.conferenceId ?? r.call.id;
      if (seen.has(group)) return false;
      seen.add(group);
      return true;
    });
    await Promise.all(
      active.map((r) =>
        this.hold(r.call.id, true).catch((err: unknown) => {
          this.options.logger.warn(`call ${r.call.id}: could not be put on hold: ${messageOf(err)}`);
        }),
      ),
    );
  }

  private updateIdentity(record: CallRecord, remote: RemoteParty | null): void {
    if (remote === null || record.call.state === 'ended') return;
    record.call.remote = this.party(remote);
    this.emit();
  }

  private numbers(): NumberContext {
    return this.options.numbers?.() ?? PLAIN_NUMBERS;
  }

  /** The other party as the call shows it: their number formatted for reading. */
  private party(remote: RemoteParty): Call['remote'] {
    const { uri, number, displayName } = remote;
    return { uri, number, displayName, numberDisplay: number === '' ? '' : readPbxNumber(number, this.numbers()).display };
  }

  /** An account's settings, or null once it has been removed. */
  private accountSettings(accountId: string): AccountSettings | null {
    return this.options.accounts.has(accountId) ? this.options.accounts.settings(accountId) : null;
  }

  private liveCount(): number {
    let n = 0;
    for (const r of this.records.values()) if (r.call.state !== 'ended') n++;
    return n;
  }

  private add(
    session: Inviter | Invitation,
    accountId: string,
    direction: Call['direction'],
    remote: RemoteParty,
    state: CallState,
    silent = false,
  ): CallRecord {
    const record: CallRecord = {
      call: {
        id: this.newCallId(),
        accountId,
        direction,
        state,
        remote: this.party(remote),
        held: false,
        remoteHeld: false,
        muted: false,
        startedAt: this.options.clock.now(),
        answeredAt: null,
        endedAt: null,
        endReason: null,
        endStatus: null,
        transfer: null,
        consultFor: null,
        referOffer: null,
        referredBy: null,
        conferenceId: null,
        autoAnswer: false,
        silent,
        forwardedTo: null,
        reconnecting: false,
      },
      session,
      sdh: null,
      mediaCount: 0,
      finalStatus: null,
      mediaFailed: false,
      remoteBye: false,
      canceledByCaller: false,
      lingerTimer: null,
      transferredAway: false,
      replaced: false,
      transferTimer: null,
      consult: null,
      pendingReferral: null,
      referProgress: null,
      ringTimer: null,
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
      onRefer: (referral) => {
        this.onRefer(record, referral);
      },
      // A re-INVITE from the other side (sip.js has answered it): their hold, and who they are now.
      onInvite: (request) => {
        const remoteHeld = request.body.trim() !== '' ? offerHolds(request.body) : record.call.remoteHeld;
        const remote = changedIdentity(record.call.remote, request, 'from');
        if (remoteHeld === record.call.remoteHeld && remote === null) return;
        if (record.call.state === 'ended') return;
        record.call.remoteHeld = remoteHeld;
        if (remote) record.call.remote = this.party(remote);
        this.emit();
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
    // A transfer's call that ended with no final answer to tell (a 200 that crossed our CANCEL is
    // ACKed and ended by sip.js unseen): the transferor still hears it is over. A no-op otherwise.
    record.referProgress?.(487, 'Request Terminated');
    if (record.call.state === 'ended') return;
    let reason: CallEndReason;
    let status: number | null = null;
    // The far end's BYE says why, whatever failed earlier in the call.
    if (record.transferredAway) reason = 'transferred';
    else if (record.replaced) reason = 'replaced';
    else if (record.canceledByCaller) reason = 'canceled';
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
    record.call.referOffer = null;
    record.call.reconnecting = false;
    this.leaveConference(record);
    record.call.conferenceId = null;
    this.clearTransferTimer(record);
    this.clearRingTimer(record);
    if (record.pendingReferral) {
      this.declineReferral(record, record.pendingReferral);
      record.pendingReferral = null;
    }
    const transfer = record.call.transfer;
    if (transfer && (transfer.state === 'trying' || transfer.state === 'ringing') && reason !== 'transferred') {
      record.call.transfer = { ...transfer, state: 'failed' };
    }
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
