// The screen-pop end to end: a real incoming call through Kamailio shows, before it is answered,
// the caller's contact, how often they called and the last calls with their notes, read from the
// SQLite history in the web host's data folder; the CRM link opens from the card, and by itself
// when the setting says so. A caller nobody knows shows the number and "unknown caller".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { silentLogger } from '../../main/core/ports.ts';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { openPeer, registerWithPeer, startStack, type Stack } from './stack.ts';

const DAY = 86_400_000;
const opened: string[] = [];
let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

/** Grace Hopper at extension 1002, with three earlier calls, two of them with notes. */
async function seedHistory(dataDir: string): Promise<void> {
  const store = createHistoryStore({ file: path.join(dataDir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
  await store.open();
  try {
    await store.saveContact({
      id: null,
      name: 'Grace Hopper',
      company: 'Navy Computing Lab',
      email: 'grace@example.test',
      crmId: 'CRM-1906',
      notes: 'Prefers calls after 10:00',
      numbers: [{ label: 'work', number: '1002', e164: null, digits: '1002' }],
    });
    const now = Date.now();
    const past = [
      { ago: 9 * DAY, notes: 'Asked about the COBOL compiler', outcome: 'answered' as const },
      { ago: 3 * DAY, notes: '', outcome: 'missed' as const },
      { ago: 1 * DAY, notes: 'Found a moth in relay 70', outcome: 'answered' as const },
    ];
    for (const [i, call] of past.entries()) {
      const id = await store.insertCall({
        callId: `seed-${i}`,
        direction: 'incoming',
        account: 'sip:1001@127.0.0.1',
        remoteUri: 'sip:1002@127.0.0.1',
        number: '1002',
        e164: null,
        digits: '1002',
        displayName: 'Grace Hopper',
        startedAt: now - call.ago,
      });
      const answered = call.outcome === 'answered';
      await store.updateCall(id, {
        answeredAt: answered ? now - call.ago + 5000 : null,
        endedAt: now - call.ago + 65_000,
        durationS: answered ? 60 : null,
        outcome: call.outcome,
      });
      if (call.notes !== '') await store.wrapUp(id, { notes: call.notes });
    }
  } finally {
    await store.close();
  }
}

function ready(): { stack: Stack; peer: BrowserPeer } {
  if (!stack || !peer) throw new Error('the stack did not start');
  return { stack, peer };
}

function ringingCard(app: Page): Locator {
  return app.getByTestId('call-card').filter({ has: app.getByTestId('answer-button') });
}

async function setCrm(app: Page, template: string, autoOpen: 'off' | 'on-ring' | 'on-answer'): Promise<void> {
  await app.getByTestId('settings-button').click();
  await app.getByTestId('settings-crm-template').fill(template);
  await app.getByTestId('settings-crm-auto-open').selectOption(autoOpen);
  await app.getByTestId('settings-save').click();
  await app.getByTestId('settings-saved').waitFor({ timeout: 5000 });
  await app.getByTestId('settings-close').click();
}

beforeAll(async () => {
  stack = await startStack({
    prepareDataDir: seedHistory,
    openUrl: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
  });
  peer = await registerWithPeer(stack);
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

describe('the screen-pop', () => {
  it('shows the contact, the count and the last calls with notes before the call is answered', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    await setCrm(app, 'https://crm.example.test/search?phone={number}&name={name}&id={crmId}', 'off');
    await peer.call('call', '1001');
    const card = ringingCard(app);
    await card.waitFor({ timeout: 5000 });
    const pop = card.getByTestId('screen-pop');
    await expect(pop.getByTestId('screen-pop-name').textContent({ timeout: 5000 })).resolves.toContain('Grace Hopper');
    // Still ringing while the pop is shown: nothing was answered to get it.
    expect(await card.getAttribute('data-state')).toBe('incoming');
    const text = (await pop.textContent()) ?? '';
    expect(text).toContain('Navy Computing Lab');
    expect(text).toContain('3 calls, last on');
    expect(text).toContain('Found a moth in relay 70');
    expect(text).toContain('Asked about the COBOL compiler');
    expect(await pop.getByTestId('screen-pop-recent').count()).toBe(3);
    await app.screenshot({ path: path.join('tmp', 'screens', 'screen-pop-e2e.png') });

    // The CRM link opens in "the system browser", with every placeholder encoded.
    await pop.getByTestId('screen-pop-crm').click();
    await expect.poll(() => opened.length, { timeout: 3000 }).toBe(1);
    expect(opened[0]).toBe('https://crm.example.test/search?phone=1002&name=Grace%20Hopper&id=CRM-1906');

    await card.getByTestId('reject-button').click();
    await expect.poll(() => peer.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    await app.getByTestId('call-card').first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('counts the call just rejected next time, and opens the CRM by itself when set to', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    await setCrm(app, 'https://crm.example.test/caller/{number}', 'on-ring');
    opened.length = 0;
    await peer.call('call', '1001');
    const card = ringingCard(app);
    await card.waitFor({ timeout: 5000 });
    const pop = card.getByTestId('screen-pop');
    await expect(pop.getByTestId('screen-pop-name').textContent({ timeout: 5000 })).resolves.toContain('Grace Hopper');
    // Three seeded calls plus the one rejected above.
    await expect.poll(async () => (await pop.textContent()) ?? '', { timeout: 3000 }).toContain('4 calls, last on');
    await expect.poll(() => opened, { timeout: 3000 }).toEqual(['https://crm.example.test/caller/1002']);
    await card.getByTestId('reject-button').click();
    await expect.poll(() => peer.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    await app.getByTestId('call-card').first().waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('a caller nobody knows shows the number and "unknown caller"', async () => {
    const { stack } = ready();
    const { app } = stack;
    await setCrm(app, '', 'off');
    const stranger = await openPeer(stack, '1003', '');
    try {
      await stranger.call('call', '1001');
      const card = ringingCard(app);
      await card.waitFor({ timeout: 5000 });
      const pop = card.getByTestId('screen-pop');
      await pop.getByTestId('screen-pop-unknown').waitFor({ timeout: 5000 });
      expect(await pop.textContent()).toContain('1003');
      expect(await pop.getByTestId('screen-pop-crm').count()).toBe(0);
      await card.getByTestId('reject-button').click();
      await expect.poll(() => stranger.call('sessionState'), { timeout: 5000 }).toBe('Terminated');
    } finally {
      await stranger.close();
    }
  });
});
