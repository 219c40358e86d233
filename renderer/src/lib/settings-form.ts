// The settings form's values and their conversion to and from the contract's Settings. Pure, so
// the conversion is unit-tested without a DOM.
import type { DtmfMode, HeadsetKey, IceServer, Locale, Settings, SettingsView } from '../../../preload/contract.ts';

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
}

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
  };
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
