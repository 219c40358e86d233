// Screenshots of the built renderer with canned states, for looking at the UI without a PBX.
// It serves dist/renderer on 127.0.0.1 under the strict CSP, injects a fake window.hookswitch
// bridge (the preload's contract) before the page loads, and writes PNGs to tmp/screens/.
//
//   npx vite build --config renderer/vite.config.ts
//   npx esbuild test/support/renderer-preview.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=tmp/renderer-preview.mjs && node tmp/renderer-preview.mjs [names…]
//
// Any page error or CSP violation is printed and makes the script exit non-zero.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { AccountSettings, AccountStatus, AppState, Call, CallRecord, Contact, ErrorInfo, ImportPreview, ImportResult, ScreenPop, SettingsView } from '../../preload/contract.ts';
import { contentSecurityPolicy } from '../../main/host/renderer-files.ts';
import { makeAccount, makeAccountStatus, makeCall, makeSettingsView } from './contract-values.ts';

/** The repository root: the nearest folder above this file (or its bundle) with package.json. */
function findRoot(start: string): string {
  let dir = start;
  while (!statSync(join(dir, 'package.json'), { throwIfNoEntry: false })) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no package.json above ' + start);
    dir = up;
  }
  return dir;
}

const ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
const DIST = join(ROOT, 'dist', 'renderer');
const OUT = join(ROOT, 'tmp', 'screens');

/** The same policy both hosts send with the renderer. */
const RENDERER_CSP = contentSecurityPolicy();

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wav': 'audio/wav',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

function serve(): Promise<Server> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': RENDERER_CSP });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => { ok(server); }));
}

// ---------------------------------------------------------------------------------------------
// Canned states

const NOW = Date.now();

function settings(patch: Partial<AccountSettings> = {}, locale: SettingsView['ui']['locale'] = 'auto'): SettingsView {
  return makeSettingsView({
    accounts: [
      makeAccount({
        wsUrl: 'wss://pbx.example.com:8089/ws',
        sipUri: 'sip:1001@pbx.example.com',
        authUser: '1001',
        displayName: 'Front Desk',
        iceServers: [{ urls: 'stun:stun.example.com:3478' }],
        ...patch,
      }),
    ],
    ui: { locale },
    passwordsStored: ['main'],
  });
}

function call(patch: Partial<Call> & Pick<Call, 'id' | 'state'>): Call {
  return makeCall({ remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Alice Zhang', numberDisplay: '1002' }, startedAt: NOW - 5000, ...patch });
}

const registered: AccountStatus = makeAccountStatus();

function appState(patch: Partial<AppState>): AppState {
  return {
    host: 'electron',
    version: '0.1.0',
    systemLocale: 'en-US',
    settings: settings(),
    accounts: [registered],
    calls: [],
    headsets: [],
    history: { unseenMissed: 0, revision: 1 },
    screenPops: [],
    historyMovedAside: null,
    dialRequests: [],
    api: { state: 'listening', port: 7853, error: null },
    ...patch,
  };
}

// The call history the fake bridge serves: `total` generated rows, newest first, one every
// `spacingMin` minutes (a million rows is how the virtualized list is checked for smoothness).
interface CannedHistory {
  total: number;
  now: number;
  spacingMin: number;
}

const contactsList: Contact[] = [
  { id: 1, name: 'Alice Zhang', company: 'Contoso Ltd', email: 'alice@contoso.example', crmId: 'C-1001', notes: 'Key account', numbers: [{ label: 'work', number: '+1 415 555 0101' }, { label: 'mobile', number: '+1 415 555 0199' }] },
  { id: 2, name: 'Bob Müller', company: 'Fabrikam GmbH', email: '', crmId: '', notes: '', numbers: [{ label: 'work', number: '+49 30 1234567' }] },
  { id: 3, name: 'Carol Danvers', company: '', email: 'carol@example.com', crmId: '', notes: '', numbers: [{ label: 'mobile', number: '+1 212 555 4567' }] },
  { id: 4, name: '王芳', company: '北京示例科技有限公司', email: '', crmId: 'C-2040', notes: '', numbers: [{ label: 'mobile', number: '+86 138 0013 8000' }] },
  { id: 5, name: 'Dev Patel', company: 'Northwind Traders', email: 'dev@northwind.example', crmId: '', notes: '', numbers: [{ label: 'work', number: '1004' }] },
];

const importPreview: ImportPreview = {
  importId: 'imp-1',
  total: 6,
  withoutNumber: 0,
  sample: contactsList.slice(0, 4).map((c) => ({ ...c, id: null })),
  columns: [
    { header: 'Name', field: 'name' },
    { header: 'Company', field: 'company' },
    { header: 'Mobile Phone', field: 'number-mobile' },
    { header: 'Business Phone', field: 'number-work' },
    { header: 'E-mail Address', field: 'email' },
    { header: 'Birthday', field: '' },
  ],
  errors: [
    { row: 5, code: 'no-number', text: 'Eve Example,Example Corp,,,eve@example.com,' },
    { row: 7, code: 'no-name', text: ',,+1 555 0100,,,' },
    { row: 7, code: 'invalid-number', text: 'call me maybe' },
  ],
  moreErrors: 0,
};

const importResult: ImportResult = { imported: 4, skipped: 2, errors: importPreview.errors, moreErrors: 0 };

function record(patch: Partial<CallRecord> & Pick<CallRecord, 'id' | 'startedAt'>): CallRecord {
  return {
    callId: `h${patch.id}`,
    direction: 'incoming',
    account: 'sip:1001@pbx.example.com',
    remoteUri: 'sip:+14155550101@pbx.example.com',
    number: '+14155550101',
    e164: '+14155550101',
    numberDisplay: '(415) 555-0101',
    displayName: 'Alice Zhang',
    answeredAt: patch.startedAt + 4000,
    endedAt: patch.startedAt + 190_000,
    durationS: 186,
    outcome: 'answered',
    disposition: '',
    notes: '',
    tags: [],
    transferTarget: null,
    unseen: false,
    contact: { id: 1, name: 'Alice Zhang', company: 'Contoso Ltd', crmId: 'C-1001' },
    ...patch,
  };
}

const alicePop: ScreenPop = {
  callId: 'c1',
  numberDisplay: '(415) 555-0101',
  e164: '+14155550101',
  contact: { id: 1, name: 'Alice Zhang', company: 'Contoso Ltd', crmId: 'C-1001', notes: 'Key account: renewal due in March. Prefers email follow-ups.', email: 'alice@contoso.example' },
  recent: [
    record({ id: 905, startedAt: NOW - 26 * 3600_000, notes: 'Asked for the renewal quote; sent it the same day.', disposition: 'sale' }),
    record({ id: 870, startedAt: NOW - 4 * 86_400_000, outcome: 'missed', durationS: null, answeredAt: null }),
    record({ id: 812, startedAt: NOW - 9 * 86_400_000, direction: 'outgoing', notes: 'Follow-up on the invoice <b>#4711</b> — paid.' }),
    record({ id: 700, startedAt: NOW - 30 * 86_400_000, durationS: 612 }),
    record({ id: 650, startedAt: NOW - 45 * 86_400_000, direction: 'outgoing', outcome: 'no-answer', durationS: null, answeredAt: null }),
  ],
  totalCalls: 14,
  lastCallAt: NOW - 26 * 3600_000,
  crmUrl: 'https://crm.example.com/contacts/C-1001',
};

const unknownPop: ScreenPop = { callId: 'c3', numberDisplay: '+44 20 7946 0958', e164: '+442079460958', contact: null, recent: [], totalCalls: 0, lastCallAt: null, crmUrl: null };

interface Scenario {
  name: string;
  state: AppState;
  history?: CannedHistory;
  /** Also written to this path (the pictures asked for outside tmp/screens). */
  copyTo?: string;
  /** What settings:save answers (default: ok with the same settings). */
  saveError?: ErrorInfo;
  dialError?: ErrorInfo;
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
  prepare?: (page: Page) => Promise<void>;
}

const established = call({
  id: 'c2',
  state: 'established',
  direction: 'outgoing',
  remote: { uri: 'sip:+14155550123@pbx.example.com', number: '+1 415 555 0123', displayName: 'Contoso Support Line — Escalations', numberDisplay: '+1 415 555 0123' },
  answeredAt: NOW - 83_000,
  startedAt: NOW - 90_000,
  muted: true,
});

const scenarios: Scenario[] = [
  {
    name: 'click-to-dial',
    state: appState({
      dialRequests: [
        {
          id: 'r1',
          source: 'link',
          text: 'tel:+44-20-7946-0958',
          state: 'confirm',
          target: '+442079460958',
          numberDisplay: '+44 20 7946 0958',
          kind: 'international',
          contactName: 'Ada Lovelace',
          error: null,
          at: NOW - 2000,
        },
        {
          id: 'r2',
          source: 'link',
          text: 'tel:+15551234567;phone-context=evil.example',
          state: 'refused',
          target: '',
          numberDisplay: '',
          kind: null,
          contactName: '',
          error: { code: 'invalid-number', message: 'not a number or SIP address to dial: tel: link with parameters (;…)' },
          at: NOW - 1000,
        },
      ],
    }),
  },
  {
    name: 'click-to-dial-settings',
    state: appState({}),
    viewport: { width: 460, height: 1300 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-outside-prefix').fill('0');
      await page.getByTestId('settings-dial-format').selectOption('national');
      await page.getByTestId('settings-click-to-dial').scrollIntoViewIfNeeded();
      await page.getByTestId('settings-link-handler').first().waitFor();
    },
  },
  {
    name: 'webhooks-settings',
    state: appState({
      settings: {
        ...settings(),
        webhooks: [
          { id: 'tickets', label: 'Ticket system', enabled: true, url: 'https://tickets.example.com/hooks/calls?call={callId}', events: ['Delivered', 'Established', 'ConnectionCleared'], bodyTemplate: '' },
        ],
        webhookSecretsStored: ['tickets'],
      },
    }),
    viewport: { width: 460, height: 1100 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-webhooks').scrollIntoViewIfNeeded();
      await page.waitForTimeout(500);
    },
  },
  {
    name: 'api-settings',
    state: appState({}),
    viewport: { width: 460, height: 900 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-api-enabled').check();
      await page.getByTestId('settings-api-origins').fill('https://crm.example.com');
      await page.getByTestId('settings-api-token-show').click();
      await page.getByTestId('settings-api').scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'incoming',
    state: appState({ calls: [call({ id: 'c1', state: 'incoming' })] }),
  },
  {
    name: 'established',
    state: appState({
      calls: [
        established,
        call({
          id: 'c0',
          state: 'ended',
          direction: 'outgoing',
          remote: { uri: 'sip:1007@pbx.example.com', number: '1007', displayName: '', numberDisplay: '1007' },
          endReason: 'busy',
          endStatus: 486,
          endedAt: NOW - 2000,
        }),
      ],
    }),
    prepare: async (page) => {
      await page.getByTestId('keypad-button').click();
      for (const k of ['dtmf-1', 'dtmf-2', 'dtmf-hash']) await page.getByTestId(k).click();
    },
  },
  {
    name: 'settings-errors',
    state: appState({ accounts: [makeAccountStatus({ state: 'failed', error: { code: 'wrong-credentials', status: 403 }, attempts: 1 })] }),
    saveError: {
      code: 'invalid-settings',
      message: 'invalid settings',
      fields: { 'accounts.0.wsUrl': 'invalid-ws-url', 'accounts.0.sipUri': 'required', 'accounts.0.iceServers.0.urls': 'invalid-ice-url' },
    },
    viewport: { width: 440, height: 980 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-ws-url').fill('http://pbx.example.com');
      await page.getByTestId('settings-sip-uri').fill('');
      await page.getByTestId('settings-ice-servers').fill('stun.example.com');
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-error-accounts.0.wsUrl').waitFor();
    },
  },
  {
    name: 'dial-error',
    state: appState({}),
    dialError: { code: 'invalid-number', message: 'invalid number' },
    prepare: async (page) => {
      await page.getByTestId('dial-input').fill('12ab!');
      await page.getByTestId('dial-input').press('Enter');
      await page.getByTestId('dial-error').waitFor();
    },
  },
  {
    name: 'zh-CN',
    state: appState({
      systemLocale: 'zh-CN',
      accounts: [makeAccountStatus({ state: 'waiting-to-retry', error: { code: 'unreachable' }, retryAt: NOW + 12_000, attempts: 2 })],
      calls: [
        call({ id: 'c1', state: 'incoming', remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: '张伟（销售部）', numberDisplay: '1002' } }),
        { ...established, held: true, muted: false },
      ],
    }),
  },
  {
    name: 'zh-CN-settings',
    state: appState({ systemLocale: 'zh-CN' }),
    saveError: { code: 'invalid-settings', message: 'invalid settings', fields: { 'accounts.0.wsUrl': 'required' } },
    viewport: { width: 440, height: 980 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-ws-url').fill('');
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-error-accounts.0.wsUrl').waitFor();
    },
  },
  {
    // The picture in the README (copied to resources/screenshot.png).
    name: 'showcase',
    state: appState({
      calls: [
        call({ id: 'c1', state: 'incoming', remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Grace Hopper', numberDisplay: '1002' } }),
        { ...established, remote: { uri: 'sip:+14155550123@pbx.example.com', number: '+1 415 555 0123', displayName: 'Contoso Support', numberDisplay: '+1 415 555 0123' }, muted: false },
      ],
    }),
  },
  {
    // Two accounts (one down), two lines: one on hold by us, one held by the other side, and a
    // third call ringing in on the second account.
    name: 'accounts-lines',
    state: appState({
      settings: makeSettingsView({
        accounts: [
          makeAccount({ label: 'Front desk', wsUrl: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com' }),
          makeAccount({ id: 'sales', label: 'Sales line', wsUrl: 'wss://sales.example.com/ws', sipUri: 'sip:2001@sales.example.com', ringtone: 'chime' }),
        ],
      }),
      accounts: [
        makeAccountStatus({ label: 'Front desk' }),
        makeAccountStatus({ accountId: 'sales', label: 'Sales line', state: 'waiting-to-retry', aor: 'sip:2001@sales.example.com', error: { code: 'unreachable' }, retryAt: NOW + 9000, attempts: 1 }),
      ],
      calls: [
        { ...established, id: 'c2', held: true, muted: false },
        { ...established, id: 'c3', remote: { uri: 'sip:1005@pbx.example.com', number: '1005', displayName: 'Ada Lovelace', numberDisplay: '1005' }, remoteHeld: true, muted: false },
        call({ id: 'c4', state: 'incoming', accountId: 'sales', remote: { uri: 'sip:+4930123@sales.example.com', number: '+49 30 123', displayName: 'Berlin office', numberDisplay: '+49 30 123' } }),
      ],
    }),
    viewport: { width: 900, height: 760 },
  },
  {
    // What transfers, conferences and recovery look like: an attended transfer in progress (the
    // caller held, the consultation connected), a transfer the other side asks for, a failed one,
    // a conference of two, and a call reconnecting.
    name: 'telephony',
    state: appState({
      calls: [
        { ...established, id: 't1', held: true, muted: false, remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Grace Hopper', numberDisplay: '1002' } },
        { ...established, id: 't2', consultFor: 't1', muted: false, remote: { uri: 'sip:1003@pbx.example.com', number: '1003', displayName: 'Alan Turing', numberDisplay: '1003' } },
        { ...established, id: 't3', muted: false, remote: { uri: 'sip:1004@pbx.example.com', number: '1004', displayName: 'Ada Lovelace', numberDisplay: '1004' }, referOffer: { target: '1009', by: 'Ada Lovelace' } },
        { ...established, id: 't4', held: true, muted: false, remote: { uri: 'sip:1005@pbx.example.com', number: '1005', displayName: 'Edsger Dijkstra', numberDisplay: '1005' }, transfer: { kind: 'blind', target: '1010', state: 'failed', status: 486 } },
        { ...established, id: 't5', muted: false, reconnecting: true, remote: { uri: 'sip:1006@pbx.example.com', number: '1006', displayName: 'Barbara Liskov', numberDisplay: '1006' } },
      ],
    }),
    viewport: { width: 900, height: 1100 },
  },
  {
    name: 'conference',
    state: appState({
      calls: [
        { ...established, id: 'k1', conferenceId: 'conf-1', muted: false, remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Grace Hopper', numberDisplay: '1002' } },
        { ...established, id: 'k2', conferenceId: 'conf-1', muted: false, remote: { uri: 'sip:1003@pbx.example.com', number: '1003', displayName: 'Alan Turing', numberDisplay: '1003' } },
      ],
    }),
    viewport: { width: 900, height: 560 },
  },
  {
    name: 'accounts-settings',
    state: appState({
      settings: makeSettingsView({
        accounts: [
          makeAccount({ label: 'Front desk', wsUrl: 'wss://pbx.example.com/ws', sipUri: 'sip:1001@pbx.example.com' }),
          makeAccount({ id: 'sales', label: 'Sales line', wsUrl: 'wss://sales.example.com/ws', sipUri: 'sip:2001@sales.example.com', ringtone: 'chime' }),
        ],
        passwordsStored: ['main'],
      }),
    }),
    viewport: { width: 480, height: 1200 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.locator('[data-testid="settings-account-tab"][data-account-id="sales"]').click();
    },
  },
  {
    name: 'dark',
    state: appState({ calls: [call({ id: 'c1', state: 'incoming' }), { ...established, held: true, muted: false }] }),
    colorScheme: 'dark',
  },
  {
    name: 'wide',
    state: appState({ calls: [call({ id: 'c1', state: 'incoming' }), { ...established, muted: false }] }),
    viewport: { width: 900, height: 640 },
  },
  {
    // Many calls grouped by day, a missed-call badge, one row selected with its details open.
    name: 'history',
    copyTo: '/tmp/history.png',
    state: appState({ history: { unseenMissed: 3, revision: 1 } }),
    history: { total: 5000, now: NOW, spacingMin: 170 },
    viewport: { width: 980, height: 720 },
    prepare: async (page) => {
      await page.getByTestId('tab-history').click();
      await page.getByTestId('history-row').first().waitFor();
      await page.getByTestId('history-list').focus();
      for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    },
  },
  {
    name: 'history-details',
    state: appState({}),
    history: { total: 5000, now: NOW, spacingMin: 41 },
    viewport: { width: 440, height: 820 },
    prepare: async (page) => {
      await page.getByTestId('tab-history').click();
      await page.getByTestId('history-row').first().waitFor();
      await page.getByTestId('history-list').focus();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Space');
      await page.getByTestId('history-note').fill('Wants the quote by Friday.');
      await page.getByTestId('history-disposition').selectOption('follow-up');
    },
  },
  {
    // A million rows: scrolled deep by the keyboard, only the rows in view are in the DOM.
    name: 'history-million',
    state: appState({ systemLocale: 'zh-CN' }),
    history: { total: 1_000_000, now: NOW, spacingMin: 3 },
    viewport: { width: 440, height: 720 },
    prepare: async (page) => {
      await page.getByTestId('tab-history').click();
      await page.getByTestId('history-row').first().waitFor();
      await page.getByTestId('history-list').focus();
      const started = Date.now();
      for (let i = 0; i < 60; i++) {
        const t0 = Date.now();
        await page.keyboard.press('PageDown');
        if (process.env['PREVIEW_DEBUG']) console.log('pagedown', i, Date.now() - t0, await page.getByTestId('history-row').count());
      }
      for (let i = 0; i < 40; i++) await page.mouse.wheel(0, 4000);
      const rows = await page.getByTestId('history-row').count();
      const loaded = await page.evaluate(() => document.querySelector('[data-testid="history-list"] > div')?.getBoundingClientRect().height ?? 0);
      console.log(`history-million: ${rows} rows in the DOM, list ${Math.round(loaded)} px tall, ${Date.now() - started} ms for 60 PageDown + 40 wheel turns`);
      if (rows > 80) throw new Error(`the history list is not virtualized: ${rows} rows in the DOM`);
    },
  },
  {
    name: 'import',
    copyTo: '/tmp/import.png',
    state: appState({}),
    viewport: { width: 980, height: 760 },
    prepare: async (page) => {
      await page.getByTestId('tab-contacts').click();
      await page.getByTestId('contact-row').first().waitFor();
      await page.getByTestId('contacts-import-file').setInputFiles({
        name: 'outlook-export.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from('Name,Company,Mobile Phone,Business Phone,E-mail Address,Birthday\nAlice Zhang,Contoso Ltd,+1 415 555 0199,+1 415 555 0101,alice@contoso.example,\n'),
      });
      await page.getByTestId('contacts-import-preview').waitFor();
    },
  },
  {
    name: 'import-result',
    state: appState({ systemLocale: 'zh-CN' }),
    viewport: { width: 440, height: 720 },
    prepare: async (page) => {
      await page.getByTestId('tab-contacts').click();
      await page.getByTestId('contacts-import-file').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from('Name\nA\n') });
      await page.getByTestId('contacts-import-go').click();
      await page.getByTestId('contacts-import-result').waitFor();
    },
  },
  {
    name: 'contacts',
    state: appState({}),
    viewport: { width: 440, height: 720 },
    prepare: async (page) => {
      await page.getByTestId('tab-contacts').click();
      await page.getByTestId('contact-row').first().waitFor();
    },
  },
  {
    // An incoming call from a known contact, with a second, unknown caller waiting.
    name: 'screen-pop',
    copyTo: '/tmp/screen-pop.png',
    state: appState({
      calls: [
        call({ id: 'c1', state: 'incoming', remote: { uri: 'sip:+14155550101@pbx.example.com', number: '+14155550101', displayName: 'Alice Zhang', numberDisplay: '+14155550101' } }),
        call({ id: 'c3', state: 'incoming', startedAt: NOW - 9000, remote: { uri: 'sip:+442079460958@pbx.example.com', number: '+442079460958', displayName: '', numberDisplay: '+442079460958' } }),
      ],
      screenPops: [alicePop, unknownPop],
    }),
    viewport: { width: 980, height: 760 },
  },
  {
    name: 'screen-pop-narrow',
    state: appState({
      systemLocale: 'zh-CN',
      calls: [{ ...established, id: 'c1', remote: { uri: 'sip:+14155550101@pbx.example.com', number: '+14155550101', displayName: 'Alice Zhang', numberDisplay: '+14155550101' } }],
      screenPops: [alicePop],
    }),
    viewport: { width: 420, height: 820 },
  },
  {
    name: 'settings-history',
    state: appState({ historyMovedAside: '/home/agent/.config/Hookswitch/history.sqlite.damaged-2025-03-01' }),
    saveError: { code: 'invalid-settings', message: 'invalid settings', fields: { 'screenPop.crmUrlTemplate': 'invalid-crm-template' } },
    viewport: { width: 440, height: 1600 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-default-country').selectOption('DE');
      await page.getByTestId('settings-retention').selectOption('custom');
      await page.getByTestId('settings-retention-days').fill('180');
      await page.getByTestId('settings-crm-template').fill('crm://search?q={phone}');
      await page.getByTestId('settings-crm-auto-open').selectOption('on-ring');
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-error-screenPop.crmUrlTemplate').waitFor();
    },
  },
];

// ---------------------------------------------------------------------------------------------
// The fake bridge, injected before any page script (it runs in the page, so it is self-contained)

interface FakeInput {
  state: AppState;
  saveError: ErrorInfo | null;
  dialError: ErrorInfo | null;
  history: CannedHistory;
  contacts: Contact[];
  importPreview: ImportPreview;
  importResult: ImportResult;
}

interface FakeArgs {
  callId?: string;
  settings?: unknown;
  id?: number;
  ids?: number[];
  text?: string;
  beforeId?: number | null;
  limit?: number;
  filter?: { kind: string; from: number | null; to: number | null; account: string };
  notes?: string;
  disposition?: string;
  tags?: string[];
  importId?: string;
}

function installFakeBridge(input: FakeInput): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const state = input.state;
  const ok = (value: unknown): Promise<unknown> => Promise.resolve({ ok: true, value });
  const emit = (event: string, payload: unknown): void => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };

  // Generated history rows: the same id always gives the same row.
  const { total, now, spacingMin } = input.history;
  const people = [
    { name: 'Alice Zhang', company: 'Contoso Ltd', number: '+14155550101', display: '(415) 555-0101', contact: true },
    { name: 'Bob Müller', company: 'Fabrikam GmbH', number: '+49301234567', display: '+49 30 1234567', contact: true },
    { name: '', company: '', number: '+442079460958', display: '+44 20 7946 0958', contact: false },
    { name: 'Carol Danvers', company: '', number: '+12125554567', display: '(212) 555-4567', contact: true },
    { name: '王芳', company: '北京示例科技有限公司', number: '+8613800138000', display: '+86 138 0013 8000', contact: true },
    { name: 'Reception', company: '', number: '1004', display: '1004', contact: false },
    { name: 'Dev Patel', company: 'Northwind Traders', number: '+14155550177', display: '(415) 555-0177', contact: true },
  ];
  const outcomes = ['answered', 'missed', 'answered', 'answered', 'no-answer', 'answered', 'busy', 'answered', 'rejected', 'answered', 'answered'];
  const notes = ['', '', 'Wants a callback about the March invoice.', '', '', 'Renewal quote sent.', '', '', '', 'Escalated to second line.', ''];
  const patches = new Map<number, Record<string, unknown>>();
  const deleted = new Set<number>();
  let cleared = false;
  let revision = state.history.revision;
  const row = (id: number): Record<string, unknown> => {
    const p = people[id % people.length] ?? people[0]!;
    const outcome = outcomes[id % outcomes.length] ?? 'answered';
    const direction = outcome === 'missed' || outcome === 'rejected' ? 'incoming' : id % 3 === 0 ? 'outgoing' : 'incoming';
    const startedAt = now - (total - id) * spacingMin * 60_000 - 7 * 60_000;
    const answered = outcome === 'answered';
    const durationS = answered ? 20 + ((id * 37) % 900) : null;
    return {
      id,
      callId: `h${id}`,
      direction,
      account: 'sip:1001@pbx.example.com',
      remoteUri: `sip:${p.number}@pbx.example.com`,
      number: p.number,
      e164: p.number.startsWith('+') ? p.number : null,
      numberDisplay: p.display,
      displayName: p.contact ? '' : p.name,
      startedAt,
      answeredAt: answered ? startedAt + 5000 : null,
      endedAt: startedAt + 5000 + (durationS ?? 25) * 1000,
      durationS,
      outcome,
      disposition: id % 13 === 0 ? 'support' : id % 17 === 0 ? 'sale' : '',
      notes: notes[id % notes.length] ?? '',
      tags: id % 19 === 0 ? ['vip'] : id % 23 === 0 ? ['billing', 'q1'] : [],
      transferTarget: null,
      unseen: outcome === 'missed' && total - id < 40 && state.history.unseenMissed > 0,
      contact: p.contact ? { id: (id % people.length) + 1, name: p.name, company: p.company, crmId: '' } : null,
      ...patches.get(id),
    };
  };
  const matches = (r: Record<string, unknown>, args: FakeArgs): boolean => {
    const f = args.filter;
    if (f?.kind === 'missed' && r['outcome'] !== 'missed') return false;
    if ((f?.kind === 'incoming' || f?.kind === 'outgoing') && r['direction'] !== f.kind) return false;
    if (f?.from != null && (r['startedAt'] as number) < f.from) return false;
    if (f?.to != null && (r['startedAt'] as number) >= f.to) return false;
    const text = (args.text ?? '').toLowerCase();
    if (text === '') return true;
    const contact = r['contact'] as { name: string; company: string } | null;
    const hay = [r['displayName'], r['number'], r['numberDisplay'], r['notes'], contact?.name, contact?.company].join(' ').toLowerCase();
    const digits = text.replace(/\D/g, '');
    return hay.includes(text) || (digits.length >= 3 && String(r['number']).replace(/\D/g, '').includes(digits));
  };
  const historyQuery = (args: FakeArgs): Promise<unknown> => {
    const rows: unknown[] = [];
    let id = (args.beforeId ?? total + 1) - 1;
    let scanned = 0;
    for (; id >= 1 && rows.length < (args.limit ?? 100) && scanned < 200_000 && !cleared; id--, scanned++) {
      if (deleted.has(id)) continue;
      const r = row(id);
      if (matches(r, args)) rows.push(r);
    }
    return ok({ rows, hasMore: id >= 1 && !cleared });
  };
  const summary = (): { unseenMissed: number; revision: number } => ({ unseenMissed: state.history.unseenMissed, revision });

  const answer: Record<string, (args: FakeArgs) => Promise<unknown>> = {
    'history:query': historyQuery,
    'history:markSeen': () => {
      state.history = { ...state.history, unseenMissed: 0 };
      return ok(summary());
    },
    'history:update': (args) => {
      const id = args.id ?? 0;
      const patch: Record<string, unknown> = { ...patches.get(id) };
      if (args.notes !== undefined) patch['notes'] = args.notes;
      if (args.disposition !== undefined) patch['disposition'] = args.disposition;
      if (args.tags !== undefined) patch['tags'] = args.tags;
      patches.set(id, patch);
      revision++;
      return ok(row(id));
    },
    'history:delete': (args) => {
      for (const id of args.ids ?? []) deleted.add(id);
      revision++;
      return ok(summary());
    },
    'history:clear': () => {
      cleared = true;
      revision++;
      return ok(summary());
    },
    'history:callBack': () => ok(state.calls[0] ?? null),
    'contacts:query': (args) => {
      const text = (args.text ?? '').toLowerCase();
      const found = input.contacts.filter((c) => text === '' || [c.name, c.company, ...c.numbers.map((n) => n.number)].join(' ').toLowerCase().includes(text));
      return ok({ contacts: found, hasMore: false });
    },
    'contacts:importBegin': () => ok({ importId: input.importPreview.importId }),
    'contacts:importChunk': () => ok(null),
    'contacts:importPreview': () => ok(input.importPreview),
    'contacts:importCancel': () => ok(null),
    'contacts:import': () =>
      new Promise((resolve) => {
        const importId = input.importPreview.importId;
        const totalRows = input.importPreview.total;
        emit('contacts:importProgress', { importId, done: Math.floor(totalRows / 2), total: totalRows });
        setTimeout(() => { resolve({ ok: true, value: input.importResult }); }, 400);
      }),
    'contacts:export': () => ok({ fileName: 'contacts.csv', csv: 'Name,Company\n' }),
    'calls:openCrm': () => ok(null),
    'desktop:status': () =>
      ok({
        links: [
          { scheme: 'tel', state: 'default', handler: 'Hookswitch' },
          { scheme: 'sip', state: 'other', handler: 'Zoiper5' },
          { scheme: 'sips', state: 'none', handler: '' },
          { scheme: 'callto', state: 'default', handler: 'Hookswitch' },
        ],
        shortcut: { accelerator: state.settings.clickToDial.shortcut, state: 'active' },
        shortcutReads: 'clipboard',
        dialCommand: '"C:\\Program Files\\Hookswitch\\Hookswitch.exe" dial <number>',
        systemSettingsOpened: false,
      }),
    'dial:dismiss': () => ok(null),
    'api:token': () => ok({ token: 'q3JtY5Xn0wHf2b8LkVs7aGz1UcRe9DpTmIoNyKhW4E6' }),
    'webhooks:log': () =>
      ok({
        deliveries: [
          { id: 5, hookId: 'tickets', eventType: 'Established', callId: 'c9', createdAt: Date.now() - 4000, state: 'pending', attempts: 3, nextAt: Date.now() + 8000, lastStatus: 503, lastError: 'HTTP 503', finishedAt: null },
          { id: 4, hookId: 'tickets', eventType: 'Delivered', callId: 'c9', createdAt: Date.now() - 9000, state: 'delivered', attempts: 2, nextAt: null, lastStatus: 200, lastError: null, finishedAt: Date.now() - 3000 },
          { id: 3, hookId: 'tickets', eventType: 'ConnectionCleared', callId: 'c8', createdAt: Date.now() - 600_000, state: 'delivered', attempts: 1, nextAt: null, lastStatus: 204, lastError: null, finishedAt: Date.now() - 600_000 },
          { id: 2, hookId: 'tickets', eventType: 'Test', callId: '', createdAt: Date.now() - 900_000, state: 'failed', attempts: 12, nextAt: null, lastStatus: null, lastError: 'connection refused', finishedAt: Date.now() - 800_000 },
        ],
        pending: { tickets: 2 },
      }),
    'app:getState': () => ok(state),
    'settings:get': () => ok(state.settings),
    'settings:save': (args) =>
      input.saveError ? Promise.resolve({ ok: false, error: input.saveError }) : ok({ ...(args.settings as object), hasPassword: true }),
    'accounts:register': () => ok(state.accounts[0]),
    'accounts:unregister': () => ok(state.accounts[0]),
    'calls:dial': () => (input.dialError ? Promise.resolve({ ok: false, error: input.dialError }) : ok(state.calls[0])),
    'calls:dtmf': () => ok(null),
    'media:ready': () => ok(null),
    'media:respond': () => ok(null),
  };
  const bridge = {
    invoke(command: string, args: { callId?: string }) {
      const handler = answer[command];
      if (handler) return handler(args);
      const found = state.calls.find((c) => c.id === args.callId);
      return ok(found ?? null);
    },
    on(event: string, listener: (p: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  Object.defineProperty(window, 'hookswitch', { value: Object.freeze(bridge) });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!statSync(join(DIST, 'index.html'), { throwIfNoEntry: false })) throw new Error('build the renderer first (dist/renderer)');
  mkdirSync(OUT, { recursive: true });
  const server = await serve();
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tmp = mkdtempSync(join(ROOT, 'tmp', 'preview-'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--headless=new',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
    env: { ...process.env, TMPDIR: tmp, XDG_RUNTIME_DIR: tmp },
    timeout: 30_000,
  });
  const problems: string[] = [];
  const killer = setTimeout(() => {
    console.error('preview: timed out');
    process.exit(2);
  }, 240_000);
  try {
    // `node tmp/renderer-preview.mjs history import` renders only the scenarios named.
    const only = process.argv.slice(2);
    for (const scenario of scenarios.filter((s) => only.length === 0 || only.includes(s.name))) {
      const context = await browser.newContext({
        viewport: scenario.viewport ?? { width: 420, height: 720 },
        deviceScaleFactor: 1,
        colorScheme: scenario.colorScheme ?? 'light',
      });
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`${scenario.name}: page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`${scenario.name}: console ${m.type()}: ${m.text()}`);
      });
      await page.addInitScript(installFakeBridge, {
        state: scenario.state,
        saveError: scenario.saveError ?? null,
        dialError: scenario.dialError ?? null,
        history: scenario.history ?? { total: 60, now: NOW, spacingMin: 95 },
        contacts: contactsList,
        importPreview,
        importResult,
      } satisfies FakeInput);
      await page.goto(`${origin}/`);
      await page.getByTestId('registration-state').first().waitFor({ timeout: 10_000 });
      await page.getByTestId('loading').waitFor({ state: 'detached', timeout: 10_000 });
      if (scenario.prepare) await scenario.prepare(page);
      await page.waitForTimeout(300);
      const file = join(OUT, `${scenario.name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(`wrote ${file}`);
      if (scenario.copyTo) {
        copyFileSync(file, scenario.copyTo);
        console.log(`wrote ${scenario.copyTo}`);
      }
      await context.close();
    }
  } finally {
    clearTimeout(killer);
    await browser.close();
    server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (problems.length > 0) {
    console.error(problems.join('\n'));
    process.exitCode = 1;
  }
}

await main();
