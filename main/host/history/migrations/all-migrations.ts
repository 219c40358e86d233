// Every migration, in order. The last one's version is the schema this code writes.
import { callsAndContacts } from './0001-calls-contacts.ts';
import { search } from './0002-search.ts';
import type { Migration } from './migration.ts';

export const migrations: readonly Migration[] = [callsAndContacts, search];

export const currentVersion = migrations.length;
