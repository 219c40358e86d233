// Call history and contacts as a receptionist uses them, through the real UI: a CSV of contacts is
// imported (the preview names the two bad rows, the import shows progress and the result), a
// contact is found by part of its number, real calls through Kamailio land in the history with
// the right outcome, a note is added and found by search, the missed-call badge appears and
// clears when the History view opens, a row calls back and a row is deleted.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import type { BrowserPeer } from '../support/browser-peer/index.ts';
import { registerWithPeer, startStack, type Stack } from './stack.ts';

let stack: Stack | undefined;
let peer: BrowserPeer | undefined;

function ready(): { stack: Stack; peer: BrowserPeer } {
  if (!stack || !peer) throw new Error('the stack did not start');
  return { stack, peer };
}

// Line 1 is the header; line 5 has no name or company, line 6 a "number" that is none.
const CSV = [
  'Name,Company,Mobile Phone,E-mail Address',
  'Grace Hopper,Navy Computing Lab,1002,grace@example.test',
  'Alan Turing,Bletchley Park,+44 20 7946 4567,alan@example.test',
  'Ada Lovelace,Analytical Engines,+1 415 555 0100,',
  ',,+1 212 555 0199,',
  'Nobody Known,,n/a,nobody@example.test',
  '',
].join('\r\n');

/** The history rows as the user sees them: id, outcome and the name shown. */
async function historyRows(app: Page): Promise<{ id: string; outcome: string; name: string }[]> {
  return app.getByTestId('history-row').evaluateAll((rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-id') ?? '',
      outcome: r.getAttribute('data-outcome') ?? '',
      name: r.querySelector('[data-testid="history-name"]')?.textContent ?? '',
    })),
  );
}

function row(app: Page, id: string): Locator {
  return app.locator(`[data-testid="history-row"][data-id="${id}"]`);
}

/** Waits until the card of the last call is gone, so the next call starts clean. */
async function noCalls(app: Page): Promise<void> {
  await expect.poll(() => app.getByTestId('call-card').count(), { timeout: 15_000 }).toBe(0);
}

beforeAll(async () => {
  stack = await startStack();
  peer = await registerWithPeer(stack);
});

// A failed step leaves a picture of the screen and the page's errors behind, for diagnosis.
afterEach(async (context) => {
  if (context.task.result?.state !== 'fail' || !stack) return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  await stack.app.screenshot({ path: path.join('tmp', 'screens', `history-e2e-failed-${name}.png`) }).catch(() => undefined);
  if (stack.browser.errors.length > 0) console.error(stack.browser.errors.join('\n'));
});

afterAll(async () => {
  await peer?.close();
  await stack?.stop();
});

describe('contacts', () => {
  it('imports a CSV: the preview names the bad rows, then progress and the result', async () => {
    const { app } = ready().stack;
    await app.getByTestId('tab-contacts').click();
    await app.getByTestId('contacts-empty').waitFor({ timeout: 5000 });
    await app.getByTestId('contacts-import-file').setInputFiles({ name: 'team.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });

    const preview = app.getByTestId('contacts-import-preview');
    await preview.waitFor({ timeout: 10_000 });
    expect(await preview.getAttribute('data-total')).toBe('5');
    const errors = await app.getByTestId('contacts-import-error').evaluateAll((items) =>
      items.map((i) => ({ row: i.getAttribute('data-row'), code: i.getAttribute('data-code'), text: i.textContent })),
    );
    expect(errors.map((e) => [e.row, e.code])).toEqual([
      ['5', 'no-name'],
      ['6', 'invalid-number'],
    ]);
    // The error report speaks the catalog's words and quotes the offending text.
    expect(errors[0]?.text).toContain('No name or company');
    expect(errors[0]?.text).toContain('+1 212 555 0199');
    expect(errors[1]?.text).toContain('n/a');
    expect(await preview.textContent()).toContain('Grace Hopper');

    await app.getByTestId('contacts-import-go').click();
    const result = app.getByTestId('contacts-import-result');
    await result.waitFor({ timeout: 10_000 });
    expect(await result.getAttribute('data-imported')).toBe('4');
    expect(await result.getAttribute('data-skipped')).toBe('1');
    await app.getByTestId('contacts-import-done').click();
    await expect.poll(() => app.getByTestId('contact-row').count(), { timeout: 5000 }).toBe(4);
  });

  it('finds a contact by part of its number', async () => {
    const { app } = ready().stack;
    await app.getByTestId('contacts-search').fill('4567');
    await expect.poll(async () => app.getByTestId('contact-name').allTextContents(), { timeout: 5000 }).toEqual(['Alan Turing']);
    await app.getByTestId('contacts-search').fill('');
    await expect.poll(() => app.getByTestId('contact-row').count(), { timeout: 5000 }).toBe(4);
  });

  it('shows the import progress bar while a bigger file is written', async () => {
    const { app } = ready().stack;
    const lines = ['Name,Mobile Phone'];
    for (let i = 0; i < 3000; i++) lines.push(`Bulk Person ${i},+1 646 555 ${String(i).padStart(4, '0')}`);
    await app.getByTestId('contacts-import-file').setInputFiles({ name: 'bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n'), 'utf8') });
    await app.getByTestId('contacts-import-preview').waitFor({ timeout: 15_000 });
    await app.getByTestId('contacts-import-go').click();
    // Either the bar is seen mid-way, or the import was quicker than a frame: both end in the result.
    const progress = app.getByTestId('contacts-import-progress');
    const result = app.getByTestId('contacts-import-result');
    await Promise.race([progress.waitFor({ timeout: 15_000 }), result.waitFor({ timeout: 15_000 })]);
    await result.waitFor({ timeout: 30_000 });
    expect(await result.getAttribute('data-imported')).toBe('3000');
    await app.getByTestId('contacts-import-done').click();
  });
});

describe('the call history', () => {
  it('records real calls with their outcome, and the missed-call badge clears when History opens', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    await app.getByTestId('tab-phone').click();

    // 1. Outgoing, answered by the far end.
    let invites = (await peer.call('invites')).length;
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(invites + 1);
    await peer.call('answer');
    const card = app.getByTestId('call-card');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 5000 }).toBe('established');
    await new Promise((r) => setTimeout(r, 1200));
    await card.getByTestId('hangup-button').click();
    await noCalls(app);

    // 2. Outgoing, given up before the far end answered.
    invites = (await peer.call('invites')).length;
    await app.getByTestId('dial-input').fill('1002');
    await app.getByTestId('dial-button').click();
    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(invites + 1);
    await app.getByTestId('call-card').getByTestId('hangup-button').click();
    await noCalls(app);

    // 3. Incoming, the caller gives up: a missed call, and the badge says so.
    expect(await app.getByTestId('tab-history').getAttribute('data-badge')).toBe('0');
    await peer.call('call', '1001');
    await app.getByTestId('answer-button').waitFor({ timeout: 5000 });
    await peer.call('hangup');
    await expect.poll(() => app.getByTestId('tab-history').getAttribute('data-badge'), { timeout: 5000 }).toBe('1');
    expect(await app.getByTestId('history-badge').textContent()).toBe('1');
    await noCalls(app);

    await app.getByTestId('tab-history').click();
    await expect.poll(() => app.getByTestId('tab-history').getAttribute('data-badge'), { timeout: 5000 }).toBe('0');
    expect(await app.getByTestId('history-badge').count()).toBe(0);
    await expect.poll(async () => (await historyRows(app)).map((r) => r.outcome), { timeout: 5000 }).toEqual(['missed', 'no-answer', 'answered']);
    // The imported contact names the rows; a day header groups them.
    expect((await historyRows(app)).map((r) => r.name)).toEqual(['Grace Hopper', 'Grace Hopper', 'Grace Hopper']);
    expect(await app.getByTestId('history-day').first().textContent()).toBe('Today');
    await expect(app.getByTestId('history-duration').first().textContent()).resolves.toMatch(/^00:0[1-9]$/);

    // The Missed filter shows only the missed call.
    await app.getByTestId('history-filter-missed').click();
    await expect.poll(async () => (await historyRows(app)).map((r) => r.outcome), { timeout: 5000 }).toEqual(['missed']);
    await app.getByTestId('history-filter-all').click();
    await expect.poll(async () => (await historyRows(app)).length, { timeout: 5000 }).toBe(3);
  });

  it('adds a note and disposition to a call, and finds the call by its note', async () => {
    const { app } = ready().stack;
    const answered = (await historyRows(app)).find((r) => r.outcome === 'answered');
    if (!answered) throw new Error('no answered call listed');
    await row(app, answered.id).hover();
    await row(app, answered.id).getByTestId('history-details').click();
    await app.getByTestId('history-note').fill('Found a moth in relay 70');
    await app.getByTestId('history-disposition').selectOption('support');
    await app.getByTestId('history-save').click();
    await expect.poll(() => row(app, answered.id).getByTestId('history-row-note').count(), { timeout: 5000 }).toBe(1);
    expect(await row(app, answered.id).getByTestId('history-row-disposition').textContent()).toBe('Support');
    await app.getByTestId('history-details-close').click();

    await app.getByTestId('history-search').fill('moth in relay');
    await expect.poll(async () => (await historyRows(app)).map((r) => r.id), { timeout: 5000 }).toEqual([answered.id]);
    // `/` goes back to the search from anywhere that is not a text field.
    await app.getByTestId('history-list').focus();
    await app.keyboard.press('/');
    expect(await app.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('history-search');
    await app.getByTestId('history-search').fill('');
    await expect.poll(async () => (await historyRows(app)).length, { timeout: 5000 }).toBe(3);
  });

  it('calls back from a row with the keyboard, and the new call joins the list', async () => {
    const { stack, peer } = ready();
    const { app } = stack;
    const invites = (await peer.call('invites')).length;
    await app.getByTestId('history-list').focus();
    await app.keyboard.press('Home');
    await app.keyboard.press('ArrowDown');
    await app.keyboard.press('ArrowUp');
    expect(await app.getByTestId('history-row').first().getAttribute('aria-selected')).toBe('true');
    await app.keyboard.press('Enter');
    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(invites + 1);
    // The list refreshes by itself: the call back is on top while it rings.
    await expect.poll(async () => (await historyRows(app))[0]?.outcome, { timeout: 5000 }).toBe('in-progress');
    await app.getByTestId('call-card').getByTestId('hangup-button').click();
    await noCalls(app);
    await expect.poll(async () => (await historyRows(app)).map((r) => r.outcome), { timeout: 5000 }).toEqual(['no-answer', 'missed', 'no-answer', 'answered']);

    // A click on a row calls back too.
    await row(app, (await historyRows(app))[1]?.id ?? '').click();
    await expect.poll(async () => (await peer.call('invites')).length, { timeout: 5000 }).toBe(invites + 2);
    await app.getByTestId('call-card').getByTestId('hangup-button').click();
    await noCalls(app);
  });

  it('deletes a row after asking, and everything after asking again', async () => {
    const { app } = ready().stack;
    await expect.poll(async () => (await historyRows(app)).length, { timeout: 5000 }).toBe(5);
    const first = (await historyRows(app))[0];
    if (!first) throw new Error('no rows');
    await row(app, first.id).hover();
    await row(app, first.id).getByTestId('history-details').click();
    await app.getByTestId('history-delete').click();
    // Cancel keeps it.
    await app.getByTestId('confirm-cancel').click();
    expect(await row(app, first.id).count()).toBe(1);
    await app.getByTestId('history-delete').click();
    await app.getByTestId('confirm-ok').click();
    await expect.poll(() => row(app, first.id).count(), { timeout: 5000 }).toBe(0);
    await expect.poll(async () => (await historyRows(app)).length, { timeout: 5000 }).toBe(4);

    // The Delete key asks too.
    await app.getByTestId('history-list').focus();
    await app.keyboard.press('Home');
    await app.keyboard.press('Delete');
    await app.getByTestId('confirm-ok').click();
    await expect.poll(async () => (await historyRows(app)).length, { timeout: 5000 }).toBe(3);

    await app.getByTestId('history-clear').click();
    await app.getByTestId('confirm-ok').click();
    await app.getByTestId('history-empty').waitFor({ timeout: 5000 });
    expect(await app.getByTestId('history-row').count()).toBe(0);
  });
});
