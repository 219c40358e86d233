// Calls through a real Kamailio between the core and a second sip.js phone (and sipp): what the
// user sees in the call list, and what the other side actually received on the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import type { Call } from '../../preload/contract.ts';
import { startKamailio, freeUdpPort, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa, type PeerCall } from '../support/peer-ua.ts';
import { sippRegister, startSippCallerRejected, startSippUas } from '../support/sipp.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { startCore, type CoreFixture } from './core-fixture.ts';

const ME = '1301';
const PEER = '1302';
const INFO_ME = '1303';
const SIPP = '1304';

describe('calls', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  let peer: PeerUa;
  let sippPort: number;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    core = await startCore();
    cleanup.add('core', () => core.stop());
    peer = await startPeerUa({ wsUrl: kam.wsUrl, user: PEER, displayName: 'Peer Bob' });
    cleanup.add('peer', () => peer.stop());
    sippPort = await freeUdpPort();
    await core.registerAs({ wsUrl: kam.wsUrl, user: ME });
  });

  afterAll(() => cleanup.run());

  /** Dials and waits until the call is established on both ends. */
  async function dialEstablished(fixture: CoreFixture, target: string): Promise<{ call: Call; peerCall: PeerCall }> {
    const n = peer.calls.length;
    const dialed = await fixture.run('calls:dial', { target });
    expect(dialed.direction).toBe('outgoing');
    expect(['dialing', 'ringing']).toContain(dialed.state);
    const call = await fixture.waitForCall('established', (c) => c.id === dialed.id && c.state === 'established');
    const peerCall = await peer.waitForCall(n);
    await peer.waitForState(peerCall, SessionState.Established);
    return { call, peerCall };
  }

  describe('outgoing call to another phone', () => {
    let call: Call;
    let peerCall: PeerCall;

    it('is established, showing the number dialled', async () => {
      ({ call, peerCall } = await dialEstablished(core, PEER));
      expect(call.remote.number).toBe(PEER);
      expect(call.remote.uri).toContain(`${PEER}@127.0.0.1`);
      expect(call.answeredAt).not.toBeNull();
      expect(call.held).toBe(false);
      expect(peerCall.remoteUser).toBe(ME);
      // The call got its own media session, created before any offer was asked for.
      const session = core.media.sessionFor(call.id);
      expect(session).toBeDefined();
      expect(core.media.requests.find((r) => r.op === 'create')).toMatchObject({ callId: call.id, iceServers: [] });
    });

    it('holds: the peer receives a re-INVITE offering sendonly/inactive, and the call shows held', async () => {
      const res = await core.run('calls:hold', { callId: call.id, hold: true });
      const held = res.held ? res : await core.waitForCall('held', (c) => c.id === call.id && c.held);
      expect(held.held).toBe(true);
      expect(held.state).toBe('established');
      await pollUntil('re-INVITE at the peer', () => peerCall.reinviteDirections.length >= 1);
      expect(['sendonly', 'inactive']).toContain(peerCall.reinviteDirections.at(-1));
      const asked = core.media.requests.filter((r) => r.op === 'getDescription');
      expect(asked.at(-1)).toMatchObject({ options: { hold: true } });
    });

    it('resumes: the re-INVITE offers sendrecv again and the call is no longer held', async () => {
      const n = peerCall.reinviteDirections.length;
      const res = await core.run('calls:hold', { callId: call.id, hold: false });
      const resumed = !res.held ? res : await core.waitForCall('resumed', (c) => c.id === call.id && !c.held);
      expect(resumed.held).toBe(false);
      await pollUntil('second re-INVITE at the peer', () => peerCall.reinviteDirections.length > n);
      expect(peerCall.reinviteDirections.at(-1)).toBe('sendrecv');
      expect(peerCall.state).toBe(SessionState.Established);
    });

    it('mutes and unmutes through the media engine', async () => {
      const muted = await core.run('calls:mute', { callId: call.id, muted: true });
      expect(muted.muted).toBe(true);
      expect(core.media.sessionFor(call.id)?.muted).toBe(true);
      const unmuted = await core.run('calls:mute', { callId: call.id, muted: false });
      expect(unmuted.muted).toBe(false);
      expect(core.media.sessionFor(call.id)?.muted).toBe(false);
    });

    it('sends DTMF as RFC 4733 through the media engine (default mode), not as SIP INFO', async () => {
      await core.run('calls:dtmf', { callId: call.id, tones: '12#' });
      await pollUntil('sendDtmf at the media engine', () => core.media.dtmfFor(call.id) === '12#', 3000);
      expect(peerCall.infos).toEqual([]);
    });

    it('hangs up from the core: the peer receives BYE, the call ends local-hangup, media closed', async () => {
      await core.run('calls:hangup', { callId: call.id });
      const ended = await core.waitForCall('ended', (c) => c.id === call.id && c.state === 'ended');
      expect(ended.endReason).toBe('local-hangup');
      expect(ended.endedAt).not.toBeNull();
      await peer.waitForState(peerCall, SessionState.Terminated);
      expect(peerCall.byeReceived).toBe(true);
      await pollUntil('media closed', () => core.media.sessionFor(call.id)?.closed, 3000);
    });
  });

  describe('DTMF as SIP INFO', () => {
    let infoCore: CoreFixture;

    beforeAll(async () => {
      infoCore = await startCore({ media: { senderId: 'media-info' } });
      cleanup.add('info core', () => infoCore.stop());
      await infoCore.registerAs({ wsUrl: kam.wsUrl, user: INFO_ME, dtmfMode: 'info' });
    });

    it('the peer receives application/dtmf-relay INFOs in order; a peer hangup ends the call remote-hangup', async () => {
      const { call, peerCall } = await dialEstablished(infoCore, PEER);
      await infoCore.run('calls:dtmf', { callId: call.id, tones: '1*9#' });
      await pollUntil('4 INFOs at the peer', () => peerCall.infos.length >= 4, 5000);
      expect(peerCall.infos.map((i) => i.contentType.split(';')[0]?.trim().toLowerCase())).toEqual(Array(4).fill('application/dtmf-relay'));
      const signals = peerCall.infos.map((i) => /Signal\s*=\s*(\S)/i.exec(i.body)?.[1]);
      expect(signals).toEqual(['1', '*', '9', '#']);
      expect(infoCore.media.dtmfFor(call.id)).toBe('');

      await peerCall.hangup();
      const ended = await infoCore.waitForCall('ended', (c) => c.id === call.id && c.state === 'ended');
      expect(ended.endReason).toBe('remote-hangup');
      await pollUntil('media closed', () => infoCore.media.sessionFor(call.id)?.closed, 3000);
      expect(infoCore.violations).toEqual([]);
    });
  });

  describe('incoming call from another phone', () => {
    it("shows the caller's display name and number, and answers", async () => {
      const n = peer.calls.length;
      await peer.call(ME);
      const incoming = await core.waitForCall('incoming', (c) => c.direction === 'incoming' && c.state === 'incoming');
      expect(incoming.remote.displayName).toBe('Peer Bob');
      expect(incoming.remote.number).toBe(PEER);
      const peerCall = peer.calls[n]!;

      const answered = await core.run('calls:answer', { callId: incoming.id });
      expect(['answering', 'established']).toContain(answered.state);
      await core.waitForCall('established', (c) => c.id === incoming.id && c.state === 'established');
      await peer.waitForState(peerCall, SessionState.Established);
      expect(peerCall.finalStatus).toBe(200);

      await peerCall.hangup();
      const ended = await core.waitForCall('ended', (c) => c.id === incoming.id && c.state === 'ended');
      expect(ended.endReason).toBe('remote-hangup');
    });

    it('rejects: the caller receives 486 Busy Here', async () => {
      const n = peer.calls.length;
      await peer.call(ME);
      const incoming = await core.waitForCall('incoming', (c) => c.direction === 'incoming' && c.state === 'incoming');
      await core.run('calls:reject', { callId: incoming.id });
      const peerCall = peer.calls[n]!;
      await peer.waitForState(peerCall, SessionState.Terminated);
      expect(peerCall.finalStatus).toBe(486);
      const ended = await core.waitForCall('ended', (c) => c.id === incoming.id && c.state === 'ended');
      expect(ended.endReason).toBe('rejected-by-user');
    });
  });

  describe('caller-supplied identity (sipp caller on UDP)', () => {
    async function incomingFrom(fromHeader: string, extraHeader?: string): Promise<Call> {
      const port = await freeUdpPort();
      const caller = startSippCallerRejected({ callee: ME, proxyUdpPort: kam.udpPort, port, fromHeader, ...(extraHeader ? { extraHeader } : {}) });
      const incoming = await core.waitForCall('incoming from sipp', (c) => c.direction === 'incoming' && c.state === 'incoming');
      await core.run('calls:reject', { callId: incoming.id });
      const res = await caller.done;
      expect(res.code, res.screen.slice(-1500)).toBe(0);
      await core.waitForCall('ended', (c) => c.id === incoming.id && c.state === 'ended');
      return incoming;
    }

    it('a quoted display name with escaped quotes, markup and a bidi override arrives as plain text', async () => {
      const call = await incomingFrom('"Evil \\"Quote\\" <b>x</b>\u202E" <sip:1699@127.0.0.1>');
      expect(call.remote.displayName).toBe('Evil "Quote" <b>x</b>');
      expect(call.remote.number).toBe('1699');
    });

    it('a From without a display name (<sip:1697@…>, the most common): an empty name and the number', async () => {
      const call = await incomingFrom('<sip:1697@127.0.0.1>');
      expect(call.remote.displayName).toBe('');
      expect(call.remote.number).toBe('1697');
      expect(call.remote.uri).toBe('sip:1697@127.0.0.1');
    });

    it('a P-Asserted-Identity from the PBX wins over From', async () => {
      const call = await incomingFrom('"Anonymous" <sip:1698@127.0.0.1>', 'P-Asserted-Identity: "Reception" <tel:+4930123>');
      expect(call.remote.displayName).toBe('Reception');
      expect(call.remote.number).toBe('+4930123');
    });
  });

  describe('calls that fail', () => {
    it('busy phone (486 from the peer): endReason busy, endStatus 486', async () => {
      peer.setIncoming({ mode: 'reject', status: 486 });
      try {
        const dialed = await core.run('calls:dial', { target: PEER });
        const ended = await core.waitForCall('ended', (c) => c.id === dialed.id && c.state === 'ended');
        expect(ended.endReason).toBe('busy');
        expect(ended.endStatus).toBe(486);
      } finally {
        peer.setIncoming({ mode: 'answer' });
      }
    });

    it('busy sipp UAS on UDP: endReason busy, endStatus 486', async () => {
      await sippRegister({ user: SIPP, proxyUdpPort: kam.udpPort, localPort: sippPort });
      const uas = await startSippUas({ scenario: 'uas-busy', user: SIPP, port: sippPort, timeoutS: 10 });
      const dialed = await core.run('calls:dial', { target: SIPP });
      const ended = await core.waitForCall('ended', (c) => c.id === dialed.id && c.state === 'ended');
      expect(ended.endReason).toBe('busy');
      expect(ended.endStatus).toBe(486);
      expect((await uas.done).code).toBe(0);
    });

    it('a sipp UAS answering with WebRTC-shaped SDP: established, and our BYE reaches it', async () => {
      const uas = await startSippUas({ scenario: 'uas-webrtc-answer', user: SIPP, port: sippPort, timeoutS: 10 });
      const dialed = await core.run('calls:dial', { target: SIPP });
      const call = await core.waitForCall('established', (c) => c.id === dialed.id && c.state === 'established');
      expect(core.media.sessionFor(call.id)?.remoteSdp).toContain('a=fingerprint:sha-256');
      await core.run('calls:hangup', { callId: call.id });
      const res = await uas.done;
      expect(res.code).toBe(0);
      await sippRegister({ user: SIPP, proxyUdpPort: kam.udpPort, localPort: sippPort, expires: 0 });
    });

    it('an unknown extension: endReason not-found, endStatus 404', async () => {
      const dialed = await core.run('calls:dial', { target: '1399' });
      const ended = await core.waitForCall('ended', (c) => c.id === dialed.id && c.state === 'ended');
      expect(ended.endReason).toBe('not-found');
      expect(ended.endStatus).toBe(404);
    });
  });

  describe('commands that do not fit the call', () => {
    it('answer on an outgoing call is invalid-call-state; an unknown call id is no-such-call', async () => {
      const { call, peerCall } = await dialEstablished(core, PEER);
      const answer = await core.invoke('calls:answer', { callId: call.id });
      expect(answer.ok ? null : answer.error.code).toBe('invalid-call-state');
      const hangup = await core.invoke('calls:hangup', { callId: 'no-such-call-id' });
      expect(hangup.ok ? null : hangup.error.code).toBe('no-such-call');
      expect(core.call(call.id)?.state).toBe('established');
      await peerCall.hangup();
      await core.waitForCall('ended', (c) => c.id === call.id && c.state === 'ended');
    });
  });

  describe('when the media engine fails or is missing', () => {
    it('no media engine attached yet: dial is refused with media-unavailable, nothing is sent', async () => {
      const bare = await startCore({ attachMedia: false });
      cleanup.add('core without media', () => bare.stop());
      await bare.registerAs({ wsUrl: kam.wsUrl, user: '1306' });
      const invitesBefore = kam.requests().filter((r) => r.method === 'INVITE').length;
      const res = await bare.invoke('calls:dial', { target: PEER });
      expect(res.ok ? null : res.error.code).toBe('media-unavailable');
      expect(kam.requests().filter((r) => r.method === 'INVITE').length).toBe(invitesBefore);
    });

    it('the media engine cannot make an offer: the call ends media-failed and no INVITE reaches the peer', async () => {
      const failing = await startCore({ media: { senderId: 'media-failing', failOps: ['getDescription'] } });
      cleanup.add('core with failing media', () => failing.stop());
      await failing.registerAs({ wsUrl: kam.wsUrl, user: '1305' });
      const n = peer.calls.length;
      const res = await failing.invoke('calls:dial', { target: PEER });
      if (res.ok) {
        const ended = await failing.waitForCall('ended', (c) => c.id === res.value.id && c.state === 'ended');
        expect(ended.endReason).toBe('media-failed');
      } else {
        expect(res.error.code).toBe('media-failed');
      }
      await new Promise((r) => setTimeout(r, 300));
      expect(peer.calls.length).toBe(n);
      expect(failing.calls().filter((c) => c.state !== 'ended')).toEqual([]);
    });

    it('the renderer holding the media goes away mid-call: the call ends media-failed and the peer gets BYE', async () => {
      const { call, peerCall } = await dialEstablished(core, PEER);
      core.core.senderGone(core.media.senderId);
      const ended = await core.waitForCall('ended', (c) => c.id === call.id && c.state === 'ended');
      expect(ended.endReason).toBe('media-failed');
      await peer.waitForState(peerCall, SessionState.Terminated);
      expect(peerCall.byeReceived).toBe(true);
      // The renderer comes back and says ready again: calls work again.
      await core.attachMedia();
      const again = await dialEstablished(core, PEER);
      await core.run('calls:hangup', { callId: again.call.id });
      await peer.waitForState(again.peerCall, SessionState.Terminated);
    });
  });

  describe('stop()', () => {
    it('ends a live call (peer gets BYE) and unregisters, within its bound', async () => {
      const stopping = await startCore({ media: { senderId: 'media-stop' } });
      cleanup.add('core being stopped', () => stopping.stop());
      await stopping.registerAs({ wsUrl: kam.wsUrl, user: '1307' });
      const { peerCall } = await dialEstablished(stopping, PEER);
      const t0 = Date.now();
      await stopping.stop();
      expect(Date.now() - t0).toBeLessThan(5000);
      await peer.waitForState(peerCall, SessionState.Terminated);
      expect(peerCall.byeReceived).toBe(true);
      const n = peer.calls.length;
      await peer.call('1307');
      await peer.waitForState(peer.calls[n]!, SessionState.Terminated);
      expect(peer.calls[n]!.finalStatus).toBe(404);
    });
  });

  it('emitted only events and results that match the contract', () => {
    expect(core.violations).toEqual([]);
    expect(core.media.problems).toEqual([]);
  });
});
