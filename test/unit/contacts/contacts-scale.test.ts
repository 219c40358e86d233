// Big files: 100,000 CSV rows and 100,000 vCards. The times are printed for comparison between
// machines, not asserted; anything quadratic would run into the test's timeout.
import { describe, expect, it } from 'vitest';
import { exportContactsCsv } from '../../../main/core/contacts/contact-export.ts';
import { importCsv, importVcard } from '../../../main/core/contacts/contact-import.ts';

const ROWS = 100_000;

function bigCsv(): string {
  const lines = ['First Name,Last Name,Company,E-mail Address,Mobile Phone,Business Phone,Notes'];
  for (let i = 0; i < ROWS; i++) {
    const notes = i % 10 === 0 ? `"Called on ${i % 28}.03., said ""later"",\nfollow up"` : '';
    lines.push(`Name${i},Family${i % 977},"Company ${i % 313}, Inc.",person${i}@example.com,+1 555 ${String(i % 10_000).padStart(4, '0')},+1 (425) 555-${String(i % 9000).padStart(4, '0')},${notes}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function bigVcard(): string {
  const cards: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    cards.push(`BEGIN:VCARD\r\nVERSION:3.0\r\nN:Family${i};Name${i};;;\r\nFN:Name${i} Family${i}\r\nORG:Company ${i % 313}\\, Inc.;\r\nTEL;type=CELL:+1 555 ${i % 10_000}\r\nitem1.TEL:+1 425 555 ${i % 9000}\r\nitem1.X-ABLabel:_$!<Work>!$_\r\nEMAIL;type=INTERNET:p${i}@example.com\r\nEND:VCARD\r\n`);
  }
  return cards.join('');
}

function timed<T>(what: string, bytes: number, run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  console.log(`${what}: ${ms.toFixed(0)} ms for ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  return result;
}

describe('big contact files', () => {
  it('100,000 CSV rows', { timeout: 30_000 }, () => {
    const text = bigCsv();
    const result = timed(`CSV import, ${ROWS} rows`, text.length, () => importCsv(text));
    expect(result.drafts).toHaveLength(ROWS);
    expect(result.errors).toEqual([]);
    expect(result.drafts[10]?.contact.notes).toBe('Called on 10.03., said "later",\nfollow up');
    // The row of a record after multi-line notes is the line it starts on.
    expect(result.drafts[11]?.row).toBe(15);

    const csv = timed(`CSV export, ${ROWS} contacts`, text.length, () => exportContactsCsv(result.drafts.map((d) => d.contact)));
    const again = importCsv(csv).drafts;
    expect(again).toHaveLength(ROWS);
    for (const i of [0, 10, 11, 54_321, ROWS - 1]) expect(again[i]?.contact).toEqual(result.drafts[i]?.contact);
  });

  it('100,000 vCards', { timeout: 30_000 }, () => {
    const text = bigVcard();
    const result = timed(`vCard import, ${ROWS} cards`, text.length, () => importVcard(text));
    expect(result.drafts).toHaveLength(ROWS);
    expect(result.errors).toEqual([]);
    expect(result.drafts[5]?.contact).toEqual({
      name: 'Name5 Family5',
      company: 'Company 5, Inc.',
      email: 'p5@example.com',
      crmId: '',
      notes: '',
      numbers: [
        { label: 'mobile', number: '+1 555 5' },
        { label: 'work', number: '+1 425 555 5' },
      ],
    });
  });
});
