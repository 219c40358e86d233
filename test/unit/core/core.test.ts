// createCore as a host sees it: one handler per contract command, the state for a fresh UI,
// and start/stop/senderGone/networkChanged on a core with no account.
import { describe, expect, it } from 'vitest';
import { AppState, commandNames } from '../../../preload/contract.ts';
import { createDispatcher } from '../../../main/core/dispatch.ts';
import { settingsWith, TEST_ACCOUNT_ID } from './support/fakes.ts';
import { makeCore } from './support/core-harness.ts';

describe('createCore', () => {
  it('implements exactly the contract\'s commands', () => {
    const { core } = makeCore();
    expect(Object.keys(core.handlers).sort()).toEqual([...commandNames].sort());
    for (const name of commandNames) expect(typeof core.handlers[name]).toBe('function');
  });

  it('app:getState gives host, version, locale, settings, account and calls in the contract shape', async () => {
    const { core } = makeCore();
    await core.start();
    const state = await core.handlers['app:getState'](undefined, { id: 'r' });
    expect(AppState.safeParse(state).success).toBe(true);
    expect(state).toMatchObject({
      host: 'web',
      version: '0.1.0-test',
      systemLocale: 'en-US',
      settings: { passwordsStored: [], accounts: [], ui: { locale: 'auto' } },
      accounts: [],
      calls: [],
    });
    expect(core.getState()).toEqual(state);
    await core.stop();
  });

  it('start() publishes the loaded settings, so a renderer that asked before the load learns the password is stored', async () => {
    const h = makeCore({ settings: settingsWith({ wsUrl: 'ws://127.0.0.1:1', sipUri: 'sip:1@127.0.0.1', registerOnStart: false }), password: 'pw' });
    const early = await h.core.handlers['app:getState'](undefined, { id: 'r' });
    expect(early.settings.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
    await h.core.start();
    const published = h.events.last('settings:changed');
    expect(published).toMatchObject({ passwordsStored: [TEST_ACCOUNT_ID], accounts: [{ sipUri: 'sip:1@127.0.0.1' }] });
    expect(published).toEqual(h.core.getState().settings);
    await h.core.stop();
  });

  it('accounts:register for an account that does not exist says no-such-account; an empty one not-configured', async () => {
    const { core } = makeCore();
    await core.start();
    await expect(core.handlers['accounts:register']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' })).rejects.toMatchObject({ code: 'no-such-account' });
    await expect(core.handlers['accounts:unregister']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' })).rejects.toMatchObject({ code: 'no-such-account' });
    await core.handlers['settings:save']({ settings: settingsWith({}) }, { id: 'r' });
    await expect(core.handlers['accounts:register']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' })).rejects.toMatchObject({ code: 'not-configured' });
    await expect(core.handlers['accounts:unregister']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' })).resolves.toMatchObject({ state: 'unconfigured' });
    await core.stop();
  });

  it('works behind the dispatcher: arguments parsed, errors in the envelope', async () => {
    const { core } = makeCore();
    await core.start();
    const dispatch = createDispatcher(core.handlers);
    const bad = await dispatch('calls:dial', { target: 42 }, { id: 'r' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    const refused = await dispatch('calls:dial', { target: '1002' }, { id: 'r' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not-configured' } });
    const saved = await dispatch(
      'settings:save',
      { settings: settingsWith({ wsUrl: 'nope', sipUri: 'sip:1@x', registerOnStart: false }) },
      { id: 'r' },
    );
    expect(saved).toMatchObject({ ok: false, error: { code: 'invalid-settings', fields: { 'accounts.0.wsUrl': 'invalid-ws-url' } } });
    await core.stop();
  });

  it('senderGone, networkChanged and a second stop() on an idle core are harmless', async () => {
    const { core } = makeCore();
    await core.start();
    core.senderGone('nobody');
    core.networkChanged('resume');
    core.networkChanged('online');
    await core.stop();
    await core.stop();
  });

  it('a host whose event sink throws does not break commands', async () => {
    const h = makeCore();
    h.events.emit = () => {
      throw new Error('socket gone');
    };
    await h.core.start();
    await expect(
      h.core.handlers['settings:save']({ settings: settingsWith({ displayName: '' }) }, { id: 'r' }),
    ).resolves.toMatchObject({ passwordsStored: [] });
    expect(h.logger.lines.some((l) => l.level === 'error' && /settings:changed/.test(l.msg))).toBe(true);
    await h.core.stop();
  });
});
