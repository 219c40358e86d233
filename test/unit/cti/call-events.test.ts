// Call events read off the call list: each change becomes the CSTA-style events a CRM expects, in
// order, once, with the numbers and the contact.
import { describe, expect, it } from 'vitest';
import type { Call } from '../../../preload/contract.ts';
import { CallEvents } from '../../../main/core/cti/call-events.ts';
import type { CtiEvent } from '../../../main/core/cti/api-schema.ts';
import { CtiEvent as CtiEventSchema } from '../../../main/core/cti/api-schema.ts';
import { makeCall } from '../../support/contract-values.ts';
import { FakeClock } from '../core/support/fakes.ts';

function track(): { events: CtiEvent[]; update: (...lists: Partial<Call>[][]) => void } {
  const events: CtiEvent[] = [];
  let n = 0;
  const callEvents = new CallEvents(
    {
      localNumber: () => '1001',
      lookup: (callId) => (callId === 'known' ? { contact: { id: 7, name: 'Ada Lovelace', company: 'Analytical', crmId: 'C-7' }, e164: '+4930123456' } : null),
    },
    new FakeClock(),
    () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    (e) => events.push(e),
  );
  return {
    events,
    update: (...lists) => {
      for (const list of lists) callEvents.update(list.map((patch) => makeCall(patch)));
    },
  };
}

const types = (events: CtiEvent[]): string[] => events.map((e) => e.type);

describe('outgoing calls', () => {
  it('answered, held, retrieved, hung up', () => {
    const t = track();
    const base = { id: 'known', direction: 'outgoing' as const, startedAt: 1 };
    t.update(
      [{ ...base, state: 'dialing' }],
      [{ ...base, state: 'dialing' }],
      [{ ...base, state: 'ringing' }],
      [{ ...base, state: 'established', answeredAt: 5 }],
      [{ ...base, state: 'established', answeredAt: 5, held: true }],
      [{ ...base, state: 'established', answeredAt: 5, held: false }],
      [{ ...base, state: 'ended', answeredAt: 5, endedAt: 9, endReason: 'local-hangup' }],
      [{ ...base, state: 'ended', answeredAt: 5, endedAt: 9, endReason: 'local-hangup' }],
      [],
    );
    expect(types(t.events)).toEqual(['Originated', 'Delivered', 'Established', 'Held', 'Retrieved', 'ConnectionCleared']);
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const e of t.events) expect(CtiEventSchema.safeParse(e).success, e.type).toBe(true);
    expect(t.events[0]).toMatchObject({ callId: 'known', local: '1001', remote: { e164: '+4930123456' }, contact: { name: 'Ada Lovelace', crmId: 'C-7' }, cause: null });
    expect(t.events[5]).toMatchObject({ cause: { reason: 'local-hangup', sipStatus: null } });
  });

  it('busy: Failed, then ConnectionCleared with the SIP status; given up before an answer: only cleared', () => {
    const t = track();
    t.update([{ id: 'a', direction: 'outgoing', state: 'dialing' }], [{ id: 'a', direction: 'outgoing', state: 'ended', endReason: 'busy', endStatus: 486 }]);
    t.update([{ id: 'b', direction: 'outgoing', state: 'ringing' }], [{ id: 'b', direction: 'outgoing', state: 'ended', endReason: 'local-hangup' }]);
    expect(t.events.map((e) => [e.callId, e.type])).toEqual([
      ['a', 'Originated'],
      ['a', 'Failed'],
      ['a', 'ConnectionCleared'],
      ['b', 'Originated'],
      ['b', 'Delivered'],
      ['b', 'ConnectionCleared'],
    ]);
    expect(t.events[1]?.cause).toEqual({ reason: 'busy', sipStatus: 486 });
    expect(t.events[1]?.contact).toBeNull();
  });

  it('transferred away: Transferred with the target, then cleared', () => {
    const t = track();
    const base = { id: 'x', direction: 'outgoing' as const, answeredAt: 2 };
    t.update(
      [{ ...base, state: 'established' }],
      [{ ...base, state: 'established', held: true, transfer: { kind: 'blind', target: '1003', state: 'trying', status: null } }],
      [{ ...base, state: 'established', held: true, transfer: { kind: 'blind', target: '1003', state: 'done', status: 200 } }],
      [{ ...base, state: 'ended', held: true, endReason: 'transferred', transfer: { kind: 'blind', target: '1003', state: 'done', status: 200 } }],
    );
    expect(types(t.events)).toEqual(['Originated', 'Established', 'Held', 'Transferred', 'ConnectionCleared']);
    expect(t.events[3]?.transferTarget).toBe('1003');
    expect(t.events[4]?.cause?.reason).toBe('transferred');
  });
});

describe('incoming calls', () => {
  it('rings, is answered, the caller hangs up', () => {
    const t = track();
    const base = { id: 'in', direction: 'incoming' as const };
    t.update([{ ...base, state: 'incoming' }], [{ ...base, state: 'answering' }], [{ ...base, state: 'established', answeredAt: 3 }], [{ ...base, state: 'ended', answeredAt: 3, endReason: 'remote-hangup' }]);
    expect(types(t.events)).toEqual(['Delivered', 'Established', 'ConnectionCleared']);
  });

  it('missed: Delivered, then cleared as canceled; refused at once by do not disturb: only cleared', () => {
    const t = track();
    t.update([{ id: 'm', direction: 'incoming', state: 'incoming' }], [{ id: 'm', direction: 'incoming', state: 'ended', endReason: 'canceled' }]);
    t.update([{ id: 'd', direction: 'incoming', state: 'ended', silent: true, endReason: 'do-not-disturb', endStatus: 486 }]);
    expect(t.events.map((e) => [e.callId, e.type, e.cause?.reason ?? null])).toEqual([
      ['m', 'Delivered', null],
      ['m', 'ConnectionCleared', 'canceled'],
      ['d', 'ConnectionCleared', 'do-not-disturb'],
    ]);
  });
});
