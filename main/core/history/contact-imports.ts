// Contact imports in flight: a file arrives in chunks (a message is at most 256 KiB), is parsed
// once for the preview, and written on `contacts:import`. Each import is bounded in size and in
// time; an abandoned one is dropped after a while so its text does not stay in memory.
import type { Contact, ImportFormat, ImportPreview, ImportResult, ImportRowError } from '../../../preload/contract.ts';
import { AppError } from '../errors.ts';
import type { Clock } from '../ports.ts';

/** What a parser makes of a file: drafts with their row, per-row errors, the column mapping. */
export interface ParsedImport {
  drafts: { row: number; contact: Omit<Contact, 'id'> }[];
  errors: ImportRowError[];
  columns: { header: string; field: string }[];
  total: number;
  /** Drafts without any phone number. */
  withoutNumber: number;
  /** The file as a whole cannot be imported (no columns we can map, no card at all). */
  problem: string | null;
}

export type ImportParser = (format: ImportFormat, text: string) => ParsedImport;

export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;
const ABANDONED_MS = 30 * 60_000;
const MAX_LISTED_ERRORS = 1000;

interface PendingImport {
  format: ImportFormat;
  size: number;
  received: number;
  chunks: string[];
  parsed: ParsedImport | null;
  timer: unknown;
  running: boolean;
}

export class ContactImports {
  private readonly pending = new Map<string, PendingImport>();
  private next = 1;

  constructor(
    private readonly clock: Clock,
    private readonly parse: ImportParser,
    private readonly random: () => number,
  ) {}

  begin(format: ImportFormat, size: number): string {
    if (size > MAX_IMPORT_BYTES) throw new AppError('import-too-large', `an import of ${size} bytes is over the limit`);
    const id = `imp-${this.next++}-${Math.floor(this.random() * 1e9).toString(36)}`;
    const entry: PendingImport = { format, size, received: 0, chunks: [], parsed: null, timer: null, running: false };
    entry.timer = this.clock.setTimeout(() => {
      this.pending.delete(id);
    }, ABANDONED_MS);
    this.pending.set(id, entry);
    return id;
  }

  chunk(id: string, text: string): void {
    const entry = this.get(id);
    if (entry.parsed) throw new AppError('no-such-import', `import ${id} is already read`);
    const bytes = Buffer.byteLength(text, 'utf8');
    if (entry.received + bytes > entry.size) {
      this.cancel(id);
      throw new AppError('import-too-large', `import ${id} sent more than the ${entry.size} bytes it announced`);
    }
    entry.received += bytes;
    entry.chunks.push(text);
  }

  preview(id: string): ImportPreview {
    const parsed = this.parsed(id);
    return {
      importId: id,
      total: parsed.total,
      sample: parsed.drafts.slice(0, 20).map((d) => ({ ...d.contact, id: null })),
      columns: parsed.columns.slice(0, 200).map((c) => ({ header: c.header.slice(0, 200), field: c.field })),
      errors: parsed.errors.slice(0, MAX_LISTED_ERRORS),
      moreErrors: Math.max(0, parsed.errors.length - MAX_LISTED_ERRORS),
      withoutNumber: parsed.withoutNumber,
    };
  }

  /** Takes the import out of the pending set and gives its drafts to `write`. */
  async run(id: string, write: (drafts: ParsedImport['drafts']) => Promise<number>): Promise<ImportResult> {
    const parsed = this.parsed(id);
    const entry = this.get(id);
    if (entry.running) throw new AppError('no-such-import', `import ${id} is already running`);
    entry.running = true;
    try {
      const imported = await write(parsed.drafts);
      return {
        imported,
        skipped: parsed.total - imported,
        errors: parsed.errors.slice(0, MAX_LISTED_ERRORS),
        moreErrors: Math.max(0, parsed.errors.length - MAX_LISTED_ERRORS),
      };
    } finally {
      this.cancel(id);
    }
  }

  cancel(id: string): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.clock.clearTimeout(entry.timer);
    this.pending.delete(id);
  }

  dispose(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }

  private get(id: string): PendingImport {
    const entry = this.pending.get(id);
    if (!entry) throw new AppError('no-such-import', `no import ${id}`);
    return entry;
  }

  private parsed(id: string): ParsedImport {
    const entry = this.get(id);
    if (!entry.parsed) {
      const text = entry.chunks.join('');
      entry.chunks = [];
      entry.parsed = this.parse(entry.format, text);
    }
    if (entry.parsed.problem !== null) throw new AppError('import-unreadable', `import ${id}: ${entry.parsed.problem}`);
    return entry.parsed;
  }
}
