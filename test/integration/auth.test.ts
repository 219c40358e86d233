// Digest authentication against Kamailio WITH_AUTH (password "pw" + user): the right password
// registers; a wrong one stops with 'wrong-credentials' and never hammers the server again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../support/kamailio.ts';
import { Cleanup } from '../support/process.ts';
import { startCore, type CoreFixture } from './core-fixture.ts';
import { TEST_ACCOUNT_ID } from '../unit/core/support/fakes.ts';

const QUIET_PERIOD_MS = 6000;

describe('digest authentication', () => {
  let kam: Kamailio;
  const cleanup = new Cleanup();
  const newCore = async (): Promise<CoreFixture> => {
    const c = await startCore();
    cleanup.add('core', () => c.stop());
    return c;
  };

  beforeAll(async () => {
    kam = await startKamailio({ auth: true });
    cleanup.add('kamailio', () => kam.stop());
  });

  afterAll(() => cleanup.run());

  const registers = (user: string): number => kam.requests().filter((r) => r.method === 'REGISTER' && r.fromUser === user).length;

  it('registers with the right password, which the settings view never shows', async () => {
    const core = await newCore();
    const view = await core.configure({ wsUrl: kam.wsUrl, user: '1201', password: 'pw1201' });
    expect(view.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(true);
    expect(JSON.stringify(view)).not.toContain('pw1201');
    await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    await core.waitForAccount('registered', (s) => s.state === 'registered');
    // A challenge, then the authenticated REGISTER.
    expect(registers('1201')).toBeGreaterThanOrEqual(2);
  });

  it('a wrong password fails with wrong-credentials and sends no further REGISTER', async () => {
    const core = await newCore();
    await core.configure({ wsUrl: kam.wsUrl, user: '1202', password: 'not-the-password' });
    await core.run('accounts:register', { accountId: TEST_ACCOUNT_ID });
    const status = await core.waitForAccount('failed', (s) => s.state === 'failed', 8000);
    expect(status.error?.code).toBe('wrong-credentials');
    expect([401, 403, 407]).toContain(status.error?.status);
    expect(status.retryAt).toBeNull();

    const atFailure = registers('1202');
    // One unauthenticated REGISTER and one with the (wrong) credentials; never a loop.
    expect(atFailure).toBeGreaterThanOrEqual(1);
    expect(atFailure).toBeLessThanOrEqual(3);
    await new Promise((r) => setTimeout(r, QUIET_PERIOD_MS));
    expect(registers('1202')).toBe(atFailure);
    expect(core.account().state).toBe('failed');
    expect(core.violations).toEqual([]);
  });

  it('without a password it does not try to register at all (no-password), or fails as wrong-credentials', async () => {
    const core = await newCore();
    await core.configure({ wsUrl: kam.wsUrl, user: '1203', password: null });
    const res = await core.invoke('accounts:register', { accountId: TEST_ACCOUNT_ID });
    const status = res.ok
      ? await core.waitForAccount('failed', (s) => s.state === 'failed', 8000)
      : core.account();
    // The user must see why: a missing password, or the server's refusal.
    expect(['no-password', 'wrong-credentials']).toContain(status.error?.code);
    const count = registers('1203');
    await new Promise((r) => setTimeout(r, 1000));
    expect(registers('1203')).toBe(count);
  });
});
