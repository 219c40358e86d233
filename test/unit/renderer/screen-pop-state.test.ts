// The screen-pops by call id (from the state and from events, gone with their call, foldable, the
// CRM button's errors), and the settings that shape them and the history: default country,
// retention and the CRM template, as the form reads and writes them.
import { getCountries } from 'libphonenumber-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrmAutoOpen, Locale, type Call, type ScreenPop, type SettingsView } from '../../../preload/contract.ts';
import { catalogs } from '../../../renderer/src/i18n/catalog.ts';
import { DEFAULT_DIAL_PLAN } from '../../../main/core/numbers/dial-plan.ts';
import { COUNTRY_CODES, countryOptions, regionOf } from '../../../renderer/src/lib/countries.ts';
import { formFromSettings, localFieldErrors, retentionDays, settingsFromForm } from '../../../renderer/src/lib/settings-form.ts';
import type { ScreenPopsState as ScreenPopsStateType } from '../../../renderer/src/state/screen-pops-state.svelte.ts';
import { fakeApi, importRuneModule, ok } from './history-support.ts';
import { makeAccount, makeSettingsView, makeCall } from '../../support/contract-values.ts';

let ScreenPopsState: typeof ScreenPopsStateType;

beforeAll(async () => {
  const mod = (await importRuneModule('renderer/src/state/screen-pops-state.svelte.ts')) as { ScreenPopsState: typeof ScreenPopsStateType };
  ScreenPopsState = mod.ScreenPopsState;
});

const pop = (callId: string, patch: Partial<ScreenPop> = {}): ScreenPop => ({
  callId,
  numberDisplay: '1002',
  e164: null,
  contact: null,
  recent: [],
  totalCalls: 0,
  lastCallAt: null,
  crmUrl: null,
  ...patch,
});

const call = (id: string): Call => makeCall({ id, remote: { uri: 'sip:1002@pbx', number: '1002', displayName: '', numberDisplay: '1002' } });

describe('ScreenPopsState', () => {
  it('keeps the newest pop per call and drops it when its call is gone', () => {
    const state = new ScreenPopsState(fakeApi(() => ok(null)).api);
    state.replace([pop('a')]);
    // A pop may arrive before the call is listed: it stays.
    state.set(pop('b', { numberDisplay: '(415) 555-0101' }));
    state.keep([call('a')]);
    expect(Object.keys(state.byCall).sort()).toEqual(['a', 'b']);
    state.set(pop('b', { totalCalls: 3 }));
    expect(state.get('b')?.totalCalls).toBe(3);
    state.keep([call('a'), call('b')]);
    state.toggle('b');
    expect(state.isCollapsed('b')).toBe(true);
    state.keep([call('a')]);
    expect(state.get('b')).toBeUndefined();
    expect(state.isCollapsed('b')).toBe(false);
    expect(state.get('a')).toBeDefined();
  });

  it('folds and unfolds', () => {
    const state = new ScreenPopsState(fakeApi(() => ok(null)).api);
    state.toggle('a');
    state.toggle('a');
    expect(state.isCollapsed('a')).toBe(false);
  });

  it('opens the CRM page through main and shows why when it cannot', async () => {
    const fake = fakeApi(() => ({ ok: false, error: { code: 'no-such-call', message: 'gone' } }));
    const state = new ScreenPopsState(fake.api);
    expect(await state.openCrm('a')).toBe(false);
    expect(fake.calls('calls:openCrm')).toEqual([{ callId: 'a' }]);
    expect(state.errors['a']?.code).toBe('no-such-call');
  });

  it('has its words in both languages', () => {
    const keys = ['screenPop.unknown', 'screenPop.openCrm', 'screenPop.firstCall', 'screenPop.summary', 'screenPop.calls.one', 'screenPop.calls.other'];
    for (const locale of Locale.options) for (const key of keys) expect(catalogs[locale][key], `${locale} ${key}`).toBeTruthy();
  });
});

const view: SettingsView = makeSettingsView({
  accounts: [makeAccount({ wsUrl: 'wss://pbx/ws', sipUri: 'sip:1001@pbx', authUser: '1001' })],
  numbers: { defaultCountry: 'DE', dialPlan: DEFAULT_DIAL_PLAN },
  history: { retentionDays: 90 },
  screenPop: { crmUrlTemplate: 'https://crm.example.com/?q={e164}', crmAutoOpen: 'on-answer' },
});

describe('history and screen-pop settings in the form', () => {
  it('round-trip', () => {
    const form = formFromSettings(view);
    expect(form).toMatchObject({ defaultCountry: 'DE', retentionChoice: '90', retentionCustom: '', crmAutoOpen: 'on-answer' });
    const { settings } = settingsFromForm({ ...form, crmUrlTemplate: '  https://crm.example.com/?q={e164}  ' }, view);
    expect(settings.numbers).toEqual(view.numbers);
    expect(settings.history).toEqual(view.history);
    expect(settings.screenPop).toEqual(view.screenPop);
  });

  it('offers forever, 30, 90, 365 days or a custom number of days', () => {
    const custom = formFromSettings({ ...view, history: { retentionDays: 180 } });
    expect(custom).toMatchObject({ retentionChoice: 'custom', retentionCustom: '180' });
    expect(settingsFromForm(custom, view).settings.history.retentionDays).toBe(180);
    expect(retentionDays({ retentionChoice: '0', retentionCustom: '' })).toBe(0);
    expect(localFieldErrors({ ...custom, retentionCustom: '0' })).toEqual({ 'history.retentionDays': 'invalid-days' });
    expect(localFieldErrors({ ...custom, retentionCustom: 'ten' })).toEqual({ 'history.retentionDays': 'invalid-days' });
    expect(localFieldErrors({ ...custom, retentionCustom: '36501' })).toEqual({ 'history.retentionDays': 'invalid-days' });
    expect(localFieldErrors(custom)).toEqual({});
    for (const locale of Locale.options) expect(catalogs[locale]['settings.errors.invalid-days']).toBeTruthy();
    for (const locale of Locale.options) {
      for (const mode of CrmAutoOpen.options) expect(catalogs[locale][`settings.screenPop.autoOpenModes.${mode}`], `${locale} ${mode}`).toBeTruthy();
    }
  });

  it('lists exactly the countries libphonenumber knows, named and sorted in the UI language', () => {
    expect([...COUNTRY_CODES].sort()).toEqual([...getCountries()].sort());
    const en = countryOptions('en');
    expect(en.find((c) => c.code === 'DE')?.name).toBe('Germany');
    const zh = countryOptions('zh-CN');
    expect(zh.find((c) => c.code === 'CN')?.name).toBe('中国');
    expect(en.map((c) => c.name)).toEqual([...en.map((c) => c.name)].sort(new Intl.Collator('en').compare));
    expect(regionOf('en-US')).toBe('US');
    expect(regionOf('zh-CN')).toBe('CN');
    expect(regionOf('not a locale!')).toBe('');
  });
});
