// What happens to an incoming call before the user touches it, through createCore's handlers
// with a scripted SIP server: do not disturb (refused with its status, recorded as missed, never
// shown), forwarding (302 always, when busy, when unanswered), answering by itself (always, or
// when the INVITE asks), and the voicemail count (MWI, subscribed and unsolicited) and button.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountSettings, Call, Settings } from '../../../preload/contract.ts';
import { defaultSettings } from '../../../main/core/settings/settings-defaults.ts';
import { FakeClock, FIXED_SDP, settingsWith } from './support/fakes.ts';
import { FakeSipServer, cseqOf, header } from './support/fake-sip-server.ts';
import type { SipMessage } from './support/fake-sip-server.ts';
import { makeCore, type Harness } from './support/core-harness.ts';

const sender = { id: 'renderer-1' };
let server: FakeSipServer;
let h: Harness;
let responses: SipMessage[];

function settings(account: Partial<AccountSettings> = {}, calls: Partial<Settings['calls']> = {}): Settings {
  const s = settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1', ...account });
  return { ...s, calls: { ...defaultSettings().calls, ...calls } };
}

async function ready(s: Settings, clock?: FakeClock): Promise<void> {
  h = makeCore({ settings: s, ...(clock ? { clock } : {}) });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

const calls = (): Call[] => h.core.getState().calls;
const finalFor = (callId: string): SipMessage | undefined =>
  responses.find((r) => header(r, 'call-id') === callId && cseqOf(r).method === 'INVITE' && (r.status ?? 0) >= 200);

beforeEach(async () => {
  server = await FakeSipServer.start();
  responses = [];
  server.onResponse = (res) => responses.push(res);
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
});

describe('do not disturb', () => {
  it('refuses with the chosen status, records the call (ended, do-not-disturb, silent), and switches from the command', async () => {
    await ready(settings({}, { dnd: true, dndStatus: 480 }));
    const dialog = server.invite({ from: '"Caller" <sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('480', () => finalFor(dialog.callId) !== undefined);
    expect(finalFor(dialog.callId)?.status).toBe(480);
    expect(calls()[0]).toMatchObject({ state: 'ended', endReason: 'do-not-disturb', endStatus: 480, silent: true, remote: { number: '3001' } });
    // The caller never heard it ring.
    expect(responses.filter((r) => header(r, 'call-id') === dialog.callId).map((r) => r.status)).toEqual([100, 480]);

    const view = await h.core.handlers['calls:doNotDisturb']({ on: false }, sender);
    expect(view.calls.dnd).toBe(false);
    expect(h.events.last('settings:changed')?.calls.dnd).toBe(false);
    const next = server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('rings', () => responses.some((r) => r.status === 180 && header(r, 'call-id') === next.callId));
  });
});

describe('forwarding', () => {
  it('always: 302 with the target as Contact; the call ends as forwarded, silent', async () => {
    await ready(settings({ forward: { mode: 'always', target: '3003', noAnswerS: 20 } }, { dnd: true }));
    const dialog = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('302', () => finalFor(dialog.callId) !== undefined);
    expect(finalFor(dialog.callId)?.status).toBe(302);
    expect(header(finalFor(dialog.callId)!, 'contact')).toBe('<sip:3003@127.0.0.1>');
    expect(calls()[0]).toMatchObject({ endReason: 'forwarded', forwardedTo: 'sip:3003@127.0.0.1', silent: true });
    expect(responses.filter((r) => header(r, 'call-id') === dialog.callId).map((r) => r.status)).toEqual([100, 302]);
  });

  it('a target that cannot be dialled (a settings file edited by hand): the call rings as if nothing were set', async () => {
    await ready(settings({ forward: { mode: 'always', target: 'not a number!', noAnswerS: 20 } }));
    const dialog = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('rings', () => responses.some((r) => r.status === 180 && header(r, 'call-id') === dialog.callId));
    expect(calls()).toHaveLength(1);
    expect(calls()[0]).toMatchObject({ state: 'incoming', silent: false, forwardedTo: null });
    expect(finalFor(dialog.callId)).toBeUndefined();
  });

  it('when busy: a call during a call is forwarded, one while idle rings', async () => {
    await ready(settings({ forward: { mode: 'busy', target: 'sip:voicemail@127.0.0.1', noAnswerS: 20 } }));
    const first = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('rings', () => calls()[0]?.state === 'incoming');
    expect(finalFor(first.callId)).toBeUndefined();
    await h.core.handlers['calls:answer']({ callId: calls()[0]!.id }, sender);
    await h.events.until('200', () => finalFor(first.callId)?.status === 200);
    server.ack(first, finalFor(first.callId)!);
    await h.events.until('established', () => calls()[0]?.state === 'established');
    const second = server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('302', () => finalFor(second.callId)?.status === 302);
    expect(header(finalFor(second.callId)!, 'contact')).toBe('<sip:voicemail@127.0.0.1>');
  });

  it('when unanswered: rings, then 302 after the set seconds', async () => {
    const clock = new FakeClock(Date.now());
    await ready(settings({ forward: { mode: 'no-answer', target: '3003', noAnswerS: 15 } }), clock);
    const dialog = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('rings', () => calls()[0]?.state === 'incoming');
    clock.advance(14_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(finalFor(dialog.callId)).toBeUndefined();
    clock.advance(1000);
    await h.events.until('302', () => finalFor(dialog.callId)?.status === 302);
    expect(calls()[0]).toMatchObject({ endReason: 'forwarded', silent: false });
  });
});

describe('answering by itself', () => {
  const answered = (callId: string): boolean => finalFor(callId)?.status === 200;

  it('always: answered at once, marked for the beep; not while the user is on another call', async () => {
    await ready(settings({ autoAnswer: 'always' }));
    const first = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('answered', () => answered(first.callId));
    expect(calls()[0]?.autoAnswer).toBe(true);
    server.ack(first, finalFor(first.callId)!);
    await h.events.until('established', () => calls()[0]?.state === 'established');
    const second = server.invite({ from: '<sip:3002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('second rings', () => calls().some((c) => c.remote.number === '3002' && c.state === 'incoming'));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered(second.callId)).toBe(false);
  });

  it('when asked: Call-Info answer-after, Alert-Info intercom and Answer-Mode: Auto are answered; a plain call rings', async () => {
    await ready(settings({ autoAnswer: 'when-asked' }));
    const plain = server.invite({ from: '<sip:3001@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('rings', () => calls().some((c) => c.remote.number === '3001'));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered(plain.callId)).toBe(false);
    await h.core.handlers['calls:reject']({ callId: calls().find((c) => c.remote.number === '3001')!.id }, sender);

    for (const [number, header] of [
      ['3002', 'Call-Info: <sip:127.0.0.1>;answer-after=0'],
      ['3003', 'Alert-Info: <http://127.0.0.1/ring>;info=alert-autoanswer'],
      ['3004', 'Answer-Mode: Auto'],
    ] as const) {
      const dialog = server.invite({ from: `<sip:${number}@127.0.0.1>`, extraHeaders: [header], sdp: FIXED_SDP });
      await h.events.until(`${number} answered`, () => answered(dialog.callId));
      server.ack(dialog, finalFor(dialog.callId)!);
      await h.events.until(`${number} established`, () => calls().some((c) => c.remote.number === number && c.state === 'established'));
      await h.core.handlers['calls:hangup']({ callId: calls().find((c) => c.remote.number === number && c.state === 'established')!.id }, sender);
    }
  });

  it('waits the answer-after seconds it is asked for; more than ten seconds just rings', async () => {
    const clock = new FakeClock(Date.now());
    await ready(settings({ autoAnswer: 'when-asked' }), clock);
    const later = server.invite({ from: '<sip:3005@127.0.0.1>', extraHeaders: ['Call-Info: <sip:x>;answer-after=3'], sdp: FIXED_SDP });
    await h.events.until('rings', () => calls().some((c) => c.remote.number === '3005'));
    clock.advance(2900);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered(later.callId)).toBe(false);
    clock.advance(100);
    await h.events.until('answered', () => answered(later.callId));
    server.ack(later, finalFor(later.callId)!);
    await h.events.until('established', () => calls().some((c) => c.remote.number === '3005' && c.state === 'established'));
    await h.core.handlers['calls:hangup']({ callId: calls().find((c) => c.remote.number === '3005')!.id }, sender);
    const tooLong = server.invite({ from: '<sip:3006@127.0.0.1>', extraHeaders: ['Call-Info: <sip:x>;answer-after=3600'], sdp: FIXED_SDP });
    await h.events.until('rings', () => calls().some((c) => c.remote.number === '3006'));
    clock.advance(20_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(answered(tooLong.callId)).toBe(false);
    expect(calls().find((c) => c.remote.number === '3006')?.autoAnswer).toBe(false);
    await h.core.handlers['calls:reject']({ callId: calls().find((c) => c.remote.number === '3006')!.id }, sender);
    // Let the core's own bounds (on the fake clock) run out while it stops.
    const ticking = setInterval(() => {
      clock.advance(1000);
    }, 10);
    await h.core.stop();
    clearInterval(ticking);
  });
});

describe('voicemail', () => {
  const SUMMARY = 'Messages-Waiting: yes\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: 2/8 (0/2)\r\n';

  it('subscribes to message-summary once registered and shows the count from its NOTIFYs', async () => {
    let sendNotify: ((body: string) => void) | null = null;
    server.onRequest = (req, s) => {
      if (req.method === 'SUBSCRIBE') sendNotify = s.acceptSubscription(req, 'message-summary', SUMMARY, 'application/simple-message-summary');
      else s.defaultHandler(req);
    };
    await ready(settings());
    await h.events.until('voicemail', () => h.events.lastAccount()?.voicemail !== null && h.events.lastAccount()?.voicemail !== undefined);
    const subscribe = server.requests('SUBSCRIBE')[0]!;
    expect(header(subscribe, 'event')).toBe('message-summary');
    expect(subscribe.ruri).toBe('sip:1001@127.0.0.1');
    expect(h.events.lastAccount()?.voicemail).toEqual({ waiting: true, newMessages: 2, oldMessages: 8, messageAccount: 'sip:*97@127.0.0.1' });
    sendNotify!('Messages-Waiting: no\r\nVoice-Message: 0/10\r\n');
    await h.events.until('cleared', () => h.events.lastAccount()?.voicemail?.waiting === false);
    expect(h.events.lastAccount()?.voicemail).toMatchObject({ newMessages: 0, oldMessages: 10 });
  });

  it('takes an unsolicited message-summary NOTIFY (200), refuses other events (489), ignores a body without Messages-Waiting', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'SUBSCRIBE') s.reply(req, 489, 'Bad Event');
      else s.defaultHandler(req);
    };
    await ready(settings());
    const ok = server.outOfDialog('NOTIFY', { extraHeaders: ['Event: message-summary', 'Subscription-State: active'], body: SUMMARY, contentType: 'application/simple-message-summary' });
    await h.events.until('count', () => h.events.lastAccount()?.voicemail?.newMessages === 2);
    await h.events.until('200', () => responses.some((r) => header(r, 'call-id') === ok && r.status === 200));
    const other = server.outOfDialog('NOTIFY', { extraHeaders: ['Event: presence', 'Subscription-State: active'], body: 'x' });
    await h.events.until('489', () => responses.some((r) => header(r, 'call-id') === other && r.status === 489));
    server.outOfDialog('NOTIFY', { extraHeaders: ['Event: message-summary', 'Subscription-State: active'], body: 'Voice-Message: 99/99\r\n' });
    await new Promise((r) => setTimeout(r, 100));
    expect(h.events.lastAccount()?.voicemail?.newMessages).toBe(2);
  });

  it('the voicemail button dials the voicemail number, else the announced Message-Account, else says there is none', async () => {
    await ready(settings());
    await expect(h.core.handlers['accounts:callVoicemail']({ accountId: 'main' }, sender)).rejects.toMatchObject({ code: 'no-voicemail' });
    server.outOfDialog('NOTIFY', { extraHeaders: ['Event: message-summary'], body: SUMMARY });
    await h.events.until('count', () => h.events.lastAccount()?.voicemail?.newMessages === 2);
    const viaServer = await h.core.handlers['accounts:callVoicemail']({ accountId: 'main' }, sender);
    expect(viaServer.remote.uri).toBe('sip:*97@127.0.0.1');
    await h.core.handlers['calls:hangup']({ callId: viaServer.id }, sender);
    await h.core.handlers['settings:save']({ settings: settings({ voicemailNumber: '8000' }) }, sender);
    await h.events.untilAccount('registered');
    const viaNumber = await h.core.handlers['accounts:callVoicemail']({ accountId: 'main' }, sender);
    expect(viaNumber.remote.number).toBe('8000');
  });
});
