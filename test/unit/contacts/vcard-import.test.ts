// vCard files as a user would import them (iCloud 3.0, 4.0, an old phone's 2.1), the parts of
// the format they rely on, and every way a card is refused while the rest of the file imports.
import { describe, expect, it } from 'vitest';
import { Contact, ImportRowError } from '../../../preload/contract.ts';
import { draftToContact } from '../../../main/core/contacts/contact-draft.ts';
import { importVcard, type ContactImport } from '../../../main/core/contacts/contact-import.ts';
import { parseProperty } from '../../../main/core/contacts/vcard.ts';
import { ICLOUD_VCF, VCARD21_VCF, VCARD4_VCF } from './samples.ts';

function contacts(result: ContactImport): unknown[] {
  return result.drafts.map((d) => ({ row: d.row, ...d.contact }));
}

function checkInvariants(result: ContactImport): void {
  expect(result.drafts.length + result.skipped).toBe(result.total);
  for (const d of result.drafts) expect(Contact.safeParse(draftToContact(d)).success).toBe(true);
  for (const e of result.errors) expect(ImportRowError.safeParse(e).success).toBe(true);
}

const card = (...lines: string[]): string => ['BEGIN:VCARD', 'VERSION:3.0', ...lines, 'END:VCARD'].join('\r\n');
const file = (...parts: string[]): string => `${parts.join('\r\n')}\r\n`;

describe('vCard files as they come', () => {
  it('iCloud 3.0: grouped numbers with their X-ABLabel, escaped ORG, N without FN, folded lines, a photo', () => {
    const result = importVcard(ICLOUD_VCF);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(result.columns).toEqual([]);
    expect(contacts(result)).toEqual([
      {
        row: 1,
        name: 'Johnny Appleseed',
        company: 'Apple, Inc.',
        email: 'johnny@apple.example',
        crmId: '7A4E3F1B-0C2D-4E5F-8A9B-1C2D3E4F5A6B',
        notes: 'Met at WWDC\nLikes apples; green ones',
        numbers: [
          { label: 'mobile', number: '+1 (408) 555-0101' },
          { label: 'Hotline', number: '+1 (408) 555-0199' },
          { label: 'main', number: '+1 (408) 555-0102' },
          { label: 'fax', number: '+1 (408) 555-0103' },
        ],
      },
      {
        row: 2,
        name: 'Anna Marie Smith',
        company: '',
        email: '',
        crmId: '',
        notes: 'A very long note that Apple folds at seventy-five octets so that it continues on the next line with a leading space.',
        numbers: [{ label: 'home', number: '020 7946 0018' }],
      },
      { row: 3, name: 'Acme Plumbing', company: 'Acme Plumbing', email: '', crmId: '', notes: '', numbers: [{ label: 'work', number: '+1 555 0100' }] },
    ]);
  });

  it('4.0: tel: URIs with an extension, quoted TYPE lists, X-CRM-ID before UID, a CJK name', () => {
    const result = importVcard(VCARD4_VCF);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(contacts(result)).toEqual([
      {
        row: 1,
        name: 'Simon Perreault',
        company: 'Viagénie',
        email: 'simon.perreault@viagenie.ca',
        crmId: 'crm-8842',
        notes: 'Rappeler ^ lundi, 9h',
        numbers: [
          { label: 'work', number: '+1-418-656-9254 ext. 102' },
          { label: 'mobile', number: '+1-418-262-6501' },
        ],
      },
      { row: 2, name: '王小明', company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'mobile', number: '+86-138-0013-8000' }] },
    ]);
  });

  it('2.1: bare types, QUOTED-PRINTABLE in UTF-8 and ISO-8859-1, soft line breaks', () => {
    const result = importVcard(VCARD21_VCF);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(contacts(result)).toEqual([
      {
        row: 1,
        name: 'Jürgen Müller',
        company: '',
        email: '',
        crmId: '',
        notes: 'Grüße an die Familie',
        numbers: [
          { label: 'mobile', number: '+49 171 2345678' },
          { label: 'fax', number: '+49 30 1234568' },
        ],
      },
    ]);
  });

  it('builds the name from N when FN is missing or empty; UID is the CRM id without X-CRM-ID', () => {
    const result = importVcard(file(card('FN:', 'N:Doe;Jane;A.,B.;Dr.;', 'UID:crm-1'), card('N:李;娜;;;')));
    expect(result.drafts.map((d) => [d.contact.name, d.contact.crmId])).toEqual([
      ['Jane A. B. Doe', 'crm-1'],
      ['李娜', ''],
    ]);
  });

  it('takes the preferred e-mail, joins several notes, reads lower-case names and a BOM', () => {
    const text = `\uFEFF${file('begin:vcard', 'version:3.0', 'fn:Bo', 'email:a@x', 'email;pref=1:b@x', 'note:one', 'note:two', 'end:vcard')}`;
    expect(importVcard(text).drafts[0]?.contact).toMatchObject({ name: 'Bo', email: 'b@x', notes: 'one\ntwo' });
  });

  it('reads parameters with quoted colons and semicolons and RFC 6868 escapes', () => {
    expect(parseProperty('item3.TEL;X-NOTE="a:b;c";TYPE=WORK,VOICE;LABEL="line^nnext ^\'q^\'":+1 555')).toEqual({
      group: 'item3',
      name: 'TEL',
      params: new Map([
        ['X-NOTE', ['a:b;c']],
        ['TYPE', ['WORK', 'VOICE']],
        ['LABEL', ['line\nnext "q"']],
      ]),
      value: '+1 555',
    });
    expect(parseProperty('not a property')).toBeNull();
    expect(parseProperty('TEL;TYPE="work:555')).toBeNull();
  });
});

describe('vCard cards that cannot be imported', () => {
  it('a card without END:VCARD is malformed; the next card imports', () => {
    const result = importVcard(file('BEGIN:VCARD', 'VERSION:3.0', 'FN:Lost', 'TEL:1', card('FN:Found', 'TEL:2'), 'BEGIN:VCARD', 'FN:Cut off'));
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 1, code: 'malformed', text: 'VERSION:3.0 | FN:Lost | TEL:1' },
      { row: 3, code: 'malformed', text: 'FN:Cut off' },
    ]);
    expect(contacts(result)).toMatchObject([{ row: 2, name: 'Found' }]);
    expect(result).toMatchObject({ total: 3, skipped: 2 });
  });

  it('text between cards is reported as one unreadable item; the cards around it import', () => {
    const result = importVcard(file(card('FN:One'), '', 'Sent from my phone', 'END:VCARD', '', card('FN:Two')));
    checkInvariants(result);
    expect(result.errors).toEqual([{ row: 2, code: 'malformed', text: 'Sent from my phone | END:VCARD' }]);
    expect(contacts(result)).toMatchObject([
      { row: 1, name: 'One' },
      { row: 3, name: 'Two' },
    ]);
  });

  it('a line that is no property is reported; its card imports what it could read', () => {
    const result = importVcard(file(card('FN:Bob', 'this line is broken', 'TEL WORK:555', 'TEL:555 0100')));
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 1, code: 'malformed', text: 'this line is broken' },
      { row: 1, code: 'malformed', text: 'TEL WORK:555' },
    ]);
    expect(contacts(result)).toMatchObject([{ row: 1, name: 'Bob', numbers: [{ number: '555 0100' }] }]);
  });

  it('2.1 base64 data on unindented lines is no error', () => {
    const result = importVcard(file('BEGIN:VCARD', 'VERSION:2.1', 'FN:Pic', 'PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ', 'SkZJRgABAQ', 'AAAQABAAD', '', 'TEL:1', 'END:VCARD'));
    expect(result.errors).toEqual([]);
    expect(result.drafts[0]?.contact.numbers).toEqual([{ label: 'other', number: '1' }]);
  });

  it('no FN, N or ORG: no-name; ORG alone names the contact', () => {
    const result = importVcard(file(card('TEL:555 0100', 'EMAIL:x@y'), card('ORG:;Dept', 'TEL:1')));
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 1, code: 'no-name', text: 'VERSION:3.0 | TEL:555 0100 | EMAIL:x@y' },
      { row: 2, code: 'no-name', text: 'VERSION:3.0 | ORG:;Dept | TEL:1' },
    ]);
  });

  it('too-long values and non-numbers are reported like CSV rows', () => {
    const result = importVcard(file(card(`FN:${'x'.repeat(513)}`, 'TEL:1'), card('FN:Ok', 'TEL;TYPE=cell:unknown', 'TEL:2')));
    checkInvariants(result);
    expect(result.errors.map((e) => [e.row, e.code, e.text.slice(0, 8)])).toEqual([
      [1, 'too-long', 'FN: xxxx'],
      [2, 'invalid-number', 'TEL: unk'],
    ]);
    expect(result.drafts[0]?.contact.numbers).toEqual([{ label: 'other', number: '2' }]);
  });

  it('a file with no card at all: no-cards; an empty one: empty', () => {
    expect(importVcard('Name,Phone\nBob,1\n')).toMatchObject({ problem: 'no-cards', drafts: [], errors: [], total: 1 });
    expect(importVcard('\r\n\r\n').problem).toBe('empty');
  });
});
