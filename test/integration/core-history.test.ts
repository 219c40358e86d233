// The history through createCore's handlers, on a real SQLite file: calls recorded as they happen
// (before they are answered, so a crash keeps them), outcomes, the missed badge, search, wrap-up,
// call back, retention, the screen-pop, and contacts with import and export. A scripted SIP
// server plays the PBX and the far end.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Call, Contact, HistoryQuery, ScreenPop, Settings } from '../../preload/contract.ts';
import { AppError } from '../../main/core/errors.ts';
import { DEFAULT_DIAL_PLAN } from '../../main/core/numbers/dial-plan.ts';
import type { HistoryStore } from '../../main/core/history/history-store.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { FIXED_SDP, settingsWith, sleep } from '../unit/core/support/fakes.ts';
import { FakeSipServer } from '../unit/core/support/fake-sip-server.ts';
import type { SipMessage } from '../unit/core/support/fake-sip-server.ts';
import { makeCore, type Harness } from '../unit/core/support/core-harness.ts';

const sender = { id: 'renderer-1' };
const DAY = 86_400_000;
let dir: string;
let server: FakeSipServer;
let h: Harness | undefined;
let store: HistoryStore;
let opened: string[];

function account(patch: Partial<Settings> = {}): Settings {
  return { ...settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1' }), ...patch };
}

async function ready(settings: Settings = account()): Promise<Harness> {
  store = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
  h = makeCore({
    settings,
    history: store,
    openUrl: (url) => {
      opened.push(url);
      return Promise.resolve();
    },
  });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
  return h;
}

function query(text = '', kind: HistoryQuery['filter']['kind'] = 'all'): HistoryQuery {
  return { text, filter: { kind, from: null, to: null, account: '' }, beforeId: null, limit: 50 };
}

function liveCall(harness: Harness): Call {
  const call = harness.core.getState().calls[0];
  if (!call) throw new Error('no call');
  return call;
}

async function expectCode(work: Promise<unknown>, code: string): Promise<void> {
  const err: unknown = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
}

const grace: Contact = {
  id: null,
  name: 'Grace Hopper',
  company: 'Navy Computing Lab',
  email: 'grace@example.test',
  crmId: 'CRM-1906',
  notes: 'Prefers mornings',
  numbers: [
    { label: 'work', number: '2002' },
    { label: 'mobile', number: '+1 (555) 123-4567' },
  ],
};

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-core-history-'));
  server = await FakeSipServer.start();
  opened = [];
});

afterEach(async () => {
  await h?.core.stop();
  h = undefined;
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('calls in the history', () => {
  it('an incoming call is recorded while it rings, pops up with the contact, and ends answered', async () => {
    const harness = await ready();
    await harness.core.handlers['contacts:save'](grace, sender);
    const responses: SipMessage[] = [];
    server.onResponse = (res) => responses.push(res);
    const dialog = server.invite({ from: '"Grace" <sip:2002@127.0.0.1>', sdp: FIXED_SDP });
    await harness.events.untilCall('incoming');
    const call = liveCall(harness);

    // Ringing, not answered: already in the history (a crash now would keep it) and popped up.
    await harness.events.until('pop', () => harness.events.all('calls:screenPop').some((p) => p.callId === call.id));
    const pop = harness.events.last('calls:screenPop') as ScreenPop;
    expect(pop.contact).toMatchObject({ name: 'Grace Hopper', company: 'Navy Computing Lab', crmId: 'CRM-1906' });
    expect(pop).toMatchObject({ totalCalls: 0, recent: [], crmUrl: null });
    expect(harness.core.getState().screenPops.map((p) => p.callId)).toEqual([call.id]);
    const ringing = await harness.core.handlers['history:query'](query(), sender);
    expect(ringing.rows).toHaveLength(1);
    expect(ringing.rows[0]).toMatchObject({ callId: call.id, outcome: 'in-progress', direction: 'incoming', answeredAt: null, contact: { name: 'Grace Hopper' } });

    await harness.core.handlers['calls:answer']({ callId: call.id }, sender);
    const ok = await (async () => {
      await harness.events.until('200', () => responses.some((r) => r.status === 200));
      return responses.find((r) => r.status === 200) as SipMessage;
    })();
    server.ack(dialog, ok);
    await harness.events.untilCall('established');
    await sleep(1100);
    server.bye(dialog);
    await harness.events.untilCall('ended');
    await harness.events.until('recorded', () => harness.events.all('history:changed').length >= 2);
    await sleep(50);
    const rows = (await harness.core.handlers['history:query'](query(), sender)).rows;
    expect(rows[0]).toMatchObject({ outcome: 'answered', unseen: false });
    expect(rows[0]?.durationS).toBeGreaterThanOrEqual(1);
    expect(rows[0]?.endedAt).not.toBeNull();
  });

  it('a missed call lights the badge until seen; search, wrap-up, call back and delete', async () => {
    const harness = await ready();
    const dialog = server.invite({ from: '"Ada" <sip:+15551234567@127.0.0.1>', sdp: FIXED_SDP });
    await harness.events.untilCall('incoming');
    server.cancel(dialog);
    await harness.events.untilCall('ended');
    await harness.events.until('badge', () => harness.events.last('history:changed')?.unseenMissed === 1);
    expect(harness.core.getState().history.unseenMissed).toBe(1);

    const [missed] = (await harness.core.handlers['history:query'](query('', 'missed'), sender)).rows;
    expect(missed).toMatchObject({ outcome: 'missed', unseen: true, e164: '+15551234567', displayName: 'Ada' });
    // Found by any way of writing the number, by the name, and not by a stranger's digits.
    for (const text of ['4567', '(555) 123-4567', '+1 555 123 4567', 'Ada']) {
      expect((await harness.core.handlers['history:query'](query(text), sender)).rows.map((r) => r.id), text).toEqual([missed?.id]);
    }
    expect((await harness.core.handlers['history:query'](query('9999'), sender)).rows).toEqual([]);

    const seen = await harness.core.handlers['history:markSeen'](undefined, sender);
    expect(seen.unseenMissed).toBe(0);

    const id = missed?.id ?? -1;
    const wrapped = await harness.core.handlers['history:update']({ id, notes: 'Call back about the invoice', disposition: 'billing', tags: ['vip', ' vip ', ''] }, sender);
    expect(wrapped).toMatchObject({ notes: 'Call back about the invoice', disposition: 'billing', tags: ['vip'] });
    expect((await harness.core.handlers['history:query'](query('invoice'), sender)).rows.map((r) => r.id)).toEqual([id]);

    server.onRequest = (req, s) => {
      if (req.method === 'INVITE') s.reply(req, 486, 'Busy Here', { toTag: 'far' });
      else s.defaultHandler(req);
    };
    const back = await harness.core.handlers['history:callBack']({ id }, sender);
    expect(back.direction).toBe('outgoing');
    await harness.events.until('INVITE', () => server.requests('INVITE').length === 1);
    const invite = server.requests('INVITE').at(-1);
    expect(invite?.ruri).toMatch(/^sip:\+15551234567@/);
    await expect
      .poll(async () => (await harness.core.handlers['history:query'](query(), sender)).rows.map((r) => r.outcome), { timeout: 5000 })
      .toEqual(['busy', 'missed']);

    await harness.core.handlers['history:delete']({ ids: [id] }, sender);
    expect((await harness.core.handlers['history:query'](query(), sender)).rows.map((r) => r.outcome)).toEqual(['busy']);
    await expectCode(harness.core.handlers['history:update']({ id, notes: 'x' }, sender), 'no-such-record');
    await harness.core.handlers['history:clear'](undefined, sender);
    expect((await harness.core.handlers['history:query'](query(), sender)).rows).toEqual([]);
  });

  it('keeps calls only as long as the retention says', async () => {
    fs.mkdirSync(dir, { recursive: true });
    const seed = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
    await seed.open();
    for (const ago of [400, 100, 10]) {
      await seed.insertCall({ callId: `old-${ago}`, direction: 'outgoing', account: 'sip:1001@127.0.0.1', remoteUri: 'sip:2002@127.0.0.1', number: '2002', e164: null, digits: '2002', displayName: '', startedAt: Date.now() - ago * DAY });
    }
    await seed.close();
    const harness = await ready(account({ history: { retentionDays: 365 } }));
    expect((await harness.core.handlers['history:query'](query(), sender)).rows.map((r) => r.callId)).toEqual(['old-10', 'old-100']);
    await harness.core.handlers['settings:save']({ settings: account({ history: { retentionDays: 30 } }) }, sender);
    await expect.poll(async () => (await harness.core.handlers['history:query'](query(), sender)).rows.length, { timeout: 5000 }).toBe(1);
  });
});

describe('the CRM link', () => {
  it('is built from the template with every value encoded, opens on request and by itself on ring', async () => {
    const harness = await ready(
      account({ screenPop: { crmUrlTemplate: 'https://crm.example.test/find?n={e164}&who={name}&c={company}', crmAutoOpen: 'on-ring' } }),
    );
    await harness.core.handlers['contacts:save']({ ...grace, name: 'Grace & Co ?#/', company: 'Navy' }, sender);
    server.invite({ from: '<sip:+15551234567@127.0.0.1>', sdp: FIXED_SDP });
    await harness.events.untilCall('incoming');
    const call = liveCall(harness);
    await harness.events.until('opened', () => opened.length === 1);
    expect(opened[0]).toBe('https://crm.example.test/find?n=%2B15551234567&who=Grace%20%26%20Co%20%3F%23%2F&c=Navy');
    await harness.core.handlers['calls:openCrm']({ callId: call.id }, sender);
    expect(opened).toHaveLength(2);
    await expectCode(harness.core.handlers['calls:openCrm']({ callId: 'nope' }, sender), 'no-such-call');
  });

  it('a template that is not an http(s) URL is refused with the field named', async () => {
    const harness = await ready();
    for (const crmUrlTemplate of ['javascript:alert({name})', 'https://crm.example.test/?q={phone}']) {
      const err: unknown = await harness.core.handlers['settings:save']({ settings: account({ screenPop: { crmUrlTemplate, crmAutoOpen: 'off' } }) }, sender).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid-settings', fields: { 'screenPop.crmUrlTemplate': 'invalid-crm-template' } });
    }
    const bad: unknown = await harness.core.handlers['settings:save']({ settings: account({ numbers: { defaultCountry: 'ZZ', dialPlan: DEFAULT_DIAL_PLAN } }) }, sender).catch((e: unknown) => e);
    expect(bad).toMatchObject({ fields: { 'numbers.defaultCountry': 'invalid-country' } });
  });
});

describe('contacts', () => {
  it('saved, found by name, company and any way of writing a number, exported and imported back', async () => {
    const harness = await ready();
    const saved = await harness.core.handlers['contacts:save'](grace, sender);
    expect(saved.id).not.toBeNull();
    const find = async (text: string): Promise<string[]> =>
      (await harness.core.handlers['contacts:query']({ text, after: null, limit: 20 }, sender)).contacts.map((c) => c.name);
    for (const text of ['Grace', 'gra', 'Navy', '4567', '(555) 123-4567', '+1 555 123 4567']) expect(await find(text), text).toEqual(['Grace Hopper']);
    expect(await find('Turing')).toEqual([]);

    const exported = await harness.core.handlers['contacts:export'](undefined, sender);
    expect(exported.fileName).toMatch(/\.csv$/);
    await harness.core.handlers['contacts:delete']({ id: saved.id ?? -1 }, sender);
    expect(await find('Grace')).toEqual([]);
    await expectCode(harness.core.handlers['contacts:delete']({ id: saved.id ?? -1 }, sender), 'no-such-contact');

    const { importId } = await harness.core.handlers['contacts:importBegin']({ format: 'csv', size: Buffer.byteLength(exported.csv, 'utf8') }, sender);
    await harness.core.handlers['contacts:importChunk']({ importId, text: exported.csv }, sender);
    const result = await harness.core.handlers['contacts:import']({ importId }, sender);
    expect(result).toMatchObject({ imported: 1, skipped: 0, errors: [] });
    const [back] = (await harness.core.handlers['contacts:query']({ text: 'Grace', after: null, limit: 5 }, sender)).contacts;
    expect(back).toMatchObject({ ...grace, id: expect.any(Number) as number });
  });

  it('an import reports its bad rows, never drops them silently, and refuses what it was not promised', async () => {
    const harness = await ready();
    const csv = ['Name,Company,Phone', 'Ann Lee,Contoso,+1 555 000 1111', ',,+1 555 000 2222', '"Broken,Row,1', 'Bo Chen,,(555) 000-3333'].join('\n');
    const { importId } = await harness.core.handlers['contacts:importBegin']({ format: 'csv', size: Buffer.byteLength(csv) }, sender);
    // Sent in two chunks, as the renderer does with big files.
    await harness.core.handlers['contacts:importChunk']({ importId, text: csv.slice(0, 40) }, sender);
    await harness.core.handlers['contacts:importChunk']({ importId, text: csv.slice(40) }, sender);
    const preview = await harness.core.handlers['contacts:importPreview']({ importId }, sender);
    expect(preview.total).toBe(4);
    expect(preview.sample.map((c) => c.name)).toEqual(['Ann Lee', 'Bo Chen']);
    expect(preview.errors.map((e) => [e.row, e.code])).toEqual([
      [3, 'no-name'],
      [4, 'malformed'],
    ]);
    const result = await harness.core.handlers['contacts:import']({ importId }, sender);
    expect(result).toMatchObject({ imported: 2, skipped: 2 });
    expect(harness.events.all('contacts:importProgress').at(-1)).toMatchObject({ importId, done: 2, total: 2 });
    await expectCode(harness.core.handlers['contacts:import']({ importId }, sender), 'no-such-import');

    const small = await harness.core.handlers['contacts:importBegin']({ format: 'csv', size: 10 }, sender);
    await expectCode(harness.core.handlers['contacts:importChunk']({ importId: small.importId, text: 'x'.repeat(11) }, sender), 'import-too-large');
    const empty = await harness.core.handlers['contacts:importBegin']({ format: 'vcard', size: 100 }, sender);
    await harness.core.handlers['contacts:importChunk']({ importId: empty.importId, text: 'not a vcard at all' }, sender);
    await expectCode(harness.core.handlers['contacts:importPreview']({ importId: empty.importId }, sender), 'import-unreadable');
  });
});

describe('without a history database', () => {
  it('calls work and the history commands say it is off', async () => {
    h = makeCore({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    expect(h.core.getState().history).toEqual({ unseenMissed: 0, revision: 0 });
    await expectCode(h.core.handlers['history:query'](query(), sender), 'history-unavailable');
    await expectCode(h.core.handlers['contacts:export'](undefined, sender), 'history-unavailable');
    await h.media.ready();
    server.invite({ from: '<sip:2002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    // The screen-pop still shows the number, as an unknown caller.
    await h.events.until('pop', () => h?.events.last('calls:screenPop') !== undefined);
    expect(h.events.last('calls:screenPop')).toMatchObject({ contact: null, numberDisplay: '2002', recent: [] });
  });
});
