// Settings: defaults, loading (a corrupt file is moved aside, never deleted), validation with
// per-field reasons, and the password kept out of the settings file.
import { describe, expect, it } from 'vitest';
import { Settings, SettingsView } from '../../../preload/contract.ts';
import { AppError } from '../../../main/core/errors.ts';
import { defaultSettings } from '../../../main/core/settings/settings-defaults.ts';
import { PASSWORD_KEY, SettingsStore } from '../../../main/core/settings/settings-store.ts';
import { isValidIceUrl, isValidWsUrl, parseSipUri, validateSettings } from '../../../main/core/settings/settings-validation.ts';
import { MemorySecretStore, MemorySettingsFile, RecordingLogger, settingsWith } from './support/fakes.ts';
import { makeCore } from './support/core-harness.ts';

function store(text: string | null = null): { s: SettingsStore; file: MemorySettingsFile; secrets: MemorySecretStore; logger: RecordingLogger } {
  const file = new MemorySettingsFile(text);
  const secrets = new MemorySecretStore();
  const logger = new RecordingLogger();
  return { s: new SettingsStore({ file, secrets, logger }), file, secrets, logger };
}

const GOOD = settingsWith({ wsUrl: 'wss://pbx.example.com:8089/ws', sipUri: 'sip:1001@pbx.example.com', authUser: '1001', displayName: 'Ann' });

async function saveError(s: SettingsStore, settings: Settings): Promise<AppError> {
  const err: unknown = await s.save(settings, undefined).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('defaults', () => {
  it('are an empty account with RFC 4733 DTMF, no ICE servers, register on start, system devices and locale, every headset', () => {
    expect(defaultSettings()).toEqual({
      account: { wsUrl: '', sipUri: '', authUser: '', displayName: '', dtmfMode: 'rfc4733', iceServers: [], registerOnStart: true },
      audio: { inputDeviceId: '', outputDeviceId: '', ringtoneDeviceId: '' },
      ui: { locale: 'auto' },
      headsets: { enabled: true, ignored: [] },
      numbers: { defaultCountry: '' },
      history: { retentionDays: 0 },
      screenPop: { crmUrlTemplate: '', crmAutoOpen: 'off' },
    });
    expect(Settings.safeParse(defaultSettings()).success).toBe(true);
  });

  it('are used when there is no file, and nothing is written', async () => {
    const { s, file } = store(null);
    expect(await s.load()).toEqual(defaultSettings());
    expect(file.writes).toHaveLength(0);
    expect(s.view()).toEqual({ ...defaultSettings(), hasPassword: false });
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
    const bad = JSON.stringify({ ...GOOD, account: { ...GOOD.account, dtmfMode: 'smoke-signals' } });
    const { s, file, logger } = store(bad);
    expect(await s.load()).toEqual(defaultSettings());
    expect(file.movedAside).toEqual([bad]);
    expect(logger.lines.some((l) => l.level === 'warn' && /schema/.test(l.msg))).toBe(true);
  });

  it('fills keys a file from an older version lacks, keeping the account', async () => {
    const old = { account: { wsUrl: GOOD.account.wsUrl, sipUri: GOOD.account.sipUri, authUser: '', displayName: '' } };
    const { s, file } = store(JSON.stringify(old));
    const loaded = await s.load();
    expect(loaded.account.wsUrl).toBe(GOOD.account.wsUrl);
    expect(loaded.account.dtmfMode).toBe('rfc4733');
    expect(loaded.ui.locale).toBe('auto');
    expect(file.movedAside).toHaveLength(0);
  });

  it('drops a password somebody put into the file', async () => {
    const withPassword = { ...GOOD, account: { ...GOOD.account, password: 'hunter2' }, password: 'hunter2' };
    const { s } = store(JSON.stringify(withPassword));
    const loaded = await s.load();
    expect(JSON.stringify(loaded)).not.toContain('hunter2');
  });

  it('reports hasPassword from the secret store, and survives a locked one', async () => {
    const a = store(JSON.stringify(GOOD));
    a.secrets.values.set(PASSWORD_KEY, 'pw');
    await a.s.load();
    expect(a.s.view().hasPassword).toBe(true);
    const b = store(JSON.stringify(GOOD));
    b.secrets.unavailable = true;
    await b.s.load();
    expect(b.s.view().hasPassword).toBe(false);
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

  it('an empty account is valid (unconfigured)', () => {
    expect(validateSettings(defaultSettings())).toEqual({});
  });

  it('a started account needs both addresses', () => {
    expect(validateSettings(settingsWith({ authUser: '1001' }))).toEqual({ 'account.wsUrl': 'required', 'account.sipUri': 'required' });
  });

  it('names each bad field with its reason', () => {
    const settings = settingsWith({
      wsUrl: 'https://pbx.example.com',
      sipUri: 'pbx.example.com',
      iceServers: [{ urls: 'stun:ok.example.com' }, { urls: ['turn:ok.example.com', 'http://bad'] }, { urls: 'nope' }],
    });
    expect(validateSettings(settings)).toEqual({
      'account.wsUrl': 'invalid-ws-url',
      'account.sipUri': 'invalid-sip-uri',
      'account.iceServers.1.urls.1': 'invalid-ice-url',
      'account.iceServers.2.urls': 'invalid-ice-url',
    });
  });

  it('save refuses invalid settings with invalid-settings and the fields, writing nothing', async () => {
    const { s, file } = store();
    const err = await saveError(s, settingsWith({ wsUrl: 'ftp://x', sipUri: 'sip:1001@x' }));
    expect(err.code).toBe('invalid-settings');
    expect(err.fields).toEqual({ 'account.wsUrl': 'invalid-ws-url' });
    expect(err.toInfo()).toMatchObject({ code: 'invalid-settings', fields: { 'account.wsUrl': 'invalid-ws-url' } });
    expect(file.writes).toHaveLength(0);
  });

  it('save trims what was typed around addresses', async () => {
    const { s } = store();
    await s.save(settingsWith({ wsUrl: '  ws://127.0.0.1:8080 ', sipUri: ' sip:1001@127.0.0.1' }), undefined);
    expect(s.settings.account).toMatchObject({ wsUrl: 'ws://127.0.0.1:8080', sipUri: 'sip:1001@127.0.0.1' });
  });
});

describe('the password', () => {
  it('goes only to the secret store; the settings file never contains it', async () => {
    const { s, file, secrets } = store();
    const view = await s.save(GOOD, 'correct horse battery staple');
    expect(secrets.values.get(PASSWORD_KEY)).toBe('correct horse battery staple');
    expect([...secrets.values.keys()]).toEqual([PASSWORD_KEY]);
    expect(view.hasPassword).toBe(true);
    expect(SettingsView.safeParse(view).success).toBe(true);
    expect(JSON.stringify(view)).not.toContain('correct horse');
    expect(file.writes).toHaveLength(1);
    for (const text of file.writes) {
      expect(text).not.toContain('correct horse');
      expect(text.toLowerCase()).not.toContain('password');
    }
    // Even a caller that sneaks it into the settings object does not get it written.
    const sneaky = { ...GOOD, account: { ...GOOD.account, password: 'sneaky-secret' } } as unknown as Settings;
    await s.save(sneaky, undefined);
    expect(file.text).not.toContain('sneaky-secret');
  });

  it('undefined keeps it, null clears it, an empty string clears it', async () => {
    const { s, secrets } = store();
    await s.save(GOOD, 'pw1');
    expect((await s.save(GOOD, undefined)).hasPassword).toBe(true);
    expect(secrets.values.get(PASSWORD_KEY)).toBe('pw1');
    const cleared = await s.save(GOOD, null);
    expect(cleared.hasPassword).toBe(false);
    expect(secrets.values.has(PASSWORD_KEY)).toBe(false);
    await s.save(GOOD, 'pw2');
    await s.save(GOOD, '');
    expect(secrets.values.has(PASSWORD_KEY)).toBe(false);
  });

  it('a secret store that refuses gives secret-store-unavailable and writes no settings', async () => {
    const { s, file, secrets } = store();
    secrets.unavailable = true;
    const err: unknown = await s.save(GOOD, 'pw').catch((e: unknown) => e);
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
    const view = await h.core.handlers['settings:save']({ settings: next, password: 's3cret' }, { id: 'r' });
    expect(view.hasPassword).toBe(true);
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
    expect((err as AppError).fields).toEqual({ 'account.sipUri': 'invalid-sip-uri' });
    expect(h.events.all('settings:changed')).toHaveLength(published);
    expect(h.core.getState().settings.account.wsUrl).toBe('');
    await h.core.stop();
  });
});
