// Call events in the spirit of CSTA, read off the call list as the core publishes it: each change
// of a call's state becomes the events a CRM expects, in order, each once. The list arrives after
// the screen-pop lookup (create-core holds it for that), so every event carries the matched
// contact. Consumers: the local API's WebSocket clients and the webhooks.
import type { Call, ContactSummary } from '../../../preload/contract.ts';
import type { Clock } from '../ports.ts';
import type { ApiCall, ApiContact, ApiParty, CtiEvent, CtiEventType } from './api-schema.ts';

export interface CallFacts {
  /** The account's own number (its SIP user), for `local`. */
  localNumber: (accountId: string) => string;
  /** The matched contact and the E.164 form of the remote number, from the screen-pop. */
  lookup: (callId: string) => { contact: ContactSummary | null; e164: string | null } | null;
}

interface Seen {
  held: boolean;
  delivered: boolean;
  established: boolean;
  transferred: boolean;
  cleared: boolean;
}

/** Outgoing calls that end without an answer for these reasons failed; the rest were given up. */
const FAILURES = new Set<NonNullable<Call['endReason']>>(['busy', 'not-found', 'unavailable', 'declined', 'failed', 'media-failed']);

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function contactOf(contact: ContactSummary | null): ApiContact | null {
  return contact === null ? null : { id: contact.id, name: contact.name, company: contact.company, crmId: contact.crmId };
}

export function partyOf(call: Call, e164: string | null): ApiParty {
  return { number: call.remote.number, e164, displayName: call.remote.displayName, uri: call.remote.uri };
}

/** A call as the API shows it. */
export function apiCallOf(call: Call, facts: CallFacts): ApiCall {
  const found = facts.lookup(call.id);
  return {
    callId: call.id,
    accountId: call.accountId,
    direction: call.direction,
    state: call.state,
    held: call.held,
    remoteHeld: call.remoteHeld,
    muted: call.muted,
    local: facts.localNumber(call.accountId),
    remote: partyOf(call, found?.e164 ?? null),
    contact: contactOf(found?.contact ?? null),
    startedAt: iso(call.startedAt) ?? '',
    answeredAt: iso(call.answeredAt),
    endedAt: iso(call.endedAt),
    endReason: call.endReason,
    consultationFor: call.consultFor,
    conferenceId: call.conferenceId,
  };
}

export class CallEvents {
  private readonly seen = new Map<string, Seen>();
  private seq = 0;

  constructor(
    private readonly facts: CallFacts,
    private readonly clock: Clock,
    private readonly newId: () => string,
    private readonly emit: (event: CtiEvent) => void,
  ) {}

  /** The call list changed: the events it implies, in order. */
  update(calls: readonly Call[]): void {
    for (const call of calls) this.follow(call);
    // Calls that left the list have ended and been reported; forget them.
    const ids = new Set(calls.map((c) => c.id));
    for (const id of this.seen.keys()) if (!ids.has(id)) this.seen.delete(id);
  }

  private follow(call: Call): void {
    let seen = this.seen.get(call.id);
    if (!seen) {
      seen = { held: false, delivered: false, established: false, transferred: false, cleared: false };
      this.seen.set(call.id, seen);
      // A call refused at once (do not disturb, forwarded) never rang here: it only clears.
      if (call.direction === 'outgoing') this.send('Originated', call);
    }
    if (seen.cleared) return;
    const ringing = (call.direction === 'incoming' && call.state === 'incoming' && !call.silent) || call.state === 'ringing';
    if (ringing && !seen.delivered) {
      seen.delivered = true;
      this.send('Delivered', call);
    }
    if ((call.state === 'established' || call.answeredAt !== null) && !seen.established) {
      seen.established = true;
      this.send('Established', call);
    }
    if (call.state !== 'ended' && call.held !== seen.held) {
      seen.held = call.held;
      this.send(call.held ? 'Held' : 'Retrieved', call);
    }
    if (call.transfer?.state === 'done' && !seen.transferred) {
      seen.transferred = true;
      this.send('Transferred', call, { transferTarget: call.transfer.target });
    }
    if (call.state === 'ended') {
      seen.cleared = true;
      const cause = { reason: call.endReason ?? 'failed', sipStatus: call.endStatus };
      if (call.endReason === 'transferred' && !seen.transferred) {
        seen.transferred = true;
        this.send('Transferred', call, { transferTarget: call.transfer?.target ?? null });
      }
      if (call.direction === 'outgoing' && call.answeredAt === null && call.endReason !== null && FAILURES.has(call.endReason)) this.send('Failed', call, { cause });
      this.send('ConnectionCleared', call, { cause });
    }
  }

  private send(type: CtiEventType, call: Call, extra: Partial<Pick<CtiEvent, 'cause' | 'transferTarget'>> = {}): void {
    const found = this.facts.lookup(call.id);
    this.seq += 1;
    this.emit({
      type,
      eventId: this.newId(),
      seq: this.seq,
      timestamp: new Date(this.clock.now()).toISOString(),
      callId: call.id,
      accountId: call.accountId,
      direction: call.direction,
      state: call.state,
      local: this.facts.localNumber(call.accountId),
      remote: partyOf(call, found?.e164 ?? null),
      contact: contactOf(found?.contact ?? null),
      cause: extra.cause ?? null,
      transferTarget: extra.transferTarget ?? null,
    });
  }
}
