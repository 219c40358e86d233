// Several SIP accounts at once through createCore: each registers on its own server, calls go out
// on the account the user picks (the first registered one otherwise), incoming calls carry the
// account they came to, and removing or changing one account leaves the others alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../../preload/contract.ts';
import { defaultAccount, defaultSettings } from '../../../main/core/settings/settings-defaults.ts';
import { FIXED_SDP } from './support/fakes.ts';
import { FakeSipServer, header } from './support/fake-sip-server.ts';
import { makeCore, type Harness } from './support/core-harness.ts';

const sender = { id: 'renderer-1' };
let desk: FakeSipServer;
let sales: FakeSipServer;
let h: Harness;

function twoAccounts(): Settings {
  return {
    ...defaultSettings(),
    accounts: [
      { ...defaultAccount('desk'), label: 'Desk', wsUrl: desk.url, sipUri: 'sip:1001@127.0.0.1' },
      { ...defaultAccount('sales'), label: 'Sales line', wsUrl: sales.url, sipUri: 'sip:2001@127.0.0.1' },
    ],
  };
}

async function bothRegistered(): Promise<void> {
  await h.events.untilAccount('registered', 5000, 'desk');
  await h.events.untilAccount('registered', 5000, 'sales');
}

beforeEach(async () => {
  desk = await FakeSipServer.start();
  sales = await FakeSipServer.start();
});

afterEach(async () => {
  await h.core.stop();
  await desk.stop();
  await sales.stop();
});

describe('several accounts', () => {
  it('register at once, each on its own server, and are listed in the settings order with their labels', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    expect(h.core.getState().accounts.map((a) => [a.accountId, a.label, a.state, a.aor])).toEqual([
      ['desk', 'Desk', 'registered', 'sip:1001@127.0.0.1'],
      ['sales', 'Sales line', 'registered', 'sip:2001@127.0.0.1'],
    ]);
    expect(desk.requests('REGISTER').every((r) => header(r, 'from')?.includes('1001'))).toBe(true);
    expect(sales.requests('REGISTER').every((r) => header(r, 'from')?.includes('2001'))).toBe(true);
  });

  it('dial on the named account, or the first registered one; an unknown account is refused', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    await h.media.ready();
    const onSales = await h.core.handlers['calls:dial']({ target: '3003', accountId: 'sales' }, sender);
    expect(onSales.accountId).toBe('sales');
    await h.events.until('INVITE at the sales server', () => sales.requests('INVITE').length === 1);
    expect(header(sales.requests('INVITE')[0]!, 'from')).toContain('sip:2001@127.0.0.1');
    expect(desk.requests('INVITE')).toHaveLength(0);
    await h.core.handlers['calls:hangup']({ callId: onSales.id }, sender);

    await h.core.handlers['accounts:unregister']({ accountId: 'desk' }, sender);
    const byDefault = await h.core.handlers['calls:dial']({ target: '3004' }, sender);
    expect(byDefault.accountId).toBe('sales');
    await h.core.handlers['calls:hangup']({ callId: byDefault.id }, sender);

    await expect(h.core.handlers['calls:dial']({ target: '3005', accountId: 'desk' }, sender)).rejects.toMatchObject({ code: 'not-registered' });
    await expect(h.core.handlers['calls:dial']({ target: '3005', accountId: 'nobody' }, sender)).rejects.toMatchObject({ code: 'no-such-account' });
  });

  it('an incoming call carries the account it came to', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    await h.media.ready();
    sales.invite({ from: '"Customer" <sip:5555@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(h.core.getState().calls[0]).toMatchObject({ accountId: 'sales', remote: { displayName: 'Customer' } });
  });

  it('removing an account unregisters it and ends its calls; the other stays registered with its call', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    await h.media.ready();
    desk.invite({ from: '<sip:7001@127.0.0.1>', sdp: FIXED_SDP });
    sales.invite({ from: '<sip:7002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('two incoming calls', () => h.core.getState().calls.filter((c) => c.state === 'incoming').length === 2);
    const settings = twoAccounts();
    await h.core.handlers['settings:save']({ settings: { ...settings, accounts: [settings.accounts[0]!] } }, sender);
    expect(h.core.getState().accounts.map((a) => a.accountId)).toEqual(['desk']);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
    const calls = h.core.getState().calls;
    expect(calls.find((c) => c.accountId === 'sales')?.state).toBe('ended');
    expect(calls.find((c) => c.accountId === 'desk')?.state).toBe('incoming');
    await h.events.until('un-REGISTER at the sales server', () =>
      sales.requests('REGISTER').some((r) => /expires=0/.test(header(r, 'contact') ?? '') || header(r, 'expires') === '0'),
    );
  });

  it('changing one account re-registers only that one', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    const deskRegisters = desk.requests('REGISTER').length;
    const settings = twoAccounts();
    const changed: Settings = { ...settings, accounts: [settings.accounts[0]!, { ...settings.accounts[1]!, displayName: 'Sales Team' }] };
    await h.core.handlers['settings:save']({ settings: changed }, sender);
    await h.events.until('sales registered again', () => sales.requests('REGISTER').some((r) => header(r, 'from')?.includes('Sales Team') === true));
    await h.events.untilAccount('registered', 5000, 'sales');
    expect(desk.requests('REGISTER')).toHaveLength(deskRegisters);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
  });

  it('a new label is published without touching the registration', async () => {
    h = makeCore({ settings: twoAccounts() });
    await h.core.start();
    await bothRegistered();
    const registers = sales.requests('REGISTER').length;
    const settings = twoAccounts();
    await h.core.handlers['settings:save']({ settings: { ...settings, accounts: [settings.accounts[0]!, { ...settings.accounts[1]!, label: 'Inside sales' }] } }, sender);
    expect(h.events.lastAccount('sales')).toMatchObject({ label: 'Inside sales', state: 'registered' });
    expect(sales.requests('REGISTER')).toHaveLength(registers);
  });
});
