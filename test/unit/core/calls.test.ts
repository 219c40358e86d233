// Calls through createCore's handlers: a scripted SIP server on 127.0.0.1 plays the PBX and the
// far end, a stand-in renderer answers the media requests with a fixed SDP.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Call } from '../../../preload/contract.ts';
import type { AccountSettings, Settings } from '../../../preload/contract.ts';
import { AppError } from '../../../main/core/errors.ts';
import { FIXED_SDP, defaultMediaResult, settingsWith, sleep, TEST_ACCOUNT_ID } from './support/fakes.ts';
import { FakeSipServer, cseqOf, header } from './support/fake-sip-server.ts';
import type { SipMessage } from './support/fake-sip-server.ts';
import { SILENT, makeCore } from './support/core-harness.ts';
import type { Harness } from './support/core-harness.ts';

const sender = { id: 'renderer-1' };
const FAR_CONTACT = '<sip:2002@127.0.0.1;transport=ws>';
let server: FakeSipServer;
let h: Harness;

function account(extra: Partial<AccountSettings> = {}): Settings {
  return settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1', ...extra });
}

async function ready(settings: Settings = account()): Promise<void> {
  h = makeCore({ settings });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

function calls(): Call[] {
  return h.core.getState().calls;
}

async function expectAppError(work: Promise<unknown>, code: string): Promise<void> {
  const err: unknown = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

/** The far end for outgoing calls: what it does with an initial INVITE. */
type Far = (req: SipMessage, s: FakeSipServer) => void;

function farEnd(onInvite: Far): void {
  server.onRequest = (req, s) => {
    const inDialog = /;tag=/.test(header(req, 'to') ?? '');
    if (req.method === 'INVITE' && !inDialog) {
      s.reply(req, 100, 'Trying');
      onInvite(req, s);
    } else if (req.method === 'INVITE') {
      s.reply(req, 200, 'OK', { contact: FAR_CONTACT, body: FIXED_SDP.replace('a=sendrecv', 'a=recvonly') });
    } else if (req.method === 'CANCEL') {
      s.reply(req, 200, 'OK');
      const invite = s.requests('INVITE').find((m) => header(m, 'call-id') === header(req, 'call-id'))!;
      s.reply(invite, 487, 'Request Terminated', { toTag: 'far' });
    } else s.defaultHandler(req);
  };
}

const answerAfterRinging: Far = (req, s) => {
  s.reply(req, 180, 'Ringing', { toTag: 'far', contact: FAR_CONTACT });
  setTimeout(() => {
    s.reply(req, 200, 'OK', { toTag: 'far', contact: FAR_CONTACT, body: FIXED_SDP });
  }, 30);
};

/** A BYE from the far end of the first outgoing call, inside the dialog the core made. */
function farEndBye(): void {
  const invite = server.requests('INVITE')[0]!;
  invite.conn.send(
    [
      `BYE ${/<([^>]+)>/.exec(header(invite, 'contact') ?? '')![1]} SIP/2.0`,
      'Via: SIP/2.0/WS 127.0.0.1:1;branch=z9hG4bKbye1',
      'Max-Forwards: 70',
      `From: ${header(invite, 'to')};tag=far`,
      `To: ${header(invite, 'from')}`,
      `Call-ID: ${header(invite, 'call-id')}`,
      'CSeq: 10 BYE',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

beforeEach(async () => {
  server = await FakeSipServer.start();
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
});

describe('dialing', () => {
  it('refuses what cannot be dialed, before anything is sent', async () => {
    h = makeCore({ settings: account({ registerOnStart: false }) });
    await h.core.start();
    await expectAppError(h.core.handlers['calls:dial']({ target: 'javascript:alert(1)' }, sender), 'invalid-number');
    await expectAppError(h.core.handlers['calls:dial']({ target: '1002' }, sender), 'not-registered');
    await h.core.handlers['accounts:register']({ accountId: TEST_ACCOUNT_ID }, sender);
    await h.events.untilAccount('registered');
    await expectAppError(h.core.handlers['calls:dial']({ target: '1002' }, sender), 'media-unavailable');
    expect(server.requests('INVITE')).toHaveLength(0);
  });

  it('refuses to dial without an account', async () => {
    h = makeCore();
    await h.core.start();
    await expectAppError(h.core.handlers['calls:dial']({ target: '1002' }, sender), 'not-configured');
  });

  it('busy: dialing -> ringing -> ended busy (486), then the call leaves the list', async () => {
    await ready();
    farEnd((req, s) => {
      s.reply(req, 180, 'Ringing', { toTag: 'far', contact: FAR_CONTACT });
      setTimeout(() => {
        s.reply(req, 486, 'Busy Here', { toTag: 'far' });
      }, 30);
    });
    const call = await h.core.handlers['calls:dial']({ target: '+49 (30) 1002' }, sender);
    expect(call).toMatchObject({ direction: 'outgoing', state: 'dialing', remote: { number: '+49301002', displayName: '' } });
    expect(Call.safeParse(call).success).toBe(true);
    await h.events.untilCall('ended');
    const states = h.events.all('calls:changed').map((list) => list[0]?.state);
    expect(states).toContain('ringing');
    expect(calls()[0]).toMatchObject({ state: 'ended', endReason: 'busy', endStatus: 486 });
    expect(server.requests('INVITE')[0]!.ruri).toBe('sip:+49301002@127.0.0.1');
    await h.events.until('call dropped', () => h.events.last('calls:changed')?.length === 0);
  });

  it.each([
    [404, 'not-found'],
    [604, 'not-found'],
    [480, 'unavailable'],
    [503, 'unavailable'],
    [603, 'declined'],
    [600, 'busy'],
    [488, 'failed'],
  ])('final response %i ends the call as %s', async (status, reason) => {
    await ready();
    farEnd((req, s) => {
      s.reply(req, status, 'No', { toTag: 'far' });
    });
    await h.core.handlers['calls:dial']({ target: '1002' }, sender);
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: reason, endStatus: status });
  });

  it('hanging up before the answer sends CANCEL and ends the call at once', async () => {
    await ready();
    farEnd((req, s) => {
      s.reply(req, 180, 'Ringing', { toTag: 'far', contact: FAR_CONTACT });
    });
    const call = await h.core.handlers['calls:dial']({ target: '1002' }, sender);
    await h.events.untilCall('ringing');
    const ended = await h.core.handlers['calls:hangup']({ callId: call.id }, sender);
    expect(ended).toMatchObject({ state: 'ended', endReason: 'local-hangup' });
    await h.events.until('CANCEL', () => server.requests('CANCEL').length === 1);
    // A second hangup is harmless.
    await h.core.handlers['calls:hangup']({ callId: call.id }, sender);
  });

  it('a media engine that cannot make an offer ends the call as media-failed', async () => {
    await ready();
    h.media.answer = (request) => {
      if (request.op === 'getDescription') throw new Error('getUserMedia: NotAllowedError');
      return null;
    };
    await h.core.handlers['calls:dial']({ target: '1002' }, sender);
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'media-failed' });
    expect(server.requests('INVITE')).toHaveLength(0);
  });

  it('answered: established, hold/resume by re-INVITE, mute, DTMF (RFC 4733), BYE', async () => {
    await ready();
    farEnd(answerAfterRinging);
    const { id } = await h.core.handlers['calls:dial']({ target: 'sip:2002@127.0.0.1' }, sender);
    await h.events.untilCall('established');
    expect(calls()[0]!.answeredAt).not.toBeNull();

    const create = h.media.requests.find((r) => r.op === 'create');
    expect(create).toMatchObject({ callId: id, iceServers: [], iceGatheringTimeoutMs: 300 });
    expect(h.media.ops().slice(0, 3)).toEqual(['create', 'getDescription', 'setDescription']);

    const held = await h.core.handlers['calls:hold']({ callId: id, hold: true }, sender);
    expect(held.held).toBe(true);
    const reinvite = server.requests('INVITE')[1]!;
    expect(reinvite.body).toMatch(/a=sendonly/);
    const holdOffer = h.media.requests.filter((r) => r.op === 'getDescription')[1];
    expect(holdOffer).toMatchObject({ options: { hold: true } });
    const resumed = await h.core.handlers['calls:hold']({ callId: id, hold: false }, sender);
    expect(resumed.held).toBe(false);

    const muted = await h.core.handlers['calls:mute']({ callId: id, muted: true }, sender);
    expect(muted.muted).toBe(true);
    expect(h.media.requests.find((r) => r.op === 'setMuted')).toMatchObject({ muted: true });

    await h.core.handlers['calls:dtmf']({ callId: id, tones: '12#a' }, sender);
    expect(h.media.requests.find((r) => r.op === 'sendDtmf')).toMatchObject({ tones: '12#A' });
    expect(server.requests('INFO')).toHaveLength(0);

    const ended = await h.core.handlers['calls:hangup']({ callId: id }, sender);
    expect(ended.endReason).toBe('local-hangup');
    await h.events.until('BYE', () => server.requests('BYE').length === 1);
    await h.events.until('media closed', () => h.media.ops().includes('close'));
  });

  it('DTMF in INFO mode: one INFO per tone, in order, application/dtmf-relay', async () => {
    await ready(account({ dtmfMode: 'info' }));
    farEnd(answerAfterRinging);
    const { id } = await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    await h.core.handlers['calls:dtmf']({ callId: id, tones: '1*9#' }, sender);
    const infos = server.requests('INFO');
    expect(infos.map((m) => m.body)).toEqual(['1', '*', '9', '#'].map((d) => `Signal=${d}\r\nDuration=160\r\n`));
    for (const m of infos) expect(header(m, 'content-type')).toBe('application/dtmf-relay');
    expect(infos.map((m) => cseqOf(m).seq)).toEqual([...infos.map((m) => cseqOf(m).seq)].sort((a, b) => a - b));
    expect(h.media.ops()).not.toContain('sendDtmf');
  });

  it('a refused re-INVITE leaves the call unheld and says so', async () => {
    await ready();
    farEnd(answerAfterRinging);
    const { id } = await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    const base = server.onRequest;
    server.onRequest = (req, s) => {
      if (req.method === 'INVITE' && /;tag=/.test(header(req, 'to') ?? '')) s.reply(req, 488, 'Not Acceptable Here');
      else base(req, s);
    };
    await expectAppError(h.core.handlers['calls:hold']({ callId: id, hold: true }, sender), 'invalid-call-state');
    expect(calls()[0]).toMatchObject({ state: 'established', held: false });
    expect(h.media.ops()).toContain('rollbackDescription');
  });

  it('the far end hangs up: remote-hangup', async () => {
    await ready();
    farEnd(answerAfterRinging);
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    farEndBye();
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'remote-hangup', endStatus: null });
  });

  it("a hold that failed in the media engine does not turn the far end's later BYE into media-failed", async () => {
    await ready();
    farEnd(answerAfterRinging);
    const { id } = await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    h.media.answer = (request) => {
      if (request.op === 'getDescription') throw new Error('NotReadableError: the microphone went away');
      return defaultMediaResult(request);
    };
    await expectAppError(h.core.handlers['calls:hold']({ callId: id, hold: true }, sender), 'media-failed');
    expect(calls()[0]).toMatchObject({ state: 'established', held: false });
    h.media.answer = defaultMediaResult;
    farEndBye();
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'remote-hangup', endStatus: null });
  });

  it('the media engine goes away mid-call: media-failed, and the call is hung up', async () => {
    await ready();
    farEnd(answerAfterRinging);
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    h.core.senderGone('renderer-1');
    expect(calls()[0]).toMatchObject({ state: 'ended', endReason: 'media-failed' });
    await h.events.until('BYE', () => server.requests('BYE').length === 1);
    await expectAppError(h.core.handlers['calls:dial']({ target: '2002' }, sender), 'media-unavailable');
  });

  it('another window saying media:ready mid-call is refused; the call keeps its media engine', async () => {
    await ready();
    farEnd(answerAfterRinging);
    const { id } = await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    await expectAppError(h.core.handlers['media:ready']({ devices: true }, { id: 'second-tab' }), 'forbidden-sender');
    expect(calls()[0]).toMatchObject({ state: 'established', endReason: null });
    const held = await h.core.handlers['calls:hold']({ callId: id, hold: true }, sender);
    expect(held.held).toBe(true);
    expect(h.events.emitted.filter((e) => e.to === 'second-tab')).toEqual([]);
    expect(server.requests('BYE')).toHaveLength(0);
  });

  it('one line (settings calls.maxLines 1): a second dial while a call is live is refused', async () => {
    await ready({ ...account(), calls: { maxLines: 1, callWaitingTone: true, incomingTransfer: 'accept', dnd: false, dndStatus: 486 } });
    farEnd((req, s) => {
      s.reply(req, 180, 'Ringing', { toTag: 'far', contact: FAR_CONTACT });
    });
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await expectAppError(h.core.handlers['calls:dial']({ target: '2003' }, sender), 'too-many-calls');
  });
});

describe('incoming calls', () => {
  const PAI = 'P-Asserted-Identity: "Reception" <sip:100@127.0.0.1>';

  it('shows the asserted caller, answers, and ends on the caller\'s BYE', async () => {
    await ready();
    const responses: SipMessage[] = [];
    server.onResponse = (res) => responses.push(res);
    const dialog = server.invite({ from: '"Mallory <img src=x>" <sip:2002@127.0.0.1>', extraHeaders: [PAI], sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    const call = calls()[0]!;
    expect(call).toMatchObject({ direction: 'incoming', remote: { displayName: 'Reception', number: '100', uri: 'sip:100@127.0.0.1' } });
    await h.events.until('180 Ringing', () => responses.some((r) => r.status === 180));

    const answered = await h.core.handlers['calls:answer']({ callId: call.id }, sender);
    expect(['answering', 'established']).toContain(answered.state);
    const isOk = (r: SipMessage): boolean => r.status === 200 && cseqOf(r).method === 'INVITE';
    await h.events.until('200 OK', () => responses.some(isOk));
    const ok = responses.find(isOk)!;
    expect(ok.body).toContain('m=audio');
    expect(h.media.ops().slice(0, 3)).toEqual(['create', 'setDescription', 'getDescription']);
    server.ack(dialog, ok);
    await h.events.untilCall('established');

    server.bye(dialog);
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'remote-hangup' });
  });

  it('keeps caller text as plain text, without bidi overrides or zero-width characters', async () => {
    await ready();
    server.invite({ from: '"<b>Bob</b>\u202e\u200b" <sip:2002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(calls()[0]!.remote).toEqual({ displayName: '<b>Bob</b>', number: '2002', uri: 'sip:2002@127.0.0.1', numberDisplay: '2002' });
  });

  it('a caller without a display name (From: <sip:1002@…>) rings, showing the number', async () => {
    await ready();
    server.invite({ from: '<sip:1002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(calls()[0]!.remote).toEqual({ displayName: '', number: '1002', uri: 'sip:1002@127.0.0.1', numberDisplay: '1002' });
  });

  it('an asserted identity and a From, both without a name, show the asserted number', async () => {
    await ready();
    server.invite({ from: '<sip:1002@127.0.0.1>', extraHeaders: ['P-Asserted-Identity: <sip:100@127.0.0.1>'], sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(calls()[0]!.remote).toEqual({ displayName: '', number: '100', uri: 'sip:100@127.0.0.1', numberDisplay: '100' });
  });

  it('one line: a second INVITE while a call is live gets 486 and does not show', async () => {
    await ready({ ...account(), calls: { maxLines: 1, callWaitingTone: true, incomingTransfer: 'accept', dnd: false, dndStatus: 486 } });
    const responses: SipMessage[] = [];
    server.onResponse = (res) => responses.push(res);
    server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    const second = server.invite({ sdp: FIXED_SDP });
    await h.events.until('486', () => responses.some((r) => r.status === 486 && header(r, 'call-id') === second.callId));
    expect(calls()).toHaveLength(1);
  });

  it('the caller gives up (CANCEL): canceled', async () => {
    await ready();
    const dialog = server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    server.cancel(dialog);
    await h.events.untilCall('ended');
    expect(calls()[0]).toMatchObject({ endReason: 'canceled', endStatus: null });
  });

  it('reject answers 486 Busy Here', async () => {
    await ready();
    const responses: SipMessage[] = [];
    server.onResponse = (res) => responses.push(res);
    const dialog = server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    const rejected = await h.core.handlers['calls:reject']({ callId: calls()[0]!.id }, sender);
    expect(rejected).toMatchObject({ state: 'ended', endReason: 'rejected-by-user' });
    await h.events.until('486', () => responses.some((r) => r.status === 486 && header(r, 'call-id') === dialog.callId));
  });

  it('answering without a media engine is refused and the call keeps ringing', async () => {
    h = makeCore({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    await expectAppError(h.core.handlers['calls:answer']({ callId: calls()[0]!.id }, sender), 'media-unavailable');
    expect(calls()[0]!.state).toBe('incoming');
  });

  it('a media engine that never answers fails the answer within the media timeout', async () => {
    h = makeCore({ settings: account(), mediaTimeoutMs: 200 });
    await h.core.start();
    await h.events.untilAccount('registered');
    await h.media.ready();
    h.media.answer = (request) => (request.op === 'create' ? null : SILENT);
    server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    await expectAppError(h.core.handlers['calls:answer']({ callId: calls()[0]!.id }, sender), 'media-failed');
    expect(calls()[0]).toMatchObject({ state: 'ended', endReason: 'media-failed' });
  });

  it('commands on unknown calls say no-such-call; on the wrong state invalid-call-state', async () => {
    await ready();
    await expectAppError(h.core.handlers['calls:answer']({ callId: 'nope' }, sender), 'no-such-call');
    server.invite({ sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    const id = calls()[0]!.id;
    await expectAppError(h.core.handlers['calls:hold']({ callId: id, hold: true }, sender), 'invalid-call-state');
    await expectAppError(h.core.handlers['calls:dtmf']({ callId: id, tones: '1' }, sender), 'invalid-call-state');
    await sleep(10);
  });
});

describe('recovery and shutdown', () => {
  it('after the connection drops mid-call, the core registers again and restarts ICE for the call', async () => {
    await ready();
    farEnd(answerAfterRinging);
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    server.dropConnections();
    await h.events.untilAccount('waiting-to-retry');
    await h.events.untilAccount('registered', 3000);
    await h.events.until('re-INVITE', () => server.requests('INVITE').length === 2, 3000);
    const restart = h.media.requests.filter((r) => r.op === 'getDescription').at(-1);
    expect(restart).toMatchObject({ options: { hold: false, offerOptions: { iceRestart: true } } });
    expect(calls()[0]!.state).toBe('established');
  });

  it('stop() hangs up a live call with BYE, within its bound', async () => {
    await ready();
    farEnd(answerAfterRinging);
    await h.core.handlers['calls:dial']({ target: '2002' }, sender);
    await h.events.untilCall('established');
    const t0 = Date.now();
    await h.core.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(server.requests('BYE')).toHaveLength(1);
    expect(h.events.last('calls:changed')?.[0]).toMatchObject({ state: 'ended', endReason: 'local-hangup' });
  });
});
