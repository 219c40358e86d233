// The real-server harness itself: Kamailio starts on its own ports, routes calls between two
// sip.js phones and sipp, dies when killed and comes back on restart. If these fail, the core's
// integration tests cannot be trusted either way.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import { startKamailio, tcpAccepts, udpListening, freeUdpPort, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa } from '../support/peer-ua.ts';
import { sippRegister, startSippUas } from '../support/sipp.ts';
import { Cleanup, pollUntil } from '../support/process.ts';

/** Running, as opposed to gone or a zombie waiting to be reaped by init. */
function alive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('test harness', () => {
  let kam: Kamailio;
  const peers: PeerUa[] = [];
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    cleanup.add('peers', async () => {
      for (const p of peers) await p.stop();
    });
  });

  afterAll(() => cleanup.run());

  it('refuses to start Kamailio outside the loopback-only namespace', async () => {
    const saved = process.env.HOOKSWITCH_IN_NETNS;
    delete process.env.HOOKSWITCH_IN_NETNS;
    try {
      await expect(startKamailio()).rejects.toThrow(/in-netns\.sh/);
    } finally {
      process.env.HOOKSWITCH_IN_NETNS = saved;
    }
  });

  it('routes a call between two WebSocket phones, with BYE', async () => {
    const a = await startPeerUa({ wsUrl: kam.wsUrl, user: '2001' });
    const b = await startPeerUa({ wsUrl: kam.wsUrl, user: '2002', displayName: 'Bea' });
    peers.push(a, b);
    const call = await a.call('2002');
    await a.waitForState(call, SessionState.Established);
    const other = await b.waitForCall(0);
    expect(other.remoteUser).toBe('2001');
    await call.hangup();
    await b.waitForState(other, SessionState.Terminated);
    expect(other.byeReceived).toBe(true);
    expect(kam.requests().filter((r) => r.method === 'INVITE').length).toBe(1);
  });

  it('sipp answers 486 and answers with a WebRTC-shaped SDP, echoing Record-Route', async () => {
    const a = peers[0]!;
    const sippPort = await freeUdpPort();
    await sippRegister({ user: '2004', proxyUdpPort: kam.udpPort, localPort: sippPort });

    const busy = await startSippUas({ scenario: 'uas-busy', user: '2004', port: sippPort, timeoutS: 10 });
    const rejected = await a.call('2004');
    await a.waitForState(rejected, SessionState.Terminated);
    expect(rejected.finalStatus).toBe(486);
    expect((await busy.done).code).toBe(0);

    const answer = await startSippUas({ scenario: 'uas-webrtc-answer', user: '2004', port: sippPort, timeoutS: 10 });
    const answered = await a.call('2004');
    await a.waitForState(answered, SessionState.Established);
    await answered.hangup();
    const res = await answer.done;
    expect(res.code).toBe(0);
    expect(res.messages).toMatch(/Record-Route:/);
    await sippRegister({ user: '2004', proxyUdpPort: kam.udpPort, localPort: sippPort, expires: 0 });
  });

  it('kill() takes every Kamailio process down at once; restart() comes back on the same ports', async () => {
    const firstPid = kam.pid;
    expect(readFileSync(`/proc/${firstPid}/comm`, 'utf8').trim()).toBe('kamailio');
    await kam.kill();
    await pollUntil('Kamailio main process gone', () => !alive(firstPid), 2000);
    expect(udpListening(kam.udpPort)).toBe(false);
    expect(await tcpAccepts(kam.wsPort)).toBe(false);
    await kam.restart();
    expect(kam.pid).not.toBe(firstPid);
    expect(udpListening(kam.udpPort)).toBe(true);
    const c = await startPeerUa({ wsUrl: kam.wsUrl, user: '2003' });
    peers.push(c);
    expect(kam.log()).toMatch(/killed/);
  });

  it('WITH_AUTH challenges WS clients: "pw"+user registers, anything else does not', async () => {
    const authKam = await startKamailio({ auth: true });
    try {
      const good = await startPeerUa({ wsUrl: authKam.wsUrl, user: '2010', password: 'pw2010' });
      await good.stop();
      await expect(startPeerUa({ wsUrl: authKam.wsUrl, user: '2011', password: 'wrong' })).rejects.toThrow();
      await pollUntil('401 logged', () => authKam.requests().filter((r) => r.fromUser === '2011').length >= 2, 2000);
    } finally {
      await authKam.stop();
    }
  });

  it('WITH_PRESENCE: a dialog subscription gets NOTIFYs that follow a call (BLF)', async () => {
    const pres = await startKamailio({ presence: true });
    const started: PeerUa[] = [];
    try {
      const watcher = await startPeerUa({ wsUrl: pres.wsUrl, user: '2020' });
      const a = await startPeerUa({ wsUrl: pres.wsUrl, user: '2021' });
      const b = await startPeerUa({ wsUrl: pres.wsUrl, user: '2022' });
      started.push(watcher, a, b);
      const notes = await watcher.watchDialog('2022');
      await pollUntil('initial NOTIFY', () => notes.length >= 1, 3000);
      expect(notes[0]).toContain('dialog-info');
      const call = await a.call('2022');
      await a.waitForState(call, SessionState.Established);
      await pollUntil('confirmed NOTIFY', () => notes.some((n) => n.includes('<state>confirmed</state>')), 3000);
      await call.hangup();
      await pollUntil('terminated NOTIFY', () => notes.at(-1)?.includes('<state>terminated</state>'), 3000);
    } finally {
      for (const p of started) await p.stop();
      await pres.stop();
    }
  });
});
