import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../preload/contract.ts';
import {
  accountFieldPath,
  canAddAccount,
  emptyAccountForm,
  fieldError,
  firstAccountWithError,
  formFromSettings,
  newAccountId,
  newWebhookSecret,
  otherFieldErrors,
  settingsFromForm,
  textToIceServers,
  type AccountFormValues,
} from '../../../renderer/src/lib/settings-form.ts';
import { makeAccount, makeSettingsView } from '../../support/contract-values.ts';
import { formatDuration, initialsOf } from '../../../renderer/src/lib/format.ts';

const view: SettingsView = makeSettingsView({
  accounts: [
    makeAccount({
      label: 'Desk',
      wsUrl: 'wss://pbx/ws',
      sipUri: 'sip:1001@pbx',
      authUser: '1001',
      displayName: 'Desk 1',
      iceServers: [{ urls: 'turn:t.example:3478', username: 'u', credential: 'c' }, { urls: ['stun:a', 'stun:b'] }],
    }),
    makeAccount({ id: 'sales', wsUrl: 'wss://other/ws', sipUri: 'sip:2001@other', registerOnStart: false }),
  ],
  audio: { inputDeviceId: 'mic', outputDeviceId: '', ringDeviceIds: ['spk', ''] },
  passwordsStored: ['main'],
  webhooks: [{ id: 'crm', label: 'CRM', enabled: true, url: 'https://crm.example.com/hook?c={callId}', events: ['ConnectionCleared'], bodyTemplate: '' }],
  webhookSecretsStored: ['crm'],
});

describe('settings form', () => {
  it('round-trips the settings, every account in order, keeping TURN credentials of unchanged URLs', () => {
    const form = formFromSettings(view);
    expect(form.accounts.map((a) => a.id)).toEqual(['main', 'sales']);
    expect(form.accounts[0]!.iceServers).toBe('turn:t.example:3478\nstun:a\nstun:b');
    const { settings, passwords } = settingsFromForm(form, view);
    expect(passwords).toEqual({});
    expect(settings.accounts[0]!.iceServers).toEqual([
      { urls: 'turn:t.example:3478', username: 'u', credential: 'c' },
      { urls: 'stun:a' },
      { urls: 'stun:b' },
    ]);
    const { passwordsStored: _ignored, webhookSecretsStored: _secrets, ...plain } = view;
    const first = { ...settings.accounts[0]!, iceServers: view.accounts[0]!.iceServers };
    expect({ ...settings, accounts: [first, settings.accounts[1]] }).toEqual(plain);
  });

  it('treats a webhook secret as write-only, like a password', () => {
    const form = formFromSettings(view);
    const withHook = (patch: Partial<(typeof form.webhooks)[number]>) => ({ ...form, webhooks: [{ ...form.webhooks[0]!, ...patch }] });
    expect(settingsFromForm(form, view).webhookSecrets).toEqual({});
    expect(settingsFromForm(withHook({ secret: ' s3cret ' }), view).webhookSecrets).toEqual({ crm: 's3cret' });
    expect(settingsFromForm(withHook({ clearSecret: true }), view).webhookSecrets).toEqual({ crm: null });
    expect(newWebhookSecret(() => new Uint8Array(32).fill(171))).toBe('ab'.repeat(32));
  });

  it('treats each password as write-only: empty keeps, text sets, clear forgets', () => {
    const form = formFromSettings(view);
    const withAccount = (patch: Partial<AccountFormValues>) => ({ ...form, accounts: [{ ...form.accounts[0]!, ...patch }, form.accounts[1]!] });
    expect(settingsFromForm(withAccount({ password: 'pw' }), view).passwords).toEqual({ main: 'pw' });
    expect(settingsFromForm(withAccount({ clearPassword: true }), view).passwords).toEqual({ main: null });
    expect(settingsFromForm(withAccount({ clearPassword: true, password: 'new' }), view).passwords).toEqual({ main: 'new' });
  });

  it('offers one empty account when there is none, and does not save it left empty', () => {
    const empty = makeSettingsView();
    const form = formFromSettings(empty);
    expect(form.accounts).toHaveLength(1);
    expect(form.accounts[0]!.id).toMatch(/^a[0-9a-z]{6}$/);
    expect(settingsFromForm(form, empty).settings.accounts).toEqual([]);
    form.accounts[0]!.wsUrl = 'ws://x';
    expect(settingsFromForm(form, empty).settings.accounts).toHaveLength(1);
  });

  it('adds accounts with new ids, up to eight', () => {
    const form = formFromSettings(view);
    const id = newAccountId(form.accounts.map((a) => a.id), () => 0);
    expect(id).toBe('a000000');
    expect(newAccountId(['a000000'], (() => { let n = 0; return () => (n++ === 0 ? 0 : 0.5); })())).not.toBe('a000000');
    while (canAddAccount(form)) form.accounts.push(emptyAccountForm(newAccountId(form.accounts.map((a) => a.id))));
    expect(form.accounts).toHaveLength(8);
  });

  it('reads blank ICE text as no servers', () => {
    expect(textToIceServers('  \n\n', [])).toEqual([]);
    expect(textToIceServers(' stun:x \r\n', [])).toEqual([{ urls: 'stun:x' }]);
  });

  it('maps field errors to the form field that shows them, and finds the account with one', () => {
    const accounts = formFromSettings(view).accounts;
    const fields = { 'accounts.1.wsUrl': 'required', 'accounts.0.iceServers.1.urls.0': 'invalid-ice-url', 'passwords.sales': 'no-such-account', 'other.thing': 'invalid' };
    expect(fieldError(fields, accountFieldPath(accounts, 1, 'wsUrl'))).toBe('required');
    expect(fieldError(fields, accountFieldPath(accounts, 0, 'iceServers'))).toBe('invalid-ice-url');
    expect(fieldError(fields, accountFieldPath(accounts, 1, 'password'))).toBe('no-such-account');
    expect(fieldError(fields, accountFieldPath(accounts, 0, 'sipUri'))).toBeUndefined();
    expect(otherFieldErrors(fields, accounts)).toEqual([['other.thing', 'invalid']]);
    expect(firstAccountWithError({ 'accounts.1.wsUrl': 'required' }, accounts)).toBe(1);
    expect(firstAccountWithError({ 'passwords.sales': 'x' }, accounts)).toBe(1);
    expect(firstAccountWithError({ 'numbers.defaultCountry': 'x' }, accounts)).toBeNull();
  });
});

describe('formatting', () => {
  it('formats call durations', () => {
    expect(formatDuration(0)).toBe('00:00');
    expect(formatDuration(65_999)).toBe('01:05');
    expect(formatDuration(3_600_000 + 61_000)).toBe('1:01:01');
    expect(formatDuration(-5000)).toBe('00:00');
  });

  it('makes avatar initials from names in any script, or from the number', () => {
    expect(initialsOf('Alice Smith', '1002')).toBe('AS');
    expect(initialsOf('张伟', '1002')).toBe('张');
    expect(initialsOf('', '+49 301234')).toBe('34');
    expect(initialsOf('  ', 'sip:x@y')).toBe('#');
  });
});
