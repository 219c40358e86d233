import type { AccountSettings, Settings } from '../../../preload/contract.ts';
import { DEFAULT_DIAL_PLAN } from '../numbers/dial-plan.ts';

/** Where the local CTI API listens unless the settings say otherwise. */
export const DEFAULT_API_PORT = 7853;

/** What a first start (or an unreadable settings file) gives: no account, system defaults. */
export function defaultSettings(): Settings {
  return {
    accounts: [],
    calls: { maxLines: 4, callWaitingTone: true, incomingTransfer: 'accept', dnd: false, dndStatus: 486 },
    audio: { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] },
    ui: { locale: 'auto' },
    headsets: { enabled: true, ignored: [] },
    numbers: { defaultCountry: '', dialPlan: { ...DEFAULT_DIAL_PLAN } },
    history: { retentionDays: 0 },
    screenPop: { crmUrlTemplate: '', crmAutoOpen: 'off' },
    clickToDial: { confirm: 'international', shortcut: 'CommandOrControl+Alt+Shift+D' },
    api: { enabled: false, port: DEFAULT_API_PORT, allowedOrigins: [] },
    webhooks: [],
  };
}

/** A new account as the settings form adds it: empty, registering at start once filled in. */
export function defaultAccount(id: string): AccountSettings {
  return {
    id,
    label: '',
    wsUrl: '',
    sipUri: '',
    authUser: '',
    displayName: '',
    dtmfMode: 'rfc4733',
    iceServers: [],
    registerOnStart: true,
    ringtone: 'classic',
    voicemailNumber: '',
    autoAnswer: 'off',
    forward: { mode: 'off', target: '', noAnswerS: 20 },
  };
}

/** An account exists once the user gave a server or an address; both empty means unconfigured. */
export function isAccountConfigured(account: AccountSettings): boolean {
  return account.wsUrl.trim() !== '' || account.sipUri.trim() !== '';
}
