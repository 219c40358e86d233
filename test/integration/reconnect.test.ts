// The server goes away (Kamailio killed by PID, no goodbye) and comes back: the account must show
// that it waits to retry with a growing backoff, re-register soon after the server returns, and
// skip the wait when the network comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import type { AccountStatus } from '../../preload/contract.ts';
import { startKamailio, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa } from '../support/peer-ua.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { startCore, type CoreFixture } from './core-fixture.ts';

const DOWN_FOR_MS = 4000;
/** The retry cap (2 s, ±20 %) keeps re-registration within 3 s of the server's return. */
const REREGISTER_BOUND_MS = 3000;

describe('server restart', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    core = await startCore();
    cleanup.add('core', () => core.stop());
    await core.registerAs({ wsUrl: kam.wsUrl, user: '1401' });
  });

  afterAll(() => cleanup.run());

  const waitingSince = (from: number): { at: number; status: AccountStatus }[] =>
    core.accountHistory().filter((h) => h.at >= from && h.status.state === 'waiting-to-retry');

  it('killed server: leaves registered, waits to retry with a growing backoff; back within 3 s of the restart', async () => {
    const killedAt = Date.now();
    await kam.kill();

    const first = await core.waitForAccount('waiting-to-retry', (s) => s.state === 'waiting-to-retry', 5000);
    expect(first.retryAt).not.toBeNull();
    expect(first.retryAt!).toBeGreaterThan(Date.now() - 50);
    expect(first.error?.code).toBe('unreachable');
    expect(first.aor).toBe('sip:1401@127.0.0.1');

    await new Promise((r) => setTimeout(r, Math.max(0, killedAt + DOWN_FOR_MS - Date.now())));
    const waits = waitingSince(killedAt);
    // Each failed attempt is counted and the next one is further away than the last.
    const attempts = waits.map((w) => w.status.attempts);
    expect(new Set(attempts).size).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < attempts.length; i++) expect(attempts[i]!).toBeGreaterThanOrEqual(attempts[i - 1]!);
    const delays = dedupeByAttempt(waits).map((w) => w.status.retryAt! - w.at);
    expect(delays.length).toBeGreaterThanOrEqual(2);
    expect(delays.at(-1)!).toBeGreaterThan(delays[0]!);
    // While the server is away the state never claims registered.
    expect(core.accountHistory().filter((h) => h.at > killedAt + 100).every((h) => h.status.state !== 'registered')).toBe(true);

    await kam.restart();
    const restartedAt = Date.now();
    await core.waitForAccount('registered after restart', (s) => s.state === 'registered', REREGISTER_BOUND_MS + 2000);
    const tookMs = Date.now() - restartedAt;
    console.log(`re-registered ${tookMs} ms after Kamailio came back`);
    expect(tookMs).toBeLessThanOrEqual(REREGISTER_BOUND_MS);
    const back = core.account();
    expect(back.error).toBeNull();
    expect(back.retryAt).toBeNull();
    expect(back.attempts).toBe(0);

    // Registered for real: the restarted server (empty location table) routes a call to us.
    const peer = await startPeerUa({ wsUrl: kam.wsUrl, user: '1402', displayName: 'After Restart' });
    cleanup.add('peer', () => peer.stop());
    await peer.call('1401');
    const incoming = await core.waitForCall('incoming after restart', (c) => c.direction === 'incoming' && c.state === 'incoming');
    expect(incoming.remote.displayName).toBe('After Restart');
    await core.run('calls:reject', { callId: incoming.id });
    await peer.stop();
  });

  it("networkChanged('online') while waiting: an immediate attempt, well before retryAt", async () => {
    const killedAt = Date.now();
    await kam.kill();
    // Let the backoff grow until the next scheduled attempt is comfortably far away.
    const waiting = await pollUntil(
      'a retry scheduled at least 1.5 s ahead',
      () => {
        const s = core.account();
        return s.state === 'waiting-to-retry' && s.retryAt !== null && s.retryAt - Date.now() >= 1500 ? s : undefined;
      },
      12_000,
    );
    await kam.restart();
    const retryAt = waiting.retryAt!;
    const signalledAt = Date.now();
    core.core.networkChanged('online');
    await core.waitForAccount('registered after networkChanged', (s) => s.state === 'registered', 3000);
    const registeredAt = Date.now();
    console.log(`registered ${registeredAt - signalledAt} ms after networkChanged; the retry was due in ${retryAt - signalledAt} ms`);
    expect(registeredAt).toBeLessThan(retryAt);
    expect(registeredAt - signalledAt).toBeLessThan(1500);
    expect(core.accountHistory().some((h) => h.at > killedAt && h.status.state === 'waiting-to-retry')).toBe(true);
    expect(core.violations).toEqual([]);
  });
});

/** One entry per attempt count: the first time each retry was announced. */
function dedupeByAttempt(waits: { at: number; status: AccountStatus }[]): { at: number; status: AccountStatus }[] {
  const seen = new Set<number>();
  return waits.filter((w) => {
    if (seen.has(w.status.attempts)) return false;
    seen.add(w.status.attempts);
    return true;
  });
}

describe('a call through a server restart', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    core = await startCore();
    cleanup.add('core', () => core.stop());
    await core.registerAs({ wsUrl: kam.wsUrl, user: '1411' });
  });

  afterAll(() => cleanup.run());

  it('shows reconnecting, registers again, renegotiates the call (re-INVITE, ICE restart) and keeps it', async () => {
    const peer = await startPeerUa({ wsUrl: kam.wsUrl, user: '1412', displayName: 'Survivor' });
    cleanup.add('peer', () => peer.stop());
    const dialled = await core.run('calls:dial', { target: '1412' });
    await core.waitForCall('established', (c) => c.id === dialled.id && c.state === 'established');
    const peerCall = await peer.waitForCall(0);
    await peer.waitForState(peerCall, SessionState.Established);

    await kam.kill();
    await core.waitForCall('reconnecting', (c) => c.id === dialled.id && c.reconnecting);
    await new Promise((r) => setTimeout(r, 1500));
    await kam.restart();
    const restartedAt = Date.now();
    await peer.reconnect();
    await core.waitForAccount('registered again', (s) => s.state === 'registered', 5000);
    const registeredMs = Date.now() - restartedAt;
    await core.waitForCall('recovered', (c) => c.id === dialled.id && !c.reconnecting, 8000);
    const recoveredMs = Date.now() - restartedAt;
    console.log(`server back: registered after ${registeredMs} ms, call renegotiated after ${recoveredMs} ms`);
    expect(registeredMs).toBeLessThanOrEqual(REREGISTER_BOUND_MS);
    // The re-INVITE went through the restarted proxy to the peer, with an ICE restart offer.
    await pollUntil('re-INVITE at the peer', () => peerCall.reinviteDirections.length > 0, 5000);
    expect(core.media.sessionFor(dialled.id)?.iceRestarts).toBeGreaterThanOrEqual(1);
    expect(core.call(dialled.id)?.state).toBe('established');

    // The dialog works both ways after the restart: the peer's BYE reaches us (our GRUU).
    await peerCall.hangup();
    await core.waitForCall('ended by the peer', (c) => c.id === dialled.id && c.state === 'ended');
    expect(core.call(dialled.id)?.endReason).toBe('remote-hangup');
  });
});
