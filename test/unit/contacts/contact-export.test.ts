// The CSV export: what Excel gets (BOM, CRLF, quoting, formulas defused) and that importing the
// export gives back the same contacts.
import { describe, expect, it } from 'vitest';
import type { Contact } from '../../../preload/contract.ts';
import { contactsCsvFileName, csvCell, exportContactsCsv } from '../../../main/core/contacts/contact-export.ts';
import { importCsv } from '../../../main/core/contacts/contact-import.ts';
import { readCsv } from '../../../main/core/contacts/csv.ts';

const CONTACTS: Contact[] = [
  {
    id: 1,
    name: 'John Public',
    company: 'Contoso, Ltd.',
    email: 'john@contoso.com',
    crmId: 'ACC-1',
    notes: 'Says "hi".\nCall after 10; not Fridays.',
    numbers: [
      { label: 'work', number: '+1 (425) 555-0100' },
      { label: 'mobile', number: '+1 425 555 0123' },
      { label: 'Hotline', number: '0800 123 456' },
    ],
  },
  { id: 2, name: '张伟', company: '北京示例科技有限公司', email: '', crmId: '', notes: '重要客户', numbers: [{ label: 'mobile', number: '138 0013 8000' }] },
  { id: 3, name: '=HYPERLINK("http://evil.example","click")', company: '@SUM(A1)', email: '-2+3', crmId: '+cmd', notes: '\tindented', numbers: [] },
  { id: 4, name: "'=already quoted", company: "O'Brien & Co", email: '', crmId: '', notes: '', numbers: [{ label: 'fax', number: '-5550100' }] },
  { id: 5, name: 'Ünal', company: '', email: '', crmId: '', notes: 'line one\nline two\n\ttabbed', numbers: [{ label: 'other', number: 'sip:desk@pbx.example' }] },
];

describe('contacts export', () => {
  it('starts with a BOM, uses CRLF, and has a Phone N - Type/Value pair per number of the fullest contact', () => {
    const csv = exportContactsCsv(CONTACTS);
    expect(csv.startsWith('\uFEFFName,Company,E-mail Address,CRM ID,Notes,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,Phone 3 - Value\r\n')).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(exportContactsCsv([])).toBe('\uFEFFName,Company,E-mail Address,CRM ID,Notes,Phone 1 - Type,Phone 1 - Value\r\n');
  });

  it('quotes per RFC 4180 and defuses formulas with an apostrophe', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1`).startsWith(`'${start}`) || csvCell(`${start}1`).startsWith(`"'${start}`)).toBe(true);
    expect(csvCell('=1+2')).toBe("'=1+2");
    expect(csvCell('\r1')).toBe(`"'\r1"`);
    expect(csvCell("'=x")).toBe("''=x");
    expect(csvCell("'plain")).toBe("'plain");

    const rows = readCsv(exportContactsCsv(CONTACTS)).items.map((i) => (i.kind === 'record' ? i.fields : []));
    expect(rows[3]?.slice(0, 5)).toEqual([`'=HYPERLINK("http://evil.example","click")`, "'@SUM(A1)", "'-2+3", "'+cmd", "'\tindented"]);
    expect(rows[1]?.[6]).toBe("'+1 (425) 555-0100");
    // No cell of the file starts a formula.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('round trip: importing the export gives the same contacts', () => {
    const result = importCsv(exportContactsCsv(CONTACTS));
    expect(result.errors).toEqual([]);
    expect(result.drafts.map((d) => d.contact)).toEqual(CONTACTS.map(({ id: _id, ...rest }) => rest));
    expect(result.drafts.map((d) => d.row)).toEqual([2, 4, 5, 6, 7]);
  });

  it('names the file by the local date', () => {
    expect(contactsCsvFileName(new Date(2025, 2, 4, 23, 59).getTime())).toBe('contacts-2025-03-04.csv');
  });
});
