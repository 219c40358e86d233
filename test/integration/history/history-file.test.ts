// The history file over its life: a version-1 file migrated (after a backup copy), and files that
// are not readable databases moved aside with their -wal/-shm, never deleted, with a clear log line.
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryStore } from '../../../main/core/history/history-store.ts';
import { HistoryStoreError } from '../../../main/host/history/history-errors.ts';
import { currentVersion } from '../../../main/host/history/migrations/all-migrations.ts';
import { callInsert, contactWrite, disposeHistoryWorker, makeStore, modes, recordingLogger, tempDir } from './history-fixture.ts';

/** Version 1 as it shipped, written out by hand: what a user's file from that release holds. */
const VERSION_1 = `
  CREATE TABLE accounts (id INTEGER PRIMARY KEY, aor TEXT NOT NULL UNIQUE);
  CREATE TABLE calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT, call_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
    account_id INTEGER NOT NULL REFERENCES accounts (id), remote_uri TEXT NOT NULL, number TEXT NOT NULL,
    e164 TEXT, digits TEXT NOT NULL, display_name TEXT NOT NULL, started_at INTEGER NOT NULL,
    answered_at INTEGER, ended_at INTEGER, duration_s REAL, outcome TEXT NOT NULL,
    disposition TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '', tags TEXT NOT NULL DEFAULT '[]',
    transfer_target TEXT, unseen INTEGER NOT NULL DEFAULT 0);
  CREATE INDEX calls_by_e164 ON calls (e164) WHERE e164 IS NOT NULL;
  CREATE INDEX calls_by_digits ON calls (digits) WHERE e164 IS NULL;
  CREATE INDEX calls_by_account ON calls (account_id);
  CREATE INDEX calls_unseen ON calls (unseen) WHERE unseen = 1;
  CREATE INDEX calls_in_progress ON calls (outcome) WHERE outcome = 'in-progress';
  CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL COLLATE NOCASE,
    company TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '', crm_id TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '');
  CREATE INDEX contacts_by_name ON contacts (name, id);
  CREATE TABLE contact_numbers (id INTEGER PRIMARY KEY,
    contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE, position INTEGER NOT NULL,
    label TEXT NOT NULL, number TEXT NOT NULL, e164 TEXT, digits TEXT NOT NULL, rdigits TEXT NOT NULL);
  CREATE INDEX contact_numbers_by_contact ON contact_numbers (contact_id, position);
  CREATE INDEX contact_numbers_by_e164 ON contact_numbers (e164, contact_id) WHERE e164 IS NOT NULL;
  CREATE INDEX contact_numbers_by_digits ON contact_numbers (digits, contact_id);
  CREATE INDEX contact_numbers_by_rdigits ON contact_numbers (rdigits);

  INSERT INTO accounts (id, aor) VALUES (1, 'sip:agent@pbx.example.com');
  INSERT INTO calls (call_id, direction, account_id, remote_uri, number, e164, digits, display_name, started_at, answered_at, ended_at, duration_s, outcome, notes, tags)
    VALUES ('c1', 'incoming', 1, 'sip:+15551234567@pbx', '+1 555 123 4567', '+15551234567', '15551234567', 'Jane Roe', 1700000000000, 1700000002000, 1700000062000, 60, 'answered', 'Asked about the warranty', '["vip"]'),
           ('c2', 'outgoing', 1, 'sip:2045@pbx', '2045', NULL, '2045', 'Front Desk', 1700000100000, NULL, 1700000110000, NULL, 'no-answer', '', '[]'),
           ('c3', 'incoming', 1, 'sip:+442079460123@pbx', '+44 20 7946 0123', '+442079460123', '442079460123', 'Mid Call', 1700000200000, 1700000201000, NULL, NULL, 'in-progress', '', '[]');
  INSERT INTO contacts (id, name, company) VALUES (1, 'Jane Roe', 'Roe Consulting');
  INSERT INTO contact_numbers (contact_id, position, label, number, e164, digits, rdigits)
    VALUES (1, 0, 'work', '+1 555 123 4567', '+15551234567', '15551234567', '76543215551');
  PRAGMA user_version = 1;
`;

const allKinds = { kind: 'all', from: null, to: null, account: '' } as const;

afterAll(disposeHistoryWorker);

describe('history file', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  let store: HistoryStore | null = null;

  beforeEach(async () => {
    dir = await tempDir();
    file = path.join(dir.dir, 'history.sqlite');
  });

  afterEach(async () => {
    await store?.close();
    store = null;
    await dir.remove();
  });

  /** A real history with enough rows to span many pages; closed again. */
  async function realFile(): Promise<void> {
    const s = await makeStore('in-thread', file);
    await s.open();
    await s.importContacts(Array.from({ length: 300 }, (_, i) => contactWrite({ name: `Contact ${String(i)}`, notes: 'x'.repeat(200) })), () => undefined);
    for (let i = 0; i < 400; i += 1) {
      const id = await s.insertCall(callInsert({ displayName: `Caller ${String(i)}` }));
      await s.wrapUp(id, { notes: `Notes for call ${String(i)} `.repeat(10) });
    }
    await s.close();
  }

  function filesBeside(): string[] {
    return readdirSync(dir.dir).sort();
  }

  it('migrates a version-1 file after copying it to history.sqlite.v1.bak, keeping every row', async () => {
    const v1 = new Database(file);
    v1.pragma('journal_mode = WAL');
    v1.exec(VERSION_1);
    v1.close();

    const logger = recordingLogger();
    store = await makeStore('in-thread', file, logger);
    expect(await store.open()).toEqual({ movedAside: null, migratedFrom: 1, closedStale: 1 });

    const backup = `${file}.v1.bak`;
    expect(existsSync(backup)).toBe(true);
    const copy = new Database(backup, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    expect(copy.prepare('SELECT count(*) AS n FROM calls').get()).toEqual({ n: 3 });
    copy.close();
    expect(logger.lines.some((l) => l.level === 'info' && l.message.includes(backup))).toBe(true);

    const rows = (await store.queryCalls({ words: [], digits: '', filter: allKinds, beforeId: null, limit: 10 })).rows;
    expect(rows.map((r) => [r.callId, r.outcome, r.contact?.name ?? null])).toEqual([
      ['c3', 'answered', null],
      ['c2', 'no-answer', null],
      ['c1', 'answered', 'Jane Roe'],
    ]);
    expect(rows[2]).toMatchObject({ notes: 'Asked about the warranty', tags: ['vip'], durationS: 60, account: 'sip:agent@pbx.example.com' });
    // The new search indexes were filled from the old rows.
    const find = async (words: string[], digits = '') => (await store!.queryCalls({ words, digits, filter: allKinds, beforeId: null, limit: 10 })).rows.map((r) => r.callId);
    expect(await find(['warranty'])).toEqual(['c1']);
    expect(await find(['consult'])).toEqual(['c1']);
    expect(await find(['front'])).toEqual(['c2']);
    expect(await find([], '7946')).toEqual(['c3']);
    expect(await find(['mid'], '', )).toEqual(['c3']);
    expect((await store.queryContacts({ words: ['roe'], digits: '', after: null, limit: 5 })).contacts.map((c) => c.name)).toEqual(['Jane Roe']);
    expect((await store.queryContacts({ words: [], digits: '1234567', after: null, limit: 5 })).contacts.map((c) => c.name)).toEqual(['Jane Roe']);
    expect((await store.queryCalls({ words: [], digits: '', filter: { ...allKinds, from: 1700000100000, to: 1700000200000 }, beforeId: null, limit: 10 })).rows.map((r) => r.callId)).toEqual(['c2']);
    // New rows continue the old ids.
    const next = await store.insertCall(callInsert());
    expect(next).toBe(4);
    await store.close();
    store = null;

    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(currentVersion);
    expect(after.pragma('quick_check', { simple: true })).toBe('ok');
    after.close();
  });

  it('refuses a file from a newer version and leaves it untouched', async () => {
    const db = new Database(file);
    db.exec('CREATE TABLE future (x); PRAGMA user_version = 99;');
    db.close();
    const before = readFileSync(file);
    store = await makeStore('in-thread', file);
    const err = await store.open().then(
      () => null,
      (e: unknown) => e,
    );
    store = null;
    expect(err).toBeInstanceOf(HistoryStoreError);
    expect((err as HistoryStoreError).code).toBe('schema-too-new');
    expect(readFileSync(file).equals(before)).toBe(true);
    expect(filesBeside().filter((f) => f.includes('corrupt'))).toEqual([]);
  });

  it('does not move anything aside for errors that are not corruption', async () => {
    mkdirSync(file);
    store = await makeStore('in-thread', file);
    await expect(store.open()).rejects.toThrow();
    store = null;
    expect(statSync(file).isDirectory()).toBe(true);
    expect(filesBeside()).toEqual(['history.sqlite']);
  });

  describe.each(modes)('an unreadable file (%s)', (mode) => {
    async function openExpectingMoveAside(): Promise<{ movedAside: string; log: string }> {
      const logger = recordingLogger();
      store = await makeStore(mode, file, logger);
      const result = await store.open();
      expect(result.migratedFrom).toBeNull();
      expect(result.movedAside).not.toBeNull();
      const movedAside = result.movedAside!;
      expect(path.dirname(movedAside)).toBe(dir.dir);
      expect(path.basename(movedAside)).toMatch(/^history\.sqlite\.corrupt-\d{4}-\d\d-\d\dT[\d-]+Z$/);
      const line = logger.lines.find((l) => l.level === 'error');
      expect(line?.message).toContain(movedAside);
      // The fresh file works.
      const id = await store.insertCall(callInsert({ displayName: 'After Recovery' }));
      expect((await store.queryCalls({ words: ['recovery'], digits: '', filter: allKinds, beforeId: null, limit: 5 })).rows.map((r) => r.id)).toEqual([id]);
      return { movedAside, log: line?.message ?? '' };
    }

    it('a file of garbage, with its -wal and -shm', async () => {
      const garbage = Buffer.from('this is not a database, just some text that happens to be here\n'.repeat(200));
      writeFileSync(file, garbage);
      writeFileSync(`${file}-wal`, 'wal garbage');
      writeFileSync(`${file}-shm`, 'shm garbage');
      const { movedAside, log } = await openExpectingMoveAside();
      expect(log).toContain('not a database');
      expect(readFileSync(movedAside).equals(garbage)).toBe(true);
      expect(readFileSync(`${movedAside}-wal`, 'utf8')).toBe('wal garbage');
      expect(readFileSync(`${movedAside}-shm`, 'utf8')).toBe('shm garbage');
    });

    it('a truncated database', async () => {
      await realFile();
      const size = statSync(file).size;
      expect(size).toBeGreaterThan(400 * 1024);
      truncateSync(file, Math.floor(size / 2 / 4096) * 4096 + 1000);
      const truncatedSize = statSync(file).size;
      const { movedAside } = await openExpectingMoveAside();
      expect(statSync(movedAside).size).toBe(truncatedSize);
    });

    it('a database with a corrupted page', async () => {
      await realFile();
      const probe = new Database(file, { readonly: true });
      const pageSize = probe.pragma('page_size', { simple: true }) as number;
      probe.close();
      const pages = statSync(file).size / pageSize;
      expect(pages).toBeGreaterThan(20);
      // Overwrite pages in the middle of the file (b-tree pages of calls and the indexes).
      const fd = openSync(file, 'r+');
      for (const page of [Math.floor(pages / 3), Math.floor(pages / 2)]) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, page * pageSize);
      closeSync(fd);
      const raw = new Database(file, { readonly: true });
      // Depending on what the pages held, quick_check reports them or cannot even start.
      const check = (() => {
        try {
          return String(raw.pragma('quick_check', { simple: true }));
        } catch (err) {
          return (err as Error).message;
        }
      })();
      raw.close();
      expect(check).not.toBe('ok');
      const { log } = await openExpectingMoveAside();
      expect(log).toMatch(/quick_check|malformed|vtable/);
    });
  });

  it('moves aside a SQLite file that is not a history (tables, no schema version)', async () => {
    const other = new Database(file);
    other.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me');");
    other.close();
    store = await makeStore('in-thread', file);
    const result = await store.open();
    expect(result.movedAside).not.toBeNull();
    const kept = new Database(result.movedAside!, { readonly: true });
    expect(kept.prepare('SELECT x FROM notes').get()).toEqual({ x: 'keep me' });
    kept.close();
  });
});
