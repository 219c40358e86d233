// What Hookswitch tells a transferor while it follows the transfer (RFC 3515, RFC 6665): one
// NOTIFY per new status, the subscription active until the final answer and terminated with it,
// and nothing after the transferor refused one or hung up.
import { describe, expect, it } from 'vitest';
import type { Session } from 'sip.js';
import { silentLogger } from '../../../main/core/ports.ts';
import { referProgress } from '../../../main/core/sip/refer-progress.ts';

interface Sent {
  headers: string[];
  body: string;
  refuse(): void;
}

function transferor(): { session: Session; sent: Sent[]; hangUp(): void } {
  const sent: Sent[] = [];
  let up = true;
  const dialog = {
    notify(_delegate: unknown, options: { extraHeaders: string[]; body: { content: string } }) {
      const request: { delegate?: { onReject?: () => void } } = {};
      sent.push({ headers: options.extraHeaders, body: options.body.content, refuse: () => request.delegate?.onReject?.() });
      return request;
    },
  };
  const session = {
    get dialog() {
      return up ? dialog : undefined;
    },
  } as unknown as Session;
  return { session, sent, hangUp: () => (up = false) };
}

describe('the transfer\'s NOTIFYs', () => {
  it('active while it rings, terminated with the final answer; a repeated status is not sent twice', () => {
    const t = transferor();
    const tell = referProgress(t.session, 7, silentLogger, 'test');
    tell(100, 'Trying');
    tell(180, 'Ringing');
    tell(180, 'Ringing');
    tell(200, 'OK');
    tell(200, 'OK');
    expect(t.sent.map((s) => [s.body, s.headers[1]])).toEqual([
      ['SIP/2.0 100 Trying\r\n', 'Subscription-State: active;expires=600'],
      ['SIP/2.0 180 Ringing\r\n', 'Subscription-State: active;expires=600'],
      ['SIP/2.0 200 OK\r\n', 'Subscription-State: terminated;reason=noresource'],
    ]);
    // Named by the REFER's CSeq, so a second transfer in the call is told apart (RFC 3515 2.4.6).
    expect(t.sent.every((s) => s.headers[0] === 'Event: refer;id=7')).toBe(true);
  });

  it('a failure is final too, and a reason from the network is plain text', () => {
    const t = transferor();
    const tell = referProgress(t.session, 7, silentLogger, 'test');
    tell(486, 'Busy\u202e Here');
    tell(180, 'Ringing');
    expect(t.sent.map((s) => s.body)).toEqual(['SIP/2.0 486 Busy Here\r\n']);
  });

  it('stops once the transferor refuses a NOTIFY (481) or its call is gone', () => {
    const refused = transferor();
    const tellRefused = referProgress(refused.session, 7, silentLogger, 'test');
    tellRefused(100, 'Trying');
    refused.sent[0]?.refuse();
    tellRefused(200, 'OK');
    expect(refused.sent).toHaveLength(1);

    const gone = transferor();
    const tellGone = referProgress(gone.session, 7, silentLogger, 'test');
    gone.hangUp();
    tellGone(100, 'Trying');
    expect(gone.sent).toHaveLength(0);
  });
});
