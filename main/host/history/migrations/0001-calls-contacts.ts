// The first schema: call records and contacts with their numbers, and the plain indexes the
// screen-pop needs. Accounts are kept once in their own table (an address of record repeated on a
// million rows, and in an index, would cost tens of MB).
import type { Migration } from './migration.ts';

export const callsAndContacts: Migration = {
  version: 1,
  name: 'calls-contacts',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id INTEGER PRIMARY KEY,
        aor TEXT NOT NULL UNIQUE
      );

      -- AUTOINCREMENT: ids are never reused, so an id a list still shows never names a newer call.
      CREATE TABLE calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        call_id TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
        account_id INTEGER NOT NULL REFERENCES accounts (id),
        remote_uri TEXT NOT NULL,
        number TEXT NOT NULL,
        e164 TEXT,
        digits TEXT NOT NULL,
        display_name TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at INTEGER,
        duration_s REAL,
        outcome TEXT NOT NULL,
        disposition TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        transfer_target TEXT,
        unseen INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX calls_by_e164 ON calls (e164) WHERE e164 IS NOT NULL;
      CREATE INDEX calls_by_digits ON calls (digits) WHERE e164 IS NULL;
      CREATE INDEX calls_by_account ON calls (account_id);
      CREATE INDEX calls_unseen ON calls (unseen) WHERE unseen = 1;
      CREATE INDEX calls_in_progress ON calls (outcome) WHERE outcome = 'in-progress';

      CREATE TABLE contacts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL COLLATE NOCASE,
        company TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        crm_id TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX contacts_by_name ON contacts (name, id);

      -- rdigits: the digits reversed, so "longest common suffix" becomes an index range.
      CREATE TABLE contact_numbers (
        id INTEGER PRIMARY KEY,
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        label TEXT NOT NULL,
        number TEXT NOT NULL,
        e164 TEXT,
        digits TEXT NOT NULL,
        rdigits TEXT NOT NULL
      );
      CREATE INDEX contact_numbers_by_contact ON contact_numbers (contact_id, position);
      CREATE INDEX contact_numbers_by_e164 ON contact_numbers (e164, contact_id) WHERE e164 IS NOT NULL;
      CREATE INDEX contact_numbers_by_digits ON contact_numbers (digits, contact_id);
      CREATE INDEX contact_numbers_by_rdigits ON contact_numbers (rdigits);
    `);
  },
};
