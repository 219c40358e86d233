import type Database from 'better-sqlite3';

/**
 * One schema change. Applied once, in a transaction with `PRAGMA user_version = version`, so a
 * file is always at exactly one version. A migration never changes after it has shipped: a later
 * change is a new file with the next number.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
