// One end-to-end stack: a real Kamailio, the web host (the product's core and built renderer),
// Debian's Chromium showing Hookswitch, and a second softphone page as the far end. Everything is
// on loopback inside the test's network namespace and stopped by the test.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { HidTransport } from '../../main/core/hid/hid-transport.ts';
import type { MediaStats } from '../../renderer/src/media/call-media.ts';
import { startWebHost, type WebHost } from '../../main/web/web-host.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { createConsoleLogger } from '../../main/host/console-logger.ts';
import { openBrowserPeer, type BrowserPeer } from '../support/browser-peer/index.ts';
import { launchChromium, TMP_ROOT, type Browser } from '../support/chromium.ts';
import { startKamailio, type Kamailio, type KamailioOptions } from '../support/kamailio.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
export const RENDERER_DIR = path.join(root, 'dist', 'renderer');

export interface Stack {
  kamailio: Kamailio;
  host: WebHost;
  browser: Browser;
  /** Hookswitch's own page. */
  app: Page;
  stop(): Promise<void>;
}

/** What the media engine reports per call (window.__hookswitchMedia.stats()). */
export type { MediaStats };

export interface StackOptions {
  kamailio?: KamailioOptions;
  locale?: string;
  /** USB headsets the core sees (replay devices); none when absent. */
  hidTransport?: HidTransport;
  /** Fills the data folder before the web host starts (a history database, settings). */
  prepareDataDir?: (dataDir: string) => Promise<void>;
  /** Receives the pages the core opens in "the system browser" (the CRM link). */
  openUrl?: (url: string) => Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!fs.existsSync(path.join(RENDERER_DIR, 'index.html'))) {
    throw new Error('dist/renderer is missing: run `npm run build` before the end-to-end tests');
  }
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  };
  try {
    const kamailio = await startKamailio(options.kamailio ?? {});
    cleanups.push(() => kamailio.stop());
    fs.mkdirSync(TMP_ROOT, { recursive: true });
    const dataDir = fs.mkdtempSync(path.join(TMP_ROOT, 'web-host-'));
    cleanups.push(() => {
      fs.rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
    await options.prepareDataDir?.(dataDir);
    const host = await startWebHost({
      port: 0,
      dataDir,
      // A test never opens a real browser window: the pages are recorded, or dropped.
      openUrl: options.openUrl ?? (() => Promise.resolve()),
      // The history as the app runs it: SQLite in the worker the build put beside the bundles.
      history: createHistoryStore({
        file: path.join(dataDir, 'history.sqlite'),
        logger: createConsoleLogger('warn', 'history'),
        workerUrl: pathToFileURL(path.join(root, 'dist', 'main', 'history-worker.mjs')),
      }),
      systemLocale: options.locale ?? 'en-US',
      stopTimeoutMs: 3000,
      ...(options.hidTransport ? { hidTransport: options.hidTransport } : {}),
    });
    cleanups.push(() => host.stop());
    const browser = await launchChromium('e2e');
    cleanups.push(() => browser.close());
    const app = await browser.open(host.url, 'hookswitch');
    await app.getByTestId('registration-state').first().waitFor({ timeout: 15_000 });
    return { kamailio, host, browser, app, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Fills the account in the settings view as a user would and saves it. */
export async function configureAccount(
  app: Page,
  account: { wsUrl: string; user: string; password?: string; displayName?: string; dtmfMode?: 'rfc4733' | 'info' },
): Promise<void> {
  await app.getByTestId('settings-button').click();
  await app.getByTestId('settings-ws-url').fill(account.wsUrl);
  await app.getByTestId('settings-sip-uri').fill(`sip:${account.user}@127.0.0.1`);
  await app.getByTestId('settings-auth-user').fill(account.user);
  if (account.password !== undefined) await app.getByTestId('settings-password').fill(account.password);
  await app.getByTestId('settings-display-name').fill(account.displayName ?? `Agent ${account.user}`);
  await app.getByTestId('settings-dtmf-mode').selectOption(account.dtmfMode ?? 'rfc4733');
  await app.getByTestId('settings-ice-servers').fill('');
  await app.getByTestId('settings-save').click();
  await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
  await app.getByTestId('settings-close').click();
}

/** Bounded wait for the registration state the status bar shows (usable in beforeAll too). */
export async function waitForRegistered(app: Page, timeoutMs = 10_000): Promise<void> {
  await app.locator('[data-testid="registration-state"][data-state="registered"]').waitFor({ timeout: timeoutMs });
}

export async function mediaStats(app: Page): Promise<MediaStats[]> {
  return app.evaluate(() => (window as unknown as { __hookswitchMedia: { stats(): Promise<MediaStats[]> } }).__hookswitchMedia.stats());
}

/** Waits (bounded) until Hookswitch's media engine receives audio on some call. */
export async function waitForAppAudio(app: Page, timeoutMs = 8000): Promise<MediaStats> {
  let last: MediaStats | undefined;
  await expect
    .poll(
      async () => {
        last = (await mediaStats(app)).find((s) => s.bytesReceived > 0);
        return last?.bytesReceived ?? 0;
      },
      { timeout: timeoutMs, interval: 50 },
    )
    .toBeGreaterThan(0);
  if (!last) throw new Error('no audio');
  return last;
}

/**
 * The usual start of a call test: Grace Hopper's browser at 1002, and Hookswitch registered as
 * 1001 through its settings view, in front.
 */
export async function registerWithPeer(stack: Stack): Promise<BrowserPeer> {
  const peer = await openPeer(stack, '1002', 'Grace Hopper');
  await stack.app.bringToFront();
  await configureAccount(stack.app, { wsUrl: stack.kamailio.wsUrl, user: '1001' });
  await waitForRegistered(stack.app);
  return peer;
}

export async function openPeer(stack: Stack, user: string, displayName?: string): Promise<BrowserPeer> {
  const peer = await openBrowserPeer(stack.browser, `peer-${user}`);
  await peer.call('start', { user, wsUrl: stack.kamailio.wsUrl, displayName });
  return peer;
}
