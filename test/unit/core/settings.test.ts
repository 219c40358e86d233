// Settings: defaults, loading (a corrupt file is moved aside, never deleted; an older file's one
// account becomes the first of the list), validation with per-field reasons, and each account's
// password kept out of the settings file.
import { describe, expect, it } from 'vitest';
import { Settings, SettingsView } from '../../../preload/contract.ts';
import { AppError } from '../../../main/core/errors.ts';
import { defaultAccount, defaultSettings } from '../../../main/core/settings/settings-defaults.ts';
import { passwordKey, SettingsStore, SINGLE_ACCOUNT_PASSWORD_KEY } from '../../../main/core/settings/settings-store.ts';
import { isValidIceUrl, isValidWsUrl, parseSipUri, validateSettings } from '../../../main/core/settings/settings-validation.ts';
import { MemorySecretStore, MemorySettingsFile, RecordingLogger, settingsWith, TEST_ACCOUNT_ID } from './support/fakes.ts';
import { makeCore } from './support/core-harness.ts';

function store(text: string | null = null): { s: SettingsStore; file: MemorySettingsFile; secrets: MemorySecretStore; logger: RecordingLogger } {
  const file = new MemorySettingsFile(text);
  const secrets = new MemorySecretStore();
  const logger = new RecordingLogger();
  return { s: new SettingsStore({ file, secrets, logger }), file, secrets, logger };
}

const PASSWORD_KEY = passwordKey(TEST_ACCOUNT_ID);
const pw = (password: string | null): Record<string, string | null> => ({ [TEST_ACCOUNT_ID]: password });

const GOOD = settingsWith({ wsUrl: 'wss://pbx.example.com:8089/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '1001', displayName: 'Ann' });

async function saveError(s: SettingsStore, settings: Settings): Promise<AppError> {
  const err: unknown = await s.save(settings).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('defaults', () => {
  it('are no account, system devices and locale, every headset; a new account has RFC 4733 DTMF, no ICE servers, registers on start', () => {
    expect(defaultAccount('a1')).toEqual({
      id: 'a1',
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
    });
    expect(defaultSettings()).toEqual({
      accounts: [],
      calls: { maxLines: 4, callWaitingTone: true, incomingTransfer: 'accept', dnd: false, dndStatus: 486 },
      audio: { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] },
      ui: { locale: 'auto' },
      headsets: { enabled: true, ignored: [] },
      numbers: { defaultCountry: '', dialPlan: { outsideLinePrefix: '', maxExtensionDigits: 6, format: 'as-dialled' } },
      history: { retentionDays: 0 },
      screenPop: { crmUrlTemplate: '', crmAutoOpen: 'off' },
      clickToDial: { confirm: 'international', shortcut: 'CommandOrControl+Alt+Shift+D' },
      api: { enabled: false, port: 7853, allowedOrigins: [] },
      webhooks: [],
    });
    expect(Settings.safeParse(defaultSettings()).success).toBe(true);
  });

  it('are used when there is no file, and nothing is written', async () => {
    const { s, file } = store(null);
    expect(await s.load()).toEqual(defaultSettings());
    expect(file.writes).toHaveLength(0);
    expect(s.view()).toEqual({ ...defaultSettings(), passwordsStored: [], webhookSecretsStored: [] });
  });
});

describe('loading', () => {
  it('reads a valid file', async () => {
    const { s } = store(JSON.stringify(GOOD));
    expect(await s.load()).toEqual(GOOD);
  });

  it('moves a file that is not JSON aside, logs a warning and runs on defaults', async () => {
    const { s, file, logger } = store('{ this is not json');
    expect(await s.load()).toEqual(defaultSettings());
    expect(file.movedAside).toEqual(['{ this is not json']);
    expect(logger.lines.some((l) => l.level === 'warn' && /not JSON/.test(l.msg))).toBe(true);
  });

  it('moves a file that fails the schema aside', async () => {
    const bad = JSON.stringify({ ...GOOD, accounts: [{ ...GOOD.accounts[0], dtmfMode: 'smoke-signals' }] });
    const { s, file, logger } = store(bad);
    expect(await s.load()).toEqual(defaultSettings());
    expect(file.movedAside).toEqual([bad]);
    expect(logger.lines.some((l) => l.level === 'warn' && /schema/.test(l.msg))).toBe(true);
  });

  it('fills keys a file from an older version lacks, in the settings and in each account', async () => {
    const old = { accounts: [{ id: 'main', wsUrl: 'ws://a', sipUri: 'sip:1@a', authUser: '', displayName: '' }] };
    const { s, file } = store(JSON.stringify(old));
    const loaded = await s.load();
    expect(loaded.accounts[0]).toMatchObject({ id: 'main', wsUrl: 'ws://a', dtmfMode: 'rfc4733', label: '', registerOnStart: true });
    expect(loaded.ui.locale).toBe('auto');
    expect(file.movedAside).toHaveLength(0);
  });

  it('turns the one account of a version before several accounts into the first account, password included', async () => {
    const single = {
      account: { wsUrl: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '1001', displayName: 'Ann', dtmfMode: 'info', iceServers: [], registerOnStart: false },
      ui: { locale: 'zh-CN' },
    };
    const { s, file, secrets } = store(JSON.stringify(single));
    secrets.values.set(SINGLE_ACCOUNT_PASSWORD_KEY, 'old-secret');
    const loaded = await s.load();
    expect(loaded.accounts).toEqual([{ ...defaultAccount('main'), ...single.account, id: 'main' }]);
    expect(loaded.ui.locale).toBe('zh-CN');
    expect(secrets.values.get(passwordKey('main'))).toBe('old-secret');
    expect(secrets.values.has(SINGLE_ACCOUNT_PASSWORD_KEY)).toBe(false);
    expect(s.view().passwordsStored).toEqual(['main']);
    expect(file.movedAside).toHaveLength(0);
  });

  it('an older file with one ringtone output has it as the list of ring outputs', async () => {
    const { s } = store(JSON.stringify({ ...GOOD, audio: { inputDeviceId: 'mic', outputDeviceId: 'hs', ringtoneDeviceId: 'spk' } }));
    expect((await s.load()).audio).toEqual({ inputDeviceId: 'mic', outputDeviceId: 'hs', ringDeviceIds: ['spk'] });
  });

  it('an older file whose one account was never filled in has no account', async () => {
    const { s } = store(JSON.stringify({ account: { wsUrl: '', sipUri: '', authUser: '', displayName: '' } }));
    expect((await s.load()).accounts).toEqual([]);
  });

  it('drops a password somebody put into the file', async () => {
    const withPassword = { ...GOOD, accounts: [{ ...GOOD.accounts[0], password: 'hunter2' }], password: 'hunter2' };
    const { s } = store(JSON.stringify(withPassword));
    const loaded = await s.load();
    expect(JSON.stringify(loaded)).not.toContain('hunter2');
  });

  it('reports the stored passwords from the secret store, and survives a locked one', async () => {
    const a = store(JSON.stringify(GOOD));
    a.secrets.values.set(passwordKey(TEST_ACCOUNT_ID), 'pw');
    await a.s.load();
    expect(a.s.view().passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(true);
    const b = store(JSON.stringify(GOOD));
    b.secrets.unavailable = true;
    await b.s.load();
    expect(b.s.view().passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
  });
});

describe('validation', () => {
  it.each([
    ['ws://127.0.0.1:8080', true],
    ['wss://pbx.example.com/ws', true],
    ['ws://[::1]:8080', true],
    ['http://pbx.example.com', false],
    ['wss://', false],
    ['ws:///path', false],
    ['wss://user:pw@pbx.example.com', false],
    [' wss://pbx.example.com', false],
    ['wss://pbx.exa\nmple.com', false],
    ['pbx.example.com', false],
    ['', false],
  ])('ws URL %j valid: %s', (url, ok) => {
    expect(isValidWsUrl(url)).toBe(ok);
  });

  it.each([
    ['sip:1001@pbx.example.com', true],
    ['sips:alice@example.com:5061', true],
    ['sip:pbx.example.com', false],
    ['tel:+4930123', false],
    ['1001@pbx.example.com', false],
    ['sip:1001@', false],
    ['sip:10 01@pbx', false],
  ])('SIP URI %j valid: %s', (uri, ok) => {
    expect(parseSipUri(uri) !== undefined).toBe(ok);
  });

  it.each([
    ['stun:stun.example.com:3478', true],
    ['stuns:stun.example.com', true],
    ['turn:turn.example.com?transport=tcp', true],
    ['turns:turn.example.com:5349', true],
    ['http://turn.example.com', false],
    ['stun:', false],
    ['turn: spaced', false],
  ])('ICE URL %j valid: %s', (url, ok) => {
    expect(isValidIceUrl(url)).toBe(ok);
  });

  it('no account, or an empty one, is valid (unconfigured)', () => {
    expect(validateSettings(defaultSettings())).toEqual({});
    expect(validateSettings(settingsWith({}))).toEqual({});
  });

  it('a started account needs both addresses', () => {
    expect(validateSettings(settingsWith({ authUser: '1001' }))).toEqual({ 'accounts.0.wsUrl': 'required', 'accounts.0.sipUri': 'required' });
  });

  it('names the account by its place in the list, and refuses two accounts with one id', () => {
    const settings: Settings = {
      ...GOOD,
      accounts: [GOOD.accounts[0]!, { ...GOOD.accounts[0]!, sipUri: 'nope' }, { ...defaultAccount('b'), wsUrl: 'ws://ok', sipUri: 'sip:2@ok' }],
    };
    expect(validateSettings(settings)).toEqual({ 'accounts.1.id': 'duplicate-account', 'accounts.1.sipUri': 'invalid-sip-uri' });
  });

  it('a forwarding target and a voicemail number must be dialable, and forwarding needs a target', () => {
    const base = settingsWith({ wsUrl: 'ws://a', sipUri: 'sip:1@a' });
    const account = base.accounts[0]!;
    const check = (patch: Partial<typeof account>): Record<string, string> => validateSettings({ ...base, accounts: [{ ...account, ...patch }] });
    expect(check({ forward: { mode: 'always', target: '', noAnswerS: 20 } })).toEqual({ 'accounts.0.forward.target': 'required' });
    expect(check({ forward: { mode: 'busy', target: 'javascript:x', noAnswerS: 20 } })).toEqual({ 'accounts.0.forward.target': 'invalid-number' });
    expect(check({ forward: { mode: 'no-answer', target: '+1 555 123 4567', noAnswerS: 20 } })).toEqual({});
    // An unused target is not checked.
    expect(check({ forward: { mode: 'off', target: 'garbage <>', noAnswerS: 20 } })).toEqual({});
    expect(check({ voicemailNumber: '*97' })).toEqual({});
    expect(check({ voicemailNumber: 'not a number!' })).toEqual({ 'accounts.0.voicemailNumber': 'invalid-number' });
  });

  it('at most eight accounts (the schema)', () => {
    const accounts = Array.from({ length: 9 }, (_, i) => defaultAccount(`a${i}`));
    expect(Settings.safeParse({ ...defaultSettings(), accounts }).success).toBe(false);
    expect(Settings.safeParse({ ...defaultSettings(), accounts: accounts.slice(0, 8) }).success).toBe(true);
  });

  it('names each bad field with its reason', () => {
    const settings = settingsWith({
      wsUrl: 'https://pbx.example.com',
      sipUri: 'pbx.example.com',
      iceServers: [{ urls: 'stun:ok.example.com' }, { urls: ['turn:ok.example.com', 'http://bad'] }, { urls: 'nope' }],
    });
    expect(validateSettings(settings)).toEqual({
      'accounts.0.wsUrl': 'invalid-ws-url',
      'accounts.0.sipUri': 'invalid-sip-uri',
      'accounts.0.iceServers.1.urls.1': 'invalid-ice-url',
      'accounts.0.iceServers.2.urls': 'invalid-ice-url',
    });
  });

  it('save refuses invalid settings with invalid-settings and the fields, writing nothing', async () => {
    const { s, file } = store();
    const err = await saveError(s, settingsWith({ wsUrl: 'ftp://x', sipUri: 'sip:1001@x' }));
    expect(err.code).toBe('invalid-settings');
    expect(err.fields).toEqual({ 'accounts.0.wsUrl': 'invalid-ws-url' });
    expect(err.toInfo()).toMatchObject({ code: 'invalid-settings', fields: { 'accounts.0.wsUrl': 'invalid-ws-url' } });
    expect(file.writes).toHaveLength(0);
  });

  it('the dial shortcut needs a key and a modifier other than Shift, and is kept in Electron\'s spelling', async () => {
    const base = settingsWith({});
    expect(validateSettings({ ...base, clickToDial: { confirm: 'always', shortcut: 'Shift+D' } })).toEqual({ 'clickToDial.shortcut': 'invalid-shortcut' });
    expect(validateSettings({ ...base, clickToDial: { confirm: 'always', shortcut: '' } })).toEqual({});
    const { s } = store();
    await s.save({ ...base, clickToDial: { confirm: 'never', shortcut: ' cmdorctrl+shift+d ' } });
    expect(s.settings.clickToDial).toEqual({ confirm: 'never', shortcut: 'CommandOrControl+Shift+D' });
  });

  it('web pages allowed to use the local API: https origins (http only on this machine), kept as browsers send them', async () => {
    const base = settingsWith({});
    const api = (allowedOrigins: string[]) => ({ ...base, api: { enabled: true, port: 7853, allowedOrigins } });
    expect(validateSettings(api(['https://crm.example.com', 'http://localhost:3000', 'HTTPS://CRM.Example.com:8443']))).toEqual({});
    expect(validateSettings(api(['http://crm.example.com', 'https://crm.example.com/path', 'crm.example.com', 'null', 'https://u:p@crm.example.com', '*']))).toEqual({
      'api.allowedOrigins.0': 'invalid-origin',
      'api.allowedOrigins.1': 'invalid-origin',
      'api.allowedOrigins.2': 'invalid-origin',
      'api.allowedOrigins.3': 'invalid-origin',
      'api.allowedOrigins.4': 'invalid-origin',
      'api.allowedOrigins.5': 'invalid-origin',
    });
    const { s } = store();
    await s.save(api([' HTTPS://CRM.Example.com:8443 ']));
    expect(s.settings.api.allowedOrigins).toEqual(['https://crm.example.com:8443']);
  });

  it('save trims what was typed around addresses', async () => {
    const { s } = store();
    await s.save(settingsWith({ wsUrl: '  ws://127.0.0.1:8080 ', sipUri: ' sip:1001@127.0.0.1', label: ' Desk ' }));
    expect(s.settings.accounts[0]).toMatchObject({ wsUrl: 'ws://127.0.0.1:8080', sipUri: 'sip:1001@127.0.0.1', label: 'Desk' });
  });
});

describe('the password', () => {
  it('goes only to the secret store; the settings file never contains it', async () => {
    const { s, file, secrets } = store();
    const view = await s.save(GOOD, pw('correct horse battery staple'));
    expect(secrets.values.get(PASSWORD_KEY)).toBe('correct horse battery staple');
    expect([...secrets.values.keys()]).toEqual([PASSWORD_KEY]);
    expect(view.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(true);
    expect(SettingsView.safeParse(view).success).toBe(true);
    expect(JSON.stringify(view)).not.toContain('correct horse');
    expect(file.writes).toHaveLength(1);
    for (const text of file.writes) {
      expect(text).not.toContain('correct horse');
      expect(text.toLowerCase()).not.toContain('password');
    }
    // Even a caller that sneaks it into the settings object does not get it written.
    const sneaky = { ...GOOD, accounts: [{ ...GOOD.accounts[0], password: 'sneaky-secret' }] } as unknown as Settings;
    await s.save(sneaky);
    expect(file.text).not.toContain('sneaky-secret');
  });

  it('an absent id keeps it, null clears it, an empty string clears it', async () => {
    const { s, secrets } = store();
    await s.save(GOOD, pw('pw1'));
    expect((await s.save(GOOD)).passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(true);
    expect(secrets.values.get(PASSWORD_KEY)).toBe('pw1');
    const cleared = await s.save(GOOD, pw(null));
    expect(cleared.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
    expect(secrets.values.has(PASSWORD_KEY)).toBe(false);
    await s.save(GOOD, pw('pw2'));
    await s.save(GOOD, pw(''));
    expect(secrets.values.has(PASSWORD_KEY)).toBe(false);
  });

  it("each account has its own; a removed account's password is deleted once the settings without it are written", async () => {
    const { s, secrets, file } = store();
    const two: Settings = { ...GOOD, accounts: [GOOD.accounts[0]!, { ...GOOD.accounts[0]!, id: 'sales', sipUri: 'sip:2001@pbx.example.com' }] };
    const view = await s.save(two, { [TEST_ACCOUNT_ID]: 'one', sales: 'two' });
    expect(view.passwordsStored).toEqual([TEST_ACCOUNT_ID, 'sales']);
    expect(secrets.values.get(passwordKey('sales'))).toBe('two');
    const after = await s.save({ ...two, accounts: [two.accounts[0]!] });
    expect(after.passwordsStored).toEqual([TEST_ACCOUNT_ID]);
    expect(secrets.values.has(passwordKey('sales'))).toBe(false);
    expect(secrets.values.get(PASSWORD_KEY)).toBe('one');
    expect(file.text).not.toContain('sales');
  });

  it('a password for an account the settings do not have is refused, naming it', async () => {
    const { s, secrets } = store();
    const err: unknown = await s.save(GOOD, { ghost: 'pw' }).catch((e: unknown) => e);
    expect((err as AppError).fields).toEqual({ 'passwords.ghost': 'no-such-account' });
    expect(secrets.values.size).toBe(0);
  });

  it('a secret store that refuses gives secret-store-unavailable and writes no settings', async () => {
    const { s, file, secrets } = store();
    secrets.unavailable = true;
    const err: unknown = await s.save(GOOD, pw('pw')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('secret-store-unavailable');
    expect(file.writes).toHaveLength(0);
  });
});

describe('through the core', () => {
  it('settings:save emits settings:changed with the view, never the password', async () => {
    const h = makeCore();
    await h.core.start();
    const next = settingsWith({ wsUrl: 'ws://127.0.0.1:1', sipUri: 'sip:1001@127.0.0.1', registerOnStart: false });
    const view = await h.core.handlers['settings:save']({ settings: next, passwords: pw('s3cret') }, { id: 'r' });
    expect(view.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(true);
    const changed = h.events.last('settings:changed');
    expect(changed).toEqual(view);
    expect(JSON.stringify(h.events.emitted)).not.toContain('s3cret');
    expect(h.file.text).not.toContain('s3cret');
    expect(await h.core.handlers['settings:get'](undefined, { id: 'r' })).toEqual(view);
    await h.core.stop();
  });

  it('settings:save with a bad field fails with the field and changes nothing', async () => {
    const h = makeCore();
    await h.core.start();
    const published = h.events.all('settings:changed').length;
    const err: unknown = await h.core.handlers['settings:save']({ settings: settingsWith({ wsUrl: 'ws://x', sipUri: 'x' }) }, { id: 'r' }).catch(
      (e: unknown) => e,
    );
    expect((err as AppError).fields).toEqual({ 'accounts.0.sipUri': 'invalid-sip-uri' });
    expect(h.events.all('settings:changed')).toHaveLength(published);
    expect(h.core.getState().settings.accounts).toEqual([]);
    await h.core.stop();
  });
});
