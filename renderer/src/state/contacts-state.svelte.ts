// The contacts view's state: the searchable list (keyset paging by name), the contact being edited,
// and the import of a CSV or vCard file in its steps (send in chunks, preview, import, result).
import type { Contact, ErrorInfo, ImportFormat, ImportPreview, ImportResult } from '../../../preload/contract.ts';
import type { RendererApi } from '../lib/api.ts';
import { decodeFile, detectFormat, MAX_IMPORT_BYTES, utf8Chunks } from '../lib/contacts-import.ts';
import { appendContacts, contactToSave, emptyContact } from '../lib/contacts.ts';
import { downloadText, type DownloadPort } from '../lib/headsets.ts';

export const CONTACTS_PAGE_SIZE = 200;
const SEARCH_DEBOUNCE_MS = 120;

export interface ContactsOptions {
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export class ContactsState {
  text = $state('');
  list = $state.raw<Contact[]>([]);
  hasMore = $state(false);
  loading = $state(false);
  loaded = $state(false);
  error = $state<ErrorInfo | null>(null);
  selectedId = $state<number | null>(null);

  /** The contact in the editor (a copy), or null when the list shows. */
  editing = $state<Contact | null>(null);
  saving = $state(false);
  saveError = $state<ErrorInfo | null>(null);
  /** The last list action (delete, export) that failed. */
  actionError = $state<ErrorInfo | null>(null);
  exporting = $state(false);

  readonly import: ContactImport;
  readonly #api: RendererApi;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  #generation = 0;
  #searchTimer: unknown = null;

  constructor(api: RendererApi, options: ContactsOptions = {}) {
    this.#api = api;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer = options.clearTimer ?? ((h) => { clearTimeout(h as ReturnType<typeof setTimeout>); });
    this.import = new ContactImport(api, () => void this.reload());
  }

  /** The view opened: the first page loads (again, since contacts change by import or edit). */
  open(): void {
    void this.reload();
  }

  setText(text: string): void {
    this.text = text;
    if (this.#searchTimer !== null) this.#clearTimer(this.#searchTimer);
    this.#searchTimer = this.#setTimer(() => {
      this.#searchTimer = null;
      void this.reload();
    }, SEARCH_DEBOUNCE_MS);
  }

  async reload(): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    const result = await this.#api.invoke('contacts:query', { text: this.text.trim(), after: null, limit: CONTACTS_PAGE_SIZE });
    if (generation !== this.#generation) return;
    this.loading = false;
    this.loaded = true;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.error = null;
    this.list = result.value.contacts;
    this.hasMore = result.value.hasMore;
    if (this.selectedId !== null && !this.list.some((c) => c.id === this.selectedId)) this.selectedId = null;
  }

  async loadMore(): Promise<void> {
    const last = this.list[this.list.length - 1];
    if (this.loading || !this.hasMore || !last || last.id === null) return;
    const generation = this.#generation;
    this.loading = true;
    const result = await this.#api.invoke('contacts:query', { text: this.text.trim(), after: { name: last.name, id: last.id }, limit: CONTACTS_PAGE_SIZE });
    if (generation !== this.#generation) return;
    this.loading = false;
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    this.list = appendContacts(this.list, result.value.contacts);
    this.hasMore = result.value.hasMore && result.value.contacts.length > 0;
  }

  move(by: number): void {
    if (this.list.length === 0) return;
    const current = this.list.findIndex((c) => c.id === this.selectedId);
    const next = current === -1 ? (by > 0 ? 0 : this.list.length - 1) : Math.min(this.list.length - 1, Math.max(0, current + by));
    this.selectedId = this.list[next]?.id ?? null;
    if (this.list.length - next < 20) void this.loadMore();
  }

  get selected(): Contact | undefined {
    return this.list.find((c) => c.id === this.selectedId);
  }

  edit(contact: Contact | null): void {
    const source = contact ?? emptyContact();
    this.editing = { ...source, numbers: source.numbers.length > 0 ? source.numbers.map((n) => ({ ...n })) : [{ label: 'work', number: '' }] };
    this.saveError = null;
  }

  closeEditor(): void {
    this.editing = null;
    this.saveError = null;
  }

  async save(draft: Contact): Promise<boolean> {
    this.saving = true;
    this.saveError = null;
    try {
      const result = await this.#api.invoke('contacts:save', contactToSave(draft));
      if (!result.ok) {
        this.saveError = result.error;
        return false;
      }
      this.editing = null;
      this.selectedId = result.value.id;
      await this.reload();
      return true;
    } finally {
      this.saving = false;
    }
  }

  async delete(id: number): Promise<boolean> {
    this.actionError = null;
    const result = await this.#api.invoke('contacts:delete', { id });
    if (!result.ok) {
      this.actionError = result.error;
      return false;
    }
    if (this.editing?.id === id) this.editing = null;
    this.list = this.list.filter((c) => c.id !== id);
    if (this.selectedId === id) this.selectedId = null;
    return true;
  }

  /** Every contact as a CSV download. */
  async export(port: DownloadPort): Promise<boolean> {
    this.exporting = true;
    this.actionError = null;
    try {
      const result = await this.#api.invoke('contacts:export', undefined);
      if (!result.ok) {
        this.actionError = result.error;
        return false;
      }
      downloadText(port, result.value.fileName, result.value.csv, 'text/csv;charset=utf-8');
      return true;
    } catch {
      this.actionError = { code: 'internal', message: 'download failed' };
      return false;
    } finally {
      this.exporting = false;
    }
  }
}

export type ImportPhase = 'idle' | 'sending' | 'preview' | 'importing' | 'done';
/** Why a file could not be sent at all (catalog text under contacts.import.problems). */
export type ImportProblem = 'too-big' | 'empty';

export class ContactImport {
  phase = $state<ImportPhase>('idle');
  fileName = $state('');
  format = $state<ImportFormat>('csv');
  /** The encoding the file was read in (utf-8 unless it was not valid UTF-8). */
  encoding = $state('utf-8');
  /** Bytes of the file sent so far while phase is 'sending'. */
  sent = $state(0);
  size = $state(0);
  preview = $state.raw<ImportPreview | null>(null);
  progress = $state<{ done: number; total: number }>({ done: 0, total: 0 });
  result = $state.raw<ImportResult | null>(null);
  error = $state<ErrorInfo | null>(null);
  problem = $state<ImportProblem | null>(null);

  readonly #api: RendererApi;
  readonly #imported: () => void;
  #importId: string | null = null;
  /** Bumped by cancel and by a new file, so an abandoned run stops at its next step. */
  #run = 0;

  constructor(api: RendererApi, imported: () => void) {
    this.#api = api;
    this.#imported = imported;
  }

  get importId(): string | null {
    return this.#importId;
  }

  /** Reads the file's bytes, sends its text in chunks and asks for the preview. */
  async start(fileName: string, bytes: Uint8Array, locale: string): Promise<boolean> {
    await this.cancel();
    const run = ++this.#run;
    this.fileName = fileName;
    this.error = null;
    this.problem = null;
    this.preview = null;
    this.result = null;
    this.progress = { done: 0, total: 0 };
    if (bytes.length > MAX_IMPORT_BYTES) return this.#stop('too-big');
    const { text, encoding } = decodeFile(bytes, locale);
    if (text.trim() === '') return this.#stop('empty');
    const { size, chunks } = utf8Chunks(text);
    if (size > MAX_IMPORT_BYTES) return this.#stop('too-big');
    this.encoding = encoding;
    this.format = detectFormat(fileName, text);
    this.size = size;
    this.sent = 0;
    this.phase = 'sending';

    const begun = await this.#api.invoke('contacts:importBegin', { format: this.format, size });
    if (run !== this.#run) return false;
    if (!begun.ok) return this.#fail(begun.error);
    const importId = begun.value.importId;
    this.#importId = importId;
    const encoder = new TextEncoder();
    for (const chunk of chunks) {
      const sent = await this.#api.invoke('contacts:importChunk', { importId, text: chunk });
      if (run !== this.#run) return false;
      if (!sent.ok) return this.#fail(sent.error);
      this.sent += encoder.encode(chunk).length;
    }
    const preview = await this.#api.invoke('contacts:importPreview', { importId });
    if (run !== this.#run) return false;
    if (!preview.ok) return this.#fail(preview.error);
    this.preview = preview.value;
    this.progress = { done: 0, total: preview.value.total };
    this.phase = 'preview';
    return true;
  }

  /** Writes the previewed contacts; progress arrives as events. */
  async go(): Promise<boolean> {
    const importId = this.#importId;
    if (this.phase !== 'preview' || importId === null) return false;
    const run = this.#run;
    this.phase = 'importing';
    const result = await this.#api.invoke('contacts:import', { importId });
    if (run !== this.#run) return false;
    this.#importId = null;
    if (!result.ok) return this.#fail(result.error);
    this.result = result.value;
    this.progress = { done: this.progress.total, total: this.progress.total };
    this.phase = 'done';
    this.#imported();
    return true;
  }

  onProgress(event: { importId: string; done: number; total: number }): void {
    if (event.importId !== this.#importId || this.phase !== 'importing') return;
    this.progress = { done: event.done, total: event.total };
  }

  /** Drops the import at any step (main forgets the file). */
  async cancel(): Promise<void> {
    this.#run++;
    const importId = this.#importId;
    this.#importId = null;
    this.phase = 'idle';
    this.preview = null;
    if (importId !== null) await this.#api.invoke('contacts:importCancel', { importId });
  }

  /** Back to the list after the result was read. */
  dismiss(): void {
    this.phase = 'idle';
    this.result = null;
    this.preview = null;
    this.error = null;
    this.problem = null;
  }

  #stop(problem: ImportProblem): false {
    this.problem = problem;
    this.phase = 'idle';
    return false;
  }

  #fail(error: ErrorInfo): false {
    const importId = this.#importId;
    this.#importId = null;
    this.error = error;
    this.phase = 'idle';
    if (importId !== null) void this.#api.invoke('contacts:importCancel', { importId });
    return false;
  }
}
