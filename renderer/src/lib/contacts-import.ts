// The pure parts of importing a contacts file: which format it is, decoding its bytes to text,
// and cutting the text into `contacts:importChunk` pieces of at most 128 KiB of UTF-8.
import type { ImportFormat } from '../../../preload/contract.ts';

/** The contract's limit for one chunk's text, in UTF-8 bytes. */
export const CHUNK_BYTES = 128 * 1024;
/** The contract's limit for a whole file (`contacts:importBegin` size). */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** By extension first (.vcf, .vcard, .csv), then by content (a vCard starts with BEGIN:VCARD). */
export function detectFormat(fileName: string, text: string): ImportFormat {
  const name = fileName.toLowerCase();
  if (name.endsWith('.vcf') || name.endsWith('.vcard')) return 'vcard';
  if (name.endsWith('.csv') || name.endsWith('.tsv') || name.endsWith('.txt')) return 'csv';
  return /^\uFEFF?\s*BEGIN:VCARD/i.test(text.slice(0, 1024)) ? 'vcard' : 'csv';
}

/**
 * A file's bytes as text. UTF-8 (with or without BOM) is what exports should be, but spreadsheet
 * programs still save CSV in the system's legacy code page: GB18030 on Chinese Windows,
 * Windows-1252 on Western ones. Invalid UTF-8 is read in the code page that fits the UI locale.
 */
export function decodeFile(bytes: Uint8Array, locale: string): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' };
  } catch {
    const encoding = locale.toLowerCase().startsWith('zh') ? 'gb18030' : 'windows-1252';
    return { text: new TextDecoder(encoding).decode(bytes), encoding };
  }
}

/**
 * The text's UTF-8 size, and the text cut into pieces of at most `maxBytes` of UTF-8, never inside a character: a cut backs
 * off over UTF-8 continuation bytes (10xxxxxx) to the start of the character, so surrogate pairs
 * and multi-byte characters stay whole. The UTF-8 bytes are measured with TextEncoder.
 */
export function utf8Chunks(text: string, maxBytes = CHUNK_BYTES): { size: number; chunks: string[] } {
  if (maxBytes < 4) throw new RangeError('a chunk must hold at least one character (4 bytes)');
  const bytes = new TextEncoder().encode(text);
  // ignoreBOM: a U+FEFF that happens to start a chunk is text, not a byte-order mark.
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  const chunks: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    if (end < bytes.length) {
      while (end > start && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
    }
    chunks.push(decoder.decode(bytes.subarray(start, end)));
    start = end;
  }
  return { size: bytes.length, chunks };
}
