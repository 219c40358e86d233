// Screenshots of the built renderer with canned states, for looking at the UI without a PBX.
// It serves dist/renderer on 127.0.0.1 under the strict CSP, injects a fake window.hookswitch
// bridge (the preload's contract) before the page loads, and writes PNGs to tmp/screens/.
//
//   npx vite build --config renderer/vite.config.ts
//   npx esbuild test/support/renderer-preview.ts --bundle --platform=node --format=esm \
//     --packages=external --outfile=tmp/renderer-preview.mjs && node tmp/renderer-preview.mjs
//
// Any page error or CSP violation is printed and makes the script exit non-zero.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import type { AppState, Call, ErrorInfo, SettingsView } from '../../preload/contract.ts';
import { contentSecurityPolicy } from '../../main/host/renderer-files.ts';

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

function settings(patch: Partial<SettingsView['account']> = {}, locale: SettingsView['ui']['locale'] = 'auto'): SettingsView {
  return {
    account: {
      wsUrl: 'wss://pbx.example.com:8089/ws',
      sipUri: 'sip:1001@pbx.example.com',
      authUser: '1001',
      displayName: 'Front Desk',
      dtmfMode: 'rfc4733',
      iceServers: [{ urls: 'stun:stun.example.com:3478' }],
      registerOnStart: true,
      ...patch,
    },
    audio: { inputDeviceId: '', outputDeviceId: '', ringtoneDeviceId: '' },
    ui: { locale },
    headsets: { enabled: true, ignored: [] },
    hasPassword: true,
  };
}

function call(patch: Partial<Call> & Pick<Call, 'id' | 'state'>): Call {
  return {
    direction: 'incoming',
    remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Alice Zhang' },
    held: false,
    muted: false,
    startedAt: NOW - 5000,
    answeredAt: null,
    endedAt: null,
    endReason: null,
    endStatus: null,
    ...patch,
  };
}

const registered: AppState['account'] = { state: 'registered', aor: 'sip:1001@pbx.example.com', error: null, retryAt: null, attempts: 0 };

function appState(patch: Partial<AppState>): AppState {
  return { host: 'electron', version: '0.1.0', systemLocale: 'en-US', settings: settings(), account: registered, calls: [], headsets: [], ...patch };
}

interface Scenario {
  name: string;
  state: AppState;
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
  remote: { uri: 'sip:+14155550123@pbx.example.com', number: '+1 415 555 0123', displayName: 'Contoso Support Line — Escalations' },
  answeredAt: NOW - 83_000,
  startedAt: NOW - 90_000,
  muted: true,
});

const scenarios: Scenario[] = [
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
          remote: { uri: 'sip:1007@pbx.example.com', number: '1007', displayName: '' },
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
    state: appState({ account: { state: 'failed', aor: 'sip:1001@pbx.example.com', error: { code: 'wrong-credentials', status: 403 }, retryAt: null, attempts: 1 } }),
    saveError: {
      code: 'invalid-settings',
      message: 'invalid settings',
      fields: { 'account.wsUrl': 'invalid-ws-url', 'account.sipUri': 'required', 'account.iceServers.0.urls': 'invalid-ice-url' },
    },
    viewport: { width: 440, height: 980 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-ws-url').fill('http://pbx.example.com');
      await page.getByTestId('settings-sip-uri').fill('');
      await page.getByTestId('settings-ice-servers').fill('stun.example.com');
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-error-account.wsUrl').waitFor();
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
      account: { state: 'waiting-to-retry', aor: 'sip:1001@pbx.example.com', error: { code: 'unreachable' }, retryAt: NOW + 12_000, attempts: 2 },
      calls: [
        call({ id: 'c1', state: 'incoming', remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: '张伟（销售部）' } }),
        { ...established, held: true, muted: false },
      ],
    }),
  },
  {
    name: 'zh-CN-settings',
    state: appState({ systemLocale: 'zh-CN' }),
    saveError: { code: 'invalid-settings', message: 'invalid settings', fields: { 'account.wsUrl': 'required' } },
    viewport: { width: 440, height: 980 },
    prepare: async (page) => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-ws-url').fill('');
      await page.getByTestId('settings-save').click();
      await page.getByTestId('settings-error-account.wsUrl').waitFor();
    },
  },
  {
    // The picture in the README (copied to resources/screenshot.png).
    name: 'showcase',
    state: appState({
      calls: [
        call({ id: 'c1', state: 'incoming', remote: { uri: 'sip:1002@pbx.example.com', number: '1002', displayName: 'Grace Hopper' } }),
        { ...established, remote: { uri: 'sip:+14155550123@pbx.example.com', number: '+1 415 555 0123', displayName: 'Contoso Support' }, muted: false },
      ],
    }),
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
];

// ---------------------------------------------------------------------------------------------
// The fake bridge, injected before any page script (it runs in the page, so it is self-contained)

interface FakeInput {
  state: AppState;
  saveError: ErrorInfo | null;
  dialError: ErrorInfo | null;
}

function installFakeBridge(input: FakeInput): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const state = input.state;
  const ok = (value: unknown): Promise<unknown> => Promise.resolve({ ok: true, value });
  const answer: Record<string, (args: { callId?: string; settings?: unknown }) => Promise<unknown>> = {
    'app:getState': () => ok(state),
    'settings:get': () => ok(state.settings),
    'settings:save': (args) =>
      input.saveError ? Promise.resolve({ ok: false, error: input.saveError }) : ok({ ...(args.settings as object), hasPassword: true }),
    'account:register': () => ok(state.account),
    'account:unregister': () => ok(state.account),
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
  }, 120_000);
  try {
    for (const scenario of scenarios) {
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
      } satisfies FakeInput);
      await page.goto(`${origin}/`);
      await page.getByTestId('registration-state').waitFor({ timeout: 10_000 });
      await page.getByTestId('loading').waitFor({ state: 'detached', timeout: 10_000 });
      if (scenario.prepare) await scenario.prepare(page);
      await page.waitForTimeout(300);
      const file = join(OUT, `${scenario.name}.png`);
      await page.screenshot({ path: file, fullPage: false });
      console.log(`wrote ${file}`);
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
