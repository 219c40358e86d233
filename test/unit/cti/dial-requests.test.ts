// Numbers from outside, from arrival to the call: refused with a reason, held for the user to
// confirm as the settings say, dialled at once, or held until the account registers.
import { describe, expect, it } from 'vitest';
import type { Call, ClickToDialSettings, DialRequest } from '../../../preload/contract.ts';
import { AppError } from '../../../main/core/errors.ts';
import { DialRequests, MAX_DIAL_REQUESTS, REGISTRATION_WAIT_MS } from '../../../main/core/cti/dial-requests.ts';
import { DEFAULT_DIAL_PLAN } from '../../../main/core/numbers/dial-plan.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import { makeCall } from '../../support/contract-values.ts';
import { FakeClock } from '../core/support/fakes.ts';

interface Harness {
  requests: DialRequests;
  dialled: { target: string; accountId: string | undefined }[];
  changes: DialRequest[][];
  clock: FakeClock;
  account: { sipUri: string; ready: boolean };
  settings: ClickToDialSettings;
  failDial: AppError | null;
}

function harness(confirm: ClickToDialSettings['confirm'], ready = true): Harness {
  let n = 0;
  const h: Harness = {
    dialled: [],
    changes: [],
    clock: new FakeClock(),
    account: { sipUri: 'sip:1001@pbx.example.com', ready },
    settings: { confirm, shortcut: '' },
    failDial: null,
    requests: null as unknown as DialRequests,
  };
  h.requests = new DialRequests({
    clock: h.clock,
    logger: silentLogger,
    settings: () => h.settings,
    numbers: () => ({ plan: { ...DEFAULT_DIAL_PLAN, maxExtensionDigits: 4 }, country: 'DE' }),
    defaultAccount: () => h.account,
    dial: (target, accountId): Call => {
      if (h.failDial) throw h.failDial;
      h.dialled.push({ target, accountId });
      return makeCall({ id: `call-${h.dialled.length}` });
    },
    contactName: (target) => Promise.resolve(target === '+49301234567' ? 'Ada Lovelace' : ''),
    onChange: (list) => {
      h.changes.push(list);
    },
    newId: () => `r${++n}`,
  });
  return h;
}

describe('what is asked first', () => {
  it('always: every number waits for the user, shown with its contact', async () => {
    const h = harness('always');
    const request = await h.requests.submit('tel:+49-30-1234567', 'link', 'link');
    expect(request).toMatchObject({ state: 'confirm', target: '+49301234567', numberDisplay: '030 1234567', kind: 'national', contactName: 'Ada Lovelace', source: 'link' });
    expect(h.dialled).toEqual([]);
    expect(h.requests.confirm('r1', 'sales')).toMatchObject({ id: 'call-1' });
    expect(h.dialled).toEqual([{ target: '+49301234567', accountId: 'sales' }]);
    expect(h.requests.list()).toEqual([]);
  });

  it('never: dialled at once', async () => {
    const h = harness('never');
    expect(await h.requests.submit('tel:+15551234567', 'link', 'link')).toBeNull();
    expect(h.dialled).toEqual([{ target: '+15551234567', accountId: undefined }]);
  });

  it('only international: numbers abroad, service codes, unknown numbers and other SIP domains wait; the rest is dialled', async () => {
    const h = harness('international');
    for (const [text, form] of [
      ['tel:030 1234567', 'link'],
      ['1003', 'argument'],
      ['sip:alice@pbx.example.com', 'link'],
    ] as const) {
      expect(await h.requests.submit(text, form, 'command-line')).toBeNull();
    }
    expect(h.dialled.map((d) => d.target)).toEqual(['0301234567', '1003', 'sip:alice@pbx.example.com']);
    const waiting = [
      await h.requests.submit('tel:+15551234567', 'link', 'link'),
      await h.requests.submit('tel:*7219005550100', 'link', 'link'),
      await h.requests.submit('tel:99999999999999999', 'link', 'link'),
      await h.requests.submit('sip:bob@elsewhere.example', 'link', 'link'),
    ];
    expect(waiting.map((r) => [r?.state, r?.kind])).toEqual([
      ['confirm', 'international'],
      ['confirm', 'service'],
      ['confirm', 'unknown'],
      ['confirm', 'international'],
    ]);
    expect(h.dialled).toHaveLength(3);
  });
});

describe('refusals', () => {
  it('keep the text and the reason until dismissed; nothing is dialled', async () => {
    const h = harness('never');
    const request = await h.requests.submit('javascript:alert(document.cookie)', 'link', 'link');
    expect(request).toMatchObject({ state: 'refused', target: '', text: 'javascript:alert(document.cookie)', error: { code: 'invalid-number' } });
    expect(request?.error?.message).toContain('javascript: links are not phone numbers');
    expect(h.dialled).toEqual([]);
    expect(() => h.requests.confirm('r1')).toThrow(AppError);
    h.requests.dismiss('r1');
    expect(h.requests.list()).toEqual([]);
  });

  it('show hidden characters nowhere: the text is kept as plain text', async () => {
    const h = harness('never');
    const request = await h.requests.submit('tel:+1555\u202e1234\u0000', 'link', 'link');
    expect(request?.text).toBe('tel:+15551234');
  });

  it('a call that cannot be placed becomes a refusal with the reason (every line busy)', async () => {
    const h = harness('never');
    h.failDial = new AppError('too-many-calls', 'every line is in use');
    const request = await h.requests.submit('1003', 'argument', 'command-line');
    expect(request).toMatchObject({ state: 'refused', target: '1003', error: { code: 'too-many-calls' } });
  });

  it('keep at most a handful: the oldest goes', async () => {
    const h = harness('always');
    for (let i = 0; i < MAX_DIAL_REQUESTS + 3; i++) await h.requests.submit(`tel:+4930123456${i % 10}`, 'link', 'link');
    const ids = h.requests.list().map((r) => r.id);
    expect(ids).toHaveLength(MAX_DIAL_REQUESTS);
    expect(ids[0]).toBe('r4');
  });
});

describe('before the account is registered', () => {
  it('a number to dial at once waits, and is dialled when the account registers', async () => {
    const h = harness('never', false);
    expect(await h.requests.submit('1003', 'argument', 'command-line')).toMatchObject({ state: 'waiting' });
    h.requests.accountsChanged();
    expect(h.dialled).toEqual([]);
    h.account.ready = true;
    h.requests.accountsChanged();
    expect(h.dialled).toEqual([{ target: '1003', accountId: undefined }]);
    expect(h.requests.list()).toEqual([]);
  });

  it('gives up after the bound, and says so', async () => {
    const h = harness('never', false);
    await h.requests.submit('1003', 'argument', 'command-line');
    h.clock.advance(REGISTRATION_WAIT_MS);
    expect(h.requests.list()).toMatchObject([{ state: 'refused', error: { code: 'not-registered' } }]);
    h.account.ready = true;
    h.requests.accountsChanged();
    expect(h.dialled).toEqual([]);
  });
});

describe('the dial shortcut', () => {
  it('finds the number in the text it was given', async () => {
    const h = harness('always');
    expect(await h.requests.submit('Please call Ada on +49 (0)30 1234567, thanks', 'text', 'shortcut')).toMatchObject({
      state: 'confirm',
      target: '+49301234567',
      contactName: 'Ada Lovelace',
      source: 'shortcut',
    });
    expect(await h.requests.submit('', 'text', 'shortcut')).toMatchObject({ state: 'refused', error: { code: 'invalid-number' } });
  });
});
