// Registering and unregistering the account against a real Kamailio, as the user sees it in the
// account status, and as the other phones see it (reachable or not).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionState } from 'sip.js';
import { startKamailio, type Kamailio } from '../support/kamailio.ts';
import { startPeerUa, type PeerUa } from '../support/peer-ua.ts';
import { Cleanup, pollUntil } from '../support/process.ts';
import { startCore, stateSequence, type CoreFixture } from './core-fixture.ts';
import { TEST_ACCOUNT_ID } from '../unit/core/support/fakes.ts';

describe('account registration', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  let peer: PeerUa;
  const cleanup = new Cleanup();

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    core = await startCore();
    cleanup.add('core', () => core.stop());
    peer = await startPeerUa({ wsUrl: kam.wsUrl, user: '1102' });
    cleanup.add('peer', () => peer.stop());
  });

  afterAll(() => cleanup.run());

  let beforeSave = 0;

  it('starts unconfigured; saving the account through settings:save configures it', async () => {
    expect(core.core.getState().accounts).toEqual([]);
    beforeSave = core.accountHistory().length;
    const view = await core.configure({ wsUrl: kam.wsUrl, user: '1101', password: null });
    expect(view.accounts[0]!.sipUri).toBe('sip:1101@127.0.0.1');
    expect(view.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
    // Saving a new account may start registering it at once; either way it is configured.
    expect(['unregistered', 'connecting', 'registering', 'registered']).toContain(core.account().state);
    expect(core.account().aor).toBe('sip:1101@127.0.0.1');
  });

  it('registers: connecting -> registering -> registered, with the address of record', async () => {
    const res = await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    expect(['connecting', 'registering', 'registered']).toContain(res.state);
    const status = await core.waitForAccount('registered', (s) => s.state === 'registered');
    expect(status.aor).toBe('sip:1101@127.0.0.1');
    expect(status.error).toBeNull();
    expect(status.retryAt).toBeNull();
    const seq = stateSequence(core.accountHistory().slice(beforeSave)).filter((s, i) => !(i === 0 && s === 'unregistered'));
    expect(seq).toEqual(['connecting', 'registering', 'registered']);
    expect(kam.requests().filter((r) => r.method === 'REGISTER' && r.fromUser === '1101').length).toBeGreaterThanOrEqual(1);
  });

  it('is reachable once registered: a call from another phone arrives as incoming', async () => {
    const n = peer.calls.length;
    await peer.call('1101');
    const incoming = await core.waitForCall('incoming', (c) => c.direction === 'incoming' && c.state === 'incoming');
    await peer.calls[n]!.hangup();
    await core.waitForCall('canceled', (c) => c.id === incoming.id && c.state === 'ended');
    expect(core.call(incoming.id)?.endReason).toBe('canceled');
  });

  it('unregisters: state unregistered, and the server no longer routes calls to it (404)', async () => {
    const before = core.accountHistory().length;
    await core.run('accounts:unregister', { accountId: TEST_ACCOUNT_ID });
    const status = await core.waitForAccount('unregistered', (s) => s.state === 'unregistered');
    expect(status.error).toBeNull();
    expect(stateSequence(core.accountHistory().slice(before))).toContain('unregistered');
    const n = peer.calls.length;
    await peer.call('1101');
    const call = peer.calls[n]!;
    await peer.waitForState(call, SessionState.Terminated);
    expect(call.finalStatus).toBe(404);
  });

  it('registers again after unregistering', async () => {
    await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    await core.waitForAccount('registered again', (s) => s.state === 'registered');
  });

  it('moving the account to another server unregisters from the old one and registers on the new', async () => {
    const other = await startKamailio();
    cleanup.add('second kamailio', () => other.stop());
    const movedAt = Date.now();
    await core.configure({ wsUrl: other.wsUrl, user: '1101' });
    await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    await pollUntil('REGISTER at the new server', () => other.requests().some((r) => r.method === 'REGISTER' && r.fromUser === '1101'), 5000);
    await pollUntil('registered again after the move', () =>
      core.accountHistory().some((h) => h.at >= movedAt && h.status.state === 'registered'),
    );
    expect(core.account().state).toBe('registered');
    // The old server forgot us: its callers get 404 rather than a dead binding.
    const n = peer.calls.length;
    await peer.call('1101');
    await peer.waitForState(peer.calls[n]!, SessionState.Terminated);
    expect(peer.calls[n]!.finalStatus).toBe(404);
  });

  it('emitted only events and results that match the contract', () => {
    expect(core.violations).toEqual([]);
    expect(core.media.problems).toEqual([]);
  });
});
