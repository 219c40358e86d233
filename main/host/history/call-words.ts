// What the calls' full-text index holds for a row, as SQL over the row (alias `c`): its display
// name, notes, tags, disposition and, when it is not a phone number, the number itself, one per
// line (a newline never occurs in a search word, so no trigram spans two fields); and its digits.
//
// The index is written by the store's own statements, not by triggers: FTS5 flushes its pending
// terms at every statement savepoint, and a trigger opens one per row, which made a 100k-contact
// import seven times slower (measured: 190 ms against 29 ms per 2,000 rows).
export const callWordsSql = `c.display_name || char(10) || c.notes || char(10) ||
  coalesce((SELECT group_concat(value, char(10)) FROM json_each(c.tags)), '') || char(10) ||
  c.disposition || CASE WHEN c.e164 IS NULL THEN char(10) || c.number ELSE '' END`;

/**
 * Indexes the calls the WHERE clause (over alias `c`) selects. A call's row in calls_fts has the
 * negated call id as its rowid (migration 3 says why); `rowid` is there for migration 2, which
 * wrote the plain id and does so still.
 */
export function indexCallsSql(where: string, rowid = '-c.id'): string {
  return `INSERT INTO calls_fts (rowid, body, digits) SELECT ${rowid}, ${callWordsSql}, c.digits FROM calls c WHERE ${where}`;
}

/**
 * Points every call at the contact its number belongs to (the store keeps this up to date after),
 * as migration 2 did it, with the index on contact_numbers.digits that migration 4 dropped.
 */
export const linkCallsToContactsSql = `
  UPDATE calls SET contact_id = (SELECT min(n.contact_id) FROM contact_numbers n WHERE n.e164 = calls.e164) WHERE e164 IS NOT NULL;
  UPDATE calls SET contact_id = (SELECT min(n.contact_id) FROM contact_numbers n WHERE n.digits = calls.digits)
    WHERE e164 IS NULL AND digits <> '';`;

/** linkCallsToContactsSql for the current schema: exact digits through a temporary table. */
export const linkAllCallsToContactsSql = `
  UPDATE calls SET contact_id = (SELECT min(n.contact_id) FROM contact_numbers n WHERE n.e164 = calls.e164) WHERE e164 IS NOT NULL;
  CREATE TEMP TABLE plain_numbers (digits TEXT PRIMARY KEY, contact_id INTEGER NOT NULL) WITHOUT ROWID;
  INSERT INTO plain_numbers SELECT digits, min(contact_id) FROM contact_numbers WHERE digits <> '' GROUP BY digits;
  UPDATE calls SET contact_id = (SELECT p.contact_id FROM plain_numbers p WHERE p.digits = calls.digits)
    WHERE e164 IS NULL AND digits <> '';
  DROP TABLE plain_numbers;`;
