// The pure parts of the contacts view: a new contact, what the editor sends, number labels and
// appending a page to the list.
import type { Contact } from '../../../preload/contract.ts';

/** A contact as the editor holds it: numbers may be blank while the user types. */
export function emptyContact(): Contact {
  return { id: null, name: '', company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'work', number: '' }] };
}

/** What `contacts:save` gets from the editor: trimmed, blank numbers dropped. */
export function contactToSave(draft: Contact): Contact {
  return {
    id: draft.id,
    name: draft.name.trim(),
    company: draft.company.trim(),
    email: draft.email.trim(),
    crmId: draft.crmId.trim(),
    notes: draft.notes,
    numbers: draft.numbers.map((n) => ({ label: n.label.trim(), number: n.number.trim() })).filter((n) => n.number !== ''),
  };
}

/** The labels offered for a number; any other text the user types is kept as is. */
export const NUMBER_LABELS = ['work', 'mobile', 'home', 'main', 'fax', 'pager', 'other'] as const;

/** A number label's catalog text, or the label itself when it is one of the user's own. */
export function numberLabel(t: (key: string) => string, label: string): string {
  const key = `contacts.labels.${label}`;
  const text = t(key);
  return text === key ? label : text;
}

/** The list with a further page appended; contacts already listed are not repeated. */
export function appendContacts(list: readonly Contact[], page: readonly Contact[]): Contact[] {
  const known = new Set(list.map((c) => c.id));
  return [...list, ...page.filter((c) => !known.has(c.id))];
}
