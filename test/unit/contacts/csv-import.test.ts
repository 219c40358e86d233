// CSV files as a user would import them: what each export becomes, which column fills which field,
// and every way a row can be refused (each with its line, a code and the text at fault).
import { describe, expect, it } from 'vitest';
import { Contact, ImportRowError } from '../../../preload/contract.ts';
import { draftToContact } from '../../../main/core/contacts/contact-draft.ts';
import { detectFormat, importCsv, parseContactsFile, type ContactImport } from '../../../main/core/contacts/contact-import.ts';
import { CHINESE_CSV, FRENCH_CSV, GERMAN_CSV, GOOGLE_CSV_NEW, GOOGLE_CSV_OLD, ICLOUD_VCF, OUTLOOK_CSV } from './samples.ts';

function contacts(result: ContactImport): unknown[] {
  return result.drafts.map((d) => ({ row: d.row, ...d.contact }));
}

/** What holds for every import: the contract's schemas, and every row accounted for. */
function checkInvariants(result: ContactImport): void {
  expect(result.drafts.length + result.skipped).toBe(result.total);
  for (const d of result.drafts) expect(Contact.safeParse(draftToContact(d)).success).toBe(true);
  for (const e of result.errors) expect(ImportRowError.safeParse(e).success).toBe(true);
  const draftRows = new Set(result.drafts.map((d) => d.row));
  const errorRows = new Set(result.errors.map((e) => e.row));
  const skippedRows = [...errorRows].filter((r) => !draftRows.has(r));
  if (result.problem === null) expect(skippedRows).toHaveLength(result.skipped);
}

const csvOf = (lines: string[]): string => lines.join('\n');

describe('CSV exports as they come', () => {
  it('Outlook: first/middle/last, every phone column with its label, the first e-mail, multi-line notes', () => {
    const result = importCsv(OUTLOOK_CSV);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(result.total).toBe(3);
    expect(contacts(result)).toEqual([
      {
        row: 2,
        name: 'John Q Public',
        company: 'Contoso Ltd.',
        email: 'john@contoso.com',
        crmId: '',
        notes: 'Prefers calls after 10.\nSpeaks Spanish.',
        numbers: [
          { label: 'fax', number: '+1 (425) 555-0199' },
          { label: 'work', number: '+1 (425) 555-0100' },
          { label: 'work', number: '+1 (425) 555-0101' },
          { label: 'mobile', number: '+1 (425) 555-0123' },
        ],
      },
      // Only a company: the company is the name.
      { row: 4, name: 'Fabrikam Inc.', company: 'Fabrikam Inc.', email: 'info@fabrikam.example', crmId: '', notes: '', numbers: [{ label: 'main', number: '+44 20 7946 0000' }] },
      { row: 5, name: 'Ana Ruiz', company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'home', number: '+34 91 123 45 67' }] },
    ]);
    const fields = Object.fromEntries(result.columns.map((c) => [c.header, c.field]));
    expect(fields).toMatchObject({
      Title: '',
      'First Name': 'first-name',
      'Job Title': '',
      "Assistant's Phone": 'number-other',
      'Business Phone 2': 'number-work',
      'Company Main Phone': 'number-main',
      'Primary Phone': 'number-main',
      'TTY/TDD Phone': 'number-other',
      Telex: '',
      Account: '',
      'E-mail Address': 'email',
      'E-mail Type': '',
      'E-mail Display Name': '',
      'E-mail 2 Address': 'email',
      Notes: 'notes',
    });
  });

  it('Google (old headers): paired Type/Value columns, " ::: " multi-values, "* " primary marks', () => {
    const result = importCsv(GOOGLE_CSV_OLD);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(result.withoutNumber).toBe(1);
    expect(contacts(result)).toEqual([
      {
        row: 2,
        name: 'Li Wei',
        company: 'Example Co',
        email: 'li.wei@example.cn',
        crmId: '',
        notes: '',
        numbers: [
          { label: 'mobile', number: '+86 138 0013 8000' },
          { label: 'mobile', number: '+86 139 0013 9000' },
          { label: 'work', number: '+86 10 6552 9988' },
        ],
      },
      { row: 3, name: 'Jane Roe', company: '', email: '', crmId: '', notes: 'Met at the fair, 2023', numbers: [{ label: 'home', number: '(555) 010-4477' }] },
      // No number: imported all the same (found by name, numbers added later), and counted.
      { row: 4, name: 'Nobody Here', company: '', email: 'nobody@example.com', crmId: '', notes: '', numbers: [] },
    ]);
    const fields = Object.fromEntries(result.columns.map((c) => [c.header, c.field]));
    expect(fields).toMatchObject({
      Name: 'name',
      'Given Name': 'first-name',
      'Additional Name': 'middle-name',
      'Family Name': 'last-name',
      'Given Name Yomi': '',
      'E-mail 1 - Type': '',
      'E-mail 1 - Value': 'email',
      'Phone 1 - Type': 'number-label',
      'Phone 1 - Value': 'number',
      'Organization 1 - Name': 'company',
      'Organization 1 - Title': '',
    });
  });

  it('Google (new headers): "Label" columns, custom labels kept', () => {
    const result = importCsv(GOOGLE_CSV_NEW);
    checkInvariants(result);
    expect(contacts(result)).toEqual([
      {
        row: 2,
        name: 'Sam Okafor',
        company: 'Okafor & Sons',
        email: 'sam@okafor.example',
        crmId: '',
        notes: '',
        numbers: [
          { label: 'fax', number: '+234 1 555 0100' },
          { label: 'Hotline', number: '+234 1 555 0199' },
        ],
      },
    ]);
  });

  it('German Outlook/Excel: semicolons, umlauts in headers, Kundennummer as the CRM id', () => {
    const result = importCsv(GERMAN_CSV);
    checkInvariants(result);
    expect(result.errors).toEqual([]);
    expect(contacts(result)).toEqual([
      {
        row: 2,
        name: 'Jürgen Müller',
        company: 'Müller & Söhne GmbH',
        email: 'juergen@mueller.example',
        crmId: 'K-4711',
        notes: 'Rückruf; bitte vormittags',
        numbers: [
          { label: 'work', number: '+49 30 1234567' },
          { label: 'fax', number: '+49 30 1234568' },
          { label: 'mobile', number: '0171 2345678' },
        ],
      },
      {
        row: 3,
        name: 'Änne Schröder',
        company: '',
        email: '',
        crmId: '',
        notes: '',
        numbers: [
          { label: 'mobile', number: '0160 9876543' },
          { label: 'home', number: '030 555 12' },
        ],
      },
    ]);
    expect(result.columns.map((c) => c.field)).toEqual([
      '', 'first-name', 'middle-name', 'last-name', 'company', '', '', '', 'number-work', 'number-fax', 'number-mobile', 'number-home', 'email', 'notes', 'crm-id',
    ]);
  });

  it('French and Chinese headers', () => {
    const french = importCsv(FRENCH_CSV);
    checkInvariants(french);
    expect(contacts(french)).toEqual([
      {
        row: 2,
        name: 'Élodie Lefèvre',
        company: 'Société Générale de Test',
        email: 'elodie@example.fr',
        crmId: '',
        notes: 'Cliente fidèle',
        numbers: [
          { label: 'other', number: '01 23 45 67 89' },
          { label: 'mobile', number: '06 12 34 56 78' },
        ],
      },
    ]);
    const chinese = importCsv(CHINESE_CSV);
    checkInvariants(chinese);
    expect(chinese.columns.map((c) => c.field)).toEqual(['name', 'company', 'number-other', 'number-mobile', 'email', 'notes', 'crm-id']);
    expect(contacts(chinese)).toEqual([
      {
        row: 2,
        name: '张伟',
        company: '北京示例科技有限公司',
        email: 'zhangwei@example.cn',
        crmId: 'CRM-001',
        notes: '重要客户',
        numbers: [
          { label: 'other', number: '010-6552 9988' },
          { label: 'mobile', number: '138 0013 8000' },
        ],
      },
      { row: 3, name: '王芳', company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'mobile', number: '+86 139 0013 9000' }] },
    ]);
  });

  it('builds Chinese names family name first, without a space', () => {
    const result = importCsv(csvOf(['姓,名,手机', '王,小明,13800138000', 'Smith,John,555 0100']));
    expect(result.drafts.map((d) => d.contact.name)).toEqual(['王小明', 'John Smith']);
  });

  it('matches headers without case, spaces, punctuation or accents', () => {
    const result = importCsv(csvOf(['  FULL_NAME , mobile-phone,E-MAIL ADDRESS,crm id,Telefon Geschaftlich', 'A,1,a@x,9,2']));
    expect(result.columns.map((c) => c.field)).toEqual(['name', 'number-mobile', 'email', 'crm-id', 'number-work']);
    expect(result.drafts[0]?.contact).toMatchObject({ name: 'A', email: 'a@x', crmId: '9' });
    const outlookFr = importCsv(csvOf(['Prénom;Deuxième prénom;Nom;Téléphone (bureau);Téléphone (bureau 2);Tél. mobile;Télécopie (bureau);Téléphone (domicile)', 'a;b;c;1;2;3;4;5']));
    expect(outlookFr.columns.map((c) => c.field)).toEqual(['first-name', 'middle-name', 'last-name', 'number-work', 'number-work', 'number-mobile', 'number-fax', 'number-home']);
  });
});

describe('CSV rows that cannot be imported', () => {
  it('no name and no company: no-name, with the row text', () => {
    const result = importCsv(csvOf(['Name,Company,Phone,Email', 'Bob,,555 0100,', ',,555 0101,who@example.com', 'Carol,,555 0102,']));
    checkInvariants(result);
    expect(result.errors).toEqual([{ row: 3, code: 'no-name', text: ',,555 0101,who@example.com' }]);
    expect(result.drafts.map((d) => d.row)).toEqual([2, 4]);
    expect(result).toMatchObject({ total: 3, skipped: 1 });
  });

  it('a value over its limit: too-long, the row skipped rather than cut', () => {
    const long = (n: number): string => 'x'.repeat(n);
    const numbers = Array.from({ length: 33 }, (_, i) => `555 01${String(i).padStart(2, '0')}`);
    const result = importCsv(
      csvOf([
        `Name,Company,Email,CRM ID,Notes,Phone 1 - Type,Phone 1 - Value`,
        `${long(513)},,,,,,555 0100`,
        `Ann,${long(513)},,,,,555 0100`,
        `Ann,,${long(513)}@x,,,,555 0100`,
        `Ann,,,${long(257)},,,555 0100`,
        `Ann,,,,${long(10_001)},,555 0100`,
        `Ann,,,,,${long(65)},555 0100`,
        `Ann,,,,,,5${long(256)}`,
        `Ann,,,,,,${numbers.join(' ::: ')}`,
        `Ann,,,,${long(10_000)},${long(64)},555 0100`,
      ]),
    );
    checkInvariants(result);
    expect(result.errors.map((e) => [e.row, e.code, e.text.slice(0, 18)])).toEqual([
      [2, 'too-long', 'Name: xxxxxxxxxxxx'],
      [3, 'too-long', 'Company: xxxxxxxxx'],
      [4, 'too-long', 'Email: xxxxxxxxxxx'],
      [5, 'too-long', 'CRM ID: xxxxxxxxxx'],
      [6, 'too-long', 'Notes: xxxxxxxxxxx'],
      [7, 'too-long', 'Phone 1 - Value: x'],
      [8, 'too-long', 'Phone 1 - Value: 5'],
      [9, 'too-long', '33 numbers: 555 01'],
    ]);
    expect(result.errors.every((e) => e.text.length <= 200)).toBe(true);
    // Exactly at the limits is fine.
    expect(result.drafts.map((d) => d.row)).toEqual([10]);
  });

  it('a phone cell without a number: invalid-number, and the contact imports without it', () => {
    const result = importCsv(csvOf(['Name,Mobile,Phone', 'Bob,n/a,555 0100', 'Eve,-,', 'Sip,,sip:desk@pbx.example']));
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 2, code: 'invalid-number', text: 'Mobile: n/a' },
      { row: 3, code: 'invalid-number', text: 'Mobile: -' },
    ]);
    expect(contacts(result)).toMatchObject([
      { row: 2, numbers: [{ label: 'other', number: '555 0100' }] },
      { row: 3, numbers: [] },
      { row: 4, numbers: [{ label: 'other', number: 'sip:desk@pbx.example' }] },
    ]);
    expect(result.withoutNumber).toBe(1);
  });

  it('with requireNumber, a contact without a usable number is no-number and skipped', () => {
    const text = csvOf(['Name,Phone', 'Bob,555 0100', 'Eve,', 'Mallory,none']);
    const result = importCsv(text, { requireNumber: true });
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 3, code: 'no-number', text: 'Eve,' },
      { row: 4, code: 'invalid-number', text: 'Phone: none' },
      { row: 4, code: 'no-number', text: 'Mallory,none' },
    ]);
    expect(result).toMatchObject({ total: 3, skipped: 2 });
    expect(importCsv(text).drafts).toHaveLength(3);
  });

  it('unbalanced quotes: that record is malformed, every later row still imports', () => {
    const result = importCsv(csvOf(['Name,Phone', 'Bob,"555 0100', 'Alice,555 0101', '"Carol" Smith,555 0102', 'Dan,555 0103']));
    checkInvariants(result);
    expect(result.errors).toEqual([
      { row: 2, code: 'malformed', text: 'Bob,"555 0100' },
      { row: 4, code: 'malformed', text: '"Carol" Smith,555 0102' },
    ]);
    expect(result.drafts.map((d) => d.contact.name)).toEqual(['Alice', 'Dan']);
  });

  it('text in cells beyond the header: malformed (an unquoted comma shifted the columns)', () => {
    const result = importCsv(csvOf(['Name,Phone', 'Smith, John,555 0100', 'Ann,555 0101,,', 'Bo']));
    checkInvariants(result);
    expect(result.errors).toEqual([{ row: 2, code: 'malformed', text: 'Smith, John,555 0100' }]);
    // Missing cells at the end are empty; empty extra cells are harmless.
    expect(result.drafts.map((d) => d.contact.name)).toEqual(['Ann', 'Bo']);
  });

  it('blank rows and rows of empty cells are no rows', () => {
    const result = importCsv('Name,Phone\r\n\r\n,\r\n  ,  \r\nBob,1\r\n\r\n\r\n');
    expect(result).toMatchObject({ total: 1, skipped: 0, errors: [] });
    expect(result.drafts[0]?.row).toBe(5);
  });

  it('cells defused against spreadsheet formulas lose their apostrophe; others keep it', () => {
    const result = importCsv(csvOf(['Name,Phone,Notes', "'=Bob,'+1 555 0100,'-note", "O'Brien,'555,'hello"]));
    expect(contacts(result)).toEqual([
      { row: 2, name: '=Bob', company: '', email: '', crmId: '', notes: '-note', numbers: [{ label: 'other', number: '+1 555 0100' }] },
      { row: 3, name: "O'Brien", company: '', email: '', crmId: '', notes: "'hello", numbers: [{ label: 'other', number: "'555" }] },
    ]);
  });

  it('removes hidden characters from one-line fields; notes keep their line breaks', () => {
    const result = importCsv(csvOf(['Name,Notes', '"Bob\u202E\u0007 Smith","a\r\nb\u0000\tc"']));
    expect(result.drafts[0]?.contact).toMatchObject({ name: 'Bob Smith', notes: 'a\nb\tc' });
  });
});

describe('CSV files that cannot be imported at all', () => {
  it('a header we cannot map (or no header): one problem, no row errors', () => {
    const result = importCsv(csvOf(['Bob Smith,555 0100', 'Ann Lee,555 0101', 'Carl,"broken']));
    expect(result).toMatchObject({ problem: 'no-columns', drafts: [], errors: [], total: 2, skipped: 2 });
    expect(result.columns).toEqual([
      { header: 'Bob Smith', field: '' },
      { header: '555 0100', field: '' },
    ]);
    // Numbers alone cannot name anyone either.
    expect(importCsv(csvOf(['Phone,Email', '1,a@b'])).problem).toBe('no-columns');
  });

  it('an empty file, or one of blank lines: empty', () => {
    expect(importCsv('').problem).toBe('empty');
    expect(importCsv('\uFEFF\r\n \r\n').problem).toBe('empty');
  });

  it('a header and nothing else: no problem, no rows', () => {
    expect(importCsv('Name,Phone\r\n')).toMatchObject({ problem: null, total: 0, drafts: [], errors: [] });
  });
});

describe('format', () => {
  it('detects vCard from its first line, CSV otherwise', () => {
    expect(detectFormat(ICLOUD_VCF)).toBe('vcard');
    expect(detectFormat('\uFEFF\r\n  begin:vcard\r\n')).toBe('vcard');
    expect(detectFormat(OUTLOOK_CSV)).toBe('csv');
    expect(detectFormat('Name,Notes\nBob,BEGIN:VCARD')).toBe('csv');
  });

  it('parseContactsFile reads the format it is given', () => {
    expect(parseContactsFile('csv', GOOGLE_CSV_NEW).drafts).toHaveLength(1);
    expect(parseContactsFile('vcard', ICLOUD_VCF).drafts).toHaveLength(3);
    expect(parseContactsFile('csv', ICLOUD_VCF).problem).toBe('no-columns');
  });
});
