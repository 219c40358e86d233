// Debian's Chromium driven by playwright-core: nothing is downloaded. Every profile and temp file
// lives under tmp/ and is removed on close; the browser process is closed by the test.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.HOOKSWITCH_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-sync',
  '--disable-background-networking',
  '--disable-component-update',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  // WebRTC ignores loopback unless told: the namespace has nothing else.
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--autoplay-policy=no-user-gesture-required',
  // Background pages are throttled (about one frame a second); timed tests bring pages to front too.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

export const TMP_ROOT = path.resolve(import.meta.dirname, '..', '..', 'tmp');

export interface Browser {
  context: BrowserContext;
  open(url: string, name: string): Promise<Page>;
  close(): Promise<void>;
  /** Console errors and page errors seen so far, for assertions and diagnosis. */
  errors: string[];
}

export async function launchChromium(label: string): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)`);
  fs.mkdirSync(TMP_ROOT, { recursive: true });
  const dir = fs.mkdtempSync(path.join(TMP_ROOT, `chromium-${label}-`));
  const profile = path.join(dir, 'profile');
  const runtime = path.join(dir, 'xdg');
  fs.mkdirSync(runtime, { mode: 0o700 });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: false, // --headless=new is passed in ARGS: the only way with a persistent profile
    args: ARGS,
    ignoreDefaultArgs: ['--mute-audio'],
    timeout: 30_000,
    env: { ...process.env, TMPDIR: dir, XDG_RUNTIME_DIR: runtime },
  });
  const errors: string[] = [];
  let first = true;
  return {
    context,
    errors,
    async open(url, name) {
      const existing = context.pages()[0];
      const page = first && existing ? existing : await context.newPage();
      first = false;
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`[${name}] ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`[${name}] ${e.message}`));
      const origin = new URL(url).origin;
      await context.grantPermissions(['microphone'], { origin });
      await page.goto(url);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
