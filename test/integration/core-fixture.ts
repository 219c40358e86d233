// The Node core as the integration tests see it: built by createCore with in-memory ports, driven
// through the same dispatcher the hosts use (arguments parsed, { ok } envelope), every event
// recorded and checked against the contract, media requests served by the fake media engine.
import {
  AppState,
  commands,
  events as eventSchemas,
  type AccountStatus,
  type Call,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type DtmfMode,
  type EventName,
  type EventPayload,
  type Result,
  type Settings,
  type SettingsView,
} from '../../preload/contract.ts';
import { createCore } from '../../main/core/create-core.ts';
import type { Core } from '../../main/core/core.ts';
import { createDispatcher, type Dispatch } from '../../main/core/dispatch.ts';
import type { EventSink, Logger, SecretStore, SettingsFile } from '../../main/core/ports.ts';
import type { CoreTiming } from '../../main/core/timing.ts';
import type { HistoryStore } from '../../main/core/history/history-store.ts';
import type { ApiLimits } from '../../main/core/cti/api-server.ts';
import type { WebhookTiming } from '../../main/core/cti/webhooks.ts';
import { FakeMediaEngine, type FakeMediaEngineOptions } from '../support/fake-media-engine.ts';
import { pollUntil } from '../support/process.ts';
import { settingsWith, TEST_ACCOUNT_ID } from '../unit/core/support/fakes.ts';

export class MemorySettingsFile implements SettingsFile {
  text: string | null = null;
  writes = 0;
  read(): Promise<string | null> {
    return Promise.resolve(this.text);
  }
  write(text: string): Promise<void> {
    this.text = text;
    this.writes += 1;
    return Promise.resolve();
  }
  moveAside(): Promise<string> {
    this.text = null;
    return Promise.resolve('memory:aside');
  }
}

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.values.get(key) ?? null);
  }
  set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

export interface RecordedEvent {
  at: number;
  event: EventName;
  payload: unknown;
  /** Set for emitTo. */
  to?: string;
}

export interface AccountConfig {
  wsUrl: string;
  user: string;
  password?: string | null;
  displayName?: string;
  dtmfMode?: DtmfMode;
  domain?: string;
}

export interface CoreFixture {
  readonly core: Core;
  readonly media: FakeMediaEngine;
  readonly events: RecordedEvent[];
  /** Contract violations: events or results that do not parse with the contract's schemas. */
  readonly violations: string[];
  /** Core log lines at warn and error, for failure messages. */
  readonly logLines: string[];
  /** A command as the renderer sends it: envelope back, never throws. */
  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>>;
  /** A command that must succeed; throws with the error code otherwise. */
  run<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>>;
  /** Latest account status pushed by 'account:changed' (or from getState before any). */
  account(): AccountStatus;
  /** Every account status pushed, in order. */
  accountHistory(): { at: number; status: AccountStatus }[];
  /** Latest call list pushed by 'calls:changed'. */
  calls(): Call[];
  call(callId: string): Call | undefined;
  waitForAccount(what: string, pred: (s: AccountStatus) => boolean, timeoutMs?: number): Promise<AccountStatus>;
  waitForCall(what: string, pred: (c: Call) => boolean, timeoutMs?: number): Promise<Call>;
  /** Saves the account through 'settings:save', as the settings form does. */
  configure(config: AccountConfig): Promise<SettingsView>;
  /** The fake media engine says 'media:ready' (again, e.g. after senderGone). */
  attachMedia(): Promise<void>;
  /** Saves the account and registers; resolves once registered. */
  registerAs(config: AccountConfig): Promise<AccountStatus>;
  stop(): Promise<void>;
}

export function accountSettings(config: AccountConfig): Settings {
  const domain = config.domain ?? '127.0.0.1';
  return settingsWith({
    wsUrl: config.wsUrl,
    sipUri: `sip:${config.user}@${domain}`,
    authUser: config.user,
    displayName: config.displayName ?? `Agent ${config.user}`,
    dtmfMode: config.dtmfMode ?? 'rfc4733',
    registerOnStart: false,
  });
}

const UI_SENDER = { id: 'test-ui' };

export interface StartCoreOptions {
  media?: FakeMediaEngineOptions;
  /** false: no renderer has said 'media:ready' (the media engine is not up yet). */
  attachMedia?: boolean;
  /** Shorter time bounds, e.g. keep-alives every few hundred milliseconds. */
  timing?: Partial<CoreTiming>;
  /** Call history and contacts (a SQLite file); none when absent. */
  history?: HistoryStore;
  /** The local API's limits. */
  apiLimits?: Partial<ApiLimits>;
  /** Webhook retry times. */
  webhookTiming?: Partial<WebhookTiming>;
  /** The settings file and secret store: pass the previous run's to start the core again with them. */
  settingsFile?: MemorySettingsFile;
  secrets?: MemorySecretStore;
}

export async function startCore(options: StartCoreOptions = {}): Promise<CoreFixture> {
  const recorded: RecordedEvent[] = [];
  const violations: string[] = [];
  const logLines: string[] = [];
  const media = new FakeMediaEngine(options.media);

  const check = (event: EventName, payload: unknown): void => {
    const parsed = eventSchemas[event].safeParse(payload);
    if (!parsed.success) violations.push(`event ${event}: ${parsed.error.message.slice(0, 500)}`);
  };

  const sink: EventSink = {
    emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
      recorded.push({ at: Date.now(), event, payload: structuredClone(payload) });
      check(event, payload);
    },
    emitTo<E extends EventName>(senderId: string, event: E, payload: EventPayload<E>): void {
      recorded.push({ at: Date.now(), event, payload: structuredClone(payload), to: senderId });
      check(event, payload);
      if (event === 'media:requested' && senderId === media.senderId) {
        media.handle(payload as EventPayload<'media:requested'>);
      }
    },
  };

  const keep =
    (level: string) =>
    (msg: string, ...rest: unknown[]): void => {
      logLines.push(`${level} ${msg} ${rest.map((r) => (r instanceof Error ? r.message : String(r))).join(' ')}`);
    };
  const logger: Logger = { debug() {}, info() {}, warn: keep('warn'), error: keep('error') };

  const core = createCore({
    host: 'web',
    version: '0.0.0-test',
    systemLocale: 'en-US',
    settingsFile: options.settingsFile ?? new MemorySettingsFile(),
    secrets: options.secrets ?? new MemorySecretStore(),
    events: sink,
    logger,
    mediaTimeoutMs: 5000,
    ...(options.timing ? { timing: options.timing } : {}),
    ...(options.history ? { history: options.history } : {}),
    ...(options.apiLimits ? { apiLimits: options.apiLimits } : {}),
    ...(options.webhookTiming ? { webhookTiming: options.webhookTiming } : {}),
  });
  const dispatch: Dispatch = createDispatcher(core.handlers, { logger });

  const invoke = async <C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> => {
    const res = await dispatch(command, args, UI_SENDER);
    if (res.ok) {
      const parsed = commands[command].result.safeParse(res.value);
      if (!parsed.success) violations.push(`result of ${command}: ${parsed.error.message.slice(0, 500)}`);
    }
    return res as Result<CommandResult<C>>;
  };

  const run = async <C extends CommandName>(command: C, args: CommandArgs<C>): Promise<CommandResult<C>> => {
    const res = await invoke(command, args);
    if (!res.ok) throw new Error(`${command} failed: ${res.error.code} ${res.error.message}`);
    return res.value;
  };

  await core.start();
  const initial = AppState.safeParse(core.getState());
  if (!initial.success) violations.push(`getState(): ${initial.error.message.slice(0, 500)}`);
  const attachMedia = (): Promise<void> => media.attach((command, args, senderId) => dispatch(command, args, { id: senderId }));
  if (options.attachMedia !== false) await attachMedia();

  const ofType = <E extends EventName>(event: E): { at: number; payload: EventPayload<E> }[] =>
    recorded.filter((r) => r.event === event).map((r) => ({ at: r.at, payload: r.payload as EventPayload<E> }));

  const accountEvents = (): { at: number; payload: AccountStatus }[] =>
    ofType('accounts:changed').flatMap((e) => {
      const status = e.payload.find((a) => a.accountId === TEST_ACCOUNT_ID);
      return status ? [{ at: e.at, payload: status }] : [];
    });
  const account = (): AccountStatus => accountEvents().at(-1)?.payload ?? core.getState().accounts[0]!;
  const calls = (): Call[] => ofType('calls:changed').at(-1)?.payload ?? core.getState().calls;

  const fixture: CoreFixture = {
    core,
    media,
    events: recorded,
    violations,
    logLines,
    invoke,
    run,
    account,
    accountHistory: () =>
      accountEvents()
        .filter((e, i, all) => i === 0 || JSON.stringify(e.payload) !== JSON.stringify(all[i - 1]?.payload))
        .map((e) => ({ at: e.at, status: e.payload })),
    calls,
    attachMedia,
    call: (callId) => calls().find((c) => c.id === callId),
    waitForAccount: (what, pred, timeoutMs = 5000) =>
      pollUntil(`account ${what} (last: ${JSON.stringify(account())})`, () => {
        const s = account();
        return pred(s) ? s : undefined;
      }, timeoutMs),
    waitForCall: (what, pred, timeoutMs = 5000) =>
      pollUntil(`call ${what} (calls: ${JSON.stringify(calls().map((c) => [c.id, c.direction, c.state, c.endReason]))})`, () => calls().find(pred), timeoutMs),
    configure: (config) =>
      run('settings:save', {
        settings: accountSettings(config),
        ...(config.password !== undefined ? { passwords: { [TEST_ACCOUNT_ID]: config.password } } : {}),
      }),
    async registerAs(config) {
      await fixture.configure(config);
      await run('accounts:register', { accountId: TEST_ACCOUNT_ID });
      return fixture.waitForAccount('registered', (s) => s.state === 'registered', 5000);
    },
    async stop() {
      await core.stop();
    },
  };
  return fixture;
}

/** Consecutive duplicates removed: the sequence of states a user would have seen. */
export function stateSequence(history: { status: AccountStatus }[]): string[] {
  const out: string[] = [];
  for (const h of history) if (out.at(-1) !== h.status.state) out.push(h.status.state);
  return out;
}
