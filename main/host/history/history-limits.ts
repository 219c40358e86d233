// What the store accepts. The limits are the contract's (preload/contract.ts: CallRecord, Contact),
// checked here again because not every write comes from a parsed command: display names and
// numbers arrive from SIP. Everything is checked before a transaction starts, so a refused write
// changes nothing.
import type { CallRecordInsert, CallRecordPatch, ContactWrite, DeliveryInsert, WrapUp } from '../../core/history/history-store.ts';
import { HistoryStoreError } from './history-errors.ts';

export const limits = {
  callId: 64,
  account: 1024,
  remoteUri: 1024,
  number: 256,
  e164: 32,
  digits: 256,
  displayName: 512,
  disposition: 64,
  notes: 10_000,
  tag: 40,
  tags: 20,
  transferTarget: 1024,
  contactName: 512,
  company: 512,
  email: 512,
  crmId: 256,
  label: 64,
  numbers: 32,
  hookId: 32,
  eventId: 64,
  eventType: 32,
  event: 65_536,
} as const;

function text(value: unknown, max: number, field: string, min = 0): void {
  if (typeof value !== 'string') throw new HistoryStoreError('invalid-value', `${field} must be text`, field);
  if (value.length > max) throw new HistoryStoreError('too-long', `${field} is ${value.length} characters, over the limit of ${max}`, field);
  if (value.length < min) throw new HistoryStoreError('invalid-value', `${field} must not be empty`, field);
}

function nullableText(value: unknown, max: number, field: string): void {
  if (value !== null) text(value, max, field);
}

function time(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new HistoryStoreError('invalid-value', `${field} must be a finite number`, field);
}

function nullableTime(value: unknown, field: string): void {
  if (value !== null) time(value, field);
}

function digitsOnly(value: string, field: string): void {
  if (!/^[0-9]*$/.test(value)) throw new HistoryStoreError('invalid-value', `${field} must hold digits only`, field);
}

export function checkInsert(record: CallRecordInsert): void {
  text(record.callId, limits.callId, 'callId');
  const direction: string = record.direction;
  if (direction !== 'incoming' && direction !== 'outgoing') throw new HistoryStoreError('invalid-value', 'direction must be incoming or outgoing', 'direction');
  text(record.account, limits.account, 'account');
  text(record.remoteUri, limits.remoteUri, 'remoteUri');
  text(record.number, limits.number, 'number');
  nullableText(record.e164, limits.e164, 'e164');
  text(record.digits, limits.digits, 'digits');
  digitsOnly(record.digits, 'digits');
  text(record.displayName, limits.displayName, 'displayName');
  time(record.startedAt, 'startedAt');
}

const outcomes = new Set(['in-progress', 'answered', 'missed', 'rejected', 'no-answer', 'busy', 'failed', 'transferred', 'forwarded']);

export function checkPatch(patch: CallRecordPatch): void {
  if (patch.displayName !== undefined) text(patch.displayName, limits.displayName, 'displayName');
  if (patch.answeredAt !== undefined) nullableTime(patch.answeredAt, 'answeredAt');
  if (patch.endedAt !== undefined) nullableTime(patch.endedAt, 'endedAt');
  if (patch.durationS !== undefined) nullableTime(patch.durationS, 'durationS');
  if (patch.outcome !== undefined && !outcomes.has(patch.outcome)) throw new HistoryStoreError('invalid-value', 'outcome is not a known outcome', 'outcome');
  if (patch.transferTarget !== undefined) nullableText(patch.transferTarget, limits.transferTarget, 'transferTarget');
  if (patch.unseen !== undefined && typeof patch.unseen !== 'boolean') throw new HistoryStoreError('invalid-value', 'unseen must be true or false', 'unseen');
}

export function checkWrapUp(change: WrapUp): void {
  if (change.notes !== undefined) text(change.notes, limits.notes, 'notes');
  if (change.disposition !== undefined) text(change.disposition, limits.disposition, 'disposition');
  if (change.tags !== undefined) {
    if (!Array.isArray(change.tags)) throw new HistoryStoreError('invalid-value', 'tags must be a list', 'tags');
    if (change.tags.length > limits.tags) throw new HistoryStoreError('too-long', `${change.tags.length} tags, over the limit of ${limits.tags}`, 'tags');
    change.tags.forEach((tag, i) => {
      text(tag, limits.tag, `tags[${i}]`, 1);
    });
  }
}

export function checkContact(contact: ContactWrite, prefix = ''): void {
  if (contact.id !== null && !Number.isSafeInteger(contact.id)) throw new HistoryStoreError('invalid-value', `${prefix}id must be an integer or null`, `${prefix}id`);
  text(contact.name, limits.contactName, `${prefix}name`, 1);
  text(contact.company, limits.company, `${prefix}company`);
  text(contact.email, limits.email, `${prefix}email`);
  text(contact.crmId, limits.crmId, `${prefix}crmId`);
  text(contact.notes, limits.notes, `${prefix}notes`);
  if (!Array.isArray(contact.numbers)) throw new HistoryStoreError('invalid-value', `${prefix}numbers must be a list`, `${prefix}numbers`);
  if (contact.numbers.length > limits.numbers) {
    throw new HistoryStoreError('too-long', `${prefix}numbers has ${contact.numbers.length} entries, over the limit of ${limits.numbers}`, `${prefix}numbers`);
  }
  contact.numbers.forEach((n, i) => {
    const at = `${prefix}numbers[${i}].`;
    text(n.label, limits.label, `${at}label`);
    text(n.number, limits.number, `${at}number`, 1);
    nullableText(n.e164, limits.e164, `${at}e164`);
    text(n.digits, limits.digits, `${at}digits`);
    digitsOnly(n.digits, `${at}digits`);
  });
}

/** Checks a whole import before its first batch is written, naming the contact by its index. */
export function checkContacts(contacts: readonly ContactWrite[], offset = 0): void {
  contacts.forEach((c, i) => {
    checkContact(c, `contacts[${offset + i}].`);
  });
}

/** A webhook delivery: bounded texts, a time. */
export function checkDelivery(item: DeliveryInsert): void {
  text(item.hookId, limits.hookId, 'hookId', 1);
  text(item.eventId, limits.eventId, 'eventId', 1);
  text(item.eventType, limits.eventType, 'eventType', 1);
  text(item.callId, limits.callId, 'callId');
  text(item.event, limits.event, 'event', 2);
  time(item.createdAt, 'createdAt');
}
