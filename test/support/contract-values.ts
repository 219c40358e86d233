// Values of the contract's shapes for tests that need one (a call, the settings view, an
// account's status), built from the same defaults the core uses, with what a test cares about
// patched in. One place, so a new field in the contract is added once.
import type { AccountSettings, AccountStatus, Call, SettingsView } from '../../preload/contract.ts';
import { defaultAccount, defaultSettings } from '../../main/core/settings/settings-defaults.ts';

export function makeCall(patch: Partial<Call> = {}): Call {
  return {
    id: 'c1',
    accountId: 'main',
    direction: 'incoming',
    state: 'incoming',
    remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: '', numberDisplay: '1002' },
    held: false,
    remoteHeld: false,
    muted: false,
    startedAt: 0,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    endStatus: null,
    transfer: null,
    consultFor: null,
    referOffer: null,
    referredBy: null,
    conferenceId: null,
    autoAnswer: false,
    silent: false,
    forwardedTo: null,
    reconnecting: false,
    ...patch,
  };
}

export function makeAccount(patch: Partial<AccountSettings> = {}): AccountSettings {
  return { ...defaultAccount(patch.id ?? 'main'), ...patch };
}

/** The settings view with the given accounts (none by default) and patches. */
export function makeSettingsView(patch: Partial<SettingsView> = {}): SettingsView {
  return { ...defaultSettings(), passwordsStored: [], webhookSecretsStored: [], ...patch };
}

export function makeAccountStatus(patch: Partial<AccountStatus> = {}): AccountStatus {
  return { accountId: 'main', label: 'sip:1001@pbx.example.com', state: 'registered', aor: 'sip:1001@pbx.example.com', error: null, retryAt: null, attempts: 0, voicemail: null, ...patch };
}
