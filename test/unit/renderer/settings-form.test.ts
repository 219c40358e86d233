import { describe, expect, it } from 'vitest';
import type { SettingsView } from '../../../preload/contract.ts';
import { fieldError, formFromSettings, otherFieldErrors, settingsFromForm, textToIceServers } from '../../../renderer/src/lib/settings-form.ts';
import { formatDuration, initialsOf } from '../../../renderer/src/lib/format.ts';

const view: SettingsView = {
  account: {
    wsUrl: 'wss://pbx/ws',
    sipUri: 'sip:1001@pbx',
    authUser: '1001',
    displayName: 'Desk 1',
    dtmfMode: 'rfc4733',
    iceServers: [{ urls: 'turn:t.example:3478', username: 'u', credential: 'c' }, { urls: ['stun:a', 'stun:b'] }],
    registerOnStart: true,
  },
  audio: { inputDeviceId: 'mic', outputDeviceId: '', ringtoneDeviceId: 'spk' },
  ui: { locale: 'auto' },
  headsets: { enabled: true, ignored: [] },
  numbers: { defaultCountry: '' },
  history: { retentionDays: 0 },
  screenPop: { crmUrlTemplate: '', crmAutoOpen: 'off' },
  hasPassword: true,
};

describe('settings form', () => {
  it('round-trips the settings, keeping TURN credentials of unchanged URLs', () => {
    const form = formFromSettings(view);
    expect(form.iceServers).toBe('turn:t.example:3478\nstun:a\nstun:b');
    const { settings, password } = settingsFromForm(form, view);
    expect(password).toBeUndefined();
    expect(settings.account.iceServers).toEqual([
      { urls: 'turn:t.example:3478', username: 'u', credential: 'c' },
      { urls: 'stun:a' },
      { urls: 'stun:b' },
    ]);
    const { hasPassword: _ignored, ...plain } = view;
    expect({ ...settings, account: { ...settings.account, iceServers: view.account.iceServers } }).toEqual(plain);
  });

  it('treats the password as write-only: empty keeps, text sets, clear forgets', () => {
    const form = formFromSettings(view);
    expect(settingsFromForm({ ...form, password: 'pw' }, view).password).toBe('pw');
    expect(settingsFromForm({ ...form, clearPassword: true }, view).password).toBeNull();
    expect(settingsFromForm({ ...form, clearPassword: true, password: 'new' }, view).password).toBe('new');
  });

  it('reads blank ICE text as no servers', () => {
    expect(textToIceServers('  \n\n', [])).toEqual([]);
    expect(textToIceServers(' stun:x \r\n', [])).toEqual([{ urls: 'stun:x' }]);
  });

  it('maps field errors to the form field that shows them', () => {
    const fields = { 'account.wsUrl': 'required', 'account.iceServers.1.urls.0': 'invalid-ice-url', 'other.thing': 'invalid' };
    expect(fieldError(fields, 'account.wsUrl')).toBe('required');
    expect(fieldError(fields, 'account.iceServers')).toBe('invalid-ice-url');
    expect(fieldError(fields, 'account.sipUri')).toBeUndefined();
    expect(otherFieldErrors(fields)).toEqual([['other.thing', 'invalid']]);
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
