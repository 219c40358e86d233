// The far-end softphone of end-to-end tests: page.ts bundled with sip.js, served from a real
// HTTP server on 127.0.0.1 (Chromium blocks ws://127.0.0.1 from pages it classes as public), and
// driven through page.evaluate.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import type { Browser } from '../chromium.ts';
import type { PeerApi } from './page.ts';

let bundle: Promise<string> | undefined;

function pageBundle(): Promise<string> {
  bundle ??= build({
    entryPoints: [path.join(import.meta.dirname, 'page.ts')],
    bundle: true,
    format: 'iife',
    target: 'chrome120',
    write: false,
    logLevel: 'warning',
  }).then((r) => r.outputFiles[0]?.text ?? '');
  return bundle;
}

type Fn = (...args: never[]) => unknown;
type Awaited2<T> = T extends Promise<infer U> ? U : T;

export interface BrowserPeer {
  page: Page;
  call<K extends keyof PeerApi>(
    name: K,
    ...args: PeerApi[K] extends Fn ? Parameters<PeerApi[K]> : never
  ): Promise<PeerApi[K] extends Fn ? Awaited2<ReturnType<PeerApi[K]>> : never>;
  /** Waits (bounded) until the peer's inbound audio counter moves. */
  waitForAudio(timeoutMs?: number): Promise<{ bytesReceived: number; bytesSent: number }>;
  close(): Promise<void>;
}

export async function openBrowserPeer(browser: Browser, name: string): Promise<BrowserPeer> {
  const js = await pageBundle();
  const server = http.createServer((req, res) => {
    if (req.url === '/peer.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(js);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><meta charset="utf-8"><title>peer</title><script src="/peer.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const page = await browser.open(`http://127.0.0.1:${port}/`, name);
  await page.waitForFunction(() => 'peer' in window, null, { timeout: 10_000 });

  const call: BrowserPeer['call'] = (fn, ...args) =>
    page.evaluate(
      ([f, a]) => {
        const peer = (window as unknown as { peer: Record<string, (...x: unknown[]) => unknown> }).peer;
        const target = peer[f];
        if (!target) throw new Error(`peer has no ${f}`);
        return target(...a);
      },
      [fn, args as unknown[]] as const,
    ) as never;

  return {
    page,
    call,
    async waitForAudio(timeoutMs = 8000) {
      const t0 = Date.now();
      for (;;) {
        const s = await call('stats');
        if (s.bytesReceived > 0) return s;
        if (Date.now() - t0 > timeoutMs) throw new Error(`peer ${name}: no audio within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      // Unregistering waits for the server; a peer whose server is gone must still close quickly.
      await Promise.race([call('stop').catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
      await page.close().catch(() => undefined);
      // Chromium keeps its keep-alive connection open; without this close() waits for it to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
    },
  };
}
