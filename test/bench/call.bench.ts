// Call set-up and start-up figures, measured on the real stack: Kamailio, the web host, the
// renderer in Debian's Chromium and a second softphone page, all on loopback. Prints
// `BENCH <name> <value> <unit>` lines; asserts nothing about speed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { WebSocket } from 'ws';
import { afterAll, describe, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { TMP_ROOT } from '../support/chromium.ts';
import { startKamailio } from '../support/kamailio.ts';
import { configureAccount, openPeer, startStack, waitForRegistered, type Stack } from '../e2e/stack.ts';
import { bench, quantile } from './report.ts';

const CALLS = 12;
const root = path.resolve(import.meta.dirname, '..', '..');

/** Wall-clock ms (comparable across pages of one machine) of the next click on the dial button. */
async function armClickClock(app: Page): Promise<void> {
  await app.evaluate(() => {
    const w = window as unknown as { __clickAt?: number };
    w.__clickAt = undefined;
    document.querySelector('[data-testid="dial-button"]')?.addEventListener(
      'pointerdown',
      () => {
        w.__clickAt = performance.timeOrigin + performance.now();
      },
      { capture: true, once: true },
    );
  });
}

/** Polls the media engine inside the page until audio arrives; returns the wall-clock time. */
async function audioArrivedAt(app: Page, timeoutMs: number): Promise<number> {
  return app.evaluate(async (limit) => {
    const media = (window as unknown as { __hookswitchMedia: { stats(): Promise<{ bytesReceived: number }[]> } }).__hookswitchMedia;
    const start = performance.now();
    for (;;) {
      const stats = await media.stats();
      if (stats.some((s) => s.bytesReceived > 0)) return performance.timeOrigin + performance.now();
      if (performance.now() - start > limit) throw new Error('no audio');
      await new Promise((r) => setTimeout(r, 2));
    }
  }, timeoutMs);
}

describe('call set-up', () => {
  let stack: Stack | undefined;
  let peer: BrowserPeer | undefined;
  afterAll(async () => {
    await peer?.close();
    await stack?.stop();
  });

  it('measures click to ring and click to audio', async () => {
    stack = await startStack();
    peer = await openPeer(stack, '1002', 'Bench Peer');
    await peer.call('setAutoAnswer', true);
    const { app } = stack;
    await app.bringToFront();
    await configureAccount(app, { wsUrl: stack.kamailio.wsUrl, user: '1001' });
    await waitForRegistered(app);

    const ring: number[] = [];
    const audio: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      await app.getByTestId('dial-input').fill('1002');
      await armClickClock(app);
      await app.getByTestId('dial-button').click();
      const audioAt = await audioArrivedAt(app, 10_000);
      const clickAt = await app.evaluate(() => (window as unknown as { __clickAt?: number }).__clickAt);
      const invites = await peer.call('invites');
      const inviteAt = invites[invites.length - 1]?.t;
      if (clickAt === undefined || inviteAt === undefined) throw new Error('missing timestamps');
      ring.push(inviteAt - clickAt);
      audio.push(audioAt - clickAt);
      await app.getByTestId('hangup-button').click();
      await app.locator('[data-testid="call-card"]').first().waitFor({ state: 'detached', timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 300)); // let the engine prepare its next spare connection
    }
    bench('click_to_ring_median', quantile(ring, 0.5), 'ms');
    bench('click_to_ring_p95', quantile(ring, 0.95), 'ms');
    bench('click_to_audio_median', quantile(audio, 0.5), 'ms');
    bench('click_to_audio_p95', quantile(audio, 0.95), 'ms');
    bench('calls_measured', ring.length, 'calls');
  });
});

describe('start-up', () => {
  it('measures cold start to registered and the idle core memory (web host process)', async () => {
    const kamailio = await startKamailio();
    const runs: number[] = [];
    let rssKb = 0;
    try {
      for (let run = 0; run < 5; run++) {
        const dataDir = fs.mkdtempSync(path.join(TMP_ROOT, 'bench-cold-'));
        fs.writeFileSync(
          path.join(dataDir, 'settings.json'),
          JSON.stringify({
            account: {
              wsUrl: kamailio.wsUrl,
              sipUri: `sip:${2000 + run}@127.0.0.1`,
              authUser: `${2000 + run}`,
              displayName: 'Bench',
              dtmfMode: 'rfc4733',
              iceServers: [],
              registerOnStart: true,
            },
            audio: { inputDeviceId: '', outputDeviceId: '', ringDeviceIds: [''] },
            ui: { locale: 'auto' },
          }),
        );
        const t0 = performance.now();
        const child = spawn(process.execPath, [path.join(root, 'dist', 'main', 'web-host.mjs'), '--data-dir', dataDir, '--port', '0'], {
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        const killTimer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        try {
          const url = await new Promise<string>((resolve, reject) => {
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              const m = /running at (\S+)/.exec(out);
              if (m?.[1]) resolve(m[1]);
            });
            child.once('exit', () => {
              reject(new Error('web host exited'));
            });
          });
          const u = new URL(url);
          const token = new URLSearchParams(u.hash.slice(1)).get('token') ?? '';
          const ws = new WebSocket(`ws://${u.host}/api?token=${encodeURIComponent(token)}`, { headers: { origin: u.origin } });
          await new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => {
              reject(new Error('not registered within 10 s'));
            }, 10_000);
            const check = (state: unknown): void => {
              if (state === 'registered') {
                clearTimeout(timer);
                resolve();
              }
            };
            ws.on('message', (data: Buffer) => {
              const frame = JSON.parse(data.toString()) as { type: string; event?: string; payload?: { state?: string }; result?: { ok: boolean; value?: { account?: { state?: string } } } };
              if (frame.type === 'event' && frame.event === 'account:changed') check(frame.payload?.state);
              if (frame.type === 'result') check(frame.result?.value?.account?.state);
            });
            ws.on('open', () => {
              ws.send(JSON.stringify({ type: 'invoke', id: 1, command: 'app:getState' }));
            });
            ws.on('error', reject);
          });
          runs.push(performance.now() - t0);
          ws.close();
          if (run === 4) {
            await new Promise((r) => setTimeout(r, 3000)); // idle: registered, no renderer, no call
            const status = fs.readFileSync(`/proc/${String(child.pid)}/status`, 'utf8');
            rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
          }
        } finally {
          clearTimeout(killTimer);
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
          fs.rmSync(dataDir, { recursive: true, force: true });
        }
      }
    } finally {
      await kamailio.stop();
    }
    bench('cold_start_to_registered', quantile(runs, 0.5), 'ms');
    bench('cold_start_to_registered_max', Math.max(...runs), 'ms');
    bench('core_rss_idle', rssKb / 1024, 'MB');
  });
});
