// Every migration, in order. The last one's version is the schema this code writes.
import { callsAndContacts } from './0001-calls-contacts.ts';
import { search } from './0002-search.ts';
import { newestFirstCallIndex } from './0003-newest-first-call-index.ts';
import { oneDigitsIndex } from './0004-one-digits-index.ts';
import { webhookDeliveries } from './0005-webhook-deliveries.ts';
import type { Migration } from './migration.ts';

export const migrations: readonly Migration[] = [callsAndContacts, search, newestFirstCallIndex, oneDigitsIndex, webhookDeliveries];

export const currentVersion = migrations.length;
