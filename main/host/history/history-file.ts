// Opening the history file: WAL and synchronous=FULL, corruption detection (a file that is not a
// database, or fails `PRAGMA quick_check`) with the file and its -wal/-shm moved aside, never
// deleted, and numbered migrations, each in a transaction with its version, after a backup copy.
//
// quick_check reads every page: ~2.4 s for a million calls (456 MB) here, too slow for every
// start of a large history. So a file is checked in full when it is small, after a run that did not close it, after
// a query met a corrupt page (checkMarker), and at least weekly; otherwise the header and the
// schema are read, and SQLite reports any damaged page it meets later as SQLITE_CORRUPT.
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Logger } from '../../core/ports.ts';
import { HistoryStoreError } from './history-errors.ts';
import { memoryMapFor } from './memory-map.ts';
import { currentVersion, migrations } from './migrations/all-migrations.ts';

export interface OpenedHistoryFile {
  db: Database.Database;
  movedAside: string | null;
  migratedFrom: number | null;
  /** Why every page was checked at this start; null when only the header and schema were, or new. */
  fullCheck: string | null;
}

/** Files smaller than this are checked in full at every start (well under 100 ms). */
const FULL_CHECK_BELOW_BYTES = 64 * 1024 * 1024;
/** A larger file is checked in full at least this often, and after any sign of trouble. */
const FULL_CHECK_EVERY_MS = 7 * 86_400_000;

/** Left beside the file when a query met a corrupt page: the next start checks every page. */
export function checkMarker(file: string): string {
  return `${file}.needs-check`;
}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** A file SQLite cannot read as a database, or one whose pages fail the check. */
class UnreadableDatabase extends Error {}

export function isCorruption(err: unknown): boolean {
  if (err instanceof UnreadableDatabase) return true;
  if (!(err instanceof Database.SqliteError)) return false;
  return err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT' || err.code.startsWith('SQLITE_CORRUPT_');
}

function lastFullCheck(db: Database.Database): number | null {
  try {
    const row = db.prepare<[], { value: unknown }>("SELECT value FROM meta WHERE key = 'checkedAt'").get();
    return row === undefined ? null : Number(row.value);
  } catch {
    return null; // a version-1 file has no meta table
  }
}

/** Why this start must read every page (quick_check), or null when the header and schema do. */
function fullCheckReason(file: string, db: Database.Database, now: Date): string | null {
  if (statSync(file).size < FULL_CHECK_BELOW_BYTES) return 'small file';
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return 'the last run did not close it';
  if (existsSync(checkMarker(file))) return 'a query met a corrupt page';
  const last = lastFullCheck(db);
  if (last === null || now.getTime() - last > FULL_CHECK_EVERY_MS) return 'weekly check';
  return null;
}

/**
 * Reads the file without changing its data (read-only: no WAL checkpoint, no -wal removed, no
 * journal mode set; only the -shm, an index SQLite rebuilds from the WAL, may be rewritten).
 * Returns its schema version; throws if it is not a readable history.
 */
function inspect(file: string, now: Date): { version: number; fullCheck: string | null } {
  // Not even SQLite's header: set aside without letting SQLite open it (it would rewrite the -shm).
  const header = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_HEADER)) throw new UnreadableDatabase('file is not a database (no SQLite header)');
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    // The first read of the header: a file that is not a database fails here (SQLITE_NOTADB).
    const version = db.pragma('user_version', { simple: true }) as number;
    // Reading the schema parses every table definition: a damaged schema page fails here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const fullCheck = fullCheckReason(file, db, now);
    if (fullCheck !== null) {
      const rows = db.pragma('quick_check') as { quick_check: string }[];
      if (rows.length !== 1 || rows[0]?.quick_check !== 'ok') {
        throw new UnreadableDatabase(`quick_check: ${rows.slice(0, 3).map((r) => r.quick_check).join('; ')}`);
      }
    }
    if (version === 0) {
      const tables = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'").get();
      if ((tables?.n ?? 0) > 0) throw new UnreadableDatabase('a database, but not a Hookswitch history (no schema version)');
    }
    return { version, fullCheck };
  } catch (err) {
    // Read-only reads of our own file that fail with a plain SQL error mean a damaged schema or
    // full-text table ("malformed database schema", "vtable constructor failed"): not readable.
    // Busy, locked, I/O and permission errors are not corruption and go up as they are.
    if (err instanceof Database.SqliteError && err.code === 'SQLITE_ERROR') throw new UnreadableDatabase(err.message);
    throw err;
  } finally {
    db.close();
  }
}

function connect(file: string, logger: Logger): Database.Database {
  const db = new Database(file, { timeout: 5000 });
  try {
    // A new file gets 16 KiB pages (SQLite's default is 4 KiB): a search's first run reads a few
    // hundred pages, each a system call, and the full-text doclists it walks are contiguous, so
    // bigger pages mean a quarter of the reads. Ignored for a file that already has pages.
    db.pragma('page_size = 16384');
    db.pragma('journal_mode = WAL');
    // Every commit reaches the disk before it returns: a call record survives a power cut, not
    // only a crash. Writes are rare (a few per call), so the fsync costs nothing anyone sees.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // After a large import the WAL is truncated back to this size at the next checkpoint.
    db.pragma('journal_size_limit = 16777216');
    // 64 MiB of page cache (the default is 2 MiB): pages a search read stay memory reads for the
    // next keystroke (measured: 16 ms cold, 2 ms warm for a common name at a million calls).
    db.pragma('cache_size = -65536');
    // Mapped reads on local disks only (memory-map.ts).
    const map = memoryMapFor(file);
    if (map.reason !== null) logger.info(`history: ${file} is read without memory mapping: ${map.reason}`);
    db.pragma(`mmap_size = ${String(map.bytes)}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** A name for the moved file that sorts by time and is valid on every OS (no ':'). */
function asideName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}

function moveAside(file: string, now: Date): string {
  const target = asideName(file, now);
  renameSync(file, target);
  // The WAL belongs to the file: moved with it (same suffixes), so SQLite can still open the pair.
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(file + suffix)) renameSync(file + suffix, target + suffix);
  }
  return target;
}

function migrate(db: Database.Database, file: string, from: number, logger: Logger): void {
  if (from > 0) {
    const backup = `${file}.v${from}.bak`;
    // A copy left by an earlier attempt at this same migration holds the same version: replaced.
    rmSync(backup, { force: true });
    db.prepare('VACUUM INTO ?').run(backup);
    logger.info(`history: copied version ${from} to ${backup} before migrating`);
  }
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${String(migration.version)}`);
    })();
    logger.info(`history: migrated to version ${migration.version} (${migration.name})`);
  }
}

export function openHistoryFile(file: string, logger: Logger, now: () => Date = () => new Date()): OpenedHistoryFile {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const existed = existsSync(file) && statSync(file).size > 0;
  let movedAside: string | null = null;
  let version = 0;
  let fullCheck: string | null = null;
  if (existed) {
    try {
      ({ version, fullCheck } = inspect(file, now()));
    } catch (err) {
      if (!isCorruption(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      movedAside = moveAside(file, now());
      logger.error(`history: ${file} is unreadable (${reason}); moved it with its -wal/-shm to ${movedAside} and started an empty history`);
      version = 0;
    }
  }
  if (version > currentVersion) {
    throw new HistoryStoreError('schema-too-new', `history file ${file} has schema version ${version}; this version of Hookswitch knows up to ${currentVersion}`);
  }
  const db = connect(file, logger);
  try {
    if (version < currentVersion) migrate(db, file, version, logger);
    // A new file counts as checked: the weekly check runs a week from now.
    if (fullCheck !== null || version === 0) {
      db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('checkedAt', ?)").run(now().getTime());
      rmSync(checkMarker(file), { force: true });
    }
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, movedAside, migratedFrom: movedAside === null && version > 0 ? version : null, fullCheck };
}
