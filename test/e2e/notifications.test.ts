// The web host's notifications in the real page through Kamailio: while the page is in the
// background, a ringing call shows a notification that goes away when the call is answered, a
// missed call shows one, and the window title counts the unseen missed calls. Headless Chromium
// shows no OS notifications, so the page's Notification is recorded (with the user's permission
// given) and its focus is what the test says.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

const RECORDED = `
  window.__inFront = true;
  window.__notes = [];
  Document.prototype.hasFocus = function () { return window.__inFront; };
  class RecordedNotification {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) {
      this.title = title;
      this.options = options;
      this.closed = false;
      this.onclick = null;
      window.__notes.push(this);
    }
    close() { this.closed = true; }
  }
  window.Notification = RecordedNotification;
`;

interface Note {
  title: string;
  body: string;
  closed: boolean;
}

function notes(app: Page): Promise<Note[]> {
  return app.evaluate(() =>
    (window as unknown as { __notes: { title: string; options: { body: string }; closed: boolean }[] }).__notes.map((n) => ({
      title: n.title,
      body: n.options.body,
      closed: n.closed,
    })),
  );
}

async function inFront(app: Page, front: boolean): Promise<void> {
  await app.evaluate((f) => {
    (window as unknown as { __inFront: boolean }).__inFront = f;
  }, front);
}

beforeAll(async () => {
  stack = await startStack();
  await stack.app.addInitScript({ content: RECORDED });
  await stack.app.reload();
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

describe('notifications in the web host', () => {
  it('a call ringing in the background: a notification, gone once the call is answered', async () => {
    const app = stack!.app;
    await inFront(app, false);
    await peer!.call('call', '1001');
    await expect.poll(() => notes(app), { timeout: 5000 }).toEqual([{ title: 'Call from Grace Hopper', body: '1002', closed: false }]);
    await app.getByTestId('answer-button').click();
    await expect.poll(async () => (await notes(app))[0]?.closed, { timeout: 5000 }).toBe(true);
    await app.locator('[data-testid="call-card"][data-state="established"]').waitFor({ timeout: 5000 });
    await peer!.call('hangup');
    await expect.poll(() => app.locator('[data-testid="call-card"][data-state="established"]').count(), { timeout: 5000 }).toBe(0);
  });

  it('a missed call: a notification, and the window title counts it until the history is looked at', async () => {
    const app = stack!.app;
    await peer!.call('call', '1001');
    await app.getByTestId('answer-button').waitFor({ timeout: 5000 });
    await peer!.call('hangup');
    await expect.poll(async () => (await notes(app)).map((n) => n.title), { timeout: 5000 }).toContain('Missed call from Grace Hopper');
    await expect.poll(() => app.title(), { timeout: 5000 }).toBe('(1) Hookswitch');
    // In front, nothing more is shown; opening the history clears the count.
    await inFront(app, true);
    const before = (await notes(app)).length;
    await app.getByTestId('tab-history').click();
    await expect.poll(() => app.title(), { timeout: 5000 }).toBe('Hookswitch');
    await peer!.call('call', '1001');
    await app.getByTestId('answer-button').waitFor({ timeout: 5000 });
    expect(await notes(app)).toHaveLength(before);
    await app.getByTestId('reject-button').click();
  });
});
