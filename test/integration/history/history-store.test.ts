// Every method of the history store on a real SQLite file, once on the test's thread and once
// through the bundled worker: the same behaviour either way.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryFilter } from '../../../preload/contract.ts';
import type { HistoryStore, StoreHistoryQuery } from '../../../main/core/history/history-store.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import { WorkerHistoryStore } from '../../../main/host/history/worker-history-store.ts';
import { HistoryStoreError } from '../../../main/host/history/history-errors.ts';
import { currentVersion } from '../../../main/host/history/migrations/all-migrations.ts';
import { exportContactsCsv } from '../../../main/core/contacts/contact-export.ts';
import { parseContactsFile } from '../../../main/core/contacts/contact-import.ts';
import { callInsert, contactWrite, disposeHistoryWorker, makeStore, modes, tempDir } from './history-fixture.ts';

const allKinds: HistoryFilter = { kind: 'all', from: null, to: null, account: '' };

function query(overrides: Partial<StoreHistoryQuery> = {}): StoreHistoryQuery {
  return { words: [], digits: '', filter: allKinds, beforeId: null, limit: 50, ...overrides };
}

async function rejectsWith(promise: Promise<unknown>, code: string, field?: string): Promise<void> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HistoryStoreError);
  expect((err as HistoryStoreError).code).toBe(code);
  if (field !== undefined) expect((err as HistoryStoreError).field).toBe(field);
}

afterAll(disposeHistoryWorker);

describe.each(modes)('history store (%s)', (mode) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let store: HistoryStore;

  beforeEach(async () => {
    dir = await tempDir();
    file = path.join(dir.dir, 'data', 'history.sqlite');
    store = await makeStore(mode, file);
    expect(await store.open()).toEqual({ movedAside: null, migratedFrom: null, closedStale: 0 });
  });

  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('creates one WAL-mode file at the current schema version', async () => {
    await store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(currentVersion);
    db.close();
    store = await makeStore(mode, file);
    expect(await store.open()).toEqual({ movedAside: null, migratedFrom: currentVersion, closedStale: 0 });
  });

  it('writes a call when it starts and updates it at each state change', async () => {
    const insert = callInsert({ displayName: 'Jane Roe' });
    const id = await store.insertCall(insert);
    const started = await store.getCall(id);
    expect(started).toMatchObject({ ...insert, outcome: 'in-progress', answeredAt: null, endedAt: null, unseen: false, notes: '', tags: [], contact: null });

    await store.updateCall(id, { answeredAt: insert.startedAt + 3000 });
    await store.updateCall(id, { displayName: 'Jane Q. Roe', transferTarget: 'sip:2001@pbx.example.com' });
    await store.updateCall(id, { endedAt: insert.startedAt + 63_000, durationS: 60, outcome: 'transferred' });
    expect(await store.getCall(id)).toMatchObject({
      displayName: 'Jane Q. Roe',
      answeredAt: insert.startedAt + 3000,
      endedAt: insert.startedAt + 63_000,
      durationS: 60,
      outcome: 'transferred',
      transferTarget: 'sip:2001@pbx.example.com',
    });
    await rejectsWith(store.updateCall(id + 1000, { outcome: 'answered' }), 'no-such-record');
    expect(await store.getCall(id + 1000)).toBeNull();
  });

  it('refuses over-long text and bad values before writing anything', async () => {
    await rejectsWith(store.insertCall(callInsert({ displayName: 'x'.repeat(513) })), 'too-long', 'displayName');
    await rejectsWith(store.insertCall(callInsert({ startedAt: Number.NaN })), 'invalid-value', 'startedAt');
    await rejectsWith(store.insertCall(callInsert({ digits: '+1555' })), 'invalid-value', 'digits');
    expect((await store.queryCalls(query())).rows).toHaveLength(0);

    const id = await store.insertCall(callInsert());
    await store.wrapUp(id, { notes: 'first note' });
    await rejectsWith(store.wrapUp(id, { notes: 'y'.repeat(10_001), disposition: 'sale' }), 'too-long', 'notes');
    await rejectsWith(store.wrapUp(id, { tags: Array.from({ length: 21 }, (_, i) => `t${String(i)}`) }), 'too-long', 'tags');
    await rejectsWith(store.wrapUp(id, { tags: [''] }), 'invalid-value', 'tags[0]');
    await rejectsWith(store.updateCall(id, { displayName: 'z'.repeat(600), outcome: 'answered' }), 'too-long', 'displayName');
    // Nothing of the refused writes landed, not even their valid fields.
    expect(await store.getCall(id)).toMatchObject({ notes: 'first note', disposition: '', tags: [], outcome: 'in-progress' });
    // Exactly at the limits is fine.
    await store.wrapUp(id, { notes: 'n'.repeat(10_000), tags: Array.from({ length: 20 }, (_, i) => `${'t'.repeat(38)}${String(i).padStart(2, '0')}`) });
    expect((await store.getCall(id))?.notes).toHaveLength(10_000);
  });

  it('keeps wrap-up notes, disposition and tags, and finds calls by them', async () => {
    const id = await store.insertCall(callInsert({ displayName: 'Bob Stone' }));
    const other = await store.insertCall(callInsert({ displayName: 'Carol King', e164: '+442079460123', digits: '442079460123' }));
    const updated = await store.wrapUp(id, { notes: 'Customer wants a refund for invoice 4711', disposition: 'billing', tags: ['vip', 'follow-up'] });
    expect(updated).toMatchObject({ id, notes: 'Customer wants a refund for invoice 4711', disposition: 'billing', tags: ['vip', 'follow-up'] });
    expect(await store.wrapUp(id + 999, { notes: 'x' })).toBeNull();

    const ids = async (q: Partial<StoreHistoryQuery>) => (await store.queryCalls(query(q))).rows.map((r) => r.id);
    expect(await ids({ words: ['refund'] })).toEqual([id]);
    expect(await ids({ words: ['REFUND', 'invoice'] })).toEqual([id]);
    expect(await ids({ words: ['follow-up'] })).toEqual([id]);
    expect(await ids({ words: ['billing'] })).toEqual([id]);
    expect(await ids({ words: ['king'] })).toEqual([other]);
    // Changing the notes changes what is found.
    await store.wrapUp(id, { notes: 'all settled' });
    expect(await ids({ words: ['refund'] })).toEqual([]);
    expect(await ids({ words: ['settled'] })).toEqual([id]);
  });

  it('searches words anywhere (3+ characters, case and accents folded), digits anywhere, and short words', async () => {
    const a = await store.insertCall(callInsert({ displayName: 'Jürgen Müller', e164: '+4930123456', digits: '4930123456', number: '+49 30 123456' }));
    const b = await store.insertCall(callInsert({ displayName: 'Maria Schmidt', e164: '+15551234567', digits: '15551234567' }));
    const c = await store.insertCall(callInsert({ displayName: 'Reception', e164: null, digits: '', number: 'reception', remoteUri: 'sip:reception@pbx' }));
    const d = await store.insertCall(callInsert({ displayName: 'Al', e164: null, digits: '2045', number: '2045', remoteUri: 'sip:2045@pbx' }));
    const ids = async (q: Partial<StoreHistoryQuery>) => (await store.queryCalls(query(q))).rows.map((r) => r.id);

    expect(await ids({ words: ['muller'] })).toEqual([a]);
    expect(await ids({ words: ['MÜLL'] })).toEqual([a]);
    expect(await ids({ words: ['chmid'] })).toEqual([b]);
    expect(await ids({ words: ['jürgen', 'müller'] })).toEqual([a]);
    expect(await ids({ words: ['jürgen', 'schmidt'] })).toEqual([]);
    expect(await ids({ digits: '4567' })).toEqual([b]);
    expect(await ids({ digits: '5551234567' })).toEqual([b]);
    expect(await ids({ digits: '30123' })).toEqual([a]);
    expect(await ids({ digits: '45' })).toEqual([d, b, a]);
    expect(await ids({ digits: '2' })).toEqual([d, b, a]);
    expect(await ids({ words: ['recep'] })).toEqual([c]);
    // 1-2 characters: a scan, still correct.
    expect(await ids({ words: ['al'] })).toEqual([d]);
    expect(await ids({ words: ['ü'] })).toEqual([a]);
    expect(await ids({ words: ['ma', 'schmidt'] })).toEqual([b]);
    expect(await ids({ words: ['maria'], digits: '555' })).toEqual([b]);
    expect(await ids({ words: ['maria'], digits: '49' })).toEqual([]);
  });

  it('treats FTS syntax, quotes and LIKE wildcards in words as plain text', async () => {
    const a = await store.insertCall(callInsert({ displayName: 'He said "hi" AND left' }));
    await store.wrapUp(a, { notes: '100% sure, under_score NEAR(x) col:umn *star*' });
    const b = await store.insertCall(callInsert({ displayName: 'Plain' }));
    const ids = async (words: string[]) => (await store.queryCalls(query({ words }))).rows.map((r) => r.id);
    expect(await ids(['"hi"'])).toEqual([a]);
    expect(await ids(['AND'])).toEqual([a]);
    expect(await ids(['NEAR(x)'])).toEqual([a]);
    expect(await ids(['col:umn'])).toEqual([a]);
    expect(await ids(['*star*'])).toEqual([a]);
    expect(await ids(['0%'])).toEqual([a]);
    expect(await ids(['%'])).toEqual([a]);
    expect(await ids(['_'])).toEqual([a]);
    expect(await ids(['"'])).toEqual([a]);
    expect(await ids(['OR', 'Plain'])).toEqual([]);
    expect(await ids(['plain'])).toEqual([b]);
  });

  it('filters by kind, time and account, and pages by id without gaps or repeats', async () => {
    const day = 86_400_000;
    const t0 = Date.UTC(2024, 5, 1);
    const made: { id: number; direction: string; outcome: string; startedAt: number; account: string }[] = [];
    for (let i = 0; i < 120; i += 1) {
      const direction = i % 3 === 0 ? 'outgoing' : 'incoming';
      const account = i % 4 === 0 ? 'sip:sales@pbx.example.com' : 'sip:agent@pbx.example.com';
      const startedAt = t0 + i * (day / 4);
      const id = await store.insertCall(callInsert({ direction, account, startedAt, displayName: `Caller ${String(i)} Smith` }));
      const outcome = direction === 'incoming' ? (i % 2 === 0 ? 'missed' : 'answered') : 'no-answer';
      await store.updateCall(id, { outcome, endedAt: startedAt + 1000 });
      made.push({ id, direction, outcome, startedAt, account });
    }
    const newestFirst = [...made].reverse();
    const allPages = async (q: Partial<StoreHistoryQuery>, limit: number) => {
      const seen: number[] = [];
      let beforeId: number | null = null;
      for (;;) {
        const page = await store.queryCalls(query({ ...q, beforeId, limit }));
        seen.push(...page.rows.map((r) => r.id));
        const last = page.rows.at(-1);
        if (!page.hasMore || last === undefined) break;
        beforeId = last.id;
      }
      return seen;
    };
    expect(await allPages({}, 7)).toEqual(newestFirst.map((m) => m.id));
    expect(await allPages({ words: ['smith'] }, 11)).toEqual(newestFirst.map((m) => m.id));
    const missed = newestFirst.filter((m) => m.direction === 'incoming' && m.outcome === 'missed').map((m) => m.id);
    expect(await allPages({ filter: { ...allKinds, kind: 'missed' } }, 9)).toEqual(missed);
    expect(await allPages({ filter: { ...allKinds, kind: 'outgoing' }, words: ['smith'] }, 9)).toEqual(
      newestFirst.filter((m) => m.direction === 'outgoing').map((m) => m.id),
    );
    const from = t0 + 10 * day + 1;
    const to = t0 + 20 * day;
    expect(await allPages({ filter: { ...allKinds, from, to } }, 5)).toEqual(newestFirst.filter((m) => m.startedAt >= from && m.startedAt < to).map((m) => m.id));
    expect(await allPages({ filter: { ...allKinds, from, to, kind: 'incoming' }, words: ['caller'] }, 4)).toEqual(
      newestFirst.filter((m) => m.startedAt >= from && m.startedAt < to && m.direction === 'incoming').map((m) => m.id),
    );
    expect(await allPages({ filter: { ...allKinds, account: 'sip:sales@pbx.example.com' } }, 6)).toEqual(
      newestFirst.filter((m) => m.account === 'sip:sales@pbx.example.com').map((m) => m.id),
    );
    expect((await store.queryCalls(query({ filter: { ...allKinds, account: 'sip:nobody@x' } }))).rows).toEqual([]);
    expect((await store.queryCalls(query({ filter: { ...allKinds, from: t0 + 1000 * day } }))).rows).toEqual([]);
    expect((await store.queryCalls(query({ filter: { ...allKinds, to: t0 - day } }))).rows).toEqual([]);
    const firstPage = await store.queryCalls(query({ limit: 120 }));
    expect(firstPage.hasMore).toBe(false);
    await rejectsWith(store.queryCalls(query({ limit: 0 })), 'invalid-value', 'limit');
  });

  it('matches calls to contacts by number, and finds them by the contact’s name and company', async () => {
    const ada = await store.saveContact(contactWrite());
    const bob = await store.saveContact(
      contactWrite({ name: 'Bob Builder', company: 'Fix-It GmbH', numbers: [{ label: 'ext', number: '2045', e164: null, digits: '2045' }] }),
    );
    const a = await store.insertCall(callInsert({ displayName: 'WIRELESS CALLER' }));
    const b = await store.insertCall(callInsert({ displayName: '', e164: null, digits: '2045', number: '2045' }));
    const c = await store.insertCall(callInsert({ displayName: 'Someone', e164: '+15550000000', digits: '15550000000' }));
    const rows = (await store.queryCalls(query())).rows;
    expect(rows.map((r) => [r.id, r.contact?.id ?? null])).toEqual([
      [c, null],
      [b, bob.id],
      [a, ada.id],
    ]);
    expect(rows[2]?.contact).toEqual({ id: ada.id, name: 'Ada Lovelace', company: 'Analytical Engines Ltd', crmId: 'CRM-1' });
    const ids = async (q: Partial<StoreHistoryQuery>) => (await store.queryCalls(query(q))).rows.map((r) => r.id);
    expect(await ids({ words: ['analytical'] })).toEqual([a]);
    expect(await ids({ words: ['lovel'] })).toEqual([a]);
    expect(await ids({ words: ['ada', 'engines'] })).toEqual([a]);
    expect(await ids({ words: ['fix'] })).toEqual([b]);
    expect(await ids({ words: ['bo'] })).toEqual([b]);
    expect(await ids({ words: ['ada'], digits: '4567' })).toEqual([a]);
    expect(await ids({ words: ['ada'], digits: '999' })).toEqual([]);
    expect(await ids({ words: ['ada'], filter: { ...allKinds, kind: 'outgoing' } })).toEqual([]);
    // Matching happens at query time: a renamed contact is found by the new name only.
    await store.saveContact({ ...contactWrite({ name: 'Augusta King' }), id: ada.id });
    expect(await ids({ words: ['lovelace'] })).toEqual([]);
    expect(await ids({ words: ['augusta'] })).toEqual([a]);
  });

  it('keeps each call linked to the contact its number belongs to as contacts change', async () => {
    const a = await store.insertCall(callInsert({ displayName: 'Caller A' }));
    const ext = await store.insertCall(callInsert({ displayName: 'Caller B', e164: null, digits: '2045', number: '2045' }));
    const contactOf = async (id: number) => (await store.getCall(id))?.contact?.name ?? null;
    expect(await contactOf(a)).toBeNull();

    const later = await store.saveContact(contactWrite({ name: 'Saved Later' }));
    expect(await contactOf(a)).toBe('Saved Later');
    const older = await store.importContacts([contactWrite({ name: 'Imported', numbers: [{ label: 'ext', number: '2045', e164: null, digits: '2045' }] })], () => undefined);
    expect(older).toBe(1);
    expect(await contactOf(ext)).toBe('Imported');
    // A second contact with the same number: the oldest keeps the call.
    const second = await store.saveContact(contactWrite({ name: 'Second Holder' }));
    expect(await contactOf(a)).toBe('Saved Later');
    expect((await store.queryCalls(query({ words: ['holder'] }))).rows).toEqual([]);
    // The first one loses the number: the call moves to the other.
    await store.saveContact({ ...contactWrite({ name: 'Saved Later', numbers: [] }), id: later.id });
    expect(await contactOf(a)).toBe('Second Holder');
    expect((await store.queryCalls(query({ words: ['holder'] }))).rows.map((r) => r.id)).toEqual([a]);
    expect(await store.deleteContact(second.id!)).toBe(true);
    expect(await contactOf(a)).toBeNull();
    expect((await store.queryCalls(query({ words: ['holder'] }))).rows).toEqual([]);
    // New calls are linked when written.
    const b = await store.insertCall(callInsert({ e164: null, digits: '2045', number: '2045' }));
    expect(await contactOf(b)).toBe('Imported');
  });

  it('deletes chosen calls, calls before a time, and all calls; ids are never reused', async () => {
    const t = Date.UTC(2025, 0, 1);
    const ids: number[] = [];
    for (let i = 0; i < 10; i += 1) ids.push(await store.insertCall(callInsert({ startedAt: t + i * 3_600_000 * 7, displayName: `Person ${String(i)}` })));
    expect(await store.deleteCalls([ids[0]!, ids[1]!, 99_999])).toBe(2);
    expect(await store.deleteStartedBefore(t + 5 * 3_600_000 * 7)).toBe(3);
    const left = (await store.queryCalls(query())).rows.map((r) => r.id);
    expect(left).toEqual(ids.slice(5).reverse());
    expect((await store.queryCalls(query({ words: ['person'] }))).rows.map((r) => r.id)).toEqual(left);
    expect(await store.deleteStartedBefore(t - 1)).toBe(0);
    expect(await store.clearCalls()).toBe(5);
    expect((await store.queryCalls(query())).rows).toEqual([]);
    expect((await store.queryCalls(query({ words: ['person'] }))).rows).toEqual([]);
    const next = await store.insertCall(callInsert({ startedAt: t }));
    expect(next).toBeGreaterThan(ids.at(-1)!);
    expect((await store.queryCalls(query({ filter: { ...allKinds, from: t, to: t + 1 } }))).rows.map((r) => r.id)).toEqual([next]);
  });

  it('keeps the search index in step with the calls, and merges its segments in bounded steps', async () => {
    const t = Date.UTC(2025, 0, 1);
    // Each insert is its own transaction, so each leaves a small index segment behind.
    const ids: number[] = [];
    for (let i = 0; i < 40; i += 1) ids.push(await store.insertCall(callInsert({ startedAt: t + i * 60_000, displayName: `Walker ${String(i)}` })));
    await store.wrapUp(ids[3]!, { notes: 'wants a callback' });
    expect(await store.deleteCalls([ids[0]!, ids[1]!])).toBe(2);
    expect(await store.deleteStartedBefore(t + 5 * 60_000)).toBe(3);
    let steps = 1;
    let more = await store.mergeSearchIndexes(true);
    while (more && steps < 1000) {
      more = await store.mergeSearchIndexes(false);
      steps += 1;
    }
    expect(more).toBe(false);
    // Merged: another full merge finds nothing to do.
    expect(await store.mergeSearchIndexes(true)).toBe(false);
    const found = (await store.queryCalls(query({ words: ['walker'] }))).rows.map((r) => r.id);
    expect(found).toEqual(ids.slice(5).reverse());
    expect((await store.queryCalls(query({ words: ['callback'] }))).rows.map((r) => r.id)).toEqual([]);
    await store.close();
    // The index itself holds exactly the calls left, under their negated ids.
    const db = new Database(file, { readonly: true });
    const indexed = db.prepare("SELECT rowid FROM calls_fts WHERE calls_fts MATCH 'walker' ORDER BY rowid").pluck().all();
    expect(indexed).toEqual(ids.slice(5).reverse().map((id) => -id));
    db.close();
    store = await makeStore(mode, file);
    await store.open();
  });

  it('counts unseen missed calls until they are marked seen', async () => {
    const a = await store.insertCall(callInsert());
    const b = await store.insertCall(callInsert());
    await store.updateCall(a, { outcome: 'missed', unseen: true });
    await store.updateCall(b, { outcome: 'missed', unseen: true });
    expect(await store.unseenMissed()).toBe(2);
    await store.markMissedSeen();
    expect(await store.unseenMissed()).toBe(0);
    expect((await store.getCall(a))?.unseen).toBe(false);
  });

  it('looks up a number for the screen-pop: contact, recent calls with notes, count and last time', async () => {
    const ada = await store.saveContact(contactWrite({ notes: 'Prefers email', email: 'ada@example.com' }));
    // A national form of another number: found by its last 10 digits.
    const grace = await store.saveContact(
      contactWrite({ name: 'Grace Hopper', company: 'Navy', numbers: [{ label: 'work', number: '(555) 987-6543', e164: null, digits: '5559876543' }] }),
    );
    const t = Date.UTC(2025, 2, 1);
    const calls: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      const id = await store.insertCall(callInsert({ callId: `ada-${String(i)}`, startedAt: t + i * 60_000 }));
      await store.wrapUp(id, { notes: `note ${String(i)}` });
      calls.push(id);
    }
    await store.insertCall(callInsert({ e164: '+15550001111', digits: '15550001111' }));

    const pop = await store.lookupNumber('+15551234567', '15551234567', 'ada-7', 5);
    expect(pop.contact).toEqual({ id: ada.id, name: 'Ada Lovelace', company: 'Analytical Engines Ltd', crmId: 'CRM-1', notes: 'Prefers email', email: 'ada@example.com' });
    expect(pop.recent.map((r) => r.notes)).toEqual(['note 6', 'note 5', 'note 4', 'note 3', 'note 2']);
    expect(pop.recent[0]?.contact?.id).toBe(ada.id);
    expect(pop.totalCalls).toBe(7);
    expect(pop.lastCallAt).toBe(t + 6 * 60_000);

    // The excluded call is not among the newest rows: still not counted.
    const older = await store.lookupNumber('+15551234567', '15551234567', 'ada-0', 2);
    expect(older.totalCalls).toBe(7);
    expect(older.recent.map((r) => r.notes)).toEqual(['note 7', 'note 6']);
    expect((await store.lookupNumber('+15551234567', '15551234567', null, 0)).totalCalls).toBe(8);

    const bySuffix = await store.lookupNumber('+15559876543', '15559876543', null, 5);
    expect(bySuffix.contact?.id).toBe(grace.id);
    expect(bySuffix.recent).toEqual([]);
    expect(bySuffix.totalCalls).toBe(0);
    expect(bySuffix.lastCallAt).toBeNull();
    // Seven shared trailing digits are enough, six are not.
    expect((await store.lookupNumber('+14449876543', '14449876543', null, 5)).contact?.id).toBe(grace.id);
    expect((await store.lookupNumber('+14448876543', '14448876543', null, 5)).contact).toBeNull();

    const unknown = await store.lookupNumber('+15550001111', '15550001111', null, 5);
    expect(unknown.contact).toBeNull();
    expect(unknown.totalCalls).toBe(1);
    await rejectsWith(store.lookupNumber(null, '', null, -1), 'invalid-value');
  });

  it('prefers the exact E.164 match over a longer shared suffix, and matches extensions by digits', async () => {
    await store.saveContact(contactWrite({ name: 'Suffix Only', numbers: [{ label: 'work', number: '5551234567', e164: null, digits: '5551234567' }] }));
    const exact = await store.saveContact(contactWrite({ name: 'Exact One', numbers: [{ label: 'work', number: '+15551234567', e164: '+15551234567', digits: '15551234567' }] }));
    const ext = await store.saveContact(contactWrite({ name: 'Extension', numbers: [{ label: 'ext', number: '2045', e164: null, digits: '2045' }] }));
    expect((await store.lookupNumber('+15551234567', '15551234567', null, 5)).contact?.id).toBe(exact.id);
    const e = await store.insertCall(callInsert({ e164: null, digits: '2045', number: '2045', callId: 'ext-1' }));
    const pop = await store.lookupNumber(null, '2045', null, 5);
    expect(pop.contact?.id).toBe(ext.id);
    expect(pop.recent.map((r) => r.id)).toEqual([e]);
    expect((await store.lookupNumber(null, '204', null, 5)).contact).toBeNull();
  });

  it('saves, updates, finds, pages and deletes contacts with several numbers', async () => {
    const ada = await store.saveContact(
      contactWrite({
        numbers: [
          { label: 'work', number: '+1 555 123 4567', e164: '+15551234567', digits: '15551234567' },
          { label: 'mobile', number: '+44 7700 900123', e164: '+447700900123', digits: '447700900123' },
        ],
      }),
    );
    expect(ada.id).not.toBeNull();
    expect(ada.numbers).toEqual([
      { label: 'work', number: '+1 555 123 4567' },
      { label: 'mobile', number: '+44 7700 900123' },
    ]);
    const zoe = await store.saveContact(contactWrite({ name: 'Zoë Østergaard', company: 'Nordisk Kaffe A/S', numbers: [] }));
    const bob = await store.saveContact(contactWrite({ name: 'bob marley', company: '', numbers: [{ label: 'home', number: '020 7946 0999', e164: '+442079460999', digits: '02079460999' }] }));

    const names = async (words: string[], digits = '') => (await store.queryContacts({ words, digits, after: null, limit: 50 })).contacts.map((c) => c.name);
    expect(await names([])).toEqual(['Ada Lovelace', 'bob marley', 'Zoë Østergaard']);
    expect(await names(['lov'])).toEqual(['Ada Lovelace']);
    expect(await names(['analytical', 'ada'])).toEqual(['Ada Lovelace']);
    expect(await names(['zoe'])).toEqual(['Zoë Østergaard']);
    expect(await names(['kaf'])).toEqual(['Zoë Østergaard']);
    expect(await names(['B'])).toEqual(['bob marley']);
    expect(await names(['ove'])).toEqual([]); // word prefixes, not substrings
    expect(await names([], '4567')).toEqual(['Ada Lovelace']);
    expect(await names([], '5551234567')).toEqual(['Ada Lovelace']);
    expect(await names([], '900123')).toEqual(['Ada Lovelace']);
    expect(await names([], '0999')).toEqual(['bob marley']);
    expect(await names(['bob'], '4567')).toEqual([]);

    const updated = await store.saveContact({ ...contactWrite({ name: 'Ada King', numbers: [{ label: 'home', number: '+33 1 23 45 67 89', e164: '+33123456789', digits: '33123456789' }] }), id: ada.id });
    expect(updated).toMatchObject({ id: ada.id, name: 'Ada King', numbers: [{ label: 'home', number: '+33 1 23 45 67 89' }] });
    expect(await names([], '4567')).toEqual(['Ada King']); // 33123456789 has 4567 too
    expect(await names([], '5551234567')).toEqual([]);
    expect(await names(['lovelace'])).toEqual([]);
    await rejectsWith(store.saveContact({ ...contactWrite(), id: 424_242 }), 'no-such-contact');
    await rejectsWith(store.saveContact(contactWrite({ name: '' })), 'invalid-value', 'name');
    await rejectsWith(store.saveContact(contactWrite({ company: 'c'.repeat(513) })), 'too-long', 'company');

    expect(await store.deleteContact(bob.id!)).toBe(true);
    expect(await store.deleteContact(bob.id!)).toBe(false);
    expect(await names([], '0999')).toEqual([]);
    expect((await store.allContacts()).map((c) => c.name)).toEqual(['Ada King', 'Zoë Østergaard']);
    expect(zoe.numbers).toEqual([]);
    // The export's CSV comes from the store, built from the same contacts, and reads back.
    const csv = await store.contactsCsv();
    expect(csv).toBe(exportContactsCsv(await store.allContacts()));
    const back = parseContactsFile('csv', csv);
    expect(back.drafts.map((d) => d.contact.name)).toEqual(['Ada King', 'Zoë Østergaard']);
  });

  it('pages contacts by name then id', async () => {
    const written = [];
    for (const name of ['Carl', 'anna', 'Bert', 'Anna', 'bert', 'Dora', 'anna']) written.push(await store.saveContact(contactWrite({ name, numbers: [] })));
    const seen: string[] = [];
    let after: { name: string; id: number } | null = null;
    for (;;) {
      const page = await store.queryContacts({ words: [], digits: '', after, limit: 2 });
      seen.push(...page.contacts.map((c) => `${c.name}#${String(c.id)}`));
      const last = page.contacts.at(-1);
      if (!page.hasMore || last === undefined) break;
      after = { name: last.name, id: last.id! };
    }
    const expected = written
      .map((c) => ({ name: c.name, id: c.id! }))
      .sort((x, y) => x.name.toLowerCase().localeCompare(y.name.toLowerCase()) || x.id - y.id)
      .map((c) => `${c.name}#${String(c.id)}`);
    expect(seen).toEqual(expected);
    expect((await store.queryContacts({ words: ['ann'], digits: '', after: null, limit: 1 })).hasMore).toBe(true);
  });

  it('imports contacts in batches with progress, or refuses the whole import when one is bad', async () => {
    const pad = (i: number, n: number): string => String(i).padStart(n, '0');
    // Contact i has i % 4 numbers, so the numbers of each batch land on the right contacts.
    const numbersOf = (i: number) =>
      Array.from({ length: i % 4 }, (_, k) => ({ label: `l${String(k)}`, number: `+1 212 ${pad(k, 3)} ${pad(i, 5)}`, e164: `+1212${pad(k, 3)}${pad(i, 5)}`, digits: `1212${pad(k, 3)}${pad(i, 5)}` }));
    const contacts = Array.from({ length: 22_500 }, (_, i) => contactWrite({ name: `Imported ${String(i)}`, company: `Firm ${String(i)}`, numbers: numbersOf(i) }));
    const before = await store.insertCall(callInsert({ number: '+1 212 002 09999', e164: '+121200209999', digits: '121200209999' }));
    const progress: number[] = [];
    expect(await store.importContacts(contacts, (done) => progress.push(done))).toBe(22_500);
    expect(progress).toEqual([10_000, 20_000, 22_500]);
    expect((await store.allContacts()).length).toBe(22_500);
    for (const i of [0, 1, 3, 9_999, 10_000, 10_001, 19_999, 20_000, 22_499]) {
      const found = (await store.queryContacts({ words: ['imported', String(i)], digits: '', after: null, limit: 5 })).contacts.filter((c) => c.name === `Imported ${String(i)}`);
      expect(found.map((c) => [c.company, c.numbers.map((n) => [n.label, n.number])])).toEqual([[`Firm ${String(i)}`, numbersOf(i).map((n) => [n.label, n.number])]]);
      if (i % 4 > 0) {
        expect((await store.queryContacts({ words: [], digits: `212000${pad(i, 5)}`, after: null, limit: 5 })).contacts.map((c) => c.name)).toEqual([`Imported ${String(i)}`]);
        expect((await store.lookupNumber(`+1212000${pad(i, 5)}`, `1212000${pad(i, 5)}`, null, 5)).contact?.name).toBe(`Imported ${String(i)}`);
      }
    }
    // A call already in the history is linked to the imported contact its number belongs to.
    expect((await store.getCall(before))?.contact?.name).toBe('Imported 9999');

    const bad = [...contacts.slice(0, 3000), contactWrite({ notes: 'n'.repeat(10_001) })];
    const noProgress: number[] = [];
    await rejectsWith(store.importContacts(bad, (done) => noProgress.push(done)), 'too-long', 'contacts[3000].notes');
    expect(noProgress).toEqual([]);
    expect((await store.allContacts()).length).toBe(22_500);
  });

  it('closes records a previous run left in progress, and keeps everything across a reopen', async () => {
    const t = Date.UTC(2025, 3, 1);
    const answeredIn = await store.insertCall(callInsert({ startedAt: t }));
    await store.updateCall(answeredIn, { answeredAt: t + 2000 });
    const ringingIn = await store.insertCall(callInsert({ startedAt: t + 1 }));
    const ringingOut = await store.insertCall(callInsert({ direction: 'outgoing', startedAt: t + 2 }));
    const done = await store.insertCall(callInsert({ startedAt: t + 3 }));
    await store.updateCall(done, { outcome: 'answered', answeredAt: t + 5, endedAt: t + 9000, durationS: 9 });
    await store.close();

    store = await makeStore(mode, file);
    expect(await store.open()).toEqual({ movedAside: null, migratedFrom: currentVersion, closedStale: 3 });
    expect(await store.getCall(answeredIn)).toMatchObject({ outcome: 'answered', endedAt: null, unseen: false });
    expect(await store.getCall(ringingIn)).toMatchObject({ outcome: 'missed', endedAt: null, unseen: true });
    expect(await store.getCall(ringingOut)).toMatchObject({ outcome: 'no-answer', endedAt: null });
    expect(await store.getCall(done)).toMatchObject({ outcome: 'answered', endedAt: t + 9000 });
    expect(await store.unseenMissed()).toBe(1);
  });

  it('refuses calls once closed', async () => {
    await store.close();
    await rejectsWith(store.getCall(1), 'history-unavailable');
    expect(existsSync(file)).toBe(true);
    store = await makeStore(mode, file);
    await store.open();
  });
});

describe('history store factory', () => {
  it('the worker store says clearly when its bundle is missing (the factory then falls back: fallback.test.ts)', async () => {
    const dir = await tempDir();
    try {
      const store = new WorkerHistoryStore(path.join(dir.dir, 'history.sqlite'), silentLogger, pathToFileURL(path.join(dir.dir, 'no-such-worker.mjs')));
      await rejectsWith(store.open(), 'history-unavailable');
      expect(existsSync(path.join(dir.dir, 'history.sqlite'))).toBe(false);
    } finally {
      await dir.remove();
    }
  });
});
