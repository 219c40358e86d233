// The telephony of a busy desk against a real Kamailio, with sipp for the peers that must send
// what a sip.js phone cannot (or misbehave): being transferred (REFER followed, with a transferor
// that answers the NOTIFYs and one that never does), the other party's identity changing
// (re-INVITE and UPDATE with P-Asserted-Identity), forwarding by 302, a transfer target that
// never sends the final NOTIFY, answering by itself when the INVITE asks, and voicemail counts
// (a PUBLISH through the presence server, and an unsolicited NOTIFY).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import type { Settings } from '../../preload/contract.ts';
import { defaultSettings } from '../../main/core/settings/settings-defaults.ts';
import { freeUdpPort, startKamailio, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa } from '../support/peer-ua.ts';
import { sippRegister, startSippCallerRejected, startSippScriptedCaller, startSippUas, type SippResult } from '../support/sipp.ts';
import { Cleanup, liveProcesses } from '../support/process.ts';
import { accountSettings, startCore, type CoreFixture } from './core-fixture.ts';

const ME = '1601';
const PEER = '1602';
const SIPP = '1699';

describe('a busy desk, against Kamailio and sipp', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  let peer: PeerUa;
  let sippPort: number;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio({ presence: true });
    cleanup.add('kamailio', () => kam.stop());
    core = await startCore({ timing: { transferTimeoutMs: 1500 } });
    cleanup.add('core', () => core.stop());
    peer = await startPeerUa({ wsUrl: kam.wsUrl, user: PEER, displayName: 'Transfer Target', incoming: { mode: 'answer', delayMs: 100 } });
    cleanup.add('peer', () => peer.stop());
    sippPort = await freeUdpPort();
    await core.registerAs({ wsUrl: kam.wsUrl, user: ME });
  });

  afterAll(() => cleanup.run());

  // A test that failed halfway leaves nothing to the next: no sipp on the shared port, no call.
  afterEach(async () => {
    await Promise.all(liveProcesses().filter((p) => p.command === 'sipp').map((p) => p.stop(1000)));
    for (const call of core.core.getState().calls) {
      if (call.state !== 'ended') await core.run('calls:hangup', { callId: call.id }).catch(() => undefined);
    }
  });

  /** The NOTIFYs sipp received, in order: their Subscription-State and their sipfrag's status line. */
  function notifiesIn(result: SippResult): { state: string; status: string }[] {
    return result.messages
      .split(/^-{10,}.*$/m)
      .filter((block) => /message received/.test(block) && /^\s*NOTIFY /m.test(block))
      .map((block) => ({
        state: /^Subscription-State:\s*(.*?)\s*$/im.exec(block)?.[1] ?? '',
        status: /^(SIP\/2\.0 \d{3})/m.exec(block.split(/\r?\n\r?\n/).slice(2).join('\n'))?.[1] ?? '',
      }));
  }

  /** The status codes of the responses sipp received, in order. */
  function responsesIn(result: SippResult): number[] {
    return result.messages
      .split(/^-{10,}.*$/m)
      .filter((block) => /message received/.test(block))
      .flatMap((block) => {
        const m = /^SIP\/2\.0 (\d{3})/m.exec(block);
        return m ? [Number(m[1])] : [];
      });
  }

  /** What sipp saw, for a failure message: the last messages, then its statistics. */
  function sippSaw(result: SippResult): string {
    return `${result.messages.slice(-3000)}\n${result.screen.slice(-1500)}`;
  }

  /** Saves the settings with changes to the account or the calls, as the settings form does. */
  async function configure(change: (s: Settings) => Settings): Promise<void> {
    const base = { ...accountSettings({ wsUrl: kam.wsUrl, user: ME }), calls: defaultSettings().calls };
    await core.run('settings:save', { settings: change(base) });
    await core.waitForAccount('registered', (s) => s.state === 'registered');
  }

  /** Waits for a call from sipp and answers it. */
  async function answerSippCall(): Promise<string> {
    const incoming = await core.waitForCall('a call from sipp', (c) => c.direction === 'incoming' && c.state === 'incoming' && c.remote.number === SIPP);
    await core.run('calls:answer', { callId: incoming.id });
    await core.waitForCall('established', (c) => c.id === incoming.id && c.state === 'established');
    return incoming.id;
  }

  for (const scenario of ['uac-transferor', 'uac-transferor-silent'] as const) {
    it(`being transferred (${scenario}): 202, a call to the target placed and kept, the transferor's call ended`, async () => {
      const before = peer.calls.length;
      const sipp = startSippScriptedCaller({ scenario, proxyUdpPort: kam.udpPort, port: sippPort, keys: { callee: ME, refer_to: PEER, from_user: SIPP } });
      const original = await answerSippCall();
      const next = await core.waitForCall('the transfer placed', (c) => c.direction === 'outgoing' && c.remote.number === PEER && c.state === 'established', 8000);
      expect(next.referredBy).toBe('Transferring Agent');
      const peerCall = await peer.waitForCall(before);
      await peer.waitForState(peerCall, SessionState.Established);
      const result = await sipp.done;
      // uac-transferor completes only after a NOTIFY with a 2xx sipfrag; the silent one never answers one.
      expect(result.code, sippSaw(result)).toBe(0);
      // RFC 3515 and 6665: 100 Trying at once, the subscription active while the call rings, and
      // terminated with the final answer, never before.
      const notifies = notifiesIn(result);
      expect(notifies[0], sippSaw(result)).toEqual({ state: 'active;expires=600', status: 'SIP/2.0 100' });
      const final = notifies.findIndex((n) => !n.status.startsWith('SIP/2.0 1'));
      if (scenario === 'uac-transferor') {
        expect(notifies[final], sippSaw(result)).toEqual({ state: 'terminated;reason=noresource', status: 'SIP/2.0 200' });
        expect(notifies.slice(0, final).every((n) => n.state === 'active;expires=600'), sippSaw(result)).toBe(true);
      }
      await core.waitForCall('the transferor hung up', (c) => c.id === original && c.state === 'ended');
      expect(core.call(original)?.endReason).toBe('remote-hangup');
      // The transferred call goes on, whatever became of the NOTIFYs.
      await new Promise((r) => setTimeout(r, 500));
      expect(core.call(next.id)?.state).toBe('established');
      await core.run('calls:hangup', { callId: next.id });
      await peer.waitForState(peerCall, SessionState.Terminated);
    });
  }

  it('the other party changes mid-call (re-INVITE, then UPDATE, with P-Asserted-Identity)', async () => {
    const sipp = startSippScriptedCaller({
      scenario: 'uac-identity',
      proxyUdpPort: kam.udpPort,
      port: sippPort,
      keys: { callee: ME, from_user: SIPP, new_name: 'Grace Hopper', new_user: '1777', update_name: 'Ada Lovelace', update_user: '1888' },
    });
    const callId = await answerSippCall();
    expect(core.call(callId)?.remote).toMatchObject({ displayName: 'Original Caller', number: SIPP });
    await core.waitForCall('identity from the re-INVITE', (c) => c.id === callId && c.remote.displayName === 'Grace Hopper');
    expect(core.call(callId)?.remote).toMatchObject({ number: '1777' });
    await core.waitForCall('identity from the UPDATE', (c) => c.id === callId && c.remote.displayName === 'Ada Lovelace');
    expect(core.call(callId)?.remote).toMatchObject({ number: '1888' });
    const result = await sipp.done;
    expect(result.code, sippSaw(result)).toBe(0);
    await core.waitForCall('ended', (c) => c.id === callId && c.state === 'ended');
  });

  it('do not disturb: the caller gets the chosen status without hearing it ring; the call is kept as missed', async () => {
    await configure((s) => ({ ...s, calls: { ...s.calls, dnd: true, dndStatus: 486 } }));
    try {
      const sipp = startSippCallerRejected({ callee: ME, proxyUdpPort: kam.udpPort, port: sippPort, fromHeader: `"Do Not Ring" <sip:${SIPP}@127.0.0.1>` });
      const result = await sipp.done;
      expect(result.code, sippSaw(result)).toBe(0);
      expect(responsesIn(result), sippSaw(result)).toContain(486);
      expect(responsesIn(result), sippSaw(result)).not.toContain(180);
      const call = await core.waitForCall('refused', (c) => c.remote.displayName === 'Do Not Ring' && c.state === 'ended');
      expect(call).toMatchObject({ endReason: 'do-not-disturb', silent: true });
    } finally {
      await configure((s) => s);
    }
  });

  it('forwarding always: the caller gets 302 naming the target, the call is recorded as forwarded', async () => {
    await configure((s) => ({ ...s, accounts: [{ ...s.accounts[0]!, forward: { mode: 'always', target: PEER, noAnswerS: 20 } }] }));
    try {
      const sipp = startSippScriptedCaller({ scenario: 'uac-forwarded', proxyUdpPort: kam.udpPort, port: sippPort, keys: { callee: ME, from_user: SIPP } });
      const result = await sipp.done;
      expect(result.code, sippSaw(result)).toBe(0);
      expect(result.messages).toMatch(new RegExp(`SIP/2\\.0 302[^]*Contact: <sip:${PEER}@127\\.0\\.0\\.1`));
      // Sent on at once: the caller never hears it ring here first.
      expect(responsesIn(result), sippSaw(result)).not.toContain(180);
      const call = await core.waitForCall('forwarded', (c) => c.remote.number === SIPP && c.endReason === 'forwarded');
      expect(call).toMatchObject({ silent: true, forwardedTo: `sip:${PEER}@127.0.0.1` });
    } finally {
      await configure((s) => s);
    }
  });

  it('a transfer target that never sends the final NOTIFY: after the bound the call is back with the user', async () => {
    await sippRegister({ user: SIPP, proxyUdpPort: kam.udpPort, localPort: sippPort });
    const uas = await startSippUas({ scenario: 'uas-refer-silent', user: SIPP, port: sippPort, timeoutS: 15 });
    try {
      const dialled = await core.run('calls:dial', { target: SIPP });
      await core.waitForCall('established', (c) => c.id === dialled.id && c.state === 'established');
      await core.run('calls:transfer', { callId: dialled.id, target: PEER });
      await core.waitForCall('trying', (c) => c.id === dialled.id && c.transfer?.state === 'trying');
      const failed = await core.waitForCall('given back', (c) => c.id === dialled.id && c.transfer?.state === 'failed', 5000);
      expect(failed).toMatchObject({ state: 'established', held: true, transfer: { status: null } });
      await core.run('calls:hangup', { callId: dialled.id });
      const result = await uas.done;
      expect(result.code, sippSaw(result)).toBe(0);
    } finally {
      await uas.stop();
      await sippRegister({ user: SIPP, proxyUdpPort: kam.udpPort, localPort: sippPort, expires: 0 });
    }
  });

  it('answers by itself when the INVITE asks (Call-Info answer-after) and the account allows it', async () => {
    await configure((s) => ({ ...s, accounts: [{ ...s.accounts[0]!, autoAnswer: 'when-asked' }] }));
    try {
      const before = peer.calls.length;
      await peer.call(ME, ['Call-Info: <sip:127.0.0.1>;answer-after=0']);
      const call = await core.waitForCall('answered by itself', (c) => c.remote.number === PEER && c.state === 'established' && c.autoAnswer);
      const peerCall = peer.calls[before]!;
      await peer.waitForState(peerCall, SessionState.Established);
      await core.run('calls:hangup', { callId: call.id });
      // Without the header it rings.
      await peer.call(ME);
      const ringing = await core.waitForCall('rings', (c) => c.remote.number === PEER && c.state === 'incoming');
      expect(ringing.autoAnswer).toBe(false);
      await core.run('calls:reject', { callId: ringing.id });
    } finally {
      await configure((s) => s);
    }
  });

  it('voicemail: a PUBLISH to the presence server reaches us as a NOTIFY of our subscription; an unsolicited NOTIFY too', async () => {
    const publish = startSippScriptedCaller({ scenario: 'uac-mwi-publish', proxyUdpPort: kam.udpPort, port: sippPort, keys: { callee: ME, new_count: '2', old_count: '8' } });
    expect((await publish.done).code).toBe(0);
    const status = await core.waitForAccount('voicemail count', (s) => s.voicemail?.newMessages === 2);
    expect(status.voicemail).toEqual({ waiting: true, newMessages: 2, oldMessages: 8, messageAccount: 'sip:*97@127.0.0.1' });
    const notify = startSippScriptedCaller({ scenario: 'uac-mwi-notify', proxyUdpPort: kam.udpPort, port: sippPort, keys: { callee: ME, new_count: '5', old_count: '1' } });
    expect((await notify.done).code).toBe(0);
    await core.waitForAccount('voicemail count (unsolicited)', (s) => s.voicemail?.newMessages === 5);
    expect(core.account().voicemail?.messageAccount).toBe('sip:*98@127.0.0.1');
    // The voicemail button dials what the server announced.
    const dialled = await core.run('accounts:callVoicemail', { accountId: 'main' });
    expect(dialled.remote.uri).toBe('sip:*98@127.0.0.1');
    await core.run('calls:hangup', { callId: dialled.id });
  });
});
