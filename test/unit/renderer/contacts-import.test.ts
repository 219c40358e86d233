// Contacts in the renderer: a file's text goes to main in chunks of at most 128 KiB of UTF-8, cut
// only between characters; its format and encoding are recognised; the import runs through
// begin, chunks, preview, import (with progress) or cancel; the list pages and edits.
import { beforeAll, describe, expect, it } from 'vitest';
import { ImportRowError, Locale, type Contact } from '../../../preload/contract.ts';
import { catalogs } from '../../../renderer/src/i18n/catalog.ts';
import { CHUNK_BYTES, decodeFile, detectFormat, MAX_IMPORT_BYTES, utf8Chunks } from '../../../renderer/src/lib/contacts-import.ts';
import { appendContacts, contactToSave } from '../../../renderer/src/lib/contacts.ts';
import type { ContactsState as ContactsStateType } from '../../../renderer/src/state/contacts-state.svelte.ts';
import { fakeApi, importRuneModule, manualTimers, ok, settle } from './history-support.ts';

let ContactsState: typeof ContactsStateType;

beforeAll(async () => {
  const mod = (await importRuneModule('renderer/src/state/contacts-state.svelte.ts')) as { ContactsState: typeof ContactsStateType };
  ContactsState = mod.ContactsState;
});

const bytes = (s: string): number => new TextEncoder().encode(s).length;

describe('chunks of UTF-8', () => {
  it('cuts at most maxBytes per chunk, never inside a character, and loses nothing', () => {
    // ASCII, 2-byte, 3-byte (Han) and 4-byte (emoji, a surrogate pair in JS) characters.
    const text = 'Name,Company\r\n' + 'Zoë,Müller GmbH,张伟,😀📞\n'.repeat(500);
    for (const max of [4, 5, 7, 64, 1000]) {
      const { size, chunks } = utf8Chunks(text, max);
      expect(size).toBe(bytes(text));
      expect(chunks.join('')).toBe(text);
      for (const c of chunks) {
        expect(bytes(c)).toBeLessThanOrEqual(max);
        expect(bytes(c)).toBeGreaterThan(0);
        // No chunk starts or ends inside a surrogate pair.
        expect(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/.test(c)).toBe(false);
      }
    }
  });

  it('uses the contract limit by default and keeps every chunk within the schema', () => {
    const text = '张'.repeat(100_000); // 300,000 bytes
    const { chunks } = utf8Chunks(text);
    expect(chunks.length).toBe(3);
    for (const c of chunks) {
      expect(bytes(c)).toBeLessThanOrEqual(CHUNK_BYTES);
      expect(c.length).toBeLessThanOrEqual(131_072);
    }
    expect(utf8Chunks('').chunks).toEqual([]);
  });

  it('keeps a U+FEFF that happens to start a chunk', () => {
    const text = 'abc\uFEFFd';
    const { chunks } = utf8Chunks(text, 4);
    expect(chunks).toEqual(['abc', '\uFEFFd']);
  });
});

describe('reading a file', () => {
  it('knows the format by extension, else by content', () => {
    expect(detectFormat('export.VCF', '')).toBe('vcard');
    expect(detectFormat('people.csv', 'BEGIN:VCARD')).toBe('csv');
    expect(detectFormat('contacts', '\uFEFF  BEGIN:VCARD\r\nVERSION:3.0')).toBe('vcard');
    expect(detectFormat('contacts', 'Name,Phone')).toBe('csv');
  });

  it('reads UTF-8, and the legacy code page of the UI language when the file is not UTF-8', () => {
    expect(decodeFile(new TextEncoder().encode('\uFEFFZoë'), 'en')).toEqual({ text: 'Zoë', encoding: 'utf-8' });
    // "Zoë" in Windows-1252 (ë = 0xEB) and "张伟" in GB18030.
    expect(decodeFile(new Uint8Array([0x5a, 0x6f, 0xeb]), 'en')).toEqual({ text: 'Zoë', encoding: 'windows-1252' });
    expect(decodeFile(new Uint8Array([0xd5, 0xc5, 0xce, 0xb0]), 'zh-CN')).toEqual({ text: '张伟', encoding: 'gb18030' });
  });

  it('has text for every row error code in both languages', () => {
    for (const locale of Locale.options) {
      for (const code of ImportRowError.shape.code.options) expect(catalogs[locale][`contacts.import.codes.${code}`], `${locale} ${code}`).toBeTruthy();
    }
  });
});

describe('the import flow', () => {
  const preview = { importId: 'imp-9', total: 3, sample: [], columns: [{ header: 'Name', field: 'name' }], errors: [{ row: 3, code: 'no-number' as const, text: 'Bob,,' }], moreErrors: 0 };

  it('sends the text in chunks, previews, imports with progress, and reloads the list', async () => {
    const fake = fakeApi((command) => {
      switch (command) {
        case 'contacts:importBegin':
          return ok({ importId: 'imp-9' });
        case 'contacts:importPreview':
          return ok(preview);
        case 'contacts:import':
          return ok({ imported: 2, skipped: 1, errors: preview.errors, moreErrors: 0 });
        case 'contacts:query':
          return ok({ contacts: [], hasMore: false });
        default:
          return ok(null);
      }
    });
    const state = new ContactsState(fake.api);
    const text = 'Name,Phone\n' + 'Zoë Müller,+49 30 1234567\n'.repeat(12_000); // ~330 KB
    const file = new TextEncoder().encode(text);
    expect(await state.import.start('people.csv', file, 'en')).toBe(true);
    expect(fake.calls('contacts:importBegin')).toEqual([{ format: 'csv', size: file.length }]);
    const chunks = fake.calls('contacts:importChunk');
    expect(chunks.length).toBe(Math.ceil(file.length / CHUNK_BYTES));
    expect(chunks.every((c) => c.importId === 'imp-9' && bytes(c.text) <= CHUNK_BYTES)).toBe(true);
    expect(chunks.map((c) => c.text).join('')).toBe(text);
    expect(state.import.phase).toBe('preview');
    expect(state.import.preview?.errors).toEqual(preview.errors);

    const going = state.import.go();
    expect(state.import.phase).toBe('importing');
    state.import.onProgress({ importId: 'other', done: 99, total: 99 });
    state.import.onProgress({ importId: 'imp-9', done: 1, total: 3 });
    expect(state.import.progress).toEqual({ done: 1, total: 3 });
    expect(await going).toBe(true);
    expect(state.import.phase).toBe('done');
    expect(state.import.result?.imported).toBe(2);
    await settle();
    expect(fake.calls('contacts:query')).toHaveLength(1);
  });

  it('cancels at any step, and main forgets the file', async () => {
    let release: (() => void) | undefined;
    const fake = fakeApi((command) => {
      if (command === 'contacts:importBegin') return ok({ importId: 'imp-1' });
      if (command === 'contacts:importChunk') return new Promise((resolve) => (release = () => { resolve(ok(null)); }));
      return ok(null);
    });
    const state = new ContactsState(fake.api);
    const started = state.import.start('a.vcf', new TextEncoder().encode('BEGIN:VCARD\nFN:A\nEND:VCARD\n'), 'en');
    await settle();
    expect(fake.calls('contacts:importBegin')).toEqual([{ format: 'vcard', size: 27 }]);
    await state.import.cancel();
    release?.();
    expect(await started).toBe(false);
    expect(fake.calls('contacts:importCancel')).toEqual([{ importId: 'imp-1' }]);
    expect(fake.calls('contacts:importPreview')).toHaveLength(0);
    expect(state.import.phase).toBe('idle');
  });

  it('refuses empty and oversized files before sending anything, and shows main’s errors', async () => {
    const fake = fakeApi((command) => (command === 'contacts:importBegin' ? { ok: false, error: { code: 'invalid-argument', message: 'x' } } : ok(null)));
    const state = new ContactsState(fake.api);
    expect(await state.import.start('e.csv', new Uint8Array(0), 'en')).toBe(false);
    expect(state.import.problem).toBe('empty');
    expect(await state.import.start('big.csv', new Uint8Array(MAX_IMPORT_BYTES + 1), 'en')).toBe(false);
    expect(state.import.problem).toBe('too-big');
    expect(fake.invoked.filter((i) => i.command !== 'contacts:importCancel')).toHaveLength(0);
    expect(await state.import.start('ok.csv', new TextEncoder().encode('Name\nA\n'), 'en')).toBe(false);
    expect(state.import.error?.code).toBe('invalid-argument');
  });
});

describe('the contacts list', () => {
  const contact = (id: number, name: string): Contact => ({ id, name, company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'work', number: `10${id}` }] });

  it('searches after a pause, pages by name and id, and saves what the editor holds', async () => {
    const all = Array.from({ length: 250 }, (_, i) => contact(i + 1, `Person ${String(i + 1).padStart(3, '0')}`));
    const fake = fakeApi((command, args) => {
      if (command === 'contacts:query') {
        const q = args as { text: string; after: { name: string; id: number } | null; limit: number };
        const after = q.after;
        const rest = all.filter((c) => c.name.includes(q.text) && (after === null || c.name > after.name));
        return ok({ contacts: rest.slice(0, q.limit), hasMore: rest.length > q.limit });
      }
      if (command === 'contacts:save') return ok({ ...(args as Contact), id: 999 });
      return ok(null);
    });
    const timers = manualTimers();
    const state = new ContactsState(fake.api, timers);
    state.open();
    await settle();
    expect(state.list).toHaveLength(200);
    await state.loadMore();
    expect(state.list).toHaveLength(250);
    expect(fake.calls('contacts:query')[1]?.after).toEqual({ name: 'Person 200', id: 200 });

    state.setText('Person 12');
    expect(fake.calls('contacts:query')).toHaveLength(2);
    timers.fire();
    await settle();
    expect(state.list.map((c) => c.id)).toEqual([120, 121, 122, 123, 124, 125, 126, 127, 128, 129]);

    state.edit(null);
    const draft = state.editing;
    if (!draft) throw new Error('no draft');
    draft.name = '  Grace Hopper ';
    draft.numbers = [{ label: 'work', number: ' 1002 ' }, { label: 'mobile', number: '  ' }];
    expect(await state.save(draft)).toBe(true);
    expect(fake.calls('contacts:save')[0]).toEqual({ id: null, name: 'Grace Hopper', company: '', email: '', crmId: '', notes: '', numbers: [{ label: 'work', number: '1002' }] });
    expect(state.editing).toBeNull();
    // The list is asked again, so the saved contact shows where the search puts it.
    expect(fake.calls('contacts:query')).toHaveLength(4);
  });

  it('appends pages without repeats and trims what it saves', () => {
    expect(appendContacts([contact(1, 'A'), contact(2, 'B')], [contact(2, 'B'), contact(3, 'C')]).map((c) => c.id)).toEqual([1, 2, 3]);
    expect(contactToSave({ ...contact(1, ' A '), email: ' a@b ' })).toMatchObject({ name: 'A', email: 'a@b' });
  });
});
