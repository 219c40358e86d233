import type { AccountSettings, Settings } from '../../../preload/contract.ts';

/** What a first start (or an unreadable settings file) gives: no account, system defaults. */
export function defaultSettings(): Settings {
  return {
    account: {
      wsUrl: '',
      sipUri: '',
      authUser: '',
      displayName: '',
      dtmfMode: 'rfc4733',
      iceServers: [],
      registerOnStart: true,
    },
    audio: { inputDeviceId: '', outputDeviceId: '', ringtoneDeviceId: '' },
    ui: { locale: 'auto' },
    headsets: { enabled: true, ignored: [] },
    numbers: { defaultCountry: '' },
    history: { retentionDays: 0 },
    screenPop: { crmUrlTemplate: '', crmAutoOpen: 'off' },
  };
}

/** An account exists once the user gave a server or an address; both empty means unconfigured. */
export function isAccountConfigured(account: AccountSettings): boolean {
  return account.wsUrl.trim() !== '' || account.sipUri.trim() !== '';
}
