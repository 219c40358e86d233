// What the system notifications say about calls, from the call list and the history's count of
// unseen missed calls: a toast for each call that starts ringing (not for one refused by do not
// disturb or forwarded at once), taken away the moment it stops ringing for any reason (answered
// in the window, from a headset or from the toast, declined, given up), a toast for each missed
// call (not for ones do not disturb refused: the user asked for quiet), and the unseen count.
import type { Call } from '../../preload/contract.ts';
import { messageOf } from './errors.ts';
import type { CallNotice, Logger, Notifier } from './ports.ts';

export interface CallNotificationsOptions {
  notifier: Notifier;
  logger: Logger;
  /** The label of a call's account when there are several accounts, else ''. */
  accountLabel: (accountId: string) => string;
}

/** Missed, as the history counts it: incoming, never answered, not declined by the user. */
function missed(call: Call): boolean {
  return (
    call.direction === 'incoming' &&
    call.state === 'ended' &&
    call.answeredAt === null &&
    call.endReason !== 'rejected-by-user' &&
    call.endReason !== 'forwarded' &&
    call.endReason !== 'replaced' &&
    call.endReason !== 'do-not-disturb'
  );
}

export class CallNotifications {
  /** Calls with a ringing toast now. */
  private readonly ringing = new Set<string>();
  /** Calls already announced as missed (a call lingers in the list after it ends). */
  private readonly announcedMissed = new Set<string>();
  private lastCount: number | null = null;

  constructor(private readonly options: CallNotificationsOptions) {}

  update(calls: readonly Call[]): void {
    const ids = new Set(calls.map((c) => c.id));
    for (const call of calls) {
      const rings = call.state === 'incoming' && !call.silent;
      if (rings && !this.ringing.has(call.id)) {
        this.ringing.add(call.id);
        this.safely(() => {
          this.options.notifier.incomingCall(this.notice(call));
        });
      } else if (!rings && this.ringing.has(call.id)) {
        this.close(call.id);
      }
      if (missed(call) && !call.silent && !this.announcedMissed.has(call.id)) {
        this.announcedMissed.add(call.id);
        this.safely(() => {
          this.options.notifier.missedCall({ ...this.notice(call), at: call.endedAt ?? call.startedAt });
        });
      }
    }
    // A call that left the list without ending here (the core stopping): no toast may stay.
    for (const id of [...this.ringing]) if (!ids.has(id)) this.close(id);
    for (const id of [...this.announcedMissed]) if (!ids.has(id)) this.announcedMissed.delete(id);
  }

  missedCount(count: number): void {
    if (count === this.lastCount) return;
    this.lastCount = count;
    this.safely(() => {
      this.options.notifier.missedCount(count);
    });
  }

  /** Every ringing toast goes (the core stops). */
  closeAll(): void {
    for (const id of [...this.ringing]) this.close(id);
  }

  private close(callId: string): void {
    this.ringing.delete(callId);
    this.safely(() => {
      this.options.notifier.closeIncomingCall(callId);
    });
  }

  private notice(call: Call): CallNotice {
    return {
      callId: call.id,
      name: call.remote.displayName,
      number: call.remote.numberDisplay || call.remote.number || call.remote.uri,
      account: this.options.accountLabel(call.accountId),
    };
  }

  /** A notification that cannot be shown must not break the call that caused it. */
  private safely(work: () => void): void {
    try {
      work();
    } catch (err) {
      this.options.logger.warn(`notifications: ${messageOf(err)}`);
    }
  }
}
