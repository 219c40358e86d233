// The history store's work, synchronous, on one better-sqlite3 connection. It runs wherever it is
// put: on main's thread behind InThreadHistoryStore, or in a worker behind WorkerHistoryStore
// (see create-history-store.ts for which, and why).
import { writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { CallDirection, CallOutcome, Contact } from '../../../preload/contract.ts';
import type {
  CallRecordInsert,
  CallRecordPatch,
  ContactWrite,
  DeliveryAttempt,
  DeliveryInsert,
  StoredDelivery,
  HistoryOpenResult,
  NumberLookup,
  StoreContactQuery,
  StoreHistoryQuery,
  StoredCallRecord,
  WrapUp,
} from '../../core/history/history-store.ts';
import type { Logger } from '../../core/ports.ts';
import { exportContactsCsv } from '../../core/contacts/contact-export.ts';
import { indexCallsSql } from './call-words.ts';
import { reversedDigits as reversed, type ImportBatch } from './engine-api.ts';
import { HistoryStoreError } from './history-errors.ts';
import { checkMarker, isCorruption, openHistoryFile } from './history-file.ts';
import { checkContact, checkDelivery, checkInsert, checkPatch, checkWrapUp } from './history-limits.ts';
import { callMatch, charLength, cleanWords, contactMatch, likeAnywhere } from './search-terms.ts';

type Params = Record<string, string | number | null>;

interface CallRow {
  id: number;
  call_id: string;
  direction: CallDirection;
  account_id: number;
  remote_uri: string;
  number: string;
  e164: string | null;
  digits: string;
  display_name: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_s: number | null;
  outcome: CallOutcome;
  disposition: string;
  notes: string;
  tags: string;
  transfer_target: string | null;
  unseen: number;
  contact_id: number | null;
  contact_name: string | null;
  contact_company: string | null;
  contact_crm_id: string | null;
}

interface ContactRow {
  id: number;
  name: string;
  company: string;
  email: string;
  crm_id: string;
  notes: string;
}

interface NumberRow {
  contact_id: number;
  label: string;
  number: string;
}

const callColumns = `c.id, c.call_id, c.direction, c.account_id, c.remote_uri, c.number, c.e164, c.digits,
  c.display_name, c.started_at, c.answered_at, c.ended_at, c.duration_s, c.outcome, c.disposition,
  c.notes, c.tags, c.transfer_target, c.unseen, c.contact_id,
  (SELECT name FROM contacts WHERE id = c.contact_id) AS contact_name,
  (SELECT company FROM contacts WHERE id = c.contact_id) AS contact_company,
  (SELECT crm_id FROM contacts WHERE id = c.contact_id) AS contact_crm_id`;

const contactColumns = 'k.id, k.name, k.company, k.email, k.crm_id, k.notes';

const DAY_MS = 86_400_000;
/** Larger than any row id; used as the open end of an id range. */
const MAX_ID = Number.MAX_SAFE_INTEGER;
/** Up to this many calls of contacts matching a history search are fetched through their index. */
const FEW_CALLS = 3000;
/** More contacts than this matching a search: their calls are many; no need to count them. */
const MANY_CONTACTS = 1000;
/** The full-text indexes mergeSearchIndexes keeps in one segment each. */
const SEARCH_INDEXES = ['calls_fts', 'contacts_fts', 'contact_numbers_fts'] as const;
/** Pages one merge step writes (16 KiB each): 20-60 ms of work here. */
const MERGE_PAGES = 64;
/** The screen-pop's contact must share at least this many trailing digits with the caller. */
const MIN_SUFFIX = 7;

/** Same bucket as the call_days trigger: CAST(started_at / 86400000 AS INTEGER). */
function dayOf(epochMs: number): number {
  return Math.trunc(epochMs / DAY_MS);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  return i;
}

function parseTags(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** Newest first, each id once, at most `count`. */
function mergeNewestFirst(a: readonly { id: number }[], b: readonly { id: number }[], count: number): { id: number }[] {
  const out: { id: number }[] = [];
  let i = 0;
  let j = 0;
  while (out.length < count && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    let next: { id: number };
    if (x !== undefined && (y === undefined || x.id >= y.id)) {
      next = x;
      i += 1;
      if (y !== undefined && y.id === x.id) j += 1;
    } else if (y !== undefined) {
      next = y;
      j += 1;
    } else {
      break;
    }
    out.push(next);
  }
  return out;
}

const patchColumns: readonly (readonly [keyof CallRecordPatch, string])[] = [
  ['displayName', 'display_name'],
  ['answeredAt', 'answered_at'],
  ['endedAt', 'ended_at'],
  ['durationS', 'duration_s'],
  ['outcome', 'outcome'],
  ['transferTarget', 'transfer_target'],
  ['unseen', 'unseen'],
];

export class HistoryEngine {
  private connection: Database.Database | null = null;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly accountIds = new Map<string, number>();
  private readonly accountAors = new Map<number, string>();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  private get db(): Database.Database {
    if (this.connection === null) throw new HistoryStoreError('history-unavailable', 'the history is not open');
    return this.connection;
  }

  /** One prepared statement per distinct SQL text, kept for the life of the connection. */
  private sql<R>(text: string): Database.Statement<[Params], R> {
    let stmt = this.statements.get(text);
    if (stmt === undefined) {
      stmt = this.db.prepare(text);
      this.statements.set(text, stmt);
    }
    return stmt as Database.Statement<[Params], R>;
  }

  open(): HistoryOpenResult {
    if (this.connection !== null) throw new HistoryStoreError('history-unavailable', 'the history is already open');
    const opened = openHistoryFile(this.file, this.logger);
    this.connection = opened.db;
    for (const row of this.sql<{ id: number; aor: string }>('SELECT id, aor FROM accounts').all({})) {
      this.accountIds.set(row.aor, row.id);
      this.accountAors.set(row.id, row.aor);
    }
    if (opened.fullCheck !== null) this.logger.info(`history: checked every page of ${this.file} (${opened.fullCheck})`);
    const closedStale = this.closeStale();
    if (closedStale > 0) this.logger.warn(`history: closed ${closedStale} call record(s) a previous run left in progress`);
    return { movedAside: opened.movedAside, migratedFrom: opened.migratedFrom, closedStale };
  }

  /** A query met a corrupt page: the next start checks the whole file (and sets it aside if bad). */
  noteError(err: unknown): void {
    if (!isCorruption(err)) return;
    try {
      writeFileSync(checkMarker(this.file), new Date().toISOString());
    } catch {
      // the marker is a hint; the weekly check still comes
    }
    this.logger.error(`history: ${this.file} is damaged (${err instanceof Error ? err.message : String(err)}); it will be checked at the next start`);
  }

  close(): void {
    if (this.connection === null) return;
    this.statements.clear();
    // Lets SQLite keep its statistics current for the planner (cheap: only what changed).
    this.connection.pragma('optimize');
    this.connection.close();
    this.connection = null;
    this.accountIds.clear();
    this.accountAors.clear();
  }

  /** Records a previous run left mid-call: outcome from answeredAt; endedAt stays unknown (null). */
  private closeStale(): number {
    return this.sql(
      `UPDATE calls SET
         outcome = CASE WHEN answered_at IS NOT NULL THEN 'answered' WHEN direction = 'incoming' THEN 'missed' ELSE 'no-answer' END,
         unseen = CASE WHEN answered_at IS NULL AND direction = 'incoming' THEN 1 ELSE unseen END
       WHERE outcome = 'in-progress'`,
    ).run({}).changes;
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  private accountId(aor: string): number {
    const known = this.accountIds.get(aor);
    if (known !== undefined) return known;
    this.sql('INSERT OR IGNORE INTO accounts (aor) VALUES (@aor)').run({ aor });
    const row = this.sql<{ id: number }>('SELECT id FROM accounts WHERE aor = @aor').get({ aor });
    if (row === undefined) throw new HistoryStoreError('history-unavailable', 'could not record the account');
    this.accountIds.set(aor, row.id);
    this.accountAors.set(row.id, aor);
    return row.id;
  }

  insertCall(record: CallRecordInsert): number {
    checkInsert(record);
    return this.db.transaction(() => {
      const result = this.sql(
        `INSERT INTO calls (call_id, direction, account_id, remote_uri, number, e164, digits, display_name, started_at, outcome, contact_id)
         VALUES (@callId, @direction, @accountId, @remoteUri, @number, @e164, @digits, @displayName, @startedAt, 'in-progress', @contactId)`,
      ).run({
        callId: record.callId,
        direction: record.direction,
        accountId: this.accountId(record.account),
        remoteUri: record.remoteUri,
        number: record.number,
        e164: record.e164,
        digits: record.digits,
        displayName: record.displayName,
        startedAt: record.startedAt,
        contactId: this.contactIdOfNumber(record.e164, record.digits),
      });
      const id = Number(result.lastInsertRowid);
      this.sql(indexCallsSql('c.id = @id')).run({ id });
      return id;
    })();
  }

  updateCall(id: number, patch: CallRecordPatch): void {
    checkPatch(patch);
    const params: Params = { id };
    const sets: string[] = [];
    for (const [key, column] of patchColumns) {
      const value = patch[key];
      if (value === undefined) continue;
      sets.push(`${column} = @${key}`);
      params[key] = typeof value === 'boolean' ? Number(value) : value;
    }
    const changed = this.db.transaction(() => {
      if (sets.length === 0) return this.sql<{ id: number }>('SELECT id FROM calls WHERE id = @id').get(params) !== undefined;
      if (this.sql(`UPDATE calls SET ${sets.join(', ')} WHERE id = @id`).run(params).changes === 0) return false;
      if (patch.displayName !== undefined) this.reindexCall(id);
      return true;
    })();
    if (!changed) throw new HistoryStoreError('no-such-record', `no call record ${id}`);
  }

  /** Replaces the call's full-text row after a change to its words. */
  private reindexCall(id: number): void {
    this.sql('DELETE FROM calls_fts WHERE rowid = -@id').run({ id });
    this.sql(indexCallsSql('c.id = @id')).run({ id });
  }

  getCall(id: number): StoredCallRecord | null {
    const row = this.sql<CallRow>(`SELECT ${callColumns} FROM calls c WHERE c.id = @id`).get({ id });
    return row === undefined ? null : this.records([row])[0] ?? null;
  }

  wrapUp(id: number, change: WrapUp): StoredCallRecord | null {
    checkWrapUp(change);
    const params: Params = { id };
    const sets: string[] = [];
    if (change.notes !== undefined) {
      sets.push('notes = @notes');
      params.notes = change.notes;
    }
    if (change.disposition !== undefined) {
      sets.push('disposition = @disposition');
      params.disposition = change.disposition;
    }
    if (change.tags !== undefined) {
      sets.push('tags = @tags');
      params.tags = JSON.stringify(change.tags);
    }
    if (sets.length > 0) {
      this.db.transaction(() => {
        if (this.sql(`UPDATE calls SET ${sets.join(', ')} WHERE id = @id`).run(params).changes > 0) this.reindexCall(id);
      })();
    }
    return this.getCall(id);
  }

  deleteCalls(ids: readonly number[]): number {
    if (ids.length === 0) return 0;
    const params = { ids: JSON.stringify(ids) };
    return this.db.transaction(() => {
      this.sql('DELETE FROM calls_fts WHERE rowid IN (SELECT -value FROM json_each(@ids))').run(params);
      return this.sql('DELETE FROM calls WHERE id IN (SELECT value FROM json_each(@ids))').run(params).changes;
    })();
  }

  clearCalls(): number {
    return this.db.transaction(() => {
      const n = this.sql('DELETE FROM calls').run({}).changes;
      this.sql("INSERT INTO calls_fts (calls_fts) VALUES ('delete-all')").run({});
      this.sql('DELETE FROM call_days').run({});
      return n;
    })();
  }

  deleteStartedBefore(epochMs: number): number {
    if (!Number.isFinite(epochMs)) throw new HistoryStoreError('invalid-value', 'the time must be a finite number', 'epochMs');
    const bound = this.sql<{ hi: number | null }>('SELECT max(max_id) AS hi FROM call_days WHERE day <= @day').get({ day: dayOf(epochMs) });
    if (bound?.hi == null) return 0;
    const hi = bound.hi;
    return this.db.transaction(() => {
      const params = { hi, before: epochMs };
      this.sql('DELETE FROM calls_fts WHERE rowid IN (SELECT -id FROM calls WHERE id <= @hi AND started_at < @before)').run(params);
      const n = this.sql('DELETE FROM calls WHERE id <= @hi AND started_at < @before').run(params).changes;
      // Days wholly before the cut are empty now.
      this.sql('DELETE FROM call_days WHERE day < @day').run({ day: dayOf(epochMs) });
      return n;
    })();
  }

  /**
   * One bounded step of merging each search index's segments into one. FTS5 writes a segment per
   * transaction and merges them only in part, so a history written call by call ends up with many
   * small segments, and every search term is looked up in each: merged, a two-word search at a
   * million calls takes 1.7 ms instead of 2.8 ms, a one-word search 0.08 ms instead of 0.31 ms.
   * `begin` starts a merge of every segment; each step writes at most MERGE_PAGES pages (tens of
   * milliseconds), so lookups queue behind a step, never behind the whole merge. Returns whether
   * any index did work (FTS5 changes total_changes() by 2 or more when it did).
   */
  mergeSearchIndexes(begin: boolean): boolean {
    let worked = false;
    for (const table of SEARCH_INDEXES) {
      const before = this.db.prepare('SELECT total_changes() AS n').pluck().get() as number;
      this.sql(`INSERT INTO ${table} (${table}, rank) VALUES ('merge', @pages)`).run({ pages: begin ? -MERGE_PAGES : MERGE_PAGES });
      const after = this.db.prepare('SELECT total_changes() AS n').pluck().get() as number;
      if (after - before >= 2) worked = true;
    }
    return worked;
  }

  markMissedSeen(): void {
    this.sql('UPDATE calls SET unseen = 0 WHERE unseen = 1').run({});
  }

  unseenMissed(): number {
    return this.sql<{ n: number }>('SELECT count(*) AS n FROM calls WHERE unseen = 1').get({})?.n ?? 0;
  }

  /** Rows as records, each with the contact its number belongs to now. */
  private records(rows: readonly CallRow[]): StoredCallRecord[] {
    return rows.map((row) => ({
      id: row.id,
      callId: row.call_id,
      direction: row.direction,
      account: this.accountAors.get(row.account_id) ?? '',
      remoteUri: row.remote_uri,
      number: row.number,
      e164: row.e164,
      digits: row.digits,
      displayName: row.display_name,
      startedAt: row.started_at,
      answeredAt: row.answered_at,
      endedAt: row.ended_at,
      durationS: row.duration_s,
      outcome: row.outcome,
      disposition: row.disposition,
      notes: row.notes,
      tags: parseTags(row.tags),
      transferTarget: row.transfer_target,
      unseen: row.unseen === 1,
      contact:
        row.contact_id === null || row.contact_name === null
          ? null
          : { id: row.contact_id, name: row.contact_name, company: row.contact_company ?? '', crmId: row.contact_crm_id ?? '' },
    }));
  }

  /** The contact whose number equals this e164 (or, without one, these digits); the oldest wins. */
  private contactIdOfNumber(e164: string | null, digits: string): number | null {
    if (e164 !== null) return this.sql<{ id: number | null }>('SELECT min(contact_id) AS id FROM contact_numbers WHERE e164 = @e164').get({ e164 })?.id ?? null;
    if (digits === '') return null;
    return this.contactIdOfDigits(digits);
  }

  /** The first contact with exactly these digits (through the reversed digits' index). */
  private contactIdOfDigits(digits: string): number | null {
    return this.sql<{ id: number | null }>('SELECT min(contact_id) AS id FROM contact_numbers WHERE rdigits = @r').get({ r: reversed(digits) })?.id ?? null;
  }

  /** Points the calls with these numbers at their contact again, after contacts changed. */
  private relinkCalls(numbers: readonly { e164: string | null; digits: string }[]): void {
    const e164s = new Set<string>();
    const plain = new Set<string>();
    for (const n of numbers) {
      if (n.e164 !== null) e164s.add(n.e164);
      else if (n.digits !== '') plain.add(n.digits);
    }
    this.relinkNumbers([...e164s], [...plain]);
  }

  private relinkNumbers(e164s: readonly string[], plainDigits: readonly string[]): void {
    if (e164s.length > 0) {
      this.sql(
        `UPDATE calls SET contact_id = (SELECT min(n.contact_id) FROM contact_numbers n WHERE n.e164 = calls.e164)
         WHERE e164 IN (SELECT value FROM json_each(@list))
           AND contact_id IS NOT (SELECT min(n.contact_id) FROM contact_numbers n WHERE n.e164 = calls.e164)`,
      ).run({ list: JSON.stringify(e164s) });
    }
    for (const digits of plainDigits) {
      const id = this.contactIdOfDigits(digits);
      this.sql('UPDATE calls SET contact_id = @id WHERE e164 IS NULL AND digits = @digits AND contact_id IS NOT @id').run({ id, digits });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // History search

  /**
   * The id range that can hold calls started in [from, to): ids grow with time, and call_days
   * keeps each day's smallest and largest id. 'empty' when no call can match.
   */
  private idRange(from: number | null, to: number | null, beforeId: number | null): { lo: number; hi: number } | 'empty' {
    let lo = 0;
    let hi = beforeId === null ? MAX_ID : beforeId - 1;
    if (from !== null) {
      const row = this.sql<{ lo: number | null }>('SELECT min(min_id) AS lo FROM call_days WHERE day >= @day').get({ day: dayOf(from) });
      if (row?.lo == null) return 'empty';
      lo = row.lo;
    }
    if (to !== null) {
      const row = this.sql<{ hi: number | null }>('SELECT max(max_id) AS hi FROM call_days WHERE day <= @day').get({ day: dayOf(to) });
      if (row?.hi == null) return 'empty';
      hi = Math.min(hi, row.hi);
    }
    return lo > hi ? 'empty' : { lo, hi };
  }

  queryCalls(query: StoreHistoryQuery): { rows: StoredCallRecord[]; hasMore: boolean } {
    const limit = query.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new HistoryStoreError('invalid-value', 'limit must be 1 to 500', 'limit');
    if (!/^[0-9]*$/.test(query.digits)) throw new HistoryStoreError('invalid-value', 'digits must hold digits only', 'digits');
    const { filter } = query;
    const range = this.idRange(filter.from, filter.to, query.beforeId);
    if (range === 'empty') return { rows: [], hasMore: false };

    // Conditions on the call row (alias c) every path shares.
    const where: string[] = [];
    const params: Params = { lo: range.lo, hi: range.hi, limit: limit + 1 };
    if (filter.kind === 'missed') where.push("c.direction = 'incoming' AND c.outcome = 'missed'");
    else if (filter.kind === 'incoming') where.push("c.direction = 'incoming'");
    else if (filter.kind === 'outgoing') where.push("c.direction = 'outgoing'");
    if (filter.from !== null) {
      where.push('c.started_at >= @from');
      params.from = filter.from;
    }
    if (filter.to !== null) {
      where.push('c.started_at < @to');
      params.to = filter.to;
    }
    if (filter.account !== '') {
      const accountId = this.accountIds.get(filter.account);
      if (accountId === undefined) return { rows: [], hasMore: false };
      where.push('c.account_id = @account');
      params.account = accountId;
    }

    const words = cleanWords(query.words);
    const longWords = words.filter((w) => charLength(w) >= 3);
    const shortWords = words.filter((w) => charLength(w) < 3);
    const ftsDigits = query.digits.length >= 3 ? query.digits : '';
    if (query.digits !== '' && ftsDigits === '') {
      where.push('instr(c.digits, @digits) > 0');
      params.digits = query.digits;
    }

    // The call's own words: FTS for 3+ characters, LIKE for shorter ones (a scan, see below).
    const ownWhere = [...where];
    shortWords.forEach((word, i) => {
      const p = `w${i}`;
      params[p] = likeAnywhere(word);
      ownWhere.push(
        `(c.display_name LIKE @${p} ESCAPE '\\' OR c.notes LIKE @${p} ESCAPE '\\' OR c.tags LIKE @${p} ESCAPE '\\'
          OR c.disposition LIKE @${p} ESCAPE '\\' OR (c.e164 IS NULL AND c.number LIKE @${p} ESCAPE '\\'))`,
      );
    });
    // Calls whose number belongs to a contact whose name or company has every word (as prefixes).
    // Asked first: it is cheap, and when it fills the page, calls older than its last row cannot
    // make the page, so the walk over the calls' own words stops there.
    const byContact = words.length > 0 ? this.callsOfMatchingContacts(words, ftsDigits, where, params) : [];
    const oldestNeeded = byContact.length > limit ? byContact[limit]?.id : undefined;
    const ownParams = oldestNeeded === undefined ? params : { ...params, lo: Math.max(range.lo, oldestNeeded) };
    const ownCond = ownWhere.length > 0 ? `AND ${ownWhere.join(' AND ')}` : '';
    let own: { id: number }[];
    if (longWords.length > 0 || ftsDigits !== '') {
      // The index's rowids are negated ids: FTS5 walks them in ascending order, newest call
      // first, and stops after `limit` rows that pass the filters. The calls table is read only
      // when a filter needs a column of it. The bounds are cast: better-sqlite3 binds numbers as
      // REAL, and FTS5 uses a rowid bound to seek and stop only when it is an INTEGER (bound as
      // REAL, a walk confined to 10 of 200,000 rows took 20.6 ms instead of 0.04 ms).
      own = this.sql<{ id: number }>(
        ownWhere.length === 0
          ? `SELECT -f.rowid AS id FROM calls_fts f
             WHERE calls_fts MATCH @match AND f.rowid BETWEEN -CAST(@hi AS INTEGER) AND -CAST(@lo AS INTEGER) ORDER BY f.rowid LIMIT @limit`
          : `SELECT c.id FROM calls_fts f JOIN calls c ON c.id = -f.rowid
             WHERE calls_fts MATCH @match AND f.rowid BETWEEN -CAST(@hi AS INTEGER) AND -CAST(@lo AS INTEGER) ${ownCond}
             ORDER BY f.rowid LIMIT @limit`,
      ).all({ ...ownParams, match: callMatch(longWords, ftsDigits) });
    } else {
      own = this.sql<{ id: number }>(`SELECT c.id FROM calls c WHERE c.id BETWEEN @lo AND @hi ${ownCond} ORDER BY c.id DESC LIMIT @limit`).all(ownParams);
    }
    const merged = mergeNewestFirst(own, byContact, limit + 1);
    return { rows: this.records(this.rowsByIds(merged.slice(0, limit).map((r) => r.id))), hasMore: merged.length > limit };
  }

  /** The rows with these ids, newest first (sorted here: SQLite would copy every row through a sorter). */
  private rowsByIds(ids: readonly number[]): CallRow[] {
    if (ids.length === 0) return [];
    const rows = this.sql<CallRow>(`SELECT ${callColumns} FROM calls c WHERE c.id IN (SELECT value FROM json_each(@ids))`).all({
      ids: JSON.stringify(ids),
    });
    return rows.sort((a, b) => b.id - a.id);
  }

  /**
   * Calls whose contact's name or company has every word (as prefixes). Few such calls: through
   * the contact_id index, then sorted. Many (a common name, a short prefix): a walk down the
   * calls, newest first, that stops after `limit` rows.
   */
  private callsOfMatchingContacts(words: readonly string[], ftsDigits: string, where: readonly string[], params: Params): { id: number }[] {
    const match = contactMatch(words);
    if (match === '') return [];
    const contacts = 'SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match';
    const p: Params = { ...params, match, ftsDigits };
    const matched =
      this.sql<{ n: number }>(`SELECT count(*) AS n FROM (${contacts} LIMIT ${String(MANY_CONTACTS + 1)})`).get(p)?.n ?? 0;
    if (matched === 0) return [];
    // The index holds the kind and account columns and the id (its rowid), so the candidates are
    // found without reading a row. Skipped for a broad match without filters: its calls are many,
    // and a walk down the newest calls stops early.
    const indexed = where.filter((w) => !w.includes('started_at'));
    const cond = [...where];
    if (ftsDigits !== '') cond.push('instr(c.digits, @ftsDigits) > 0');
    const extra = cond.length > 0 ? `AND ${cond.join(' AND ')}` : '';
    const walk = (): { id: number }[] =>
      this.sql<{ id: number }>(
        `SELECT c.id FROM calls c NOT INDEXED
         WHERE c.contact_id IN (${contacts}) AND c.id BETWEEN @lo AND @hi ${extra}
         ORDER BY c.id DESC LIMIT @limit`,
      ).all(p);
    if (matched > MANY_CONTACTS && indexed.length === 0) return walk();
    const candidates = this.sql<{ id: number }>(
      `SELECT c.id FROM calls c INDEXED BY calls_by_contact
       WHERE c.contact_id IN (${contacts}) AND c.id BETWEEN @lo AND @hi ${indexed.length > 0 ? `AND ${indexed.join(' AND ')}` : ''}
       LIMIT ${String(FEW_CALLS + 1)}`,
    ).all(p);
    if (candidates.length === 0) return [];
    // Chosen here, not by the planner: with statistics it walks all the calls even for a handful.
    if (candidates.length > FEW_CALLS) return walk();
    if (indexed.length === where.length && ftsDigits === '') {
      // Every condition was in the index: the newest candidates are the answer.
      return candidates.sort((a, b) => b.id - a.id).slice(0, Number(params.limit));
    }
    return this.sql<{ id: number }>(
      `SELECT c.id FROM calls c INDEXED BY calls_by_contact
       WHERE c.contact_id IN (${contacts}) AND c.id BETWEEN @lo AND @hi ${extra}
       ORDER BY c.id DESC LIMIT @limit`,
    ).all(p);
  }

  // ---------------------------------------------------------------------------------------------
  // Screen-pop

  lookupNumber(e164: string | null, digits: string, excludeCallId: string | null, recentLimit: number): NumberLookup {
    if (!Number.isInteger(recentLimit) || recentLimit < 0 || recentLimit > 500) {
      throw new HistoryStoreError('invalid-value', 'recentLimit must be 0 to 500', 'recentLimit');
    }
    const contact = this.screenPopContact(e164, digits);
    const byE164 = e164 !== null;
    if (!byE164 && digits === '') return { contact, recent: [], totalCalls: 0, lastCallAt: null };
    const key: Params = byE164 ? { e164 } : { digits };
    const match = byE164 ? 'c.e164 = @e164' : 'c.e164 IS NULL AND c.digits = @digits';
    const total = this.sql<{ n: number }>(`SELECT count(*) AS n FROM calls c WHERE ${match}`).get(key)?.n ?? 0;
    // One more than shown, so the excluded (live) call can be dropped and the page still filled.
    const fetched = this.sql<CallRow>(`SELECT ${callColumns} FROM calls c WHERE ${match} ORDER BY c.id DESC LIMIT @n`).all({
      ...key,
      n: recentLimit + 1,
    });
    const kept = excludeCallId === null ? fetched : fetched.filter((r) => r.call_id !== excludeCallId);
    let excluded = fetched.length - kept.length;
    if (excludeCallId !== null && excluded === 0 && total > fetched.length) {
      excluded =
        this.sql<{ n: number }>(`SELECT count(*) AS n FROM calls c WHERE ${match} AND c.call_id = @callId`).get({ ...key, callId: excludeCallId })
          ?.n ?? 0;
    }
    const recent = this.records(kept.slice(0, recentLimit));
    return { contact, recent, totalCalls: total - excluded, lastCallAt: kept[0]?.started_at ?? null };
  }

  /** Exact E.164 first; without an e164, the same digits; else the longest shared suffix (7+ digits). */
  private screenPopContact(e164: string | null, digits: string): NumberLookup['contact'] {
    let contactId: number | undefined;
    if (e164 !== null) {
      contactId = this.sql<{ id: number | null }>('SELECT min(contact_id) AS id FROM contact_numbers WHERE e164 = @e164').get({ e164 })?.id ?? undefined;
    } else if (digits !== '') {
      contactId = this.contactIdOfDigits(digits) ?? undefined;
    }
    if (contactId === undefined && digits.length >= MIN_SUFFIX) contactId = this.longestSuffixContact(digits);
    if (contactId === undefined) return null;
    const row = this.sql<ContactRow>(`SELECT ${contactColumns} FROM contacts k WHERE k.id = @id`).get({ id: contactId });
    return row === undefined ? null : { id: row.id, name: row.name, company: row.company, crmId: row.crm_id, notes: row.notes, email: row.email };
  }

  /**
   * In the sorted reversed numbers, the one sharing the longest prefix with the reversed caller is
   * next to where the caller would sort: two index seeks find the length, a third the best row.
   */
  private longestSuffixContact(digits: string): number | undefined {
    const r = reversed(digits);
    const above = this.sql<{ rdigits: string }>('SELECT rdigits FROM contact_numbers WHERE rdigits >= @r ORDER BY rdigits LIMIT 1').get({ r });
    const below = this.sql<{ rdigits: string }>('SELECT rdigits FROM contact_numbers WHERE rdigits < @r ORDER BY rdigits DESC LIMIT 1').get({ r });
    const shared = Math.max(above ? commonPrefix(above.rdigits, r) : 0, below ? commonPrefix(below.rdigits, r) : 0);
    if (shared < MIN_SUFFIX) return undefined;
    const prefix = r.slice(0, shared);
    // Among equals: the whole number, then the shortest (a national form), then the oldest contact.
    const best = this.sql<{ contact_id: number }>(
      `SELECT contact_id FROM (SELECT contact_id, rdigits FROM contact_numbers WHERE rdigits >= @prefix AND rdigits < @prefix || ':' LIMIT 200)
       ORDER BY rdigits = @r DESC, length(rdigits), contact_id LIMIT 1`,
    ).get({ prefix, r });
    return best?.contact_id;
  }

  // ---------------------------------------------------------------------------------------------
  // Contacts

  private withNumbers(rows: readonly ContactRow[]): Contact[] {
    if (rows.length === 0) return [];
    const numbers = this.sql<NumberRow>(
      `SELECT contact_id, label, number FROM contact_numbers
       WHERE contact_id IN (SELECT value FROM json_each(@ids)) ORDER BY contact_id, position`,
    ).all({ ids: JSON.stringify(rows.map((r) => r.id)) });
    return this.assemble(rows, numbers);
  }

  private assemble(rows: readonly ContactRow[], numbers: readonly NumberRow[]): Contact[] {
    const byContact = new Map<number, { label: string; number: string }[]>();
    for (const n of numbers) {
      let list = byContact.get(n.contact_id);
      if (list === undefined) {
        list = [];
        byContact.set(n.contact_id, list);
      }
      list.push({ label: n.label, number: n.number });
    }
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      company: r.company,
      email: r.email,
      crmId: r.crm_id,
      notes: r.notes,
      numbers: byContact.get(r.id) ?? [],
    }));
  }

  queryContacts(query: StoreContactQuery): { contacts: Contact[]; hasMore: boolean } {
    const limit = query.limit;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new HistoryStoreError('invalid-value', 'limit must be 1 to 500', 'limit');
    if (!/^[0-9]*$/.test(query.digits)) throw new HistoryStoreError('invalid-value', 'digits must hold digits only', 'digits');
    const where: string[] = [];
    const params: Params = { limit: limit + 1 };
    const match = contactMatch(cleanWords(query.words));
    if (match !== '') {
      where.push('k.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH @match)');
      params.match = match;
    }
    if (query.digits.length >= 3) {
      where.push(
        `k.id IN (SELECT n.contact_id FROM contact_numbers_fts nf JOIN contact_numbers n ON n.id = nf.rowid
                  WHERE contact_numbers_fts MATCH @digits)`,
      );
      params.digits = `"${query.digits}"`;
    } else if (query.digits !== '') {
      where.push('k.id IN (SELECT contact_id FROM contact_numbers WHERE instr(digits, @digits) > 0)');
      params.digits = query.digits;
    }
    if (query.after !== null) {
      where.push('(k.name, k.id) > (@afterName, @afterId)');
      params.afterName = query.after.name;
      params.afterId = query.after.id;
    }
    const rows = this.sql<ContactRow>(
      `SELECT ${contactColumns} FROM contacts k ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY k.name, k.id LIMIT @limit`,
    ).all(params);
    return { contacts: this.withNumbers(rows.slice(0, limit)), hasMore: rows.length > limit };
  }

  /**
   * Writes one contact and replaces its numbers; returns its id and adds the numbers it had and
   * has to `affected` (their calls are relinked once per transaction). Runs inside the caller's.
   */
  private writeContact(contact: ContactWrite, affected: { e164: string | null; digits: string }[]): number {
    const fields: Params = {
      name: contact.name,
      company: contact.company,
      email: contact.email,
      crmId: contact.crmId,
      notes: contact.notes,
    };
    let id: number;
    affected.push(...contact.numbers);
    if (contact.id === null) {
      const result = this.sql(
        'INSERT INTO contacts (name, company, email, crm_id, notes) VALUES (@name, @company, @email, @crmId, @notes)',
      ).run(fields);
      id = Number(result.lastInsertRowid);
    } else {
      id = contact.id;
      const result = this.sql(
        'UPDATE contacts SET name = @name, company = @company, email = @email, crm_id = @crmId, notes = @notes WHERE id = @id',
      ).run({ ...fields, id });
      if (result.changes === 0) throw new HistoryStoreError('no-such-contact', `no contact ${id}`);
      affected.push(...this.forgetContactWords(id));
    }
    this.sql('INSERT INTO contacts_fts (rowid, name, company) VALUES (@id, @name, @company)').run({ id, name: contact.name, company: contact.company });
    const insertNumber = this.sql(
      `INSERT INTO contact_numbers (contact_id, position, label, number, e164, digits, rdigits)
       VALUES (@id, @position, @label, @number, @e164, @digits, @rdigits)`,
    );
    const indexNumber = this.sql('INSERT INTO contact_numbers_fts (rowid, digits) VALUES (@rowid, @digits)');
    contact.numbers.forEach((n, position) => {
      const row = insertNumber.run({ id, position, label: n.label, number: n.number, e164: n.e164, digits: n.digits, rdigits: reversed(n.digits) });
      indexNumber.run({ rowid: Number(row.lastInsertRowid), digits: n.digits });
    });
    return id;
  }

  /** Drops a contact's numbers and its rows in both contact indexes; returns the numbers it had. */
  private forgetContactWords(id: number): { e164: string | null; digits: string }[] {
    const had = this.sql<{ e164: string | null; digits: string }>('SELECT e164, digits FROM contact_numbers WHERE contact_id = @id').all({ id });
    this.sql('DELETE FROM contacts_fts WHERE rowid = @id').run({ id });
    this.sql('DELETE FROM contact_numbers_fts WHERE rowid IN (SELECT id FROM contact_numbers WHERE contact_id = @id)').run({ id });
    this.sql('DELETE FROM contact_numbers WHERE contact_id = @id').run({ id });
    return had;
  }

  private getContact(id: number): Contact | null {
    const row = this.sql<ContactRow>(`SELECT ${contactColumns} FROM contacts k WHERE k.id = @id`).get({ id });
    return row === undefined ? null : this.withNumbers([row])[0] ?? null;
  }

  saveContact(contact: ContactWrite): Contact {
    checkContact(contact);
    const id = this.db.transaction(() => {
      const affected: { e164: string | null; digits: string }[] = [];
      const written = this.writeContact(contact, affected);
      this.relinkCalls(affected);
      return written;
    })();
    const saved = this.getContact(id);
    if (saved === null) throw new HistoryStoreError('no-such-contact', `no contact ${id}`);
    return saved;
  }

  deleteContact(id: number): boolean {
    return this.db.transaction(() => {
      const had = this.forgetContactWords(id);
      const deleted = this.sql('DELETE FROM contacts WHERE id = @id').run({ id }).changes > 0;
      this.relinkCalls(had);
      return deleted;
    })();
  }

  /** One batch of an import, in one transaction (the caller has checked the whole import). */
  importContactsBatch(batch: ImportBatch): number {
    return this.db.transaction(() => {
      if (batch.kind === 'new') {
        this.insertNewContacts(batch);
        this.relinkNumbers(batch.e164s, batch.plainDigits);
        return batch.count;
      }
      const affected: { e164: string | null; digits: string }[] = [];
      for (const contact of batch.contacts) this.writeContact(contact, affected);
      this.relinkCalls(affected);
      return batch.contacts.length;
    })();
  }

  /**
   * New contacts, a whole batch per statement, from the JSON importBatch built; the full-text
   * indexes are filled from the rows just written. A statement per row cost 45 µs a contact at a
   * million calls, most of it binding and stepping two and a half statements per contact.
   */
  private insertNewContacts(batch: Extract<ImportBatch, { kind: 'new' }>): void {
    if (batch.count === 0) return;
    const lastNumber = this.sql<{ id: number }>('SELECT coalesce(max(id), 0) AS id FROM contact_numbers').get({})?.id ?? 0;
    const result = this.sql(
      `INSERT INTO contacts (name, company, email, crm_id, notes)
       SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3, value ->> 4 FROM json_each(@people) ORDER BY key`,
    ).run({ people: batch.people });
    // One statement, one writer: the rows took the next ids in order (AUTOINCREMENT never reuses
    // one). Checked all the same, since the numbers below are tied to the contacts by these ids.
    const last = Number(result.lastInsertRowid);
    const first = last - batch.count + 1;
    const written = this.sql<{ n: number; lo: number; hi: number }>('SELECT count(*) AS n, min(id) AS lo, max(id) AS hi FROM contacts WHERE id >= @first').get({ first });
    if (result.changes !== batch.count || written?.n !== batch.count || written.lo !== first || written.hi !== last) {
      throw new HistoryStoreError('history-unavailable', 'the imported contacts did not get consecutive ids');
    }
    this.sql('INSERT INTO contacts_fts (rowid, name, company) SELECT id, name, company FROM contacts WHERE id >= @first').run({ first });
    this.sql(
      `INSERT INTO contact_numbers (contact_id, position, label, number, e164, digits, rdigits)
       SELECT @first + (value ->> 0), value ->> 1, value ->> 2, value ->> 3, value ->> 4, value ->> 5, value ->> 6
       FROM json_each(@numbers) ORDER BY key`,
    ).run({ first, numbers: batch.numbers });
    this.sql('INSERT INTO contact_numbers_fts (rowid, digits) SELECT id, digits FROM contact_numbers WHERE id > @after').run({ after: lastNumber });
  }

  /**
   * Every contact as the export's CSV, built here: in the worker, main then receives one string
   * instead of copying 100,000 contact objects in (a 380 ms stall of main's event loop).
   */
  contactsCsv(): string {
    return exportContactsCsv(this.allContacts());
  }

  allContacts(): Contact[] {
    const rows = this.sql<ContactRow>(`SELECT ${contactColumns} FROM contacts k ORDER BY k.name, k.id`).all({});
    const numbers = this.sql<NumberRow>('SELECT contact_id, label, number FROM contact_numbers ORDER BY contact_id, position').all({});
    return this.assemble(rows, numbers);
  }

  // -------------------------------------------------------------------------------------------
  // Webhook deliveries

  queueDeliveries(items: readonly DeliveryInsert[], maxPending: number): number[] {
    for (const item of items) checkDelivery(item);
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new HistoryStoreError('invalid-value', 'maxPending must be a positive integer', 'maxPending');
    return this.db.transaction(() => {
      const ids = items.map(
        (item) =>
          Number(
            this.sql(
              `INSERT INTO webhook_deliveries (hook_id, event_id, event_type, call_id, event, created_at, next_at)
               VALUES (@hookId, @eventId, @eventType, @callId, @event, @createdAt, @createdAt)`,
            ).run({ ...item }).lastInsertRowid,
          ),
      );
      const now = items.reduce((latest, item) => Math.max(latest, item.createdAt), 0);
      for (const hookId of new Set(items.map((i) => i.hookId))) {
        // Beyond the cap the oldest waiting deliveries of this webhook go (kept in the log as dropped).
        this.sql(
          `UPDATE webhook_deliveries SET state = 'dropped', finished_at = @now, next_at = NULL, last_error = 'queue full'
           WHERE id IN (SELECT id FROM webhook_deliveries WHERE hook_id = @hookId AND state = 'pending'
                        ORDER BY id DESC LIMIT -1 OFFSET @maxPending)`,
        ).run({ hookId, now, maxPending });
      }
      this.sql(`DELETE FROM webhook_deliveries WHERE state <> 'pending' AND finished_at < @before`).run({ before: now - 7 * DAY_MS });
      return ids;
    })();
  }

  pendingHeads(): StoredDelivery[] {
    const rows = this.sql<DeliveryRow>(
      `SELECT d.* FROM webhook_deliveries d
       JOIN (SELECT min(id) AS id FROM webhook_deliveries WHERE state = 'pending' GROUP BY hook_id) h ON h.id = d.id
       ORDER BY d.id`,
    ).all({});
    return rows.map(delivery);
  }

  recordAttempt(id: number, attempt: DeliveryAttempt): void {
    if (!Number.isFinite(attempt.at)) throw new HistoryStoreError('invalid-value', 'at must be a time', 'at');
    const state = attempt.delivered ? 'delivered' : attempt.nextAt === null ? 'failed' : 'pending';
    const changed = this.sql(
      `UPDATE webhook_deliveries SET state = @state, attempts = attempts + 1, next_at = @nextAt, last_status = @status,
         last_error = @error, finished_at = @finishedAt
       WHERE id = @id AND state = 'pending'`,
    ).run({
      id,
      state,
      nextAt: state === 'pending' ? attempt.nextAt : null,
      status: attempt.status,
      error: attempt.error === null ? null : attempt.error.slice(0, 500),
      finishedAt: state === 'pending' ? null : attempt.at,
    }).changes;
    if (changed === 0) throw new HistoryStoreError('no-such-record', `no waiting delivery ${id}`);
  }

  retryNow(hookId: string, at: number): void {
    this.sql(
      `UPDATE webhook_deliveries SET next_at = @at
       WHERE id = (SELECT min(id) FROM webhook_deliveries WHERE hook_id = @hookId AND state = 'pending')`,
    ).run({ hookId, at });
  }

  dropDeliveries(keepHookIds: readonly string[], at: number): number {
    const keep = JSON.stringify([...keepHookIds]);
    return this.sql(
      `UPDATE webhook_deliveries SET state = 'dropped', finished_at = @at, next_at = NULL, last_error = 'webhook removed'
       WHERE state = 'pending' AND hook_id NOT IN (SELECT value FROM json_each(@keep))`,
    ).run({ keep, at }).changes;
  }

  deliveryLog(hookId: string | null, limit: number): { deliveries: StoredDelivery[]; pending: Record<string, number> } {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new HistoryStoreError('invalid-value', 'limit must be 1 to 500', 'limit');
    const rows =
      hookId === null
        ? this.sql<DeliveryRow>('SELECT * FROM webhook_deliveries ORDER BY id DESC LIMIT @limit').all({ limit })
        : this.sql<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE hook_id = @hookId ORDER BY id DESC LIMIT @limit').all({ hookId, limit });
    const counts = this.sql<{ hook_id: string; n: number }>(`SELECT hook_id, count(*) AS n FROM webhook_deliveries WHERE state = 'pending' GROUP BY hook_id`).all({});
    return { deliveries: rows.map(delivery), pending: Object.fromEntries(counts.map((c) => [c.hook_id, c.n])) };
  }
}

interface DeliveryRow {
  id: number;
  hook_id: string;
  event_id: string;
  event_type: string;
  call_id: string;
  event: string;
  created_at: number;
  state: StoredDelivery['state'];
  attempts: number;
  next_at: number | null;
  last_status: number | null;
  last_error: string | null;
  finished_at: number | null;
}

function delivery(row: DeliveryRow): StoredDelivery {
  return {
    id: row.id,
    hookId: row.hook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    callId: row.call_id,
    event: row.event,
    createdAt: row.created_at,
    state: row.state,
    attempts: row.attempts,
    nextAt: row.next_at,
    lastStatus: row.last_status,
    lastError: row.last_error,
    finishedAt: row.finished_at,
  };
}
