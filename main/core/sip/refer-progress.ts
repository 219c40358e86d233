// Being transferred (RFC 3515): the transferor subscribed to the transfer's progress with its
// REFER, and Hookswitch tells it how the new call goes with NOTIFYs whose message/sipfrag body is
// the status line the transfer target answered with.
//
// sip.js sends those NOTIFYs itself, but with "Subscription-State: terminated" on every one, 180
// Ringing included: by RFC 6665 the first one ends the subscription, and a strict transferor (a
// PBX, sipp) then refuses or trips over the rest. So Hookswitch sends them: "100 Trying" at once,
// each new provisional status with the subscription active, and the final status with it
// terminated. A NOTIFY the transferor refuses (481: it ended the subscription) stops them.
import type { Inviter, Session } from 'sip.js';
import { messageOf } from '../errors.ts';
import { plainText } from '../plain-text.ts';
import type { Logger } from '../ports.ts';

/**
 * How long the implicit subscription is said to last while the transfer is under way (s): longer
 * than any target rings, so the final NOTIFY never arrives after it ran out.
 */
const ACTIVE_EXPIRES_S = 600;

export type ReferProgress = (code: number, reason: string) => void;

/** Keeps sip.js from sending its own NOTIFYs for this transfer's call (it links them through `_referred`). */
export function silenceSipJsReferNotify(inviter: Inviter): void {
  const linked = inviter as unknown as { _referred?: unknown };
  if (!('_referred' in linked)) throw new Error('sip.js no longer links a referred session as _referred: check its NOTIFYs');
  linked._referred = undefined;
}

/**
 * Sends the transferor one NOTIFY per new status of the transfer's call, until the final one.
 * `referCseq` is the REFER's CSeq: the NOTIFYs name it (Event: refer;id=, RFC 3515 2.4.6), so a
 * second transfer in the same call is told apart from the first.
 */
export function referProgress(transferor: Session, referCseq: number, logger: Logger, label: string): ReferProgress {
  let last = 0;
  let over = false;
  return (code, reason) => {
    if (over || code === last || code < 100 || code > 699) return;
    last = code;
    const final = code >= 200;
    if (final) over = true;
    // sip.js keeps the dialog after a BYE: a NOTIFY then may still go, and the transferor's 481
    // (or no dialog at all) stops the rest.
    const dialog = transferor.dialog;
    if (!dialog) return;
    const status = `SIP/2.0 ${String(code)} ${plainText(reason, 64) || 'Unknown'}\r\n`;
    try {
      const request = dialog.notify(undefined, {
        extraHeaders: [`Event: refer;id=${String(referCseq)}`, `Subscription-State: ${final ? 'terminated;reason=noresource' : `active;expires=${String(ACTIVE_EXPIRES_S)}`}`],
        body: { contentDisposition: 'render', contentType: 'message/sipfrag', content: status },
      });
      request.delegate = {
        onReject: () => {
          over = true;
        },
      };
    } catch (err) {
      over = true;
      logger.debug(`${label}: the transfer's NOTIFY could not be sent: ${messageOf(err)}`);
    }
  };
}
