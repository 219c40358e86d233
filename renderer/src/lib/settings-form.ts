// The settings form's values and their conversion to and from the contract's Settings. Pure, so
// the conversion is unit-tested without a DOM.
import type { CrmAutoOpen, DtmfMode, HeadsetKey, IceServer, Locale, Settings, SettingsView } from '../../../preload/contract.ts';

export interface SettingsFormValues {
  wsUrl: string;
  sipUri: string;
  authUser: string;
  /** Write-only: '' keeps the stored password. */
  password: string;
  clearPassword: boolean;
  displayName: string;
  dtmfMode: DtmfMode;
  /** One ICE server URL per line; blank lines are ignored, no lines means no ICE servers. */
  iceServers: string;
  registerOnStart: boolean;
  inputDeviceId: string;
  outputDeviceId: string;
  ringtoneDeviceId: string;
  locale: 'auto' | Locale;
  headsetsEnabled: boolean;
  /** Devices not used for calls, including ones not plugged in now (kept as they were). */
  headsetsIgnored: HeadsetKey[];
  /** ISO 3166 alpha-2, or '' to follow the system's region. */
  defaultCountry: string;
  /** One of RETENTION_CHOICES ('0' keeps every call), or 'custom' for retentionCustom days. */
  retentionChoice: string;
  retentionCustom: string;
  crmUrlTemplate: string;
  crmAutoOpen: CrmAutoOpen;
}

/** The retention periods offered in the select, in days; 0 keeps every call. */
export const RETENTION_CHOICES = ['0', '30', '90', '365'] as const;
export const MAX_RETENTION_DAYS = 36_500;

/** The placeholders a CRM URL template may use (as the contract lists them). */
export const CRM_PLACEHOLDERS = ['{e164}', '{number}', '{digits}', '{name}', '{company}', '{crmId}', '{direction}', '{callId}'] as const;

/** The form's fields, by the settings path main names in invalid-settings `fields`. */
export const FIELD_PATHS = {
  wsUrl: 'account.wsUrl',
  sipUri: 'account.sipUri',
  authUser: 'account.authUser',
  password: 'password',
  displayName: 'account.displayName',
  dtmfMode: 'account.dtmfMode',
  iceServers: 'account.iceServers',
  registerOnStart: 'account.registerOnStart',
  inputDeviceId: 'audio.inputDeviceId',
  outputDeviceId: 'audio.outputDeviceId',
  ringtoneDeviceId: 'audio.ringtoneDeviceId',
  locale: 'ui.locale',
  headsetsEnabled: 'headsets.enabled',
  headsetsIgnored: 'headsets.ignored',
  defaultCountry: 'numbers.defaultCountry',
  retentionChoice: 'history.retentionDays',
  crmUrlTemplate: 'screenPop.crmUrlTemplate',
  crmAutoOpen: 'screenPop.crmAutoOpen',
} as const satisfies Partial<Record<keyof SettingsFormValues, string>>;

export function iceServersToText(servers: IceServer[]): string {
  return servers.flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls])).join('\n');
}

/** Lines to servers; a URL that was configured before keeps its username and credential. */
export function textToIceServers(text: string, previous: IceServer[]): IceServer[] {
  const known = new Map<string, IceServer>();
  for (const s of previous) for (const url of Array.isArray(s.urls) ? s.urls : [s.urls]) known.set(url, s);
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((url) => {
      const old = known.get(url);
      const server: IceServer = { urls: url };
      if (old?.username !== undefined) server.username = old.username;
      if (old?.credential !== undefined) server.credential = old.credential;
      return server;
    });
}

export function formFromSettings(view: SettingsView): SettingsFormValues {
  return {
    wsUrl: view.account.wsUrl,
    sipUri: view.account.sipUri,
    authUser: view.account.authUser,
    password: '',
    clearPassword: false,
    displayName: view.account.displayName,
    dtmfMode: view.account.dtmfMode,
    iceServers: iceServersToText(view.account.iceServers),
    registerOnStart: view.account.registerOnStart,
    inputDeviceId: view.audio.inputDeviceId,
    outputDeviceId: view.audio.outputDeviceId,
    ringtoneDeviceId: view.audio.ringtoneDeviceId,
    locale: view.ui.locale,
    headsetsEnabled: view.headsets.enabled,
    headsetsIgnored: [...view.headsets.ignored],
    defaultCountry: view.numbers.defaultCountry,
    ...retentionFields(view.history.retentionDays),
    crmUrlTemplate: view.screenPop.crmUrlTemplate,
    crmAutoOpen: view.screenPop.crmAutoOpen,
  };
}

function retentionFields(days: number): Pick<SettingsFormValues, 'retentionChoice' | 'retentionCustom'> {
  const choice = (RETENTION_CHOICES as readonly string[]).includes(String(days)) ? String(days) : 'custom';
  return { retentionChoice: choice, retentionCustom: choice === 'custom' ? String(days) : '' };
}

/** The retention in days the form says, or null when the custom number is not one. */
export function retentionDays(form: Pick<SettingsFormValues, 'retentionChoice' | 'retentionCustom'>): number | null {
  const text = form.retentionChoice === 'custom' ? form.retentionCustom.trim() : form.retentionChoice;
  if (!/^\d{1,6}$/.test(text)) return null;
  const days = Number(text);
  if (form.retentionChoice === 'custom' && days < 1) return null;
  return days <= MAX_RETENTION_DAYS ? days : null;
}

/**
 * What the form can tell before asking main (field path -> reason code, like main's): only what
 * the contract's schema would refuse as a whole, which main could not name a field for.
 */
export function localFieldErrors(form: SettingsFormValues): Record<string, string> {
  const errors: Record<string, string> = {};
  if (retentionDays(form) === null) errors[FIELD_PATHS.retentionChoice] = 'invalid-days';
  return errors;
}

/** What settings:save takes: the settings, and the password only when the user changed it. */
export function settingsFromForm(
  form: SettingsFormValues,
  previous: SettingsView,
): { settings: Settings; password: string | null | undefined } {
  const settings: Settings = {
    account: {
      wsUrl: form.wsUrl.trim(),
      sipUri: form.sipUri.trim(),
      authUser: form.authUser.trim(),
      displayName: form.displayName.trim(),
      dtmfMode: form.dtmfMode,
      iceServers: textToIceServers(form.iceServers, previous.account.iceServers),
      registerOnStart: form.registerOnStart,
    },
    audio: {
      inputDeviceId: form.inputDeviceId,
      outputDeviceId: form.outputDeviceId,
      ringtoneDeviceId: form.ringtoneDeviceId,
    },
    ui: { locale: form.locale },
    headsets: { enabled: form.headsetsEnabled, ignored: [...form.headsetsIgnored] },
    numbers: { defaultCountry: form.defaultCountry },
    history: { retentionDays: retentionDays(form) ?? previous.history.retentionDays },
    screenPop: { crmUrlTemplate: form.crmUrlTemplate.trim(), crmAutoOpen: form.crmAutoOpen },
  };
  const password = form.password !== '' ? form.password : form.clearPassword ? null : undefined;
  return { settings, password };
}

/** The reason code for a form field: an exact path, or a deeper one (account.iceServers.0.urls). */
export function fieldError(fields: Readonly<Record<string, string>>, path: string): string | undefined {
  if (fields[path] !== undefined) return fields[path];
  const deeper = Object.keys(fields).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
  return deeper === undefined ? undefined : fields[deeper];
}

/** Reasons for paths that no form field shows (so they are not silently dropped). */
export function otherFieldErrors(fields: Readonly<Record<string, string>>): Array<[string, string]> {
  const paths: string[] = Object.values(FIELD_PATHS);
  return Object.entries(fields).filter(([k]) => !paths.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)));
}
