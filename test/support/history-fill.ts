// Writes generated calls straight into a history file in one transaction, then indexes them with
// the store's own SQL (call-words.ts): a million rows in a minute, where the store's insertCall
// (a durable transaction per call) would take an hour. The file must have been opened by the
// store once (so the schema exists) and be closed by it.
import Database from 'better-sqlite3';
import { indexCallsSql, linkAllCallsToContactsSql } from '../../main/host/history/call-words.ts';
import type { GeneratedCall } from './history-data.ts';

export function fillCalls(file: string, calls: Iterable<GeneratedCall>): number {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const accounts = new Map<string, number>();
    const addAccount = db.prepare<[string], never>('INSERT OR IGNORE INTO accounts (aor) VALUES (?)');
    const accountId = db.prepare<[string], { id: number }>('SELECT id FROM accounts WHERE aor = ?');
    const insert = db.prepare(
      `INSERT INTO calls (call_id, direction, account_id, remote_uri, number, e164, digits, display_name, started_at,
         answered_at, ended_at, duration_s, outcome, disposition, notes, tags, unseen)
       VALUES (@callId, @direction, @accountId, @remoteUri, @number, @e164, @digits, @displayName, @startedAt,
         @answeredAt, @endedAt, @durationS, @outcome, @disposition, @notes, @tags, @unseen)`,
    );
    let n = 0;
    const first = (db.prepare('SELECT coalesce(max(id), 0) + 1 AS id FROM calls').get() as { id: number }).id;
    db.transaction(() => {
      for (const call of calls) {
        let id = accounts.get(call.insert.account);
        if (id === undefined) {
          addAccount.run(call.insert.account);
          id = accountId.get(call.insert.account)?.id;
          if (id === undefined) throw new Error('account not written');
          accounts.set(call.insert.account, id);
        }
        insert.run({
          ...call.insert,
          accountId: id,
          answeredAt: call.final.answeredAt,
          endedAt: call.final.endedAt,
          durationS: call.final.durationS,
          outcome: call.final.outcome,
          unseen: call.final.unseen ? 1 : 0,
          disposition: call.wrapUp.disposition,
          notes: call.wrapUp.notes,
          tags: JSON.stringify(call.wrapUp.tags),
        });
        n += 1;
      }
      db.prepare(indexCallsSql('c.id >= ?')).run(first);
      db.exec(linkAllCallsToContactsSql);
    })();
    // What the store does at every close, so the planner has statistics as on a user's machine.
    db.pragma('optimize');
    // And what its daily merge of the search indexes leaves (HistoryEngine.mergeSearchIndexes).
    for (const table of ['calls_fts', 'contacts_fts', 'contact_numbers_fts']) db.exec(`INSERT INTO ${table} (${table}) VALUES ('optimize')`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    return n;
  } finally {
    db.close();
  }
}
