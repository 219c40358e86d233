// The settings form's values and their conversion to and from the contract's Settings. Pure, so
// the conversion is unit-tested without a DOM.
import { MAX_ACCOUNTS } from '../../../preload/contract.ts';
import type { AccountId, AccountSettings, AutoAnswerMode, CallEventType, CallSettings, ClickToDialSettings, CrmAutoOpen, DialPlanSettings, ForwardSettings, DtmfMode, HeadsetKey, IceServer, Locale, Ringtone, Settings, SettingsView, WebhookId, WebhookSettings } from '../../../preload/contract.ts';

/** One account as the form edits it. */
export interface AccountFormValues {
  id: AccountId;
  label: string;
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
  ringtone: Ringtone;
  voicemailNumber: string;
  autoAnswer: AutoAnswerMode;
  forwardMode: ForwardSettings['mode'];
  forwardTarget: string;
  /** Seconds, as typed. */
  forwardNoAnswerS: string;
}

export interface SettingsFormValues {
  /** In the settings' order; the first is the default for dialling. */
  accounts: AccountFormValues[];
  /** Calls at once, 1 to 8. */
  maxLines: number;
  callWaitingTone: boolean;
  incomingTransfer: CallSettings['incomingTransfer'];
  dnd: boolean;
  dndStatus: CallSettings['dndStatus'];
  inputDeviceId: string;
  outputDeviceId: string;
  /** Outputs the ringtone plays on ('' for the system default); at least one. */
  ringDeviceIds: string[];
  locale: 'auto' | Locale;
  headsetsEnabled: boolean;
  /** Devices not used for calls, including ones not plugged in now (kept as they were). */
  headsetsIgnored: HeadsetKey[];
  /** ISO 3166 alpha-2, or '' to follow the system's region. */
  defaultCountry: string;
  outsideLinePrefix: string;
  /** Digits, as typed: the longest extension. */
  maxExtensionDigits: string;
  dialFormat: DialPlanSettings['format'];
  /** One of RETENTION_CHOICES ('0' keeps every call), or 'custom' for retentionCustom days. */
  retentionChoice: string;
  retentionCustom: string;
  crmUrlTemplate: string;
  crmAutoOpen: CrmAutoOpen;
  clickToDialConfirm: ClickToDialSettings['confirm'];
  /** An Electron accelerator, recorded from a key press; '' for none. */
  dialShortcut: string;
  apiEnabled: boolean;
  /** Digits, as typed. */
  apiPort: string;
  /** One origin per line. */
  apiOrigins: string;
  webhooks: WebhookFormValues[];
}

/** One webhook as the form edits it. */
export interface WebhookFormValues {
  id: WebhookId;
  label: string;
  enabled: boolean;
  url: string;
  /** None ticked: every event. */
  events: CallEventType[];
  bodyTemplate: string;
  /** Write-only: '' keeps the stored secret. */
  secret: string;
  clearSecret: boolean;
}

export function newWebhookId(existing: readonly string[], random: () => number = Math.random): WebhookId {
  for (;;) {
    const id = `w${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
    if (!existing.includes(id)) return id;
  }
}

export function emptyWebhookForm(id: WebhookId): WebhookFormValues {
  return { id, label: '', enabled: true, url: '', events: [], bodyTemplate: '', secret: '', clearSecret: false };
}

/** A fresh signing secret: 32 random bytes, hex. */
export function newWebhookSecret(bytes: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): string {
  return Array.from(bytes(32), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The settings path of a webhook's field. */
export function webhookFieldPath(index: number, field: 'label' | 'url' | 'events' | 'bodyTemplate' | 'id'): string {
  return `webhooks.${index}.${field}`;
}

/** The retention periods offered in the select, in days; 0 keeps every call. */
export const RETENTION_CHOICES = ['0', '30', '90', '365'] as const;
export const MAX_RETENTION_DAYS = 36_500;

/** The placeholders a CRM URL template may use (as the contract lists them). */
export const CRM_PLACEHOLDERS = ['{e164}', '{number}', '{digits}', '{name}', '{company}', '{crmId}', '{direction}', '{callId}'] as const;

/** The placeholders a webhook's URL and body may use (as main/core/cti/templates.ts lists them). */
export const WEBHOOK_PLACEHOLDERS = [...CRM_PLACEHOLDERS, '{event}', '{timestamp}', '{account}', '{cause}'] as const;

/** The form's fields outside the accounts, by the settings path main names in invalid-settings `fields`. */
export const FIELD_PATHS = {
  maxLines: 'calls.maxLines',
  callWaitingTone: 'calls.callWaitingTone',
  incomingTransfer: 'calls.incomingTransfer',
  dnd: 'calls.dnd',
  dndStatus: 'calls.dndStatus',
  inputDeviceId: 'audio.inputDeviceId',
  outputDeviceId: 'audio.outputDeviceId',
  ringDeviceIds: 'audio.ringDeviceIds',
  locale: 'ui.locale',
  headsetsEnabled: 'headsets.enabled',
  headsetsIgnored: 'headsets.ignored',
  defaultCountry: 'numbers.defaultCountry',
  outsideLinePrefix: 'numbers.dialPlan.outsideLinePrefix',
  maxExtensionDigits: 'numbers.dialPlan.maxExtensionDigits',
  dialFormat: 'numbers.dialPlan.format',
  retentionChoice: 'history.retentionDays',
  crmUrlTemplate: 'screenPop.crmUrlTemplate',
  crmAutoOpen: 'screenPop.crmAutoOpen',
  clickToDialConfirm: 'clickToDial.confirm',
  dialShortcut: 'clickToDial.shortcut',
  apiEnabled: 'api.enabled',
  apiPort: 'api.port',
  apiOrigins: 'api.allowedOrigins',
} as const satisfies Partial<Record<keyof SettingsFormValues, string>>;

/** An account's fields the form shows, by their key in the account's settings. */
export const ACCOUNT_FIELDS = [
  'id',
  'label',
  'wsUrl',
  'sipUri',
  'authUser',
  'displayName',
  'dtmfMode',
  'iceServers',
  'registerOnStart',
  'ringtone',
  'voicemailNumber',
  'autoAnswer',
  'forwardMode',
  'forwardTarget',
  'forwardNoAnswerS',
] as const;
export type AccountField = (typeof ACCOUNT_FIELDS)[number] | 'password';

/** Form fields whose settings path differs from their name. */
const ACCOUNT_PATHS: Partial<Record<AccountField, string>> = {
  forwardMode: 'forward.mode',
  forwardTarget: 'forward.target',
  forwardNoAnswerS: 'forward.noAnswerS',
};

/** The settings path of an account's field: `accounts.<index>.<field>`, or `passwords.<id>`. */
export function accountFieldPath(accounts: readonly Pick<AccountFormValues, 'id'>[], index: number, field: AccountField): string {
  if (field === 'password') return `passwords.${accounts[index]?.id ?? ''}`;
  return `accounts.${index}.${ACCOUNT_PATHS[field] ?? field}`;
}

/** The seconds a no-answer forward waits, or null when the text is not a number in range. */
export function forwardSeconds(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const n = Number(text.trim());
  return n >= 5 && n <= 120 ? n : null;
}

/** A new account's id: short, and unlike the ones the form already has. */
export function newAccountId(existing: readonly string[], random: () => number = Math.random): AccountId {
  for (;;) {
    const id = `a${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
    if (!existing.includes(id)) return id;
  }
}

export function emptyAccountForm(id: AccountId): AccountFormValues {
  return {
    id,
    label: '',
    wsUrl: '',
    sipUri: '',
    authUser: '',
    password: '',
    clearPassword: false,
    displayName: '',
    dtmfMode: 'rfc4733',
    iceServers: '',
    registerOnStart: true,
    ringtone: 'classic',
    voicemailNumber: '',
    autoAnswer: 'off',
    forwardMode: 'off',
    forwardTarget: '',
    forwardNoAnswerS: '20',
  };
}

export function canAddAccount(form: Pick<SettingsFormValues, 'accounts'>): boolean {
  return form.accounts.length < MAX_ACCOUNTS;
}

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

function accountForm(account: AccountSettings): AccountFormValues {
  return {
    id: account.id,
    label: account.label,
    wsUrl: account.wsUrl,
    sipUri: account.sipUri,
    authUser: account.authUser,
    password: '',
    clearPassword: false,
    displayName: account.displayName,
    dtmfMode: account.dtmfMode,
    iceServers: iceServersToText(account.iceServers),
    registerOnStart: account.registerOnStart,
    ringtone: account.ringtone,
    voicemailNumber: account.voicemailNumber,
    autoAnswer: account.autoAnswer,
    forwardMode: account.forward.mode,
    forwardTarget: account.forward.target,
    forwardNoAnswerS: String(account.forward.noAnswerS),
  };
}

export function formFromSettings(view: SettingsView): SettingsFormValues {
  return {
    // Without an account the form offers an empty one to fill in (left empty, it is not saved).
    accounts: view.accounts.length > 0 ? view.accounts.map(accountForm) : [emptyAccountForm(newAccountId([]))],
    maxLines: view.calls.maxLines,
    callWaitingTone: view.calls.callWaitingTone,
    incomingTransfer: view.calls.incomingTransfer,
    dnd: view.calls.dnd,
    dndStatus: view.calls.dndStatus,
    inputDeviceId: view.audio.inputDeviceId,
    outputDeviceId: view.audio.outputDeviceId,
    ringDeviceIds: [...view.audio.ringDeviceIds],
    locale: view.ui.locale,
    headsetsEnabled: view.headsets.enabled,
    headsetsIgnored: [...view.headsets.ignored],
    defaultCountry: view.numbers.defaultCountry,
    outsideLinePrefix: view.numbers.dialPlan.outsideLinePrefix,
    maxExtensionDigits: String(view.numbers.dialPlan.maxExtensionDigits),
    dialFormat: view.numbers.dialPlan.format,
    ...retentionFields(view.history.retentionDays),
    crmUrlTemplate: view.screenPop.crmUrlTemplate,
    crmAutoOpen: view.screenPop.crmAutoOpen,
    clickToDialConfirm: view.clickToDial.confirm,
    dialShortcut: view.clickToDial.shortcut,
    apiEnabled: view.api.enabled,
    apiPort: String(view.api.port),
    apiOrigins: view.api.allowedOrigins.join('\n'),
    webhooks: view.webhooks.map((w) => ({ ...w, events: [...w.events], secret: '', clearSecret: false })),
  };
}

function retentionFields(days: number): Pick<SettingsFormValues, 'retentionChoice' | 'retentionCustom'> {
  const choice = (RETENTION_CHOICES as readonly string[]).includes(String(days)) ? String(days) : 'custom';
  return { retentionChoice: choice, retentionCustom: choice === 'custom' ? String(days) : '' };
}

/** The API port the form says (1024 to 65535), or null when the text is not one. */
export function apiPort(text: string): number | null {
  if (!/^\d{4,5}$/.test(text.trim())) return null;
  const port = Number(text.trim());
  return port >= 1024 && port <= 65_535 ? port : null;
}

/** Non-empty trimmed lines. */
export function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** The longest extension the form says (0 to 10 digits), or null when the text is not one. */
export function extensionDigits(text: string): number | null {
  return /^\d{1,2}$/.test(text.trim()) && Number(text.trim()) <= 10 ? Number(text.trim()) : null;
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
  if (!/^[0-9*#]{0,4}$/.test(form.outsideLinePrefix.trim())) errors[FIELD_PATHS.outsideLinePrefix] = 'invalid-prefix';
  if (extensionDigits(form.maxExtensionDigits) === null) errors[FIELD_PATHS.maxExtensionDigits] = 'invalid-digits';
  if (apiPort(form.apiPort) === null) errors[FIELD_PATHS.apiPort] = 'invalid-port';
  if (linesOf(form.apiOrigins).length > 16) errors[FIELD_PATHS.apiOrigins] = 'too-many';
  if (form.ringDeviceIds.length === 0) errors[FIELD_PATHS.ringDeviceIds] = 'no-ring-output';
  form.accounts.forEach((a, i) => {
    if (a.forwardMode === 'no-answer' && forwardSeconds(a.forwardNoAnswerS) === null) {
      errors[accountFieldPath(form.accounts, i, 'forwardNoAnswerS')] = 'invalid-seconds';
    }
  });
  return errors;
}

/** What settings:save takes: the settings, and the passwords the user changed, by account id. */
export function settingsFromForm(
  form: SettingsFormValues,
  previous: SettingsView,
): { settings: Settings; passwords: Record<AccountId, string | null>; webhookSecrets: Record<WebhookId, string | null> } {
  const webhookSecrets: Record<WebhookId, string | null> = {};
  const webhooks = form.webhooks.map((w): WebhookSettings => {
    if (w.secret.trim() !== '') webhookSecrets[w.id] = w.secret.trim();
    else if (w.clearSecret) webhookSecrets[w.id] = null;
    return { id: w.id, label: w.label.trim(), enabled: w.enabled, url: w.url.trim(), events: [...w.events], bodyTemplate: w.bodyTemplate.trim() };
  });
  const passwords: Record<AccountId, string | null> = {};
  const kept = form.accounts.filter((a) => !isBlankNewAccount(a, previous));
  const accounts = kept.map((a): AccountSettings => {
    if (a.password !== '') passwords[a.id] = a.password;
    else if (a.clearPassword) passwords[a.id] = null;
    const before = previous.accounts.find((p) => p.id === a.id);
    return {
      id: a.id,
      label: a.label.trim(),
      wsUrl: a.wsUrl.trim(),
      sipUri: a.sipUri.trim(),
      authUser: a.authUser.trim(),
      displayName: a.displayName.trim(),
      dtmfMode: a.dtmfMode,
      iceServers: textToIceServers(a.iceServers, before?.iceServers ?? []),
      registerOnStart: a.registerOnStart,
      ringtone: a.ringtone,
      voicemailNumber: a.voicemailNumber.trim(),
      autoAnswer: a.autoAnswer,
      forward: {
        mode: a.forwardMode,
        target: a.forwardTarget.trim(),
        noAnswerS: forwardSeconds(a.forwardNoAnswerS) ?? before?.forward.noAnswerS ?? 20,
      },
    };
  });
  const settings: Settings = {
    accounts,
    calls: {
      maxLines: form.maxLines,
      callWaitingTone: form.callWaitingTone,
      incomingTransfer: form.incomingTransfer,
      dnd: form.dnd,
      dndStatus: form.dndStatus,
    },
    audio: {
      inputDeviceId: form.inputDeviceId,
      outputDeviceId: form.outputDeviceId,
      ringDeviceIds: form.ringDeviceIds.length > 0 ? [...form.ringDeviceIds] : [...previous.audio.ringDeviceIds],
    },
    ui: { locale: form.locale },
    headsets: { enabled: form.headsetsEnabled, ignored: [...form.headsetsIgnored] },
    numbers: {
      defaultCountry: form.defaultCountry,
      dialPlan: {
        outsideLinePrefix: form.outsideLinePrefix.trim(),
        maxExtensionDigits: extensionDigits(form.maxExtensionDigits) ?? previous.numbers.dialPlan.maxExtensionDigits,
        format: form.dialFormat,
      },
    },
    history: { retentionDays: retentionDays(form) ?? previous.history.retentionDays },
    screenPop: { crmUrlTemplate: form.crmUrlTemplate.trim(), crmAutoOpen: form.crmAutoOpen },
    clickToDial: { confirm: form.clickToDialConfirm, shortcut: form.dialShortcut.trim() },
    api: {
      enabled: form.apiEnabled,
      port: apiPort(form.apiPort) ?? previous.api.port,
      allowedOrigins: linesOf(form.apiOrigins),
    },
    webhooks,
  };
  return { settings, passwords, webhookSecrets };
}

/** An account added in the form and left empty: dropped when saving rather than refused. */
function isBlankNewAccount(a: AccountFormValues, previous: SettingsView): boolean {
  if (previous.accounts.some((p) => p.id === a.id)) return false;
  return [a.label, a.wsUrl, a.sipUri, a.authUser, a.displayName, a.password, a.iceServers, a.voicemailNumber, a.forwardTarget].every((v) => v.trim() === '');
}

/** The index of the first account with a reason in `fields`, or null. */
export function firstAccountWithError(fields: Readonly<Record<string, string>>, accounts: readonly Pick<AccountFormValues, 'id'>[]): number | null {
  for (const key of Object.keys(fields)) {
    const byIndex = /^accounts\.(\d+)\./.exec(key);
    if (byIndex) return Number(byIndex[1]);
    const byId = /^passwords\.(.+)$/.exec(key);
    if (byId) {
      const i = accounts.findIndex((a) => a.id === byId[1]);
      if (i >= 0) return i;
    }
  }
  return null;
}

/** The reason code for a form field: an exact path, or a deeper one (account.iceServers.0.urls). */
export function fieldError(fields: Readonly<Record<string, string>>, path: string): string | undefined {
  if (fields[path] !== undefined) return fields[path];
  const deeper = Object.keys(fields).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
  return deeper === undefined ? undefined : fields[deeper];
}

/** Reasons for paths that no form field shows (so they are not silently dropped). */
export function otherFieldErrors(fields: Readonly<Record<string, string>>, accounts: readonly Pick<AccountFormValues, 'id'>[]): Array<[string, string]> {
  const paths: string[] = [
    ...Object.values(FIELD_PATHS),
    // Each webhook's fields are shown beside it (webhooks.<i>.<field>), secrets too.
    'webhooks',
    'webhookSecrets',
    ...accounts.flatMap((_, i) => [...ACCOUNT_FIELDS, 'password' as const].map((f) => accountFieldPath(accounts, i, f))),
  ];
  return Object.entries(fields).filter(([k]) => !paths.some((p) => k === p || k.startsWith(`${p}.`) || k.startsWith(`${p}[`)));
}
