// The CSV reader on its own: RFC 4180 and the ways real exports differ from it.
import { describe, expect, it } from 'vitest';
import { readCsv, sniffDelimiter, type CsvItem } from '../../../main/core/contacts/csv.ts';

function records(text: string): [number, string[]][] {
  return readCsv(text).items.map((i) => (i.kind === 'record' ? [i.line, i.fields] : [i.line, ['MALFORMED', i.text]]));
}

describe('csv reader', () => {
  it('reads quoted fields, "" escapes and delimiters inside quotes', () => {
    expect(records('a,"b,c","say ""hi""",""\r\n')).toEqual([[1, ['a', 'b,c', 'say "hi"', '']]]);
  });

  it('accepts LF, CRLF and CR line ends, and counts lines for each', () => {
    expect(records('a\nb\r\nc\rd')).toEqual([
      [1, ['a']],
      [2, ['b']],
      [3, ['c']],
      [4, ['d']],
    ]);
  });

  it('keeps line breaks inside quotes and reports the line each record starts on', () => {
    expect(records('h1,h2\r\n"x","line 1\r\nline 2\nline 3"\r\nnext,row\r\n')).toEqual([
      [1, ['h1', 'h2']],
      [2, ['x', 'line 1\r\nline 2\nline 3']],
      [5, ['next', 'row']],
    ]);
  });

  it('drops a UTF-8 BOM, skips blank and trailing empty lines, keeps empty last fields', () => {
    expect(records('\uFEFFname,phone\n\n\nBob,\n,\n\n\n')).toEqual([
      [1, ['name', 'phone']],
      [4, ['Bob', '']],
      [5, ['', '']],
    ]);
    expect(records('a,b,')).toEqual([[1, ['a', 'b', '']]]);
  });

  it('allows spaces around quoted fields and literal quotes inside unquoted ones', () => {
    expect(records('a, "b" ,c\n5" screen,x')).toEqual([
      [1, ['a', 'b', 'c']],
      [2, ['5" screen', 'x']],
    ]);
  });

  it('sniffs the delimiter from the header line only', () => {
    expect(sniffDelimiter('Vorname;Nachname;Firma\nA,B;C;D')).toBe(';');
    expect(sniffDelimiter('\uFEFFname\tphone\tcompany\n')).toBe('\t');
    expect(sniffDelimiter('"a;b",c\n')).toBe(',');
    expect(sniffDelimiter('name\n1;2;3;4')).toBe(',');
    expect(sniffDelimiter('\n\nname;phone\n')).toBe(';');
    expect(records('x;"y;z"\n1;2')).toEqual([
      [1, ['x', 'y;z']],
      [2, ['1', '2']],
    ]);
    expect(records('x\t"y\tz"\n1\t2')).toEqual([
      [1, ['x', 'y\tz']],
      [2, ['1', '2']],
    ]);
  });

  it('reports a record whose quotes do not balance and reads on from its next line', () => {
    const items: CsvItem[] = readCsv('name,phone\nBob,"555 0100\nAlice,555 0101\nCarol,555 0102\n').items;
    expect(items).toEqual([
      { kind: 'record', line: 1, fields: ['name', 'phone'] },
      { kind: 'malformed', line: 2, text: 'Bob,"555 0100' },
      { kind: 'record', line: 3, fields: ['Alice', '555 0101'] },
      { kind: 'record', line: 4, fields: ['Carol', '555 0102'] },
    ]);
  });

  it('reports text after a closing quote, so a stray quote never joins rows', () => {
    expect(records('a\n"Bob" Smith,1\nok,2\n"x,\ny",3\n"broken,4\nlast,5"x\nend,6')).toEqual([
      [1, ['a']],
      [2, ['MALFORMED', '"Bob" Smith,1']],
      [3, ['ok', '2']],
      [4, ['x,\ny', '3']],
      [6, ['MALFORMED', '"broken,4']],
      // Read again from its own line, a quote inside an unquoted field is just a character.
      [7, ['last', '5"x']],
      [8, ['end', '6']],
    ]);
  });

  it('reads a file that is one unclosed quote in linear time', () => {
    const text = `"${'x,y\n'.repeat(50_000)}`;
    const started = performance.now();
    const items = readCsv(text).items;
    expect(items).toHaveLength(50_000);
    expect(items[0]?.kind).toBe('malformed');
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
