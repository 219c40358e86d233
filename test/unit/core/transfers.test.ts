// Transfers through createCore's handlers, with a scripted SIP server as the PBX and far ends:
// blind and attended transfer followed to the final NOTIFY (and their failures, which give the
// call back), being transferred (REFER followed, or asked first), and an INVITE with Replaces.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, Settings } from '../../../preload/contract.ts';
import { FIXED_SDP, settingsWith } from './support/fakes.ts';
import { FakeSipServer, cseqOf, header } from './support/fake-sip-server.ts';
import type { IncomingDialog, SipMessage } from './support/fake-sip-server.ts';
import { makeCore, type Harness } from './support/core-harness.ts';
import { sdpDirection } from '../../support/peer-ua.ts';

const sender = { id: 'renderer-1' };
const FAR_CONTACT = '<sip:2002@127.0.0.1;transport=ws>';
let server: FakeSipServer;
let h: Harness;
let responses: SipMessage[];

function settings(incomingTransfer: 'accept' | 'ask' = 'accept'): Settings {
  return { ...settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1' }), calls: { maxLines: 4, callWaitingTone: true, incomingTransfer, dnd: false, dndStatus: 486 } };
}

async function ready(incomingTransfer: 'accept' | 'ask' = 'accept'): Promise<void> {
  h = makeCore({ settings: settings(incomingTransfer), timing: { transferTimeoutMs: 400, consultHandoverMs: 100, referAskTimeoutMs: 400 } });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

const calls = (): Call[] => h.core.getState().calls;
const callById = (id: string): Call | undefined => calls().find((c) => c.id === id);

/**
 * The far ends: re-INVITEs (hold) answered as a phone would, REFER answered `referStatus`, new
 * INVITEs answered by whoever is called (180, then 200 unless `answerNew` is false).
 */
function farEnds(opts: { referStatus?: number; answerNew?: boolean } = {}): void {
  server.onRequest = (req, s) => {
    const inDialog = /;tag=/.test(header(req, 'to') ?? '');
    if (req.method === 'INVITE' && inDialog) {
      const dir = sdpDirection(req.body);
      s.reply(req, 200, 'OK', { contact: FAR_CONTACT, body: FIXED_SDP.replace('a=sendrecv', `a=${dir === 'sendonly' ? 'recvonly' : 'sendrecv'}`) });
    } else if (req.method === 'INVITE') {
      const user = /sip:([^@]+)@/.exec(req.ruri ?? '')?.[1] ?? 'x';
      const contact = `<sip:${user}@127.0.0.1;transport=ws>`;
      s.reply(req, 180, 'Ringing', { toTag: `t${user}`, contact });
      if (opts.answerNew !== false) {
        setTimeout(() => {
          s.reply(req, 200, 'OK', { toTag: `t${user}`, contact, body: FIXED_SDP });
        }, 20);
      }
    } else if (req.method === 'NOTIFY') {
      s.reply(req, 200, 'OK');
    } else if (req.method === 'REFER') {
      s.reply(req, opts.referStatus ?? 202, (opts.referStatus ?? 202) === 202 ? 'Accepted' : 'Refused');
    } else s.defaultHandler(req);
  };
}

/** An incoming call from `number`, answered and ACKed; resolves once sip.js is done with the ACK. */
async function answeredCall(number: string): Promise<{ dialog: IncomingDialog; call: Call }> {
  const dialog = server.invite({ from: `"Caller ${number}" <sip:${number}@127.0.0.1>`, sdp: FIXED_SDP });
  await h.events.until(`call from ${number}`, () => calls().some((c) => c.remote.number === number && c.state === 'incoming'));
  const call = calls().find((c) => c.remote.number === number && c.state === 'incoming')!;
  await h.core.handlers['calls:answer']({ callId: call.id }, sender);
  const isOk = (r: SipMessage): boolean => r.status === 200 && cseqOf(r).method === 'INVITE' && header(r, 'call-id') === dialog.callId;
  await h.events.until('200 OK', () => responses.some(isOk));
  server.ack(dialog, responses.find(isOk)!);
  await h.events.until('established', () => callById(call.id)?.state === 'established');
  await new Promise((r) => setTimeout(r, 50));
  return { dialog, call: callById(call.id)! };
}

function notify(dialog: IncomingDialog, sipfrag: string, state = 'active'): void {
  server.inDialog(dialog, 'NOTIFY', {
    extraHeaders: ['Event: refer', `Subscription-State: ${state}`],
    body: sipfrag,
    contentType: 'message/sipfrag',
  });
}

const refers = (): SipMessage[] => server.requests('REFER');

beforeEach(async () => {
  server = await FakeSipServer.start();
  responses = [];
  server.onResponse = (res) => responses.push(res);
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
});

describe('blind transfer', () => {
  it('holds, REFERs, follows the NOTIFYs to 200, then hangs up: ended as transferred', async () => {
    await ready();
    farEnds();
    const { dialog, call } = await answeredCall('3001');
    const transferring = await h.core.handlers['calls:transfer']({ callId: call.id, target: '3003' }, sender);
    expect(transferring.transfer).toEqual({ kind: 'blind', target: '3003', state: 'trying', status: null });
    expect(transferring.held).toBe(true);
    await h.events.until('REFER', () => refers().length === 1);
    expect(header(refers()[0]!, 'refer-to')).toMatch(/^<?sip:3003@127\.0\.0\.1>?$/);
    // The transferee waits on hold: the hold re-INVITE went before the REFER.
    const holdAt = server.messages.findIndex((m) => m.method === 'INVITE' && header(m, 'call-id') === dialog.callId);
    expect(holdAt).toBeGreaterThanOrEqual(0);
    expect(sdpDirection(server.messages[holdAt]!.body)).toBe('sendonly');
    expect(server.messages.indexOf(refers()[0]!)).toBeGreaterThan(holdAt);

    notify(dialog, 'SIP/2.0 100 Trying');
    notify(dialog, 'SIP/2.0 180 Ringing');
    await h.events.until('ringing at the target', () => callById(call.id)?.transfer?.state === 'ringing');
    // The 202 alone is not success: the call is still ours.
    expect(callById(call.id)?.state).toBe('established');
    notify(dialog, 'SIP/2.0 200 OK', 'terminated;reason=noresource');
    await h.events.until('transferred', () => callById(call.id)?.state === 'ended');
    expect(callById(call.id)).toMatchObject({ endReason: 'transferred', transfer: { state: 'done', target: '3003' } });
    await h.events.until('BYE sent', () => server.requests('BYE').some((b) => header(b, 'call-id') === dialog.callId));
    // Every NOTIFY was answered 200.
    expect(responses.filter((r) => cseqOf(r).method === 'NOTIFY').map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('a target that is busy (NOTIFY 486) gives the call back, on hold, and it can be transferred again', async () => {
    await ready();
    farEnds();
    const { dialog, call } = await answeredCall('3001');
    await h.core.handlers['calls:transfer']({ callId: call.id, target: '3003' }, sender);
    notify(dialog, 'SIP/2.0 486 Busy Here', 'terminated');
    await h.events.until('failed', () => callById(call.id)?.transfer?.state === 'failed');
    expect(callById(call.id)).toMatchObject({ state: 'established', held: true, transfer: { state: 'failed', status: 486 } });
    await h.core.handlers['calls:transfer']({ callId: call.id, target: '3004' }, sender);
    expect(callById(call.id)?.transfer).toMatchObject({ state: 'trying', target: '3004' });
  });

  it('a REFER refused (603) fails at once; one never answered by a final NOTIFY fails after the bound', async () => {
    await ready();
    farEnds({ referStatus: 603 });
    const { call } = await answeredCall('3001');
    await h.core.handlers['calls:transfer']({ callId: call.id, target: '3003' }, sender);
    await h.events.until('refused', () => callById(call.id)?.transfer?.state === 'failed');
    expect(callById(call.id)?.transfer?.status).toBe(603);

    farEnds();
    const t0 = Date.now();
    await h.core.handlers['calls:transfer']({ callId: call.id, target: '3003' }, sender);
    await h.events.until('timed out', () => callById(call.id)?.transfer?.state === 'failed', 3000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
    expect(callById(call.id)).toMatchObject({ state: 'established', transfer: { status: null } });
  });

  it('refuses a target that is not a number or address, and a second transfer while one is on its way', async () => {
    await ready();
    farEnds();
    const { call } = await answeredCall('3001');
    await expect(h.core.handlers['calls:transfer']({ callId: call.id, target: 'javascript:alert(1)' }, sender)).rejects.toMatchObject({ code: 'invalid-number' });
    expect(refers()).toHaveLength(0);
    await h.core.handlers['calls:transfer']({ callId: call.id, target: '3003' }, sender);
    await expect(h.core.handlers['calls:transfer']({ callId: call.id, target: '3004' }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
  });
});

describe('attended transfer', () => {
  it('consults (the call waits on hold), then REFERs with Replaces; both calls end as transferred', async () => {
    await ready();
    farEnds();
    const { dialog, call } = await answeredCall('3001');
    const consult = await h.core.handlers['calls:consult']({ callId: call.id, target: '3003' }, sender);
    expect(consult.consultFor).toBe(call.id);
    await h.events.until('consultation connected', () => callById(consult.id)?.state === 'established');
    expect(callById(call.id)?.held).toBe(true);

    await h.core.handlers['calls:completeTransfer']({ callId: consult.id }, sender);
    await h.events.until('REFER', () => refers().length === 1);
    const referTo = header(refers()[0]!, 'refer-to') ?? '';
    const consultInvite = server.requests('INVITE').find((m) => /3003/.test(m.ruri ?? ''))!;
    expect(referTo).toContain('sip:3003@127.0.0.1');
    expect(decodeURIComponent(referTo)).toContain(`Replaces=${header(consultInvite, 'call-id')}`);
    expect(callById(call.id)?.transfer).toMatchObject({ kind: 'attended', state: 'trying' });

    notify(dialog, 'SIP/2.0 200 OK', 'terminated');
    await h.events.until('both ended', () => callById(call.id)?.state === 'ended' && callById(consult.id)?.state === 'ended');
    expect(callById(call.id)?.endReason).toBe('transferred');
    expect(callById(consult.id)?.endReason).toBe('transferred');
  });

  it('a failed attended transfer keeps both calls: the consultation connected, the original on hold', async () => {
    await ready();
    farEnds();
    const { dialog, call } = await answeredCall('3001');
    const consult = await h.core.handlers['calls:consult']({ callId: call.id, target: '3003' }, sender);
    await h.events.until('consultation connected', () => callById(consult.id)?.state === 'established');
    await h.core.handlers['calls:completeTransfer']({ callId: consult.id }, sender);
    notify(dialog, 'SIP/2.0 481 Call/Transaction Does Not Exist', 'terminated');
    await h.events.until('failed', () => callById(call.id)?.transfer?.state === 'failed');
    expect(callById(call.id)).toMatchObject({ state: 'established', held: true });
    expect(callById(consult.id)).toMatchObject({ state: 'established' });
  });

  it('complete needs a connected consultation; a plain call is not one', async () => {
    await ready();
    farEnds({ answerNew: false });
    const { call } = await answeredCall('3001');
    const consult = await h.core.handlers['calls:consult']({ callId: call.id, target: '3003' }, sender);
    await expect(h.core.handlers['calls:completeTransfer']({ callId: consult.id }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
    await expect(h.core.handlers['calls:completeTransfer']({ callId: call.id }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
  });
});

describe('being transferred', () => {
  const refer = (dialog: IncomingDialog, to = '<sip:4004@127.0.0.1>'): void => {
    server.inDialog(dialog, 'REFER', { extraHeaders: [`Refer-To: ${to}`, 'Referred-By: <sip:3001@127.0.0.1>'] });
  };

  it('follows a REFER at once: 202, a new call to the target with Referred-By, NOTIFYs back to the transferor', async () => {
    await ready('accept');
    farEnds();
    const { dialog } = await answeredCall('3001');
    refer(dialog);
    await h.events.until('202', () => responses.some((r) => cseqOf(r).method === 'REFER' && r.status === 202));
    await h.events.until('new call', () => calls().some((c) => c.remote.number === '4004'));
    const next = calls().find((c) => c.remote.number === '4004')!;
    expect(next).toMatchObject({ direction: 'outgoing', referredBy: 'Caller 3001' });
    await h.events.until('INVITE to the target', () => server.requests('INVITE').some((m) => /4004/.test(m.ruri ?? '')));
    const invite = server.requests('INVITE').find((m) => /4004/.test(m.ruri ?? ''))!;
    expect(header(invite, 'referred-by')).toContain('sip:3001@127.0.0.1');
    await h.events.until('connected', () => callById(next.id)?.state === 'established');
    await h.events.until('NOTIFY 200 to the transferor', () =>
      server.requests('NOTIFY').some((n) => header(n, 'call-id') === dialog.callId && /SIP\/2\.0 200/.test(n.body)),
    );
  });

  it('asks first when the settings say so: accept places the call, decline answers 603, no answer declines', async () => {
    await ready('ask');
    farEnds();
    const { dialog, call } = await answeredCall('3001');
    refer(dialog);
    await h.events.until('offer shown', () => callById(call.id)?.referOffer !== null);
    expect(callById(call.id)?.referOffer).toEqual({ target: '4004', by: 'Caller 3001' });
    await h.core.handlers['calls:answerTransfer']({ callId: call.id, accept: false }, sender);
    await h.events.until('603', () => responses.some((r) => cseqOf(r).method === 'REFER' && r.status === 603));
    expect(callById(call.id)?.referOffer).toBeNull();

    refer(dialog);
    await h.events.until('offer again', () => callById(call.id)?.referOffer !== null);
    await h.events.until('no answer: 603', () => responses.filter((r) => cseqOf(r).method === 'REFER' && r.status === 603).length === 2, 3000);

    refer(dialog);
    await h.events.until('offer a third time', () => callById(call.id)?.referOffer !== null);
    await h.core.handlers['calls:answerTransfer']({ callId: call.id, accept: true }, sender);
    await h.events.until('202', () => responses.some((r) => cseqOf(r).method === 'REFER' && r.status === 202));
    await h.events.until('new call', () => calls().some((c) => c.remote.number === '4004'));
  });

  it('refuses a Refer-To that is not a SIP address (400, even where sip.js cannot parse it) and places no call', async () => {
    await ready('accept');
    farEnds();
    const { dialog } = await answeredCall('3001');
    refer(dialog, '<tel:+15551234567>');
    refer(dialog, 'garbage');
    await h.events.until('two answers', () => responses.filter((r) => cseqOf(r).method === 'REFER').length === 2);
    expect(responses.filter((r) => cseqOf(r).method === 'REFER').every((r) => (r.status ?? 0) >= 400)).toBe(true);
    expect(server.requests('INVITE').filter((m) => !/;tag=/.test(header(m, 'to') ?? ''))).toHaveLength(0);
  });

  it('an INVITE with Replaces for one of our calls is answered at once and the old call ends as replaced', async () => {
    await ready();
    farEnds();
    const { call } = await answeredCall('3001');
    // Our dialog as the far end of an attended transfer sees it: Call-ID, our tag (to), theirs (from).
    const ok = responses.find((r) => r.status === 200 && cseqOf(r).method === 'INVITE')!;
    const ourTag = /;tag=([^;>\s]+)/.exec(header(ok, 'to') ?? '')![1]!;
    const theirTag = /;tag=([^;>\s]+)/.exec(header(ok, 'from') ?? '')![1]!;
    const replaces = `Replaces: ${header(ok, 'call-id')};to-tag=${ourTag};from-tag=${theirTag}`;
    server.invite({ from: '"Transferred" <sip:5005@127.0.0.1>', extraHeaders: [replaces], sdp: FIXED_SDP });
    await h.events.until('replacing call answered', () => calls().some((c) => c.remote.number === '5005' && c.state !== 'incoming'));
    await h.events.until('old call replaced', () => callById(call.id)?.state === 'ended');
    expect(callById(call.id)?.endReason).toBe('replaced');

    // Replaces naming no dialog of ours: sip.js answers 481.
    const stray = server.invite({ from: '<sip:6006@127.0.0.1>', extraHeaders: ['Replaces: nope;to-tag=a;from-tag=b'], sdp: FIXED_SDP });
    await h.events.until('481', () => responses.some((r) => r.status === 481 && header(r, 'call-id') === stray.callId));
  });
});
