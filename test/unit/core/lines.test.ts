// Several lines through createCore's handlers: call waiting (a second call while one is live,
// answering it holds the first), switching between calls, hanging up either, the line limit,
// hold by the other side, and the other party's identity changing mid-call (re-INVITE, UPDATE).
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

function settings(maxLines = 4): Settings {
  return { ...settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1' }), calls: { maxLines, callWaitingTone: true, incomingTransfer: 'accept', dnd: false, dndStatus: 486 } };
}

async function ready(maxLines = 4): Promise<void> {
  h = makeCore({ settings: settings(maxLines) });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

const calls = (): Call[] => h.core.getState().calls;
const byNumber = (n: string): Call | undefined => calls().find((c) => c.remote.number === n && c.state !== 'ended');

/** The far end answers the core's re-INVITEs (hold, resume) as a phone would. */
function answerReinvites(): void {
  server.onRequest = (req, s) => {
    if (req.method === 'INVITE') {
      const dir = sdpDirection(req.body);
      const answer = dir === 'sendonly' ? 'recvonly' : dir === 'inactive' ? 'inactive' : 'sendrecv';
      s.reply(req, 200, 'OK', { contact: FAR_CONTACT, body: FIXED_SDP.replace('a=sendrecv', `a=${answer}`) });
    } else s.defaultHandler(req);
  };
}

/** An incoming call from `number`, answered through the handlers and ACKed. */
async function answeredCall(number: string): Promise<{ dialog: IncomingDialog; call: Call }> {
  const dialog = server.invite({ from: `<sip:${number}@127.0.0.1>`, sdp: FIXED_SDP });
  await h.events.until(`call from ${number}`, () => byNumber(number)?.state === 'incoming');
  const call = byNumber(number)!;
  await h.core.handlers['calls:answer']({ callId: call.id }, sender);
  const isOk = (r: SipMessage): boolean => r.status === 200 && cseqOf(r).method === 'INVITE' && header(r, 'call-id') === dialog.callId;
  await h.events.until('200 OK', () => responses.some(isOk));
  server.ack(dialog, responses.find(isOk)!);
  await h.events.until(`${number} established`, () => byNumber(number)?.state === 'established');
  // sip.js answers a re-INVITE 500 (Retry-After) while it still processes the ACK (RFC 6337).
  await new Promise((r) => setTimeout(r, 50));
  return { dialog, call };
}

/** A re-INVITE from the far end; resolves once the core answered it 200 (and had time for the ACK). */
async function farReinvite(dialog: IncomingDialog, body: string, extraHeaders: string[] = []): Promise<void> {
  const before = responses.length;
  server.inDialog(dialog, 'INVITE', { body, extraHeaders });
  await h.events.until('200 to the re-INVITE', () =>
    responses.slice(before).some((r) => r.status === 200 && cseqOf(r).method === 'INVITE' && header(r, 'call-id') === dialog.callId),
  );
  await new Promise((r) => setTimeout(r, 50));
}

/** The core's re-INVITEs in the dialog of `callId` (SIP Call-ID), with their SDP direction. */
function reinvites(sipCallId: string): string[] {
  return server
    .requests('INVITE')
    .filter((r) => header(r, 'call-id') === sipCallId)
    .map((r) => sdpDirection(r.body));
}

beforeEach(async () => {
  server = await FakeSipServer.start();
  responses = [];
  server.onResponse = (res) => responses.push(res);
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
});

describe('call waiting and switching', () => {
  it('a second call rings during the first; answering it holds the first; resume switches back; either hangs up', async () => {
    await ready();
    answerReinvites();
    const first = await answeredCall('3001');
    const second = server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('second call ringing', () => byNumber('3002')?.state === 'incoming');
    expect(byNumber('3001')).toMatchObject({ state: 'established', held: false });
    expect(responses.some((r) => r.status === 486)).toBe(false);

    const incoming = byNumber('3002')!;
    await h.core.handlers['calls:answer']({ callId: incoming.id }, sender);
    await h.events.until('200 for the second', () => responses.some((r) => r.status === 200 && header(r, 'call-id') === second.callId));
    // The first call went on hold (sendonly re-INVITE) before the second was answered.
    expect(reinvites(first.dialog.callId)).toEqual(['sendonly']);
    expect(byNumber('3001')).toMatchObject({ held: true });
    const holdAt = server.messages.findIndex((m) => m.method === 'INVITE' && header(m, 'call-id') === first.dialog.callId);
    const answerAt = server.messages.findIndex((m) => m.status === 200 && header(m, 'call-id') === second.callId);
    expect(holdAt).toBeGreaterThanOrEqual(0);
    expect(answerAt).toBeGreaterThan(holdAt);
    const ok = responses.find((r) => r.status === 200 && header(r, 'call-id') === second.callId)!;
    server.ack(second, ok);
    await h.events.until('second established', () => byNumber('3002')?.state === 'established');

    // Resuming the first puts the second on hold first.
    await h.core.handlers['calls:hold']({ callId: first.call.id, hold: false }, sender);
    expect(byNumber('3001')).toMatchObject({ held: false });
    expect(byNumber('3002')).toMatchObject({ held: true });
    expect(reinvites(second.callId)).toEqual(['sendonly']);
    expect(reinvites(first.dialog.callId)).toEqual(['sendonly', 'sendrecv']);

    // Hanging up the active call leaves the held one; it can be resumed.
    await h.core.handlers['calls:hangup']({ callId: first.call.id }, sender);
    await h.events.until('first ended', () => byNumber('3001') === undefined);
    expect(byNumber('3002')).toMatchObject({ state: 'established', held: true });
    await h.core.handlers['calls:hold']({ callId: byNumber('3002')!.id, hold: false }, sender);
    expect(byNumber('3002')).toMatchObject({ held: false });
  });

  it('dialling during a call holds the call first', async () => {
    await ready();
    answerReinvites();
    const first = await answeredCall('3001');
    const onRequest = server.onRequest;
    server.onRequest = (req, s) => {
      if (req.method === 'INVITE' && !/;tag=/.test(header(req, 'to') ?? '')) s.reply(req, 180, 'Ringing', { toTag: 'far', contact: FAR_CONTACT });
      else onRequest(req, s);
    };
    const dialled = await h.core.handlers['calls:dial']({ target: '4001' }, sender);
    await h.events.until('new call ringing', () => h.core.getState().calls.find((c) => c.id === dialled.id)?.state === 'ringing');
    expect(byNumber('3001')).toMatchObject({ held: true });
    const holdAt = server.messages.findIndex((m) => m.method === 'INVITE' && header(m, 'call-id') === first.dialog.callId);
    const newAt = server.messages.findIndex((m) => m.method === 'INVITE' && /4001/.test(m.ruri ?? ''));
    expect(newAt).toBeGreaterThan(holdAt);
  });

  it('a headset flash switches to the held call', async () => {
    await ready();
    answerReinvites();
    await answeredCall('3001');
    const b = await answeredCall('3002');
    expect(byNumber('3001')).toMatchObject({ held: true });
    // The core's own flash (what a headset's flash button calls).
    await h.core.handlers['calls:hold']({ callId: b.call.id, hold: true }, sender);
    await h.core.handlers['calls:hold']({ callId: byNumber('3001')!.id, hold: false }, sender);
    expect(byNumber('3001')).toMatchObject({ held: false });
    expect(byNumber('3002')).toMatchObject({ held: true });
  });

  it('beyond the line limit an incoming call gets 486 and does not show', async () => {
    await ready(2);
    answerReinvites();
    await answeredCall('3001');
    server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('second ringing', () => byNumber('3002')?.state === 'incoming');
    const third = server.invite({ from: '<sip:3003@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('486 for the third', () => responses.some((r) => r.status === 486 && header(r, 'call-id') === third.callId));
    expect(calls().filter((c) => c.state !== 'ended')).toHaveLength(2);
    await expect(h.core.handlers['calls:dial']({ target: '4001' }, sender)).rejects.toMatchObject({ code: 'too-many-calls' });
  });
});

describe('the other side', () => {
  it('holding us (sendonly, inactive) shows as held by the other side, and resuming clears it', async () => {
    await ready();
    answerReinvites();
    const { dialog } = await answeredCall('3001');
    await farReinvite(dialog, FIXED_SDP.replace('a=sendrecv', 'a=sendonly'));
    expect(byNumber('3001')).toMatchObject({ remoteHeld: true, held: false });
    await farReinvite(dialog, FIXED_SDP);
    expect(byNumber('3001')!.remoteHeld).toBe(false);
    await farReinvite(dialog, FIXED_SDP.replace('a=sendrecv', 'a=inactive'));
    expect(byNumber('3001')!.remoteHeld).toBe(true);
    await farReinvite(dialog, FIXED_SDP.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 0.0.0.0').replace('a=sendrecv', ''));
    expect(byNumber('3001')!.remoteHeld).toBe(true);
    await farReinvite(dialog, FIXED_SDP);
    expect(byNumber('3001')!.remoteHeld).toBe(false);
  });

  it('a re-INVITE with P-Asserted-Identity changes who the call shows (a transfer at the PBX)', async () => {
    await ready();
    answerReinvites();
    const { dialog } = await answeredCall('3001');
    await farReinvite(dialog, FIXED_SDP, ['P-Asserted-Identity: "Grace Hopper" <sip:5005@127.0.0.1>']);
    expect(calls().find((c) => c.remote.displayName === 'Grace Hopper')?.remote).toEqual({ displayName: 'Grace Hopper', number: '5005', uri: 'sip:5005@127.0.0.1', numberDisplay: '5005' });
  });

  it('an UPDATE without a body changes the identity and is answered 200; one with SDP is left to sip.js (405)', async () => {
    await ready();
    answerReinvites();
    const { dialog, call } = await answeredCall('3001');
    server.inDialog(dialog, 'UPDATE', { extraHeaders: ['P-Asserted-Identity: "Ada Lovelace" <tel:+441234567890>'] });
    await h.events.until('200 to UPDATE', () => responses.some((r) => cseqOf(r).method === 'UPDATE' && r.status === 200));
    expect(calls().find((c) => c.id === call.id)?.remote).toMatchObject({ displayName: 'Ada Lovelace', number: '+441234567890' });
    server.inDialog(dialog, 'UPDATE', { body: FIXED_SDP });
    await h.events.until('405 to the UPDATE with SDP', () => responses.some((r) => cseqOf(r).method === 'UPDATE' && r.status === 405));
  });

  it('an UPDATE for a dialog that is not ours is left to sip.js', async () => {
    await ready();
    answerReinvites();
    const { dialog } = await answeredCall('3001');
    server.inDialog({ ...dialog, callId: 'someone-else' }, 'UPDATE', { extraHeaders: ['P-Asserted-Identity: <sip:6666@127.0.0.1>'] });
    await h.events.until('sip.js answered', () => responses.some((r) => cseqOf(r).method === 'UPDATE'));
    expect(responses.find((r) => cseqOf(r).method === 'UPDATE')?.status).not.toBe(200);
    expect(calls().some((c) => c.remote.number === '6666')).toBe(false);
  });
});

describe('conference', () => {
  /** The last mix the core asked for each call's media, by call id. */
  function mixes(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const r of h.media.requests) if (r.op === 'mix') out[r.mediaId.split('.')[0] ?? ''] = r.with.map((m) => m.split('.')[0] ?? '');
    return out;
  }

  it('merges two calls (both off hold, each mixed with the other), holds and mutes them together, splits them', async () => {
    await ready();
    answerReinvites();
    const a = await answeredCall('3001');
    const b = await answeredCall('3002');
    expect(byNumber('3001')!.held).toBe(true);

    const merged = await h.core.handlers['calls:merge']({ callIds: [a.call.id, b.call.id] }, sender);
    expect(merged).toHaveLength(2);
    const conf = byNumber('3001')!.conferenceId;
    expect(conf).not.toBeNull();
    expect(byNumber('3002')!.conferenceId).toBe(conf);
    expect([byNumber('3001')!.held, byNumber('3002')!.held]).toEqual([false, false]);
    expect(mixes()).toEqual({ [a.call.id]: [b.call.id], [b.call.id]: [a.call.id] });

    // Hold and mute act on the conference as a whole.
    await h.core.handlers['calls:hold']({ callId: a.call.id, hold: true }, sender);
    expect([byNumber('3001')!.held, byNumber('3002')!.held]).toEqual([true, true]);
    await h.core.handlers['calls:hold']({ callId: b.call.id, hold: false }, sender);
    expect([byNumber('3001')!.held, byNumber('3002')!.held]).toEqual([false, false]);
    await h.core.handlers['calls:mute']({ callId: b.call.id, muted: true }, sender);
    expect([byNumber('3001')!.muted, byNumber('3002')!.muted]).toEqual([true, true]);

    // Split: the chosen call stays with the user, the other goes on hold; neither is mixed.
    await h.core.handlers['calls:split']({ callId: b.call.id }, sender);
    expect([byNumber('3001')!.conferenceId, byNumber('3002')!.conferenceId]).toEqual([null, null]);
    expect([byNumber('3001')!.held, byNumber('3002')!.held]).toEqual([true, false]);
    expect(mixes()).toEqual({ [a.call.id]: [], [b.call.id]: [] });
  });

  it('a leg that hangs up leaves the others mixed; the last one left is an ordinary call', async () => {
    await ready();
    answerReinvites();
    const a = await answeredCall('3001');
    const b = await answeredCall('3002');
    const c = await answeredCall('3003');
    await h.core.handlers['calls:merge']({ callIds: [a.call.id, b.call.id, c.call.id] }, sender);
    expect(mixes()[a.call.id]?.sort()).toEqual([b.call.id, c.call.id].sort());

    server.bye(c.dialog);
    await h.events.until('third leg gone', () => byNumber('3003') === undefined);
    await h.events.until('remixed', () => mixes()[a.call.id]?.length === 1);
    expect(mixes()).toMatchObject({ [a.call.id]: [b.call.id], [b.call.id]: [a.call.id] });

    await h.core.handlers['calls:hangup']({ callId: b.call.id }, sender);
    await h.events.until('unmixed', () => mixes()[a.call.id]?.length === 0);
    expect(byNumber('3001')).toMatchObject({ conferenceId: null, state: 'established', held: false });
  });

  it('refuses to merge a call that is not connected, or one call alone', async () => {
    await ready();
    answerReinvites();
    const a = await answeredCall('3001');
    server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('ringing', () => byNumber('3002')?.state === 'incoming');
    await expect(h.core.handlers['calls:merge']({ callIds: [a.call.id, byNumber('3002')!.id] }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
    await expect(h.core.handlers['calls:merge']({ callIds: [a.call.id, a.call.id] }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
    await expect(h.core.handlers['calls:split']({ callId: a.call.id }, sender)).rejects.toMatchObject({ code: 'invalid-call-state' });
  });
});
