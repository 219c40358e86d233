// The renderer's state: small rune classes, initialised from 'app:getState' and kept current by
// main's events. Main owns the truth; these hold the latest copy plus what is purely the view's
// (which view is open, the last error of an action the user took).
import type { AccountStatus, AppState, Call, ErrorInfo, Locale, Settings, SettingsView } from '../../../preload/contract.ts';
import type { ConnectionState, RendererApi, Result } from '../lib/api.ts';
import { I18n } from '../i18n/i18n.svelte.ts';
import type { CallQuality } from '../media/call-quality.ts';
import { ContactsState } from './contacts-state.svelte.ts';
import { HeadsetsState } from './headsets-state.svelte.ts';
import { HistoryState } from './history-state.svelte.ts';
import { ScreenPopsState } from './screen-pops-state.svelte.ts';
import { DesktopState, DialRequestsState } from './click-to-dial-state.svelte.ts';
import { ApiState, WebhooksState } from './integrations-state.svelte.ts';

/** Every account's registration, as main reports it, and the commands the user gives them. */
export class AccountsState {
  list = $state<AccountStatus[]>([]);
  /** The last register/unregister command that failed, per account (not the registration's own error). */
  commandErrors = $state<Record<string, ErrorInfo>>({});
  /** Accounts with a register/unregister command in flight. */
  busy = $state<Record<string, boolean>>({});
  readonly #api: RendererApi;

  /** The accounts the user set up (an empty one in the list is not shown). */
  readonly configured: AccountStatus[] = $derived(this.list.filter((a) => a.state !== 'unconfigured'));

  constructor(api: RendererApi) {
    this.#api = api;
  }

  byId(accountId: string): AccountStatus | undefined {
    return this.list.find((a) => a.accountId === accountId);
  }

  register(accountId: string): Promise<void> {
    return this.#run(accountId, () => this.#api.invoke('accounts:register', { accountId }));
  }

  unregister(accountId: string): Promise<void> {
    return this.#run(accountId, () => this.#api.invoke('accounts:unregister', { accountId }));
  }

  async #run(accountId: string, command: () => Promise<Result<AccountStatus>>): Promise<void> {
    this.busy[accountId] = true;
    if (accountId in this.commandErrors) {
      const { [accountId]: _cleared, ...rest } = this.commandErrors;
      this.commandErrors = rest;
    }
    try {
      const result = await command();
      if (result.ok) this.list = this.list.map((a) => (a.accountId === accountId ? result.value : a));
      else this.commandErrors[accountId] = result.error;
    } finally {
      this.busy[accountId] = false;
    }
  }
}

export type CallAction = 'answer' | 'reject' | 'hangup' | 'hold' | 'mute' | 'dtmf';

export class CallsState {
  list = $state<Call[]>([]);
  /** The last failed action per call id. */
  errors = $state<Record<string, ErrorInfo>>({});
  /** DTMF digits the user sent per call id (typed or from the keypad), for the keypad display. */
  tonesSent = $state<Record<string, string>>({});
  /** What the user has typed in the dial input; kept here so it survives view changes. */
  draft = $state('');
  dialError = $state<ErrorInfo | null>(null);
  dialing = $state(false);

  /** Calls the user sees: refused by do not disturb or forwarded at once, a call never rang here. */
  readonly shown: Call[] = $derived(this.list.filter((c) => !c.silent));
  readonly live: Call[] = $derived(this.list.filter((c) => c.state !== 'ended'));
  readonly incoming: Call[] = $derived(this.list.filter((c) => c.state === 'incoming'));
  readonly ringing: boolean = $derived(this.incoming.length > 0);
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  replace(calls: Call[]): void {
    this.list = calls;
    const ids = calls.map((c) => c.id);
    if (Object.keys(this.errors).some((id) => !ids.includes(id))) {
      this.errors = Object.fromEntries(Object.entries(this.errors).filter(([id]) => ids.includes(id)));
    }
    if (Object.keys(this.tonesSent).some((id) => !ids.includes(id))) {
      this.tonesSent = Object.fromEntries(Object.entries(this.tonesSent).filter(([id]) => ids.includes(id)));
    }
  }

  byId(id: string): Call | undefined {
    return this.list.find((c) => c.id === id);
  }

  /** The call that keyboard shortcuts act on when no call card has focus. */
  primary(): Call | undefined {
    const newest = (calls: Call[]): Call | undefined => calls.reduce<Call | undefined>((a, c) => (!a || c.startedAt >= a.startedAt ? c : a), undefined);
    return newest(this.incoming) ?? newest(this.live);
  }

  /** The established call that typed digits go to when no call card has focus. */
  dtmfTarget(): Call | undefined {
    const established = this.live.filter((c) => c.state === 'established');
    return established.find((c) => !c.held) ?? established[0];
  }

  /** The account the user picked to call from; null for the default (the first registered). */
  dialAccountId = $state<string | null>(null);

  /** Resolves true when the call exists (main answered), false with dialError set otherwise. */
  async dial(target: string): Promise<boolean> {
    this.dialing = true;
    this.dialError = null;
    try {
      const accountId = this.dialAccountId;
      const result = await this.#api.invoke('calls:dial', accountId === null ? { target } : { target, accountId });
      if (!result.ok) {
        this.dialError = result.error;
        return false;
      }
      // The calls:changed event is the truth; this only shows the card if the result came first.
      if (!this.byId(result.value.id)) this.list = [...this.list, result.value];
      if (this.draft.trim() === target.trim()) this.draft = '';
      return true;
    } finally {
      this.dialing = false;
    }
  }

  answer(callId: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:answer', { callId }));
  }
  reject(callId: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:reject', { callId }));
  }
  hangup(callId: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:hangup', { callId }));
  }
  hold(callId: string, hold: boolean): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:hold', { callId, hold }));
  }
  mute(callId: string, muted: boolean): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:mute', { callId, muted }));
  }
  /** Blind transfer of the call to `target`. */
  transfer(callId: string, target: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:transfer', { callId, target }));
  }
  /** Attended transfer: the call goes on hold and `target` is called first. */
  consult(callId: string, target: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:consult', { callId, target }));
  }
  /** From the consultation call: hand the held call over to its party. */
  completeTransfer(callId: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:completeTransfer', { callId }));
  }
  /** Calls the account's voicemail; a failure shows where dialling errors show. */
  async callVoicemail(accountId: string): Promise<boolean> {
    this.dialError = null;
    const result = await this.#api.invoke('accounts:callVoicemail', { accountId });
    if (!result.ok) {
      this.dialError = result.error;
      return false;
    }
    if (!this.byId(result.value.id)) this.list = [...this.list, result.value];
    return true;
  }

  /** Joins the calls into one conference. */
  async merge(callIds: string[]): Promise<boolean> {
    const first = callIds[0] ?? '';
    return this.#act(first, this.#api.invoke('calls:merge', { callIds }));
  }
  split(callId: string): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:split', { callId }));
  }
  answerTransfer(callId: string, accept: boolean): Promise<boolean> {
    return this.#act(callId, this.#api.invoke('calls:answerTransfer', { callId, accept }));
  }
  dtmf(callId: string, tones: string): Promise<boolean> {
    this.tonesSent[callId] = ((this.tonesSent[callId] ?? '') + tones).slice(-24);
    return this.#act(callId, this.#api.invoke('calls:dtmf', { callId, tones }));
  }

  /** Escape: reject an incoming call, hang up any other. */
  end(call: Call): Promise<boolean> {
    return call.state === 'incoming' ? this.reject(call.id) : this.hangup(call.id);
  }

  async #act(callId: string, pending: Promise<Result<unknown>>): Promise<boolean> {
    if (callId in this.errors) {
      const { [callId]: _cleared, ...rest } = this.errors;
      this.errors = rest;
    }
    const result = await pending;
    if (!result.ok) this.errors[callId] = result.error;
    return result.ok;
  }
}

export class SettingsState {
  view = $state<SettingsView | null>(null);
  /** Field path (e.g. 'account.wsUrl') -> reason code, from the last invalid-settings answer. */
  fieldErrors = $state<Record<string, string>>({});
  saveError = $state<ErrorInfo | null>(null);
  saving = $state(false);
  /** Set when the last save succeeded; cleared by the next edit or save. */
  saved = $state(false);
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  async save(settings: Settings, passwords: Record<string, string | null> = {}, webhookSecrets: Record<string, string | null> = {}): Promise<boolean> {
    this.saving = true;
    this.saved = false;
    this.saveError = null;
    this.fieldErrors = {};
    try {
      const args = {
        settings,
        ...(Object.keys(passwords).length > 0 ? { passwords } : {}),
        ...(Object.keys(webhookSecrets).length > 0 ? { webhookSecrets } : {}),
      };
      const result = await this.#api.invoke('settings:save', args);
      if (result.ok) {
        this.view = result.value;
        this.saved = true;
        return true;
      }
      this.saveError = result.error;
      this.fieldErrors = result.error.fields ?? {};
      return false;
    } finally {
      this.saving = false;
    }
  }

  edited(): void {
    this.saved = false;
  }

  /** Do not disturb on or off, saved at once (the status bar's switch). */
  async setDoNotDisturb(on: boolean): Promise<boolean> {
    const result = await this.#api.invoke('calls:doNotDisturb', { on });
    if (result.ok) this.view = result.value;
    else this.saveError = result.error;
    return result.ok;
  }

  /** Shows reasons the form found itself, without asking main (same shape as main's). */
  refuse(fields: Record<string, string>): void {
    this.saved = false;
    this.fieldErrors = fields;
    this.saveError = { code: 'invalid-settings', message: 'invalid settings', fields };
  }
}

/** The views beside the calls: three tabs, and the settings opened from the status bar. */
export type Tab = 'phone' | 'history' | 'contacts';
export type View = Tab | 'settings';
export const TABS: readonly Tab[] = ['phone', 'history', 'contacts'];

/** Remembers which "history file was set aside" notices the user closed, so each shows once. */
export interface NoticeMemory {
  seen(key: string): boolean;
  remember(key: string): void;
}

function browserNoticeMemory(): NoticeMemory {
  const KEY = 'hookswitch.noticesSeen';
  const read = (): string[] => {
    try {
      const value: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    } catch {
      return [];
    }
  };
  return {
    seen: (key) => read().includes(key),
    remember: (key) => {
      try {
        localStorage.setItem(KEY, JSON.stringify([...read(), key].slice(-20)));
      } catch {
        // Storage can be unavailable (private modes, quotas): the notice then shows again next time.
      }
    },
  };
}

/** Reads a call's quality from the media engine (set once the engine exists). */
export type QualitySource = (callId: string, condition: { held: boolean; muted: boolean }) => Promise<CallQuality | null>;

export class AppStore {
  loaded = $state(false);
  loadError = $state<ErrorInfo | null>(null);
  host = $state<AppState['host']>('web');
  version = $state('');
  systemLocale = $state(typeof navigator === 'undefined' ? 'en' : navigator.language);
  connection = $state<ConnectionState>('connecting');
  view = $state<View>('phone');
  /** The tab the settings return to when they close. */
  tab = $state<Tab>('phone');
  /** Where main set a damaged history file aside at start, until the user closes the notice. */
  historyMovedAside = $state<string | null>(null);

  readonly accounts: AccountsState;
  readonly calls: CallsState;
  readonly settings: SettingsState;
  readonly headsets: HeadsetsState;
  readonly history: HistoryState;
  readonly contacts: ContactsState;
  readonly screenPops: ScreenPopsState;
  readonly dialRequests: DialRequestsState;
  readonly desktop: DesktopState;
  readonly api: ApiState;
  readonly webhooks: WebhooksState;
  readonly i18n: I18n;
  readonly #api: RendererApi;
  readonly #notices: NoticeMemory;
  /** The media engine's quality reader; null where there is none (tests, previews). */
  quality: QualitySource | null = null;

  constructor(api: RendererApi, notices: NoticeMemory = browserNoticeMemory()) {
    this.#api = api;
    this.accounts = new AccountsState(api);
    this.calls = new CallsState(api);
    this.settings = new SettingsState(api);
    this.headsets = new HeadsetsState(api);
    this.history = new HistoryState(api);
    this.contacts = new ContactsState(api);
    this.screenPops = new ScreenPopsState(api);
    this.dialRequests = new DialRequestsState(api);
    this.desktop = new DesktopState(api);
    this.api = new ApiState(api);
    this.webhooks = new WebhooksState(api);
    this.#notices = notices;
    this.connection = api.connection;
    this.i18n = new I18n(() => ({
      preference: (this.settings.view?.ui.locale ?? 'auto') satisfies 'auto' | Locale,
      systemLocale: this.systemLocale,
    }));
    // Subscribe before fetching: the channel is ordered, so any event that arrives before the
    // snapshot is older than it, and every later one is newer.
    api.on('settings:changed', (s) => (this.settings.view = s));
    api.on('accounts:changed', (a) => (this.accounts.list = a));
    api.on('calls:changed', (c) => {
      this.calls.replace(c);
      this.screenPops.keep(c);
    });
    api.on('calls:screenPop', (p) => { this.screenPops.set(p); });
    api.on('dial:requestsChanged', (r) => { this.dialRequests.replace(r); });
    api.on('api:changed', (s) => { this.api.status = s; });
    api.on('webhooks:changed', (w) => { this.webhooks.revision = w.revision; });
    api.on('history:changed', (h) => { this.history.setSummary(h); });
    api.on('contacts:importProgress', (e) => { this.contacts.import.onProgress(e); });
    api.on('headsets:changed', (h) => { this.headsets.replace(h); });
    api.on('headsets:input', (e) => { this.headsets.input(e); });
    api.onConnectionChange((state) => (this.connection = state));
    api.onReconnected(() => void this.load());
  }

  async load(): Promise<void> {
    const result = await this.#api.invoke('app:getState', undefined);
    if (!result.ok) {
      this.loadError = result.error;
      return;
    }
    this.apply(result.value);
  }

  apply(state: AppState): void {
    this.host = state.host;
    this.version = state.version;
    this.systemLocale = state.systemLocale;
    this.settings.view = state.settings;
    this.accounts.list = state.accounts;
    this.calls.replace(state.calls);
    this.headsets.replace(state.headsets);
    this.screenPops.replace(state.screenPops);
    this.screenPops.keep(state.calls);
    this.history.setSummary(state.history);
    this.dialRequests.replace(state.dialRequests);
    this.api.status = state.api;
    const aside = state.historyMovedAside;
    this.historyMovedAside = aside !== null && !this.#notices.seen(`history-moved:${aside}`) ? aside : null;
    this.loadError = null;
    this.loaded = true;
  }

  /** Switches the tab (closing the settings if open). */
  openTab(tab: Tab): void {
    const was = this.view;
    if (was === tab) return;
    if (was === 'history') this.history.close();
    if (was === 'settings') this.i18n.preview = null;
    this.view = tab;
    this.tab = tab;
    if (tab === 'history') this.history.open();
    if (tab === 'contacts') this.contacts.open();
  }

  openSettings(): void {
    if (this.view === 'history') this.history.close();
    this.view = 'settings';
  }

  toggleSettings(): void {
    if (this.view === 'settings') this.closeSettings();
    else this.openSettings();
  }

  closeSettings(): void {
    this.i18n.preview = null;
    const tab = this.tab;
    this.view = 'phone';
    this.openTab(tab);
  }

  dismissHistoryNotice(): void {
    const aside = this.historyMovedAside;
    if (aside !== null) this.#notices.remember(`history-moved:${aside}`);
    this.historyMovedAside = null;
  }
}
