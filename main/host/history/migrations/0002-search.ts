// Search: full-text indexes, filled from the rows a version-1 file already holds, and a per-day
// table of id ranges that turns a time filter into a rowid range (ids grow with time; see
// ARCHITECTURE.md). The store writes the full-text rows itself (call-words.ts says why).
//
// - calls_fts: trigram (substring matching for 3+ characters, case and accents folded) over the
//   call's own words (call-words.ts) and, in a column of its own, its digits. Contentless: the
//   text is in `calls` already; contentless_delete lets rows be deleted and replaced.
// - contacts_fts: word prefixes (unicode61, accents folded) over names and companies.
// - contact_numbers_fts: trigram over each number's digits ("4567" finds +1 555 123 4567).
// - meta: small facts about the file itself, e.g. when it was last checked in full.
// - calls.contact_id: the contact whose number equals the call's (e164, or digits without one;
//   the oldest such contact), kept by the store whenever a contact or its numbers change. Matching
//   at query time instead cost up to 40 ms for a common name at a million calls (every number of
//   every matching contact had to be looked up); with the id on the row it is a column check.
// - call_days: for each UTC day, the smallest and largest call id started that day, kept by a
//   trigger. Deletes leave it wider than the truth, which is still a correct bound.
import { indexCallsSql, linkCallsToContactsSql } from '../call-words.ts';
import type { Migration } from './migration.ts';

export const search: Migration = {
  version: 2,
  name: 'search',
  up(db) {
    db.exec(`
      ALTER TABLE calls ADD COLUMN contact_id INTEGER;
      -- With the filters' columns, so a contact search counts its candidates without reading rows.
      CREATE INDEX calls_by_contact ON calls (contact_id, direction, outcome, account_id) WHERE contact_id IS NOT NULL;

      CREATE VIRTUAL TABLE calls_fts USING fts5 (
        body, digits,
        content = '', contentless_delete = 1,
        tokenize = 'trigram remove_diacritics 1'
      );

      CREATE TABLE call_days (
        day INTEGER PRIMARY KEY,
        min_id INTEGER NOT NULL,
        max_id INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER call_days_insert AFTER INSERT ON calls BEGIN
        INSERT INTO call_days (day, min_id, max_id) VALUES (CAST(new.started_at / 86400000 AS INTEGER), new.id, new.id)
          ON CONFLICT (day) DO UPDATE SET min_id = min(min_id, excluded.min_id), max_id = max(max_id, excluded.max_id);
      END;

      CREATE VIRTUAL TABLE contacts_fts USING fts5 (
        name, company,
        content = '', contentless_delete = 1,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2'
      );

      -- When the whole file was last checked (history-file.ts).
      CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;

      CREATE VIRTUAL TABLE contact_numbers_fts USING fts5 (
        digits,
        content = '', contentless_delete = 1,
        tokenize = 'trigram'
      );
    `);
    // What a version-1 file already holds.
    db.exec(`
      ${linkCallsToContactsSql}
      ${indexCallsSql('1', 'c.id')};
      INSERT INTO call_days (day, min_id, max_id)
        SELECT CAST(started_at / 86400000 AS INTEGER), min(id), max(id) FROM calls GROUP BY 1;
      INSERT INTO contacts_fts (rowid, name, company) SELECT id, name, company FROM contacts;
      INSERT INTO contact_numbers_fts (rowid, digits) SELECT id, digits FROM contact_numbers;
    `);
  },
};
