// A Core with canned answers, for testing the hosts on their own: it records what the host
// tells it (start, stop, senderGone, networkChanged, every command) and can push events through
// the EventSink the host gave it.
import type { AccountStatus, AppState, Call, DesktopStatus, Handlers, SenderInfo, SettingsView } from '../../../preload/contract.ts';
import type { DialForm, DialSource } from '../../../main/core/cti/dial-requests.ts';
import type { Core, CoreOptions } from '../../../main/core/core.ts';
import { AppError } from '../../../main/core/errors.ts';
import { makeAccount, makeAccountStatus, makeCall, makeSettingsView } from '../../support/contract-values.ts';

export const cannedSettings: SettingsView = makeSettingsView({
  accounts: [makeAccount({ wsUrl: 'ws://127.0.0.1:8080', sipUri: 'sip:1001@127.0.0.1', authUser: '1001', displayName: 'Desk 1001', registerOnStart: false })],
});

export const unregistered: AccountStatus = makeAccountStatus({ label: 'sip:1001@127.0.0.1', state: 'unregistered', aor: 'sip:1001@127.0.0.1' });

export const cannedCall: Call = makeCall({ id: 'call-1', direction: 'outgoing', state: 'dialing', remote: { uri: 'sip:1002@127.0.0.1', number: '1002', displayName: '', numberDisplay: '1002' }, startedAt: 1 });

export interface FakeCore extends Core {
  readonly options: CoreOptions;
  readonly calls: { command: string; args: unknown; sender: SenderInfo }[];
  readonly gone: string[];
  readonly network: ('resume' | 'online')[];
  /** Numbers handed over from outside, in order. */
  readonly outside: { text: string; form: DialForm; source: DialSource }[];
  started: number;
  stopped: number;
  account: AccountStatus;
  /** Makes stop() hang, to test that hosts bound it. */
  stopHangs: boolean;
}

export function createFakeCore(options: CoreOptions): FakeCore {
  const calls: FakeCore['calls'] = [];
  const record = (command: string, args: unknown, sender: SenderInfo): void => {
    calls.push({ command, args, sender });
  };
  // The history is not part of the hosts' business: a fake core has none.
  const unavailable = (command: string, args: unknown, sender: SenderInfo): never => {
    record(command, args, sender);
    throw new AppError('history-unavailable', 'no history in the fake core');
  };
  /** A command that only needs recording and answers with the canned call. */
  const answersCall =
    (command: string) =>
    (args: unknown, sender: SenderInfo): Promise<Call> => {
      record(command, args, sender);
      return Promise.resolve(cannedCall);
    };
  // Handlers are async in the contract; these answer at once, so eslint's require-await is moot here.
  /* eslint-disable @typescript-eslint/require-await */
  const handlers: Handlers = {
    'app:getState': async (args, sender) => {
      record('app:getState', args, sender);
      return core.getState();
    },
    'settings:get': async (args, sender) => {
      record('settings:get', args, sender);
      return cannedSettings;
    },
    'settings:save': async (args, sender) => {
      record('settings:save', args, sender);
      if (args.settings.accounts[0]?.wsUrl === 'bad') {
        throw new AppError('invalid-settings', 'settings are invalid', { 'accounts.0.wsUrl': 'invalid-ws-url' });
      }
      const stored = Object.entries(args.passwords ?? {}).flatMap(([id, p]) => (typeof p === 'string' ? [id] : []));
      return { ...args.settings, passwordsStored: stored, webhookSecretsStored: [] };
    },
    'accounts:register': async (args, sender) => {
      record('accounts:register', args, sender);
      return core.account;
    },
    'accounts:unregister': async (args, sender) => {
      record('accounts:unregister', args, sender);
      return core.account;
    },
    'calls:dial': async (args, sender) => {
      record('calls:dial', args, sender);
      if (args.target === 'explode') throw new Error('boom');
      return cannedCall;
    },
    'calls:answer': async (args, sender) => {
      record('calls:answer', args, sender);
      throw new AppError('no-such-call', `no call ${args.callId}`);
    },
    'calls:reject': async (args, sender) => {
      record('calls:reject', args, sender);
      return cannedCall;
    },
    'calls:hangup': async (args, sender) => {
      record('calls:hangup', args, sender);
      return cannedCall;
    },
    'calls:hold': async (args, sender) => {
      record('calls:hold', args, sender);
      return { ...cannedCall, held: args.hold };
    },
    'calls:mute': async (args, sender) => {
      record('calls:mute', args, sender);
      return { ...cannedCall, muted: args.muted };
    },
    'calls:dtmf': async (args, sender) => {
      record('calls:dtmf', args, sender);
      return null;
    },
    'accounts:callVoicemail': answersCall('accounts:callVoicemail'),
    'calls:doNotDisturb': async (args, sender) => {
      record('calls:doNotDisturb', args, sender);
      return { ...cannedSettings, calls: { ...cannedSettings.calls, dnd: args.on } };
    },
    'calls:transfer': answersCall('calls:transfer'),
    'calls:consult': answersCall('calls:consult'),
    'calls:completeTransfer': answersCall('calls:completeTransfer'),
    'calls:answerTransfer': answersCall('calls:answerTransfer'),
    'calls:merge': async (args, sender) => {
      record('calls:merge', args, sender);
      return [cannedCall];
    },
    'calls:split': async (args, sender) => {
      record('calls:split', args, sender);
      return [cannedCall];
    },
    'history:query': async (args, sender) => {
      record('history:query', args, sender);
      return { rows: [], hasMore: false };
    },
    'history:update': async (args, sender) => unavailable('history:update', args, sender),
    'history:delete': async (args, sender) => unavailable('history:delete', args, sender),
    'history:clear': async (args, sender) => unavailable('history:clear', args, sender),
    'history:markSeen': async (args, sender) => unavailable('history:markSeen', args, sender),
    'history:callBack': async (args, sender) => unavailable('history:callBack', args, sender),
    'contacts:query': async (args, sender) => {
      record('contacts:query', args, sender);
      return { contacts: [], hasMore: false };
    },
    'contacts:save': async (args, sender) => unavailable('contacts:save', args, sender),
    'contacts:delete': async (args, sender) => unavailable('contacts:delete', args, sender),
    'contacts:importBegin': async (args, sender) => unavailable('contacts:importBegin', args, sender),
    'contacts:importChunk': async (args, sender) => unavailable('contacts:importChunk', args, sender),
    'contacts:importPreview': async (args, sender) => unavailable('contacts:importPreview', args, sender),
    'contacts:import': async (args, sender) => unavailable('contacts:import', args, sender),
    'contacts:importCancel': async (args, sender) => unavailable('contacts:importCancel', args, sender),
    'contacts:export': async (args, sender) => unavailable('contacts:export', args, sender),
    'calls:openCrm': async (args, sender) => unavailable('calls:openCrm', args, sender),
    'headsets:list': async (args, sender) => {
      record('headsets:list', args, sender);
      return [];
    },
    'headsets:try': async (args, sender) => {
      record('headsets:try', args, sender);
      throw new AppError('no-such-device', `no headset ${args.id}`);
    },
    'headsets:supportBundle': async (args, sender) => {
      record('headsets:supportBundle', args, sender);
      throw new AppError('no-such-device', `no headset ${args.id}`);
    },
    'api:token': async (args, sender) => {
      record('api:token', args, sender);
      return { token: 'fake-token' };
    },
    'webhooks:log': async (args, sender) => {
      record('webhooks:log', args, sender);
      return { deliveries: [], pending: {} };
    },
    'webhooks:test': async (args, sender) => unavailable('webhooks:test', args, sender),
    'webhooks:retry': async (args, sender) => unavailable('webhooks:retry', args, sender),
    'dial:confirm': answersCall('dial:confirm'),
    'dial:dismiss': async (args, sender) => {
      record('dial:dismiss', args, sender);
      return null;
    },
    'desktop:status': async (args, sender) => {
      record('desktop:status', args, sender);
      return desktopStatus(options);
    },
    'desktop:makeDefaultHandler': async (args, sender) => {
      record('desktop:makeDefaultHandler', args, sender);
      return desktopStatus(options, options.desktop ? await options.desktop.makeDefaultHandler(args.scheme) : false);
    },
    'media:ready': async (args, sender) => {
      record('media:ready', args, sender);
      return null;
    },
    'media:respond': async (args, sender) => {
      record('media:respond', args, sender);
      return null;
    },
  };
  /* eslint-enable @typescript-eslint/require-await */
  const core: FakeCore = {
    options,
    calls,
    gone: [],
    network: [],
    outside: [],
    started: 0,
    stopped: 0,
    account: unregistered,
    stopHangs: false,
    handlers,
    getState(): AppState {
      return {
        host: options.host,
        version: options.version,
        systemLocale: options.systemLocale,
        settings: cannedSettings,
        accounts: [core.account],
        calls: [],
        headsets: [],
        history: { unseenMissed: 0, revision: 0 },
        screenPops: [],
        historyMovedAside: null,
        dialRequests: [],
        api: { state: 'off', port: null, error: null },
      };
    },
    start() {
      core.started += 1;
      return Promise.resolve();
    },
    stop() {
      core.stopped += 1;
      return core.stopHangs ? new Promise<void>(() => undefined) : Promise.resolve();
    },
    senderGone(senderId) {
      core.gone.push(senderId);
    },
    networkChanged(reason) {
      core.network.push(reason);
    },
    dialFromOutside(text, form, source) {
      core.outside.push({ text, form, source });
      return Promise.resolve(null);
    },
  };
  return core;
}

async function desktopStatus(options: CoreOptions, systemSettingsOpened = false): Promise<DesktopStatus> {
  const desktop = options.desktop;
  return {
    links: desktop ? await desktop.linkHandlers() : [],
    shortcut: { accelerator: '', state: desktop ? 'off' : 'unsupported' },
    shortcutReads: desktop?.shortcutReads ?? 'none',
    dialCommand: desktop?.dialCommand ?? '',
    systemSettingsOpened,
  };
}
